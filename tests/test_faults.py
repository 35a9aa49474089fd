"""Faults, live: scanwatch on a veth (DPDK net_af_packet) between two
network namespaces, with one fault per case (issue 13 item 6, and item 7's
check of privileges):

  enospc     the file output's disk fills (a small tmpfs), then space
             returns: counted (the sink is down, its records wait), nothing
             lost or torn once it is back, a second file output on another
             disk unaffected throughout
  ctl_stall  the control thread alone is stopped (ptrace, from outside: no
             hook in the sensor): the workers' rings fill, the events that do
             not fit are counted as ring drops, the workers keep receiving
             (their counters grow during the stall, read through the
             Prometheus endpoint, which does not go through the control
             thread), and after the stall every counter adds up
  sigterm    SIGTERM while scanners and a replayed load run: exit 0, every
             alert decided is written, the last line is the final stats
  storm      SIGHUP and SIGUSR2 storms under load while the file is rotated
             away between signals: no crash, no line lost or torn across the
             files, rule reloads counted
  port_down  the captured interface goes down, comes back, is deleted:
             each change said on stderr and counted (link_down, ports_down),
             packets flow again after it comes back, exit 0 after deletion
  privileges the running sensor: no capability in any thread (CapEff,
             CapPrm, CapBnd 0, NoNewPrivs 1), with process.user every thread
             runs as that user; the telemetry socket's directory is not
             open to others; Prometheus off unless asked, loopback in the
             sample configuration

Usage: test_faults.py CASE SCANWATCH DATA_DIR SOURCE_ROOT   (root)
"""
import ctypes
import glob
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from swtest import check, finish  # noqa: E402

case, binary, data, root = sys.argv[1], os.path.abspath(sys.argv[2]), sys.argv[3], sys.argv[4]
ID = "%s%d" % (case[:4], os.getpid())
S, T = "swf-s" + ID, "swf-t" + ID
VS, VT = ("fs" + ID)[:15], ("ft" + ID)[:15]
PREFIX = "swfault" + ID
TARGET, BENIGN = "10.78.0.2", "10.78.0.9"


def skip(why):
    print("SKIP %s: %s" % (case, why))
    sys.exit(77)


def sh(*cmd, check_rc=True, **kw):
    p = subprocess.run(list(cmd), capture_output=True, text=True, **kw)
    if check_rc and p.returncode != 0:
        raise RuntimeError("%s: %s" % (" ".join(cmd), p.stderr.strip()))
    return p


def ns(name, *cmd, **kw):
    return sh("ip", "netns", "exec", name, *cmd, **kw)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


if os.geteuid() != 0:
    skip("needs root (namespaces, DPDK)")
for tool in ("ip", "nmap", "tcpreplay", "curl"):
    if shutil.which(tool) is None:
        skip("%s missing (scripts/deps.sh test)" % tool)


