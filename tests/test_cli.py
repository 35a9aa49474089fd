"""The command line: -T, --dump-config round trip, errors that say what to fix.
Usage: test_cli.py SCANWATCH
"""
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from swtest import check, finish  # noqa: E402

binary = sys.argv[1]


def sw(*args):
    return subprocess.run([binary] + list(args), capture_output=True, text=True, timeout=60)


p = sw("--help")
check("help_exits_0", p.returncode == 0 and "-r, --read" in p.stdout, p.stderr)
p = sw("--version")
check("version_prints", p.returncode == 0 and p.stdout.startswith("scanwatch "), p.stdout)
p = sw("--no-such-option")
check("unknown_option_exits_2", p.returncode == 2, p.returncode)
p = sw()
check("nothing_to_read_says_what_to_give", p.returncode == 2 and "-r FILE.pcap" in p.stderr, p.stderr)
p = sw("-r", "/nonexistent.pcap")
check("missing_pcap_is_an_error", p.returncode == 2 and "/nonexistent.pcap" in p.stderr, p.stderr)

with tempfile.TemporaryDirectory() as d:
    conf = os.path.join(d, "sw.yaml")
    with open(conf, "w") as f:
        f.write("host: sensor-a\ncapture:\n  workers: 2\n  wrkers: 3\n")
    p = sw("-c", conf, "-T")
    check("unknown_key_names_line_and_key", p.returncode == 2 and "line 4" in p.stderr and
          "capture.wrkers" in p.stderr and "capture.workers" in p.stderr, p.stderr)
    with open(conf, "w") as f:
        f.write("sketch:\n  width: 1000\n")
    p = sw("-c", conf, "-T")
    check("bad_value_names_line_and_form", p.returncode == 2 and "line 2" in p.stderr and
          "sketch.width" in p.stderr and "power of two" in p.stderr, p.stderr)
    p = sw("--set", "capture.workers=abc", "-T")
    check("bad_set_names_key", p.returncode == 2 and "capture.workers" in p.stderr, p.stderr)
    p = sw("--set", "windows.fast.ports=12", "--set", "host=a \"quoted\" #name", "--dump-config")
    check("dump_config_exits_0", p.returncode == 0, p.stderr)
    with open(conf, "w") as f:
        f.write(p.stdout)
    q = sw("-c", conf, "--dump-config")
    check("dump_config_reads_back_unchanged", q.returncode == 0 and q.stdout == p.stdout,
          q.stderr)
    check("dump_config_kept_override", "ports: 12" in p.stdout)
    p = sw("-c", conf, "-T")
    check("dumped_config_checks_ok", p.returncode == 0, p.stderr)
    with open(conf, "w") as f:
        f.write("allowlist:\n  entries: [\"10.0.0.0/33\"]\n")
    p = sw("-c", conf, "-T")
    check("bad_allowlist_entry_named", p.returncode == 2 and "10.0.0.0/33" in p.stderr, p.stderr)

    # outputs: a bad entry names the file, the line, the entry and the fix
    with open(conf, "w") as f:
        f.write("outputs:\n"
                "  - type: file\n"
                "    path: eve.json\n"
                "  - type: syslog\n"
                "    transport: udp\n"
                "    port: 6514\n")
    p = sw("-c", conf, "-T")
    check("outputs_missing_key_names_line_and_fix",
          p.returncode == 2 and conf + " line 4" in p.stderr and
          "outputs[1] (syslog): server is required" in p.stderr and
          "add 'server: ...'" in p.stderr, p.stderr)
    with open(conf, "w") as f:
        f.write("output:\n  dir: /tmp\noutputs:\n  - type: file\n    path: a.json\n"
                "    topic: alerts\n")
    p = sw("-c", conf, "-T")
    check("outputs_foreign_key_names_line_and_fix",
          p.returncode == 2 and "line 6" in p.stderr and
          "outputs[0] (file): topic applies only to kafka outputs; remove it" in p.stderr,
          p.stderr)
    with open(conf, "w") as f:
        f.write("outputs:\n  - type: kafka\n    brokers: k:9092\n    topik: a\n")
    p = sw("-c", conf, "-T")
    check("outputs_typo_suggested", p.returncode == 2 and "line 4" in p.stderr and
          "did you mean 'topic'" in p.stderr, p.stderr)
    p = sw("--set", "outputs.0.type=syslog", "-T")
    check("outputs_set_incomplete_entry_refused",
          p.returncode == 2 and "outputs[0] (syslog): server is required" in p.stderr, p.stderr)

    # --dump-config round trip with outputs from a file and from --set
    with open(conf, "w") as f:
        f.write("stats:\n  prometheus: {listen: \"[::1]:9100\"}\n"
                "output: {flush-timeout: 1500}\n"
                "outputs:\n"
                "  - {type: file, path: \"-\", rotate-size: 10, events: [alert]}\n"
                "  - type: kafka\n"
                "    name: bus\n"
                "    brokers: \"k1:9092,k2:9092\"\n"
                "    topic: scanwatch-alerts\n"
                "    kafka-properties: [\"compression.codec=lz4\", \"acks=all\"]\n")
    p = sw("-c", conf, "--set", "outputs.2.type=syslog", "--set", "outputs.2.server=::1",
           "--set", "outputs[2].facility=local0", "--set", "outputs.0.format=cef",
           "--dump-config")
    check("outputs_dump_exits_0", p.returncode == 0, p.stderr)
    check("outputs_dump_shows_entries",
          "  - type: file" in p.stdout and "    name: file0" in p.stdout and
          "    name: bus" in p.stdout and "    name: syslog2" in p.stdout and
          "    facility: local0" in p.stdout and "    format: cef" in p.stdout and
          "flush-timeout: 1500" in p.stdout and "listen: \"[::1]:9100\"" in p.stdout and
          "    topic:" not in p.stdout.split("  - type: kafka")[0], p.stdout)
    dumped = os.path.join(d, "dumped.yaml")
    with open(dumped, "w") as f:
        f.write(p.stdout)
    q = sw("-c", dumped, "--dump-config")
    check("outputs_dump_reads_back_unchanged", q.returncode == 0 and q.stdout == p.stdout,
          q.stderr)
    q = sw("-c", dumped, "-T")
    check("outputs_dumped_config_checks_ok", q.returncode == 0, q.stderr)
    q = sw("-c", dumped, "--set", "outputs=[]", "--dump-config")
    check("outputs_set_empty_clears", q.returncode == 0 and "outputs: []" in q.stdout and
          "type: kafka" not in q.stdout, q.stderr)

