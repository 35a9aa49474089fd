"""`scanwatch top` under tmux against a live scanwatch on a veth.

The console starts before the sensor and says it is waiting; once the
sensor runs (net_af_packet on a veth between two namespaces, a ping stream
and a real nmap SYN scan across it) the screen shows its pid, packets/s on
the worker and the port, the output up, the scanner in the top list with
kind, tool, targets and ports as the alert says, and the alert count of
eve.json; when the sensor stops it says "waiting for sensor", when it
starts again it shows the new pid; `q` ends it.

Usage: test_top.py SCANWATCH   (root: namespaces, DPDK runtime dir; tmux, nmap)
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from swtest import check, finish  # noqa: E402

binary = os.path.abspath(sys.argv[1])
for tool in ("tmux", "nmap", "ip"):
    if shutil.which(tool) is None:
        print("SKIP: %s is not installed" % tool)
        sys.exit(77)
if os.getuid() != 0:
    print("SKIP: needs root (network namespaces, DPDK runtime dir)")
    sys.exit(77)

pid = os.getpid()
S, T, VS, VT = "swtop-s%d" % pid, "swtop-t%d" % pid, "vs%d" % pid, "vt%d" % pid
prefix = "swtop%d" % pid
session = "swtop%d" % pid
tmp = tempfile.mkdtemp(prefix="swtop-")
procs = []


def sh(*cmd, check_rc=True):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=check_rc)


def pane():
    p = subprocess.run(["tmux", "capture-pane", "-p", "-t", session], capture_output=True,
                       text=True, timeout=10)
    return p.stdout


def wait_pane(pred, timeout):
    """The pane's text once pred(text) holds, or the last text seen."""
    end = time.time() + timeout
    text = ""
    while time.time() < end:
        text = pane()
        if pred(text):
            return text
        time.sleep(0.3)
    return text


def start_sensor():
    errf = open(os.path.join(tmp, "stderr"), "a")
    p = subprocess.Popen(["ip", "netns", "exec", T, binary, "-i", "net_af_packet0,iface=" + VT,
                          "-l", tmp, "--set", "stats.interval=1", "--", "--no-huge", "-m",
                          "512", "--file-prefix=" + prefix],
                         stdout=subprocess.DEVNULL, stderr=errf)
    procs.append(p)
    return p


def scan_alerts():
    n, last = 0, None
    path = os.path.join(tmp, "eve.json")
    for line in open(path) if os.path.exists(path) else []:
        e = json.loads(line)
        sc = e.get("alert", {}).get("metadata", {}).get("scan")
        if e["event_type"] == "alert" and sc is not None:
            n += sc["update"] == 0
            if e["src_ip"] == "10.66.51.1":
                last = sc
    return n, last


def row(text, head, key):
    """The cells of the line after section head that starts with key."""
    lines = text.splitlines()
    for i, ln in enumerate(lines):
        if ln.startswith(head):
            for x in lines[i + 1:]:
                cells = x.split()
                if cells and cells[0] == key:
                    return cells
    return None


def rate_value(cell):
    m = re.fullmatch(r"([0-9.]+)([kMG]?)", cell or "")
    return float(m.group(1)) * {"": 1, "k": 1e3, "M": 1e6, "G": 1e9}[m.group(2)] if m else -1