class Net:
    """Two namespaces joined by a veth: scanners and clients in S, the
    target and scanwatch in T."""

    def __enter__(self):
        sh("ip", "netns", "add", S)
        sh("ip", "netns", "add", T)
        sh("ip", "link", "add", VS, "type", "veth", "peer", "name", VT)
        sh("ip", "link", "set", VS, "netns", S)
        sh("ip", "link", "set", VT, "netns", T)
        sh("ip", "-n", S, "addr", "add", BENIGN + "/16", "dev", VS)
        sh("ip", "-n", T, "addr", "add", TARGET + "/16", "dev", VT)
        for n, i in ((S, VS), (T, VT)):
            sh("ip", "-n", n, "link", "set", "lo", "up")
            sh("ip", "-n", n, "link", "set", i, "up")
            ns(n, "ethtool", "-K", i, "tso", "off", "gso", "off", "gro", "off", check_rc=False)
        self.bg = []
        return self

    def background(self, *cmd):
        p = subprocess.Popen(list(cmd), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.bg.append(p)
        return p

    def load(self, pps):
        """A benign capture replayed in a loop at pps frames/s."""
        return self.background("ip", "netns", "exec", S, "tcpreplay", "-q", "-i", VS,
                               "--pps=%d" % pps, "--loop=0",
                               os.path.join(data, "benign_http.pcap"))

    def nmap(self, src, ports="1-300", timeout=60):
        sh("ip", "-n", S, "addr", "add", src + "/16", "dev", VS, check_rc=False)
        return ns(S, "timeout", str(timeout), "nmap", "-n", "-Pn", "-sS", "-S", src, "-e", VS,
                  "-p", ports, "--max-retries", "0", "-T4", TARGET, check_rc=False)

    def __exit__(self, *exc):
        for p in self.bg:
            p.kill()
            p.wait()
        sh("ip", "netns", "del", S, check_rc=False)
        sh("ip", "netns", "del", T, check_rc=False)
        shutil.rmtree("/var/run/dpdk/" + PREFIX, ignore_errors=True)


class Sensor:
    """scanwatch -i net_af_packet on the target's interface."""

    def __init__(self, outdir, *sets, workers=1, eal=()):
        self.out = outdir
        args = ["ip", "netns", "exec", T, binary, "-i", "net_af_packet0,iface=%s,framecnt=4096" % VT,
                "-l", outdir, "--workers", str(workers)]
        for s in sets:
            args += ["--set", s]
        args += ["--", "--no-huge", "-m", "512", "--file-prefix=" + PREFIX] + list(eal)
        self.stderr = open(outdir.rstrip("/") + ".stderr", "w+")
        self.p = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=self.stderr)
        self.pid = None
        for _ in range(150):
            self.pid = self.find_pid()
            if self.pid and self.ready():
                break
            if self.p.poll() is not None:
                break
            time.sleep(0.2)
        if not (self.pid and self.ready()):
            raise RuntimeError("scanwatch did not start: " + self.err())

    def find_pid(self):
        for p in glob.glob("/proc/[0-9]*/cmdline"):
            try:
                cmd = open(p, "rb").read().split(b"\0")
                comm = open(os.path.dirname(p) + "/comm").read().strip()
            except OSError:
                continue
            if comm == "scanwatch" and ("--file-prefix=" + PREFIX).encode() in cmd:
                return int(p.split("/")[2])
        return None

    def ready(self):
        """The first stats line is out (the sensor writes it once running)."""
        for path in glob.glob(os.path.join(self.out, "*.json")):
            try:
                if '"event_type":"stats"' in open(path).read():
                    return True
            except OSError:
                pass
        return False

    def err(self):
        self.stderr.flush()
        return open(self.stderr.name).read()[-3000:]

    def kill(self, sig):
        os.kill(self.pid, sig)

    def stop(self, sig=signal.SIGTERM, timeout=60):
        if self.p.poll() is None:
            self.kill(sig)
        try:
            return self.p.wait(timeout)
        except subprocess.TimeoutExpired:
            self.p.kill()
            return -999

    def tasks(self):
        """[(tid, {field: value})] of /proc/PID/task/*/status"""
        out = []
        for st in glob.glob("/proc/%d/task/*/status" % self.pid):
            d = {}
            try:
                for line in open(st):
                    k, _, v = line.partition(":")
                    d[k] = v.strip()
            except OSError:
                continue
            out.append((int(st.split("/")[4]), d))
        return out


def read_eve(path):
    """(alerts, stats, bad lines) of an EVE file"""
    alerts, stats, bad = [], [], []
    if not os.path.exists(path):
        return alerts, stats, bad
    with open(path) as f:
        for line in f:
            try:
                e = json.loads(line)
            except ValueError:
                bad.append(line[:120])
                continue
            if e["event_type"] == "alert":
                alerts.append(e)
            elif e["event_type"] == "stats":
                stats.append(e)
    return alerts, stats, bad


def sink(stats_event, name):
    for s in stats_event["stats"]["scanwatch"]["sinks"]:
        if s["name"] == name:
            return s
    return None


