"""Syslog output against a real rsyslogd on loopback.

rsyslogd runs in the foreground with its own configuration in a temporary
directory (imudp + imtcp on free high ports of 127.0.0.1, mmpstrucdata to
parse the structured data, one JSON line per message with the properties
pri, app-name, msgid, procid, hostname, timereported, structured-data and
msg), so it never touches the system's rsyslog. Then:

a. EVE over UDP and TCP (sink_feed, hostile strings in every field): every
   alert arrives once, PRI = facility*8 + severity map, APP-NAME, PROCID,
   HOSTNAME, MSGID, TIMESTAMP, the structured data as rsyslog parsed it and
   as a strict RFC 5424 parser here reads it, and MSG byte-equal to the line
   the file output wrote; stats go with MSGID stats and no SD.
b. CEF and LEEF over syslog: strict parsers per spec read every record and
   give back each field (what the format cannot carry is U+FFFD).
c. Backpressure and loss: a TCP syslog output plus a file output fed at a
   steady rate while rsyslog is killed (SIGKILL, and SIGTERM) and restarted
   a second later on the same port: every alert is in rsyslog's files or
   counted as dropped (unique delivered + dropped == N; duplicates at most
   `resent`), the file output got all N, the feeder never blocks. And
   runs where the collector never comes back (or never was there): all
   accounted for, exit within output.flush-timeout + slack.
d. scanwatch itself on a bundled capture with outputs set by --set: the
   alerts and stats rsyslog got are the eve.json lines.

Usage: test_syslog.py SINK_FEED SCANWATCH DATA_DIR
"""
import calendar
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

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from swtest import check, finish  # noqa: E402

feed_bin, scanwatch_bin, data_dir = sys.argv[1:4]
RSYSLOGD = "/usr/sbin/rsyslogd"

FACILITIES = ["kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp",
              "cron", "authpriv", "ftp", "ntp", "audit", "alert", "clock"] + \
             ["local%d" % i for i in range(8)]
SYSLOG_SEV = {1: 2, 2: 3, 3: 4, 4: 5}      # alert severity → crit, err, warning, notice
CEF_SEV = {1: 10, 2: 7, 3: 5, 4: 3}
SDID = "scanwatch@32473"

# ---------------------------------------------------------------------------
# rsyslogd


def free_port():
    """A port free for both TCP and UDP on 127.0.0.1."""
    for _ in range(50):
        t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        t.bind(("127.0.0.1", 0))
        port = t.getsockname()[1]
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            u.bind(("127.0.0.1", port))
            return port
        except OSError:
            continue
        finally:
            t.close()
            u.close()
    raise RuntimeError("no free port")


def listening(port, proto):
    """Is 127.0.0.1:port bound (tcp: listening) according to /proc/net?"""
    want = "0100007F:%04X" % port
    with open("/proc/net/" + proto) as f:
        for line in f.readlines()[1:]:
            fields = line.split()
            if fields[1] == want and (proto == "udp" or fields[3] == "0A"):
                return True
    return False