# Every YAML example in the README is a configuration scanwatch accepts:
# documentation that does not load is worse than none.
readme = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "README.md")
examples = re.findall(r"```yaml\n(.*?)```", open(readme).read(), re.S)
checked = 0
with tempfile.TemporaryDirectory() as d:
    for i, text in enumerate(examples):
        if "scrape_configs" in text or "- module:" in text:
            continue  # Prometheus's and Filebeat's configs, not ours
        conf = os.path.join(d, "ex%d.yaml" % i)
        with open(conf, "w") as f:
            f.write(text)
        p = sw("-c", conf, "--set", "output.dir=" + d, "-T")
        check("readme_yaml_example_%d_loads" % i, p.returncode == 0, p.stderr + text)
        checked += 1
check("readme_has_yaml_examples", checked >= 5, checked)

# Two live sensors on one host (two taps) get their own DPDK file prefix
# without being told: both run, both stop cleanly and flush their stats.
with tempfile.TemporaryDirectory() as d:
    procs = []
    for i in range(2):
        out = os.path.join(d, "s%d" % i)
        procs.append((out, subprocess.Popen(
            ["timeout", "-s", "INT", "15", binary, "-i", "net_null%d" % i, "-l", out,
             "--", "--no-huge", "-m", "256"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)))
    for i, (out, p) in enumerate(procs):
        _, err = p.communicate(timeout=60)
        eve = os.path.join(out, "eve.json")
        stats = [json.loads(x) for x in open(eve)] if os.path.exists(eve) else []
        check("two_live_instances_%d_own_prefix" % i,
              "DPDK file prefix scanwatch-net_null%d" % i in err, err[-600:])
        check("two_live_instances_%d_ran" % i, any(
            e.get("event_type") == "stats" and e["stats"]["capture"]["packets"] > 0
            for e in stats), err[-600:])
finish()