def wait_for(cond, timeout, step=0.2):
    end = time.time() + timeout
    while time.time() < end:
        v = cond()
        if v:
            return v
        time.sleep(step)
    return cond()


# ---------------------------------------------------------------------------

def case_enospc(tmp):
    """The file output's disk fills and empties again."""
    full = os.path.join(tmp, "small")
    other = os.path.join(tmp, "other")
    os.makedirs(full)
    os.makedirs(other)
    sh("mount", "-t", "tmpfs", "-o", "size=256k", "swfault", full)
    try:
        # leave room for a few lines only
        filler = os.path.join(full, "filler")
        with open(filler, "wb") as f:
            f.write(b"\0" * (256 - 12) * 1024)
        with Net() as net:
            sw = Sensor(other, "stats.interval=1",
                        "outputs.0.type=file", "outputs.0.name=small",
                        "outputs.0.path=" + os.path.join(full, "eve.json"),
                        "outputs.1.type=file", "outputs.1.name=other",
                        "outputs.1.path=" + os.path.join(other, "eve.json"))
            # the disk fills with stats lines within seconds; alerts come during
            down = wait_for(lambda: [e for e in read_eve(os.path.join(other, "eve.json"))[1]
                                     if not sink(e, "small")["up"]], 30)
            check("disk_full_seen_sink_down", bool(down),
                  "the small disk never filled: " + sw.err())
            net.nmap("10.78.1.1")
            time.sleep(3)
            a_other, st_other, _ = read_eve(os.path.join(other, "eve.json"))
            last = st_other[-1]
            sm = sink(last, "small")
            check("while_full_records_wait_counted", not sm["up"] and sm["queued"] > 0 and
                  sm["connect_failures"] + sm["disconnects"] > 0, sm)
            check("while_full_other_output_gets_the_alert",
                  any(a["src_ip"] == "10.78.1.1" for a in a_other))
            check("while_full_other_output_drops_nothing",
                  sink(last, "other")["drop_queue_full"] + sink(last, "other")["drop_error"] == 0,
                  sink(last, "other"))
            # space returns
            os.unlink(filler)
            back = wait_for(lambda: [e for e in read_eve(os.path.join(other, "eve.json"))[1][-2:]
                                     if sink(e, "small")["up"] and sink(e, "small")["queued"] <= 1],
                            30)
            check("recovers_when_space_returns", bool(back), sw.err())
            net.nmap("10.78.1.2", "1-100")
            time.sleep(2)
            rc = sw.stop()
            check("exit_status_0", rc == 0, "%d: %s" % (rc, sw.err()))
        a_s, st_s, bad_s = read_eve(os.path.join(full, "eve.json"))
        a_o, st_o, bad_o = read_eve(os.path.join(other, "eve.json"))
        check("no_torn_line_on_the_full_disk", not bad_s, bad_s[:3])
        check("no_torn_line_elsewhere", not bad_o, bad_o[:3])
        fin = st_o[-1]
        sm, ot = sink(fin, "small"), sink(fin, "other")
        # the final stats line is counted before it is written: -1
        check("every_record_written_after_recovery",
              sm["enqueued"] == ot["enqueued"] and
              sm["drop_queue_full"] + sm["drop_error"] + sm["drop_shutdown"] == 0, sm)
        lines_s = len(a_s) + len(st_s)
        lines_o = len(a_o) + len(st_o)
        check("both_files_hold_the_same_records", lines_s == lines_o and
              {a["src_ip"] for a in a_s} == {a["src_ip"] for a in a_o},
              "small %d lines, other %d" % (lines_s, lines_o))
        check("alerts_during_and_after_the_outage_written",
              {"10.78.1.1", "10.78.1.2"} <= {a["src_ip"] for a in a_s},
              sorted({a["src_ip"] for a in a_s}))
    finally:
        sh("umount", full, check_rc=False)


PTRACE_SEIZE, PTRACE_INTERRUPT, PTRACE_DETACH = 0x4206, 0x4207, 17