class Rsyslog:
    """One rsyslogd on loopback; each start writes its own out.N.log."""

    def __init__(self, d):
        self.dir = d
        self.udp = free_port()
        self.tcp = free_port()
        self.proc = None
        self.n = 0
        self.outs = []

    def conf(self, out):
        return """
global(workDirectory="{d}" maxMessageSize="64k")
module(load="imudp")
module(load="imtcp")
module(load="mmpstrucdata")
template(name="j" type="list" option.jsonf="on") {{
  property(outname="pri" name="pri" format="jsonf")
  property(outname="app" name="app-name" format="jsonf")
  property(outname="msgid" name="msgid" format="jsonf")
  property(outname="procid" name="procid" format="jsonf")
  property(outname="host" name="hostname" format="jsonf")
  property(outname="ts" name="timereported" dateFormat="rfc3339" format="jsonf")
  property(outname="ver" name="protocol-version" format="jsonf")
  property(outname="sd" name="structured-data" format="jsonf")
  property(outname="msg" name="msg" format="jsonf")
  property(outname="sdp" name="$!rfc5424-sd" format="jsonf")
}}
# Direct queues: a message is in the file before the next is read, so what
# a SIGKILL loses is what sat in the socket, not a queue of thousands.
ruleset(name="r" queue.type="Direct") {{
  action(type="mmpstrucdata")
  action(type="omfile" file="{out}" template="j" flushOnTXEnd="on" asyncWriting="off")
}}
input(type="imudp" address="127.0.0.1" port="{udp}" ruleset="r" rcvbufSize="4m")
input(type="imtcp" address="127.0.0.1" port="{tcp}" ruleset="r")
""".format(d=self.dir, out=out, udp=self.udp, tcp=self.tcp)

    def start(self):
        out = os.path.join(self.dir, "out.%d.log" % self.n)
        conf = os.path.join(self.dir, "rsyslog.%d.conf" % self.n)
        with open(conf, "w") as f:
            f.write(self.conf(out))
        self.n += 1
        self.outs.append(out)
        log = open(os.path.join(self.dir, "rsyslogd.log"), "a")
        pidfile = os.path.join(self.dir, "rsyslogd.pid")
        if os.path.exists(pidfile):     # left by a SIGKILL: its pid may be reused
            os.unlink(pidfile)
        self.proc = subprocess.Popen(
            [RSYSLOGD, "-n", "-f", conf, "-i", pidfile],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        log.close()
        t = time.time() + 10
        while time.time() < t:
            if self.proc.poll() is not None:
                raise RuntimeError("rsyslogd exited %d at start: %s" % (
                    self.proc.returncode, open(os.path.join(self.dir, "rsyslogd.log")).read()))
            if listening(self.tcp, "tcp") and listening(self.udp, "udp"):
                return
            time.sleep(0.05)
        raise RuntimeError("rsyslogd did not listen on %d/%d within 10 s" % (self.udp, self.tcp))

    def stop(self, sig=signal.SIGTERM):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.proc = None

    def records(self):
        """Every message of every run so far, parsed, in arrival order."""
        recs, bad = [], []
        for out in self.outs:
            if not os.path.exists(out):
                continue
            with open(out, "rb") as f:
                for raw in f:
                    try:
                        recs.append(json.loads(raw.decode("utf-8")))
                    except (UnicodeDecodeError, ValueError) as e:
                        bad.append((raw[:200], str(e)))
        return recs, bad

    def reset(self):
        """Forget earlier runs' files (the next start writes a new one)."""
        for out in self.outs:
            if os.path.exists(out):
                os.unlink(out)
        self.outs = []


# ---------------------------------------------------------------------------
# what each format must make of a string (see src/alert/format.h)


def cannot_carry(ch):
    o = ord(ch)
    return o < 0x20 or o == 0x7f or 0x80 <= o <= 0x9f or ch in "\u2028\u2029"


def sanitized(s, ctx):
    out = []
    for ch in s:
        if ctx == "cef_ext" and ch in "\n\r":
            out.append(ch)
        elif cannot_carry(ch) or (ctx == "leef" and ch == "^"):
            out.append("\ufffd")
        else:
            out.append(ch)
    return "".join(out)


# ---------------------------------------------------------------------------
# strict parsers


def parse_sd(sd):
    """RFC 5424 section 6.3: '-' or [ID name="value" ...]...; strict about
    escapes (only \\" \\\\ \\] occur in what we write)."""
    if sd == "-":
        return {}
    out, i = {}, 0
    name_re = re.compile(r'[!#-<>-Z\\^-~]{1,32}')   # PRINTUSASCII except = SP ] "
    while i < len(sd):
        if sd[i] != "[":
            raise ValueError("SD element does not start with [ at %d" % i)
        i += 1
        m = name_re.match(sd, i)
        if not m:
            raise ValueError("bad SD-ID at %d" % i)
        sdid, i = m.group(0), m.end()
        params = {}
        while sd[i] == " ":
            m = name_re.match(sd, i + 1)
            if not m or sd[m.end():m.end() + 2] != '="':
                raise ValueError("bad SD-PARAM at %d" % i)
            name, i = m.group(0), m.end() + 2
            val = []
            while sd[i] != '"':
                if sd[i] == "]":
                    raise ValueError("raw ] in a value at %d" % i)
                if sd[i] == "\\":
                    if sd[i + 1] not in '"\\]':
                        raise ValueError("stray backslash at %d" % i)
                    i += 1
                val.append(sd[i])
                i += 1
            i += 1
            if name in params:
                raise ValueError("param %s twice" % name)
            params[name] = "".join(val)
        if sd[i] != "]":
            raise ValueError("SD element not closed at %d" % i)
        i += 1
        out[sdid] = params
    return out


def parse_cef(s):
    """CEF rev 25: 7 header fields split on unescaped | (escapes \\| \\\\),
    then key=value pairs: a key is [A-Za-z0-9_]+ after a space before an
    unescaped =; values take \\\\ \\= \\n \\r only."""
    hdr, i = [], 0
    for _ in range(7):
        f = []
        while s[i] != "|":
            if s[i] == "\\":
                if s[i + 1] not in "|\\":
                    raise ValueError("bad header escape at %d" % i)
                i += 1
            f.append(s[i])
            i += 1
        hdr.append("".join(f))
        i += 1
    ext = s[i:]
    eqs, j = [], 0
    while j < len(ext):
        if ext[j] == "\\":
            j += 2
            continue
        if ext[j] == "=":
            eqs.append(j)
        j += 1
    pairs = {}
    for n, e in enumerate(eqs):
        m = re.search(r"[A-Za-z0-9_]+$", ext[:e])
        if not m or (m.start() != 0 if n == 0 else ext[m.start() - 1] != " "):
            raise ValueError("key before = at %d not preceded by a space" % e)
        end = len(ext)
        if n + 1 < len(eqs):
            nm = re.search(r"[A-Za-z0-9_]+$", ext[:eqs[n + 1]])
            end = nm.start() - 1
        raw, val, k = ext[e + 1:end], [], 0
        while k < len(raw):
            if raw[k] == "\\":
                c = raw[k + 1]
                if c not in "\\=nr":
                    raise ValueError("bad value escape \\%s" % c)
                val.append({"n": "\n", "r": "\r"}.get(c, c))
                k += 2
            else:
                val.append(raw[k])
                k += 1
        if m.group(0) in pairs:
            raise ValueError("key %s twice" % m.group(0))
        pairs[m.group(0)] = "".join(val)
    return hdr, pairs


def parse_leef(s):
    """LEEF 2.0: LEEF:2.0|vendor|product|version|eventid|delim| then
    attributes split on the delimiter, each at its first =."""
    parts = s.split("|", 6)
    if len(parts) != 7 or parts[0] != "LEEF:2.0":
        raise ValueError("not a LEEF 2.0 header")
    d = parts[5]
    if len(d) != 1:
        d = chr(int(d.lstrip("0").lstrip("xX"), 16))
    attrs = {}
    for a in parts[6].split(d):
        k, eq, v = a.partition("=")
        if not eq or not k or k in attrs:
            raise ValueError("bad attribute %r" % a)
        attrs[k] = v
    return parts[:6], attrs


# ---------------------------------------------------------------------------
# helpers


def run_feed(outputs, count, rate, extra=(), tmo=120, background=False):
    """sink_feed with outputs (a list of dicts) and output.flush-timeout etc.
    in extra; returns (Popen) or (counters by sink, timing, wall, pid)."""
    args = [feed_bin, "--count", str(count), "--rate", str(rate)]
    for n, o in enumerate(outputs):
        for k, v in o.items():
            args += ["--set", "outputs.%d.%s=%s" % (n, k, v)]
    args += list(extra)
    p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    p.t0 = time.time()
    if background:
        return p
    return finish_feed(p, tmo)


def finish_feed(p, tmo=120):
    try:
        out, err = p.communicate(timeout=tmo)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
        raise RuntimeError("sink_feed did not finish in %d s: %s" % (tmo, err))
    wall = time.time() - p.t0
    if p.returncode != 0:
        raise RuntimeError("sink_feed exited %d: %s" % (p.returncode, err))
    lines = [json.loads(x) for x in out.splitlines()]
    sinks = {x["sink"]: x for x in lines if "sink" in x}
    timing = [x for x in lines if "emit_s" in x][0]
    return sinks, timing, wall, p.pid, err


def eve_lines(path):
    with open(path, encoding="utf-8") as f:
        return [ln.rstrip("\n") for ln in f]


def rfc3339_of_eve(ts):
    """2026-11-22T22:10:01.123456+0000 → 2026-11-22T22:10:01.123456Z"""
    assert ts.endswith("+0000"), ts
    return ts[:-5] + "Z"


def dropped(c):
    return c["drop_queue_full"] + c["drop_error"] + c["drop_shutdown"]


def syslog_host(h):
    """What HOSTNAME must be: PRINTUSASCII, others as '_' (bytes)."""
    b = h.encode("utf-8")
    return "".join(chr(x) if 32 < x < 127 else "_" for x in b)[:255] or "-"


def check_sd_matches_eve(tag, rec, e):
    """Structured data of an alert record against its EVE event."""
    try:
        mine = parse_sd(rec["sd"])
    except (ValueError, IndexError) as x:
        return check(tag + ": SD parses (strict RFC 5424)", False, "%s: %r" % (x, rec["sd"]))
    theirs = json.loads(rec["sdp"]) if rec["sdp"] else {}
    a = e["alert"]
    scan = a.get("metadata", {}).get("scan", {})
    want = {"src": e["src_ip"], "dst": e["dest_ip"], "proto": e["proto"],
            "gid": str(a["gid"]), "sid": str(a["signature_id"]), "rev": str(a["rev"]),
            "severity": str(a["severity"]), "signature": a["signature"],
            "category": a["category"], "kind": scan.get("kind", ""),
            "technique": scan.get("technique", ""), "tool": scan.get("tool", ""),
            "intent": scan.get("intent", ""), "services": ",".join(scan.get("services", [])),
            "repeats": str(scan["repeats"]) if scan.get("repeats") else "",
            "fragmented": "true" if scan.get("fragmented") else "",
            "update": str(scan.get("update", 0))}
    if "dest_port" in e:
        want["dport"] = str(e["dest_port"])
    want = {k: sanitized(v, "sd") for k, v in want.items() if v != ""}
    ok = mine == {SDID: want} and theirs == mine
    return ok, (mine, theirs, want)


# ---------------------------------------------------------------------------
# a. EVE over UDP and TCP


def test_eve(rs, d, transport, facility, host):
    K = 400
    eve = os.path.join(d, "eve-%s.json" % transport)
    outputs = [{"type": "syslog", "transport": transport, "server": "localhost" if transport == "tcp"
                else "127.0.0.1", "port": rs.tcp if transport == "tcp" else rs.udp,
                "facility": facility},
               {"type": "file", "path": eve}]
    rs.reset()
    rs.start()
    sinks, timing, wall, pid, err = run_feed(
        outputs, K, 2000, ["--hostile", "--stats-every", "100", "--host", host,
                           "--set", "output.flush-timeout=3000"])
    time.sleep(0.3)
    rs.stop()
    recs, bad = rs.records()
    t = "%s:" % transport
    check(t + " rsyslog wrote only parseable lines", not bad, bad[:2])
    lines = eve_lines(eve)
    by_feed, stats_lines = {}, []
    for ln in lines:
        e = json.loads(ln)
        if e["event_type"] == "alert":
            by_feed[e["feed"]] = ln
        else:
            stats_lines.append(ln)
    check(t + " file output got every alert", sorted(by_feed) == list(range(K)), len(by_feed))
    c = sinks["syslog0"]
    check(t + " syslog counters: all written, nothing dropped",
          c["written"] == K + K // 100 and dropped(c) == 0 and c["enqueued"] == K + K // 100, c)

    fac = FACILITIES.index(facility)
    seen, problems = {}, []
    n_stats = 0
    for r in recs:
        try:
            m = json.loads(r["msg"])
        except ValueError as x:
            problems.append(("MSG is not JSON", x, r["msg"][:100]))
            continue
        if r["app"] != "scanwatch" or r["procid"] != str(pid) or r["ver"] != "1":
            problems.append(("APP-NAME/PROCID/VERSION", r["app"], r["procid"], r["ver"]))
        if r["host"] != syslog_host(host):
            problems.append(("HOSTNAME", r["host"], syslog_host(host)))
        if r["ts"] != rfc3339_of_eve(m["timestamp"]):
            problems.append(("TIMESTAMP", r["ts"], m["timestamp"]))
        if m["event_type"] == "stats":
            n_stats += 1
            if r["msgid"] != "stats" or r["sd"] != "-" or int(r["pri"]) != fac * 8 + 6:
                problems.append(("stats header", r["msgid"], r["sd"], r["pri"]))
            if r["msg"] not in stats_lines:
                problems.append(("stats MSG differs from the file's", r["msg"][:100]))
            continue
        f = m["feed"]
        seen[f] = seen.get(f, 0) + 1
        if r["msgid"] != "alert":
            problems.append(("MSGID", f, r["msgid"]))
        if int(r["pri"]) != fac * 8 + SYSLOG_SEV[m["alert"]["severity"]]:
            problems.append(("PRI", f, r["pri"], m["alert"]["severity"]))
        if r["msg"] != by_feed.get(f):
            problems.append(("MSG differs from the file's line", f))
        ok, why = check_sd_matches_eve(t, r, m)
        if not ok:
            problems.append(("SD", f, why))
    check(t + " rsyslog got every alert exactly once",
          sorted(seen) == list(range(K)) and set(seen.values()) == {1},
          "%d unique of %d, dups %d" % (len(seen), K, sum(v - 1 for v in seen.values())))
    check(t + " and every stats event", n_stats == K // 100, n_stats)
    check(t + " PRI, APP-NAME, PROCID, HOSTNAME, TIMESTAMP, MSGID, SD and MSG all right",
          not problems, problems[:3])


def test_udp_sizes(rs, d):
    """RFC 5426 section 3.2: one message per datagram, up to 65507 bytes of
    payload over IPv4. Larger records are refused and counted, not cut."""
    eve = os.path.join(d, "eve-big.json")
    rs.reset()
    rs.start()
    outputs = [{"type": "syslog", "transport": "udp", "server": "127.0.0.1", "port": rs.udp},
               {"type": "file", "path": eve}]
    sinks, _, _, _, _ = run_feed(outputs, 5, 0, ["--pad", "60000"])
    big = sinks["syslog0"]
    sinks, _, _, _, _ = run_feed(outputs, 5, 0, ["--pad", "70000"])
    huge = sinks["syslog0"]
    time.sleep(0.3)
    rs.stop()
    recs, bad = rs.records()
    lines = eve_lines(eve)
    check("udp: 60000-byte records arrive whole, one datagram each",
          big["written"] == 5 and dropped(big) == 0 and
          sorted(r["msg"] for r in recs) == sorted(x for x in lines if len(x) < 65000),
          (big, len(recs)))
    check("udp: 70000-byte records are refused and counted (drop_error)",
          huge["drop_error"] == 5 and huge["written"] == 0 and len(recs) == 5, huge)


# ---------------------------------------------------------------------------
# b. CEF and LEEF


def test_cef_leef(rs, d):
    K = 300
    eve = os.path.join(d, "eve-cef.json")
    outputs = [{"type": "syslog", "transport": "tcp", "server": "127.0.0.1", "port": rs.tcp,
                "format": "cef", "name": "cef"},
               {"type": "syslog", "transport": "udp", "server": "127.0.0.1", "port": rs.udp,
                "format": "leef", "name": "leef"},
               {"type": "file", "path": eve}]
    rs.reset()
    rs.start()
    sinks, timing, wall, pid, err = run_feed(
        outputs, K, 2000, ["--hostile", "--stats-every", "50", "--host", "sensor|a=b^c"])
    time.sleep(0.3)
    rs.stop()
    recs, bad = rs.records()
    check("cef/leef: rsyslog wrote only parseable lines", not bad, bad[:2])
    by_feed = {}
    for ln in eve_lines(eve):
        e = json.loads(ln)
        if e["event_type"] == "alert":
            by_feed[e["feed"]] = e
    for nm in ("cef", "leef"):
        c = sinks[nm]
        check("%s: stats are skipped, alerts written" % nm,
              c["skipped"] == K // 50 and c["written"] == K and dropped(c) == 0, c)
    ver = subprocess.run([scanwatch_bin, "--version"], capture_output=True, text=True).stdout
    cef_seen, leef_seen, problems = {}, {}, []
    for r in recs:
        msg = r["msg"]
        if any(cannot_carry(ch) for ch in msg.replace("\ufffd", "")):
            problems.append(("raw control character", msg[:80]))
        if msg.startswith("CEF:"):
            try:
                hdr, ext = parse_cef(msg)
            except (ValueError, IndexError) as x:
                problems.append(("CEF does not parse", str(x), msg[:120]))
                continue
            f = int(re.match(r"feed (\d+)", hdr[5]).group(1))
            cef_seen[f] = cef_seen.get(f, 0) + 1
            e = by_feed[f]
            a, scan = e["alert"], e["alert"]["metadata"]["scan"]
            want_hdr = ["CEF:0", "scanwatch", "scanwatch", hdr[3],
                        "%d:%d" % (a["gid"], a["signature_id"]),
                        sanitized(a["signature"], "cef_hdr"), str(CEF_SEV[a["severity"]])]
            v6 = ":" in e["src_ip"]
            want_ext = {"rt": None, "proto": e["proto"], "cat": sanitized(a["category"], "cef_ext"),
                        "cs1Label": "kind", "cs1": scan["kind"], "cs2Label": "technique",
                        "cs2": scan["technique"], "cs3Label": "tool",
                        "cs3": sanitized(scan["tool"], "cef_ext"), "cn1Label": "update",
                        "cn1": str(scan["update"]), "dvchost": sanitized(e["host"], "cef_ext"),
                        "cs4Label": "intent", "cs4": scan["intent"]}
            if scan["services"]:
                want_ext.update({"cs5Label": "services", "cs5": ",".join(scan["services"])})
            if scan.get("repeats"):
                want_ext.update({"cn2Label": "repeats", "cn2": str(scan["repeats"])})
            if scan["fragmented"]:
                want_ext.update({"cs6Label": "fragmented", "cs6": "true"})
            if v6:
                want_ext.update({"c6a2": e["src_ip"], "c6a2Label": "Source IPv6 Address",
                                 "c6a3": e["dest_ip"], "c6a3Label": "Destination IPv6 Address"})
            else:
                want_ext.update({"src": e["src_ip"], "dst": e["dest_ip"]})
            if "dest_port" in e:
                want_ext["dpt"] = str(e["dest_port"])
            rt = ext.get("rt", "")
            want_ext["rt"] = rt
            if hdr != want_hdr or ext != want_ext or hdr[3] not in ver:
                problems.append(("CEF fields", f, hdr, want_hdr, ext, want_ext))
            # rt is the event time in ms: the EVE timestamp's, truncated
            ts = e["timestamp"]
            ms = calendar.timegm(time.strptime(ts[:19], "%Y-%m-%dT%H:%M:%S")) * 1000 + \
                int(ts[20:23])
            if not rt.isdigit() or int(rt) != ms:
                problems.append(("CEF rt", f, rt, ms))
            if int(r["pri"]) != FACILITIES.index("local5") * 8 + SYSLOG_SEV[a["severity"]]:
                problems.append(("CEF over syslog PRI", f, r["pri"]))
        elif msg.startswith("LEEF:"):
            try:
                hdr, attrs = parse_leef(msg)
            except (ValueError, IndexError) as x:
                problems.append(("LEEF does not parse", str(x), msg[:120]))
                continue
            f = int(re.match(r"feed (\d+)", attrs.get("name", "")).group(1))
            leef_seen[f] = leef_seen.get(f, 0) + 1
            e = by_feed[f]
            a, scan = e["alert"], e["alert"]["metadata"]["scan"]
            want = {"devTimeFormat": "yyyy-MM-dd'T'HH:mm:ss.SSSZ",
                    "devTime": e["timestamp"][:23] + "+0000",
                    "src": e["src_ip"], "dst": e["dest_ip"], "proto": e["proto"],
                    "sev": str(CEF_SEV[a["severity"]]),
                    "cat": sanitized(a["category"], "leef"),
                    "name": sanitized(a["signature"], "leef"), "kind": scan["kind"],
                    "technique": scan["technique"], "tool": sanitized(scan["tool"], "leef"),
                    "gid": str(a["gid"]), "sid": str(a["signature_id"]), "rev": str(a["rev"]),
                    "update": str(scan["update"]), "dvchost": sanitized(e["host"], "leef"),
                    "intent": scan["intent"]}
            if scan["services"]:
                want["services"] = ",".join(scan["services"])
            if scan.get("repeats"):
                want["repeats"] = str(scan["repeats"])
            if scan["fragmented"]:
                want["fragmented"] = "true"
            if "dest_port" in e:
                want["dstPort"] = str(e["dest_port"])
            want_hdr = ["LEEF:2.0", "scanwatch", "scanwatch", hdr[3],
                        "%d:%d" % (a["gid"], a["signature_id"]), "^"]
            if attrs != want or hdr != want_hdr:
                problems.append(("LEEF fields", f, hdr, attrs, want))
        else:
            problems.append(("neither CEF nor LEEF", msg[:80]))
    check("cef: every alert once over TCP", sorted(cef_seen) == list(range(K)) and
          set(cef_seen.values()) == {1}, len(cef_seen))
    check("leef: every alert once over UDP", sorted(leef_seen) == list(range(K)) and
          set(leef_seen.values()) == {1}, len(leef_seen))
    check("cef/leef: strict parsers read back every field", not problems, problems[:2])


# ---------------------------------------------------------------------------
# c. the collector dies


def test_kill_restart(rs, d, sig, name, stall=0.0):
    """Kill the collector mid-run with sig and restart it 1 s later. With
    stall, SIGSTOP it that long first: what we send meanwhile is ACKed by
    its kernel but never read, so the SIGKILL destroys it, and only the
    resend can bring it back."""
    N, RATE, FLUSH = 3000, 600, 3000
    eve = os.path.join(d, "eve-%s.json" % name)
    if os.path.exists(eve):
        os.unlink(eve)
    outputs = [{"type": "syslog", "transport": "tcp", "server": "127.0.0.1", "port": rs.tcp},
               {"type": "file", "path": eve}]
    rs.reset()
    rs.start()
    p = run_feed(outputs, N, RATE, ["--set", "output.flush-timeout=%d" % FLUSH], background=True)
    time.sleep(1.5)
    if stall:
        rs.proc.send_signal(signal.SIGSTOP)
        time.sleep(stall)
    rs.stop(sig)
    killed_at = time.time() - p.t0
    time.sleep(1.0)
    rs.start()
    sinks, timing, wall, pid, err = finish_feed(p, tmo=60)
    time.sleep(0.3)
    rs.stop()
    recs, bad = rs.records()
    c = sinks["syslog0"]
    delivered, total = {}, 0
    for r in recs:
        m = json.loads(r["msg"])
        if m.get("event_type") == "alert":
            delivered[m["feed"]] = delivered.get(m["feed"], 0) + 1
            total += 1
    uniq = len(delivered)
    dups = total - uniq
    tag = "%s at %.1fs%s, back 1s later:" % (name, killed_at,
                                              " after %.1fs stopped" % stall if stall else "")
    check(tag + " rsyslog wrote only whole messages", not bad, bad[:2])
    check(tag + " numbers are all 0..N-1", all(0 <= f < N for f in delivered), "")
    check(tag + " unique delivered + dropped == N",
          uniq + dropped(c) == N, "unique %d + dropped %d != %d; %s" % (uniq, dropped(c), N, c))
    check(tag + " duplicates only from resends (%d dups, %d resent)" % (dups, c["resent"]),
          dups <= c["resent"], c)
    check(tag + " the loss was noticed and the record resent",
          c["disconnects"] >= 1 and c["connects"] >= 2 and c["resent"] >= 1, c)
    if stall:
        # ACKed, unread, destroyed: resent records that arrived only once
        check(tag + " some resent records were not duplicates (recovered %d)"
              % (c["resent"] - dups), c["resent"] - dups > 0 and dropped(c) == 0, c)
    check(tag + " the file output got all N while syslog was down",
          sorted(json.loads(x)["feed"] for x in eve_lines(eve)) == list(range(N)), "")
    # feeding never waited on the sink: 3000 at 600/s is 5 s of schedule
    check(tag + " the feeder kept its rate (emit %.2fs)" % timing["emit_s"],
          timing["emit_s"] < N / RATE + 1.0, timing)
    check(tag + " finished in bounded time (%.1fs)" % wall, wall < N / RATE + FLUSH / 1000 + 3, wall)
    print("     %s: delivered %d unique (%d dups), dropped %d, resent %d, reconnects %d"
          % (name, uniq, dups, dropped(c), c["resent"], c["connects"] - 1), flush=True)


def test_never_back(rs, d):
    N, RATE, FLUSH = 2400, 600, 1000
    eve = os.path.join(d, "eve-never.json")
    outputs = [{"type": "syslog", "transport": "tcp", "server": "127.0.0.1", "port": rs.tcp,
                "queue": 256},
               {"type": "file", "path": eve}]
    rs.reset()
    rs.start()
    p = run_feed(outputs, N, RATE, ["--set", "output.flush-timeout=%d" % FLUSH], background=True)
    # stopped, then killed: what it had ACKed but not read is destroyed,
    # and must show up as dropped (unconfirmed), never vanish
    time.sleep(2.1)
    rs.proc.send_signal(signal.SIGSTOP)
    time.sleep(0.4)
    rs.stop(signal.SIGKILL)
    sinks, timing, wall, pid, err = finish_feed(p, tmo=60)
    recs, bad = rs.records()
    c = sinks["syslog0"]
    delivered = {json.loads(r["msg"])["feed"] for r in recs}
    tag = "stopped, killed, never back:"
    check(tag + " the queue filled (drop_queue_full %d) and the rest was given up at exit"
          % c["drop_queue_full"], c["drop_queue_full"] > 0 and c["drop_shutdown"] > 0, c)
    # what was on the wire when the collector died is counted as dropped
    # but may have arrived: it is exactly the `unconfirmed` part
    check(tag + " records sent more than the settle time before the kill count as "
          "delivered, the rest as unconfirmed", 0 < c["unconfirmed"] < len(delivered),
          "unique %d unconfirmed %d" % (len(delivered), c["unconfirmed"]))
    check(tag + " every alert delivered or dropped: N <= unique + dropped <= N + unconfirmed",
          N <= len(delivered) + dropped(c) <= N + c["unconfirmed"],
          "unique %d dropped %d unconfirmed %d" % (len(delivered), dropped(c), c["unconfirmed"]))
    check(tag + " nothing queued is left uncounted",
          c["enqueued"] == c["written"] + c["drop_error"] + c["drop_shutdown"] - c["unconfirmed"],
          c)
    check(tag + " the file output got all N", len(eve_lines(eve)) == N, len(eve_lines(eve)))
    check(tag + " exit within emit + flush-timeout + slack (%.2fs after emit)" % timing["stop_s"],
          timing["stop_s"] < FLUSH / 1000 + 2.5 and wall < N / RATE + FLUSH / 1000 + 4, timing)
    print("     never back: delivered %d, queue full %d, shutdown %d (unconfirmed %d)"
          % (len(delivered), c["drop_queue_full"], c["drop_shutdown"], c["unconfirmed"]),
          flush=True)

    # nobody ever listened: every record is a counted drop, exactly
    port = free_port()
    N2 = 500
    sinks, timing, wall, pid, err = run_feed(
        [{"type": "syslog", "transport": "tcp", "server": "127.0.0.1", "port": port}],
        N2, 0, ["--set", "output.flush-timeout=%d" % FLUSH])
    c = sinks["syslog0"]
    check("never there: all N dropped, none written",
          dropped(c) == N2 and c["written"] == 0 and c["unconfirmed"] == 0, c)
    check("never there: said so on stderr", "cannot connect" in err, err[-300:])
    check("never there: exit within flush-timeout + slack (%.2fs)" % timing["stop_s"],
          timing["stop_s"] < FLUSH / 1000 + 2.5, timing)


# ---------------------------------------------------------------------------
# d. scanwatch itself


def test_scanwatch(rs, d):
    pcap = os.path.join(data_dir, "nmap_sweep.pcap")
    out = os.path.join(d, "sw")
    os.makedirs(out, exist_ok=True)
    rs.reset()
    rs.start()
    sets = ["outputs.0.type=file", "outputs.0.path=eve.json",
            "outputs.1.type=syslog", "outputs.1.transport=tcp", "outputs.1.server=127.0.0.1",
            "outputs.1.port=%d" % rs.tcp, "outputs.1.facility=local2",
            "outputs.2.type=syslog", "outputs.2.transport=udp", "outputs.2.server=127.0.0.1",
            "outputs.2.port=%d" % rs.udp, "outputs.2.format=cef", "host=sensor-one"]
    args = [scanwatch_bin, "-r", pcap, "-l", out]
    for s in sets:
        args += ["--set", s]
    p = subprocess.run(args, capture_output=True, text=True, timeout=300)
    time.sleep(0.3)
    rs.stop()
    check("scanwatch -r with syslog outputs exits 0", p.returncode == 0, p.stderr[-500:])
    if p.returncode != 0:
        return
    lines = eve_lines(os.path.join(out, "eve.json"))
    alerts = [json.loads(x) for x in lines if json.loads(x)["event_type"] == "alert"]
    stats = [x for x in lines if json.loads(x)["event_type"] == "stats"]
    recs, bad = rs.records()
    eve_recs = [r for r in recs if not r["msg"].startswith("CEF:")]
    cef_recs = [r for r in recs if r["msg"].startswith("CEF:")]
    check("scanwatch: the capture raised alerts", len(alerts) > 0, len(lines))
    check("scanwatch: rsyslog got the eve.json lines, alerts and stats, in order",
          [r["msg"] for r in eve_recs] == lines, (len(eve_recs), len(lines)))
    problems = []
    for r in eve_recs:
        m = json.loads(r["msg"])
        if m["event_type"] == "alert":
            ok, why = check_sd_matches_eve("scanwatch", r, m)
            if not ok:
                problems.append(why)
            if int(r["pri"]) != 18 * 8 + SYSLOG_SEV[m["alert"]["severity"]] or \
                    r["msgid"] != "alert" or r["host"] != "sensor-one":
                problems.append((r["pri"], r["msgid"], r["host"]))
        elif r["msgid"] != "stats" or r["sd"] != "-":
            problems.append(("stats", r["msgid"], r["sd"]))
    check("scanwatch: SD, PRI, MSGID, HOSTNAME of each message", not problems, problems[:2])
    cef_ok = len(cef_recs) == len(alerts)
    for r, e in zip(cef_recs, alerts):
        hdr, ext = parse_cef(r["msg"])
        if hdr[5] != e["alert"]["signature"] or ext.get("cs1") != \
                e["alert"]["metadata"]["scan"]["kind"] or ext.get("src", ext.get("c6a2")) != e["src_ip"]:
            cef_ok = False
    check("scanwatch: one CEF record per alert, same signature, kind and source",
          cef_ok, (len(cef_recs), len(alerts)))
    check("scanwatch: stats went to syslog too", len(stats) > 0 and
          sum(r["msgid"] == "stats" for r in eve_recs) == len(stats), len(stats))


# ---------------------------------------------------------------------------


def self_test_parsers():
    """The parsers must reject what breaks a record, or they prove nothing."""
    bad_sd = ['[x a="b"', '[x a="b]"]', '[x a="b\\c"]', '[x a=b]', 'x']
    check("strict SD parser rejects broken structured data",
          all(_raises(parse_sd, s) for s in bad_sd), "")
    check("strict SD parser reads escapes",
          parse_sd('[a@1 k="x\\"y\\\\z\\]"]') == {"a@1": {"k": 'x"y\\z]'}}, "")
    bad_cef = ["CEF:0|a|b|c|d|e|5|k=v=w", "CEF:0|a|b|c|d|e|5|k=v \\x", "CEF:0|a|b\\x|c|d|e|5|",
               "CEF:0|a|b|c|d|e|5|k=v w x=1 =2"]
    check("strict CEF parser rejects unescaped = and bad escapes",
          all(_raises(parse_cef, s) for s in bad_cef), "")
    check("strict CEF parser reads values with spaces and escapes",
          parse_cef("CEF:0|a\\|b|p|1|id|n|3|k=a b\\=c\\nd x=\\\\")[1] ==
          {"k": "a b=c\nd", "x": "\\"}, "")
    check("LEEF parser rejects an attribute without =",
          _raises(parse_leef, "LEEF:2.0|a|b|c|d|^|k=v^junk"), "")


def _raises(fn, s):
    try:
        fn(s)
    except (ValueError, IndexError, AttributeError):
        return True
    return False


def main():
    if os.geteuid() != 0 or not os.access(RSYSLOGD, os.X_OK):
        print("needs root and %s (scripts/deps.sh test)" % RSYSLOGD)
        sys.exit(1)
    self_test_parsers()
    d = tempfile.mkdtemp(prefix="swsyslog-")
    rs = Rsyslog(d)
    try:
        test_eve(rs, d, "udp", "local3", "sensor a\u00e9")
        test_eve(rs, d, "tcp", "local5", "sensor-b")
        test_udp_sizes(rs, d)
        test_cef_leef(rs, d)
        test_kill_restart(rs, d, signal.SIGKILL, "SIGKILL")
        test_kill_restart(rs, d, signal.SIGTERM, "SIGTERM")
        test_kill_restart(rs, d, signal.SIGKILL, "SIGSTOP+SIGKILL", stall=0.4)
        test_never_back(rs, d)
        test_scanwatch(rs, d)
    finally:
        rs.stop(signal.SIGKILL)
        if failures_keep():
            print("kept %s for inspection" % d)
        else:
            shutil.rmtree(d, ignore_errors=True)
    finish()


def failures_keep():
    import swtest
    return swtest.failures > 0 and os.environ.get("SW_KEEP") == "1"


if __name__ == "__main__":
    main()
