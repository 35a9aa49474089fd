"""scanwatch as a systemd service.

- sd_notify: run live (net_null) with NOTIFY_SOCKET on a datagram socket of
  our own, as systemd would: READY=1 once the worker polls, WATCHDOG=1 at
  half of WATCHDOG_USEC, STATUS= with packets/s, STOPPING=1 at SIGTERM.
- the unit files pass `systemd-analyze verify` (ExecStart pointed at this
  build, since nothing is installed here);
- the sample /etc/scanwatch/scanwatch.yaml loads (`-T`);
- scripts/preflight.sh runs and reports every item, and fails on a port
  that does not exist.
Usage: test_service.py SCANWATCH SOURCE_ROOT
"""
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from swtest import check, finish  # noqa: E402

binary, root = os.path.abspath(sys.argv[1]), sys.argv[2]

with tempfile.TemporaryDirectory() as d:
    path = os.path.join(d, "notify")
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(path)
    s.settimeout(0.5)
    env = dict(os.environ, NOTIFY_SOCKET=path, WATCHDOG_USEC="1000000")
    p = subprocess.Popen([binary, "-i", "net_null0", "-l", os.path.join(d, "out"), "--",
                          "--no-huge", "-m", "256", "--file-prefix=swsvc%d" % os.getpid()],
                         env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    msgs, t0, ready_at = [], time.time(), None
    while time.time() - t0 < 60:
        try:
            m = s.recv(4096).decode()
        except socket.timeout:
            if p.poll() is not None:
                break
            continue
        msgs.append((time.time(), m))
        if ready_at is None and "READY=1" in m:
            ready_at = time.time()
        # three seconds after READY: watchdog and status have had their turn
        if ready_at is not None and time.time() - ready_at > 3:
            break
    p.send_signal(signal.SIGTERM)
    try:
        _, err = p.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        p.kill()
        _, err = p.communicate()
    while True:
        try:
            msgs.append((time.time(), s.recv(4096).decode()))
        except (socket.timeout, OSError):
            break
    s.close()
    text = [m for _, m in msgs]
    check("sd_ready", any("READY=1" in m for m in text), text[:5])
    check("sd_watchdog_fed", sum("WATCHDOG=1" in m for m in text) >= 3, text)
    status = [m for m in text if m.startswith("STATUS=") and "packets/s" in m]
    check("sd_status_packets", status and any(not m.startswith("STATUS=0 ") for m in status),
          status[:3])
    check("sd_stopping", any("STOPPING=1" in m for m in text), text[-3:])
    check("service_exits_0_on_sigterm", p.returncode == 0, (p.returncode, err[-500:]))

    # the units, as systemd reads them
    sa = shutil.which("systemd-analyze")
    if sa is None:
        print("SKIP: systemd-analyze is not installed: unit files not verified")
    else:
        for unit in ("scanwatch.service", "scanwatch@.service"):
            text = open(os.path.join(root, "scripts", "systemd", unit)).read()
            text = text.replace("/usr/bin/scanwatch", binary)
            name = unit.replace("@", "@test") if "@" in unit else unit
            with open(os.path.join(d, name), "w") as f:
                f.write(text)
            q = subprocess.run([sa, "verify", os.path.join(d, name)], capture_output=True,
                               text=True, timeout=120)
            # verify also complains about the host's other units; only ours count
            ours = [x for x in (q.stdout + q.stderr).splitlines() if name in x]
            check("unit_%s_verifies" % unit, q.returncode == 0 and not ours, ours or q.stderr)
            check("unit_%s_is_notify_with_watchdog" % unit,
                  "Type=notify" in text and "WatchdogSec=" in text, unit)

    q = subprocess.run([binary, "-c", os.path.join(root, "scripts", "scanwatch.yaml"), "-T"],
                       capture_output=True, text=True, timeout=120)
    check("sample_config_loads", q.returncode == 0 and "configuration OK" in q.stderr, q.stderr)
    cdir = os.path.join(root, "scripts", "configs")
    for name in sorted(os.listdir(cdir)):
        q = subprocess.run([binary, "-c", os.path.join(cdir, name), "-T"], capture_output=True,
                           text=True, timeout=120)
        check("nic_config_%s_loads" % name, q.returncode == 0, q.stderr)

    pf = os.path.join(root, "scripts", "preflight.sh")
    q = subprocess.run([pf], capture_output=True, text=True, timeout=60)
    for item in ("hugepages", "iommu", "isolated cores", "cpu governor"):
        check("preflight_reports_%s" % item.replace(" ", "_"), item in q.stdout, q.stdout)
    check("preflight_says_a_verdict", "preflight:" in q.stdout.splitlines()[-1], q.stdout)
    q = subprocess.run([pf, "0000:ff:1f.7"], capture_output=True, text=True, timeout=60)
    check("preflight_fails_on_a_missing_port", q.returncode == 1 and "no such PCI device" in q.stdout,
          q.stdout)
finish()