def case_ctl_stall(tmp):
    """Only the control thread stops; workers must keep receiving."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p]
    port = free_port()
    with Net() as net:
        sw = Sensor(tmp, "stats.interval=1", "events.ring-size=64",
                    "stats.prometheus.listen=127.0.0.1:%d" % port)

        def metrics():
            # the exporter runs in T's network namespace
            p = ns(T, "curl", "-s", "-m", "5", "http://127.0.0.1:%d/metrics" % port,
                   check_rc=False)
            m = {}
            for line in p.stdout.splitlines():
                f = line.split()
                if len(f) == 2 and not line.startswith("#"):
                    m[f[0]] = float(f[1])
            return m

        net.load(5000)
        time.sleep(1)
        ctl = sw.pid        # the main thread is the control thread
        if libc.ptrace(PTRACE_SEIZE, ctl, None, None) != 0:
            skip("ptrace: %s" % os.strerror(ctypes.get_errno()))
        libc.ptrace(PTRACE_INTERRUPT, ctl, None, None)
        os.waitpid(ctl, 0x40000000)     # __WALL
        state = [d["State"] for t, d in sw.tasks() if t == ctl]
        check("control_thread_stopped", state and state[0].startswith("t"), state)
        others = [d["State"] for t, d in sw.tasks() if t != ctl]
        check("other_threads_run", all(not s.startswith("t") for s in others), others)
        m0 = metrics()
        # scanners while the control thread sleeps: more events than 64 slots
        for i in range(1, 4):
            net.nmap("10.78.2.%d" % i, "1-400")
        m1 = metrics()
        stall_pkts = m1.get("scanwatch_packets_total", 0) - m0.get("scanwatch_packets_total", 0)
        print("note during the stall: %d packets received, %d ring drops" % (
            stall_pkts, m1.get("scanwatch_ring_drops_total", 0)))
        check("workers_keep_receiving_during_the_stall", stall_pkts > 1000,
              "packets during the stall: %d (%r)" % (stall_pkts, sorted(m1)[:5]))
        check("ring_drops_counted_during_the_stall",
              m1.get("scanwatch_ring_drops_total", 0) > 0, m1.get("scanwatch_ring_drops_total"))
        libc.ptrace(PTRACE_DETACH, ctl, None, None)
        time.sleep(3)
        net.nmap("10.78.2.9", "1-200")
        time.sleep(2)
        rc = sw.stop()
        check("exit_status_0", rc == 0, "%d: %s" % (rc, sw.err()))
    alerts, stats, bad = read_eve(os.path.join(tmp, "eve.json"))
    fin = stats[-1]["stats"]
    s = fin["scanwatch"]
    check("no_torn_lines", not bad, bad[:3])
    # port_packets is what the PMD delivered (ipackets); imissed, the frames
    # it never got, are counted beside it, not in it
    check("every_packet_processed", s["port_packets"] == fin["capture"]["packets"],
          (s["port_packets"], fin["capture"]["packets"], fin["capture"]["dpdk"]["imissed"]))
    check("events_add_up", s["events"] == s["events_drained"] and s["ring_drops"] > 0,
          (s["events"], s["events_drained"], s["ring_drops"]))
    check("mbufs_all_back", s["mbufs_in_use"] == 0, s["mbufs_in_use"])
    check("scanner_after_the_stall_flagged", any(a["src_ip"] == "10.78.2.9" for a in alerts),
          sorted({a["src_ip"] for a in alerts}))


def case_sigterm(tmp):
    """SIGTERM under load: every pending alert flushed, final stats written."""
    with Net() as net:
        sw = Sensor(tmp, "stats.interval=1")
        net.load(20000)
        scans = [net.background("ip", "netns", "exec", S, "nmap", "-n", "-Pn", "-sS",
                                "-S", "10.78.3.%d" % i, "-e", VS, "-p", "1-2000",
                                "--max-retries", "0", "-T5", TARGET) for i in range(1, 4)]
        for i in range(1, 4):
            sh("ip", "-n", S, "addr", "add", "10.78.3.%d/16" % i, "dev", VS)
        time.sleep(4)
        t0 = time.time()
        rc = sw.stop(signal.SIGTERM)
        took = time.time() - t0
        for p in scans:
            p.kill()
        check("exit_status_0", rc == 0, "%d: %s" % (rc, sw.err()))
        check("exits_promptly", took < 15, "%.1f s" % took)
    alerts, stats, bad = read_eve(os.path.join(tmp, "eve.json"))
    lines = open(os.path.join(tmp, "eve.json")).read().splitlines()
    check("no_torn_lines", not bad, bad[:3])
    check("last_line_is_the_final_stats", lines and json.loads(lines[-1])["event_type"] == "stats")
    fin = stats[-1]["stats"]
    s = fin["scanwatch"]
    d = s["detect"]
    n_scan = len([a for a in alerts if a["alert"]["gid"] != 1])
    check("every_decided_alert_written", n_scan == d["alerts"] + d["updates"],
          "%d scan alert lines, stats: %d alerts + %d updates" % (n_scan, d["alerts"], d["updates"]))
    ev = sink(stats[-1], "eve")
    check("sink_dropped_nothing", ev["drop_queue_full"] + ev["drop_error"] + ev["drop_shutdown"] == 0,
          ev)
    check("every_event_drained", s["events"] == s["events_drained"], (s["events"], s["events_drained"]))
    check("scanners_flagged", {"10.78.3.1", "10.78.3.2", "10.78.3.3"} <= {a["src_ip"] for a in alerts},
          sorted({a["src_ip"] for a in alerts}))
    check("packets_add_up", s["port_packets"] == fin["capture"]["packets"] and s["mbufs_in_use"] == 0,
          (s["port_packets"], fin["capture"]["packets"], s["mbufs_in_use"]))


def case_storm(tmp):
    """SIGHUP and SIGUSR2 storms under load, the file rotated between."""
    with Net() as net:
        sw = Sensor(tmp, "stats.interval=1")
        net.load(20000)
        eve = os.path.join(tmp, "eve.json")
        rotated = 0
        t_end = time.time() + 8
        k = 0
        scanner = None
        while time.time() < t_end:
            k += 1
            sw.kill(signal.SIGHUP)
            if k % 4 == 0:
                sw.kill(signal.SIGUSR2)
            if k % 25 == 0 and os.path.exists(eve):
                rotated += 1
                os.rename(eve, "%s.%03d" % (eve, rotated))
            if k == 50:
                sh("ip", "-n", S, "addr", "add", "10.78.4.1/16", "dev", VS)
                scanner = net.background("ip", "netns", "exec", S, "nmap", "-n", "-Pn", "-sS",
                                         "-S", "10.78.4.1", "-e", VS, "-p", "1-500",
                                         "--max-retries", "0", "-T4", TARGET)
            time.sleep(0.01)
        # the loop may end right after a rename: one more SIGHUP reopens
        # eve.json, or the sensor writes on into the renamed file
        sw.kill(signal.SIGHUP)
        if scanner:
            scanner.wait(60)
        time.sleep(3)
        alive = sw.p.poll() is None
        check("alive_after_%d_sighup_%d_sigusr2" % (k, k // 4), alive, sw.err())
        rc = sw.stop()
        check("exit_status_0", rc == 0, "%d: %s" % (rc, sw.err()))
    files = sorted(glob.glob(eve + ".*")) + [eve]     # oldest first
    alerts, stats, bad = [], [], []
    for f in files:
        a, s, b = read_eve(f)
        alerts += a
        stats += s
        bad += b
    check("rotated_files", rotated >= 5 and len(files) == rotated + 1, (rotated, files))
    print("note %d SIGHUP, %d SIGUSR2, %d rotations, %d lines" % (k, k // 4, rotated,
          sum(len(open(f).readlines()) for f in files)))
    check("no_torn_lines", not bad, bad[:3])
    fin = stats[-1]["stats"]
    ev = sink(stats[-1], "eve")
    # every record the sink took is in one of the files (the final stats
    # line counts itself as enqueued before it is written)
    check("no_line_lost_across_rotations", len(alerts) + len(stats) == ev["written"] + 1 and
          ev["drop_queue_full"] + ev["drop_error"] + ev["drop_shutdown"] == 0,
          "%d lines in %d files, sink %r" % (len(alerts) + len(stats), len(files), ev))
    r = fin["scanwatch"].get("rules", {})
    check("reloads_counted", r.get("reloads", 0) + r.get("reload_failures", 0) >= 1 and
          r.get("reload_failures", 0) == 0, r)
    check("scanner_flagged_during_the_storm", any(a["src_ip"] == "10.78.4.1" for a in alerts))
    s = fin["scanwatch"]
    check("packets_add_up", s["port_packets"] == fin["capture"]["packets"] and s["mbufs_in_use"] == 0,
          (s["port_packets"], fin["capture"]["packets"], s["mbufs_in_use"]))


def case_port_down(tmp):
    """The captured interface goes down, returns, then disappears."""
    with Net() as net:
        sw = Sensor(tmp, "stats.interval=1")
        net.load(2000)
        time.sleep(2)
        sh("ip", "-n", T, "link", "set", VT, "down")
        said = wait_for(lambda: "stopped delivering" in sw.err(), 10)
        check("down_said_on_stderr", said and VT in sw.err(), sw.err())
        time.sleep(2)
        st = read_eve(os.path.join(tmp, "eve.json"))[1][-1]["stats"]["scanwatch"]
        check("down_counted", st["link_down"] == 1 and st["ports_down"] == 1, st)
        before = st["port_packets"]
        sh("ip", "-n", T, "link", "set", VT, "up")
        check("up_again_said", wait_for(lambda: "up again" in sw.err(), 10), sw.err())
        time.sleep(3)
        st = read_eve(os.path.join(tmp, "eve.json"))[1][-1]["stats"]["scanwatch"]
        check("packets_flow_again", st["port_packets"] > before + 1000 and st["ports_down"] == 0,
              (before, st["port_packets"], st["ports_down"]))
        net.nmap("10.78.5.1", "1-200")
        sh("ip", "-n", T, "link", "del", VT)
        check("removal_said", wait_for(lambda: "was removed" in sw.err(), 10), sw.err())
        time.sleep(2)
        check("alive_after_removal", sw.p.poll() is None, sw.err())
        rc = sw.stop()
        check("exit_status_0", rc == 0, "%d: %s" % (rc, sw.err()))
    alerts, stats, bad = read_eve(os.path.join(tmp, "eve.json"))
    s = stats[-1]["stats"]["scanwatch"]
    check("final_counts", s["link_down"] == 2 and s["ports_down"] == 1 and s["mbufs_in_use"] == 0, s)
    check("scanner_between_flagged", any(a["src_ip"] == "10.78.5.1" for a in alerts))


def case_privileges(tmp):
    """No capability in any thread; process.user; exposure."""
    with Net() as net:
        sw = Sensor(tmp, "stats.interval=1")
        net.nmap("10.78.6.1", "1-100")
        tasks = sw.tasks()
        names = sorted(d.get("Name", "?") for _, d in tasks)
        bad = [(d.get("Name"), d.get("CapEff"), d.get("CapPrm"), d.get("CapBnd"), d.get("NoNewPrivs"))
               for _, d in tasks if int(d["CapEff"], 16) or int(d["CapPrm"], 16) or
               int(d["CapBnd"], 16) or d.get("NoNewPrivs") != "1"]
        check("root_no_capability_in_any_thread_%d" % len(tasks), not bad and len(tasks) >= 4,
              bad or names)
        # the telemetry socket: in EAL's runtime directory, closed to others
        rd = "/var/run/dpdk/" + PREFIX
        mode = os.stat(rd).st_mode & 0o777
        check("telemetry_directory_not_open_to_others", mode & 0o007 == 0, oct(mode))
        sock = glob.glob(rd + "/dpdk_telemetry*")
        check("telemetry_socket_there", bool(sock), os.listdir(rd))
        rc = sw.stop()
        check("exit_status_0", rc == 0, "%d: %s" % (rc, sw.err()))
        alerts, _, _ = read_eve(os.path.join(tmp, "eve.json"))
        check("detects_without_privileges", any(a["src_ip"] == "10.78.6.1" for a in alerts))
        check("output_file_0640", os.stat(os.path.join(tmp, "eve.json")).st_mode & 0o777 == 0o640)

        # process.user: an output directory it creates is given to the user
        out2 = os.path.join(tmp, "asuser", "logs")
        os.makedirs(os.path.dirname(out2))
        sw = Sensor(out2, "stats.interval=1", "process.user=nobody")
        net.nmap("10.78.6.2", "1-100")
        tasks = sw.tasks()
        notuser = [(d.get("Name"), d.get("Uid"), d.get("CapEff")) for _, d in tasks
                   if d["Uid"].split() != ["65534"] * 4 or int(d["CapEff"], 16) or
                   int(d["CapPrm"], 16)]
        check("user_every_thread_nobody_without_capabilities", not notuser and len(tasks) >= 4,
              notuser)
        sw.kill(signal.SIGHUP)    # reopen as nobody
        time.sleep(1.5)
        rc = sw.stop()
        check("user_exit_status_0", rc == 0, "%d: %s" % (rc, sw.err()))
        st = os.stat(os.path.join(out2, "eve.json"))
        check("user_owns_its_output", st.st_uid == 65534 and os.stat(out2).st_uid == 65534,
              (st.st_uid, os.stat(out2).st_uid))
        alerts, stats, _ = read_eve(os.path.join(out2, "eve.json"))
        check("user_detects", any(a["src_ip"] == "10.78.6.2" for a in alerts))
        ev = sink(stats[-1], "eve")
        check("user_reopen_worked", ev["drop_error"] == 0 and ev["connect_failures"] == 0, ev)

        # an output directory the user cannot write: refused at start, named
        out3 = os.path.join(tmp, "rootonly")
        os.makedirs(out3, mode=0o700)
        p = subprocess.run(["ip", "netns", "exec", T, binary, "-i", "net_af_packet0,iface=" + VT,
                            "-l", out3, "--set", "process.user=nobody", "--", "--no-huge", "-m",
                            "512", "--file-prefix=" + PREFIX], capture_output=True, text=True,
                           timeout=60)
        check("unwritable_dir_refused_with_the_fix", p.returncode != 0 and
              "chown nobody" in p.stderr, (p.returncode, p.stderr[-400:]))
        p = subprocess.run([binary, "--set", "process.user=no-such-user-here", "-r",
                            os.path.join(data, "benign_dns.pcap")], capture_output=True, text=True)
        check("unknown_user_refused", p.returncode == 2 and "no such user" in p.stderr,
              p.stderr[-300:])
    # Prometheus: off by default; the sample configuration's address is loopback
    p = sh(binary, "--dump-config")
    check("prometheus_off_by_default", 'listen: ""' in p.stdout)
    sample = open(os.path.join(root, "scripts", "scanwatch.yaml")).read()
    m = re.findall(r'listen:\s*"?([^"\s#]+)', sample)
    check("sample_config_prometheus_loopback",
          bool(m) and all(v.startswith("127.") or v.startswith("[::1]") for v in m), m)


CASES = {
    "enospc": case_enospc, "ctl_stall": case_ctl_stall, "sigterm": case_sigterm,
    "storm": case_storm, "port_down": case_port_down, "privileges": case_privileges,
}
if case not in CASES:
    print("unknown case %s (one of %s)" % (case, ", ".join(CASES)))
    sys.exit(2)
with tempfile.TemporaryDirectory(prefix="swfault-") as tmp:
    os.chmod(tmp, 0o755)
    CASES[case](tmp)
finish()