try:
    sh("ip", "netns", "add", S)
    sh("ip", "netns", "add", T)
    sh("ip", "link", "add", VS, "type", "veth", "peer", "name", VT)
    sh("ip", "link", "set", VS, "netns", S)
    sh("ip", "link", "set", VT, "netns", T)
    sh("ip", "-n", S, "addr", "add", "10.66.51.1/24", "dev", VS)
    sh("ip", "-n", T, "addr", "add", "10.66.51.2/24", "dev", VT)
    for ns, dev in ((S, VS), (T, VT)):
        sh("ip", "-n", ns, "link", "set", "lo", "up")
        sh("ip", "-n", ns, "link", "set", dev, "up")

    # the console first: no sensor yet
    sh("tmux", "new-session", "-d", "-s", session, "-x", "150", "-y", "45",
       binary + " top --file-prefix " + prefix)
    text = wait_pane(lambda t: "waiting for sensor" in t, 10)
    check("waits_for_sensor_not_started", "waiting for sensor " + prefix in text, text)

    sensor = start_sensor()
    text = wait_pane(lambda t: row(t, "OUTPUTS", "eve") is not None, 20)
    # ip netns exec execs scanwatch: the same pid
    check("connects_when_sensor_starts", "WORKERS" in text and "sensor " + prefix in text,
          text + open(os.path.join(tmp, "stderr")).read()[-1500:])
    check("shows_output_health", row(text, "OUTPUTS", "eve") is not None and
          row(text, "OUTPUTS", "eve")[1:3] == ["file", "up"], text)

    # a steady benign stream: 50 UDP datagrams/s to a listening socket
    procs.append(subprocess.Popen(
        ["ip", "netns", "exec", T, "/usr/bin/python3", "-c",
         "import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); "
         "s.bind(('10.66.51.2', 5555))\nwhile True: s.recv(2048)"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    procs.append(subprocess.Popen(
        ["ip", "netns", "exec", S, "/usr/bin/python3", "-c",
         "import socket, time; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
         "while True: s.sendto(b'x' * 64, ('10.66.51.2', 5555)); time.sleep(0.02)"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    text = wait_pane(lambda t: rate_value((row(t, "WORKERS", "0") or [""] * 4)[3]) >= 10, 15)
    w = row(text, "WORKERS", "0")
    check("worker_packets_per_second", w is not None and rate_value(w[3]) >= 10, text)
    p = row(text, "PORTS", "0")
    check("port_packets_per_second", p is not None and p[1] == "net_af_packet0" and
          rate_value(p[2]) >= 10, text)

    sh("ip", "netns", "exec", S, "nmap", "-n", "-Pn", "-sS", "-p", "1-300",
       "--max-retries", "0", "-T4", "10.66.51.2")
    text = wait_pane(lambda t: "10.66.51.1" in t.split("TOP SCANNERS")[-1], 20)
    n, sc = scan_alerts()
    cells = None
    for ln in text.split("TOP SCANNERS")[-1].splitlines():
        if ln.split()[:1] == ["10.66.51.1"] and "TCP" in ln.split():
            cells = ln.split()
    check("scanner_in_top_list", cells is not None and sc is not None and
          cells[1:5] == [sc["kind"], "TCP", sc["technique"], sc["tool"]], (cells, sc))
    check("scanner_counts_as_alert_says", cells is not None and sc is not None and
          cells[6:9] == [str(sc["unique_targets"]), str(sc["unique_ports"]),
                         str(sc["probes"])], (cells, sc))
    m = re.search(r"since start: (\d+) alerts", text)
    check("alert_count_matches_eve", m is not None and int(m.group(1)) == n >= 1, (m, n))
    m = re.search(r"alerts ([0-9.]+)/min", text)
    check("alerts_per_minute_counts_it", m is not None and float(m.group(1)) > 0, text[:400])
    check("alerts_by_kind", "%s/TCP" % (sc or {}).get("kind", "?") in text, text[:500])

    # the sensor stops, then comes back
    sensor.send_signal(signal.SIGINT)
    sensor.wait(timeout=60)
    text = wait_pane(lambda t: "waiting for sensor" in t, 15)
    check("sensor_stop_says_waiting", "waiting for sensor " + prefix in text, text)
    time.sleep(1.5)
    check("still_running_while_waiting",
          subprocess.run(["tmux", "has-session", "-t", session]).returncode == 0)
    sensor = start_sensor()
    text = wait_pane(lambda t: "pid %d" % sensor.pid in t and
                     row(t, "OUTPUTS", "eve") is not None, 25)
    check("reconnects_after_restart", "pid %d" % sensor.pid in text and "WORKERS" in text,
          text)
    check("new_sensor_counts_from_zero", re.search(r"since start: 0 alerts", text) is not None,
          text[:400])

    subprocess.run(["tmux", "send-keys", "-t", session, "q"], timeout=10)
    end = time.time() + 5
    while time.time() < end and \
            subprocess.run(["tmux", "has-session", "-t", session],
                           stderr=subprocess.DEVNULL).returncode == 0:
        time.sleep(0.2)
    check("q_quits", subprocess.run(["tmux", "has-session", "-t", session],
                                    stderr=subprocess.DEVNULL).returncode != 0)
finally:
    subprocess.run(["tmux", "kill-session", "-t", session], stderr=subprocess.DEVNULL)
    for p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGINT)
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
    for ns in (S, T):
        subprocess.run(["ip", "netns", "del", ns], stderr=subprocess.DEVNULL)
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.rmtree("/var/run/dpdk/" + prefix, ignore_errors=True)
finish()
