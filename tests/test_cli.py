"""The command line: -T, --dump-config round trip, errors that say what to fix.
Usage: test_cli.py SCANWATCH
"""
import os
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
finish()
