"""Helpers shared by the Python tests: run scanwatch, read its EVE output."""
import json
import os
import subprocess
import sys
import tempfile

failures = 0


def check(name, cond, detail=""):
    """Print one named check; remember failures for finish()."""
    global failures
    print(("ok   " if cond else "FAIL ") + name + ("" if cond else ": " + str(detail)), flush=True)
    if not cond:
        failures += 1
    return cond


def finish():
    print("%s" % ("all checks passed" if failures == 0 else "%d checks failed" % failures))
    sys.exit(1 if failures else 0)


def run(binary, pcap, *extra, timeout=300):
    """Run scanwatch -r pcap; return (alerts, stats, raw lines, stderr)."""
    with tempfile.TemporaryDirectory(prefix="swtest-") as d:
        p = subprocess.run([binary, "-r", pcap, "-l", d] + list(extra),
                           capture_output=True, text=True, timeout=timeout)
        if p.returncode != 0:
            raise RuntimeError("scanwatch -r %s exited %d: %s" % (pcap, p.returncode, p.stderr))
        path = os.path.join(d, "eve.json")
        lines = open(path).read().splitlines() if os.path.exists(path) else []
    alerts, stats = [], None
    for line in lines:
        e = json.loads(line)
        if e["event_type"] == "alert":
            alerts.append(e)
        elif e["event_type"] == "stats":
            stats = e["stats"]
    return alerts, stats, lines, p.stderr


def load_counts(data):
    counts = {}
    for line in open(os.path.join(data, "counts.txt")):
        line = line.split("#")[0].strip()
        if line:
            case, n = line.split()
            counts[case] = int(n)
    return counts


def load_labels(data):
    return json.load(open(os.path.join(data, "labels.json")))["cases"]
