"""Capture files as users hand them over: every link type scanwatch reads
gives the same scan alerts as the Ethernet original, pcapng as pcap, and
files that are not captures, empty, cut short or damaged say exactly that.

The captures are rewritten from a bundled Ethernet capture of a real nmap
SYN scan by the small writers below (the record layouts of tcpdump.org's
LINKTYPE_* list and of pcapng's draft), so no converter is needed.
Usage: test_linktypes.py SCANWATCH DATA_DIR
"""
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from swtest import check, finish, run  # noqa: E402

binary, data = sys.argv[1], sys.argv[2]
SRC = os.path.join(data, "nmap_syn_vertical.pcap")
# One hash seed for every run: the link layer must change nothing, and with
# random seeds two runs may differ by a filter false positive.
SEED = ("--set", "sketch.seed=7")


def read_pcap(path):
    """(linktype, [(ts_sec, ts_usec, frame)]) of a little-endian pcap."""
    b = open(path, "rb").read()
    magic, = struct.unpack("<I", b[:4])
    assert magic == 0xa1b2c3d4, "test input must be a little-endian microsecond pcap"
    lt, = struct.unpack("<I", b[20:24])
    off, recs = 24, []
    while off + 16 <= len(b):
        s, us, cap, _ = struct.unpack("<IIII", b[off:off + 16])
        recs.append((s, us, b[off + 16:off + 16 + cap]))
        off += 16 + cap
    return lt, recs


def write_pcap(path, lt, recs, big_endian=False):
    e = ">" if big_endian else "<"
    with open(path, "wb") as f:
        f.write(struct.pack(e + "IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 262144, lt))
        for s, us, fr in recs:
            f.write(struct.pack(e + "IIII", s, us, len(fr), len(fr)))
            f.write(fr)


def pad4(b):
    return b + b"\0" * (-len(b) % 4)


def block(btype, body):
    n = 12 + len(pad4(body))
    return struct.pack("<II", btype, n) + pad4(body) + struct.pack("<I", n)


def write_pcapng(path, lt, recs):
    with open(path, "wb") as f:
        f.write(block(0x0a0d0d0a, struct.pack("<IHHq", 0x1a2b3c4d, 1, 0, -1)))
        f.write(block(1, struct.pack("<HHI", lt, 0, 262144)))
        for s, us, fr in recs:
            t = s * 1000000 + us
            f.write(block(6, struct.pack("<IIIII", 0, t >> 32, t & 0xffffffff, len(fr),
                                         len(fr)) + fr))


def ip_of(fr):
    """(ethertype, L3 onwards) of an untagged Ethernet frame."""
    et, = struct.unpack(">H", fr[12:14])
    return et, fr[14:]


def sll(fr):
    et, ip = ip_of(fr)
    return struct.pack(">HHH8sH", 0, 1, 6, fr[6:12] + b"\0\0", et) + ip


def sll2(fr):
    et, ip = ip_of(fr)
    return struct.pack(">HHIHBB8s", et, 0, 2, 1, 0, 6, fr[6:12] + b"\0\0") + ip


def raw(fr):
    return ip_of(fr)[1]


def null_le(fr):
    et, ip = ip_of(fr)
    return struct.pack("<I", 2 if et == 0x0800 else 30) + ip


def loop(fr):
    et, ip = ip_of(fr)
    return struct.pack(">I", 2 if et == 0x0800 else 24) + ip


def scans(alerts):
    """What must not change with the link layer: each scan alert's source,
    kind and counts."""
    out = []
    for a in alerts:
        m = a["alert"]["metadata"].get("scan")
        if m is None:
            continue
        out.append((a["src_ip"], a["alert"]["signature"], json.dumps(m, sort_keys=True)))
    return sorted(out)


def sw(*args):
    return subprocess.run([binary] + list(args), capture_output=True, text=True, timeout=120)


lt, recs = read_pcap(SRC)
check("source_is_ethernet", lt == 1 and len(recs) > 100, "%d %d" % (lt, len(recs)))
ref_alerts, ref_stats, _, _ = run(binary, SRC, *SEED)
ref = scans(ref_alerts)
check("reference_has_a_scan", len(ref) > 0, ref)

with tempfile.TemporaryDirectory() as d:
    variants = [
        ("sll", 113, sll, "Linux cooked (SLL)"),
        ("sll2", 276, sll2, "Linux cooked v2 (SLL2)"),
        ("raw101", 101, raw, "raw IP"),
        ("raw12", 12, raw, "raw IP"),
        ("ipv4", 228, raw, "raw IPv4"),
        ("null", 0, null_le, "BSD loopback (NULL)"),
        ("loop", 108, loop, "OpenBSD loopback (LOOP)"),
    ]
    for name, linktype, conv, label in variants:
        path = os.path.join(d, name + ".pcap")
        # LINKTYPE_IPV4 carries IPv4 alone; the others carry what Ethernet did
        keep = [r for r in recs if linktype != 228 or ip_of(r[2])[0] == 0x0800]
        want_ip = len(keep) if linktype == 228 else ref_stats["scanwatch"]["ip"]
        write_pcap(path, linktype, [(s, us, conv(fr)) for s, us, fr in keep])
        alerts, stats, _, err = run(binary, path, *SEED)
        check("%s_same_scans_as_ethernet" % name, scans(alerts) == ref,
              "%s\nvs\n%s" % (scans(alerts), ref))
        check("%s_every_packet_ip" % name,
              stats["scanwatch"]["ip"] == want_ip and stats["decoder"]["invalid"] == 0,
              "ip %d of %d, invalid %d" % (stats["scanwatch"]["ip"], want_ip,
                                           stats["decoder"]["invalid"]))
        check("%s_link_named_at_start" % name, label in err, err)

    # big-endian pcap and pcapng hold the same frames
    path = os.path.join(d, "be.pcap")
    write_pcap(path, 1, recs, big_endian=True)
    alerts, _, _, _ = run(binary, path, *SEED)
    check("big_endian_pcap_same_scans", scans(alerts) == ref, scans(alerts))
    path = os.path.join(d, "eth.pcapng")
    write_pcapng(path, 1, recs)
    alerts, stats, _, _ = run(binary, path, *SEED)
    check("pcapng_same_scans", scans(alerts) == ref, scans(alerts))
    check("pcapng_every_packet", stats["capture"]["packets"] == len(recs), stats["capture"])
    path = os.path.join(d, "sll.pcapng")
    write_pcapng(path, 113, [(s, us, sll(fr)) for s, us, fr in recs])
    alerts, _, _, _ = run(binary, path, *SEED)
    check("pcapng_sll_same_scans", scans(alerts) == ref, scans(alerts))

    # what is not a capture says so, before DPDK starts
    def refused(name, content, *needles):
        path = os.path.join(d, name)
        with open(path, "wb") as f:
            f.write(content)
        p = sw("-r", path)
        check("%s_refused" % name, p.returncode == 2 and all(n in p.stderr for n in needles)
              and "EAL" not in p.stderr and "no capture port" not in p.stderr, p.stderr)

    refused("empty.pcap", b"", "is empty")
    refused("text.pcap", b"hello, world\n" * 10, "not a pcap or pcapng capture")
    refused("header_cut.pcap", open(SRC, "rb").read()[:10], "cut short")
    refused("ppp.pcap", struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 9),
            "link type 9", "PPP")
    comma = os.path.join(d, "a,b.pcap")
    shutil.copy(SRC, comma)
    p = sw("-r", comma)
    check("comma_in_path_refused_by_name", p.returncode == 2 and "holding a ','" in p.stderr and
          "no capture port" not in p.stderr, p.stderr)
    p = sw("-r", d)
    check("directory_refused", p.returncode == 2 and "directory" in p.stderr, p.stderr)

    # cut short: the whole records are read, the rest is named
    whole = open(SRC, "rb").read()
    path = os.path.join(d, "cut.pcap")
    with open(path, "wb") as f:
        f.write(whole[:len(whole) - 7])
    _, stats, _, err = run(binary, path, *SEED)
    check("cut_short_warns", "is damaged" in err and "cut short" in err, err)
    check("cut_short_reads_whole_records", stats["capture"]["packets"] == len(recs) - 1,
          "%d of %d" % (stats["capture"]["packets"], len(recs)))

    # garbage in the middle: stop there (libpcap alone would read on into it)
    path = os.path.join(d, "damaged.pcap")
    good = 24 + sum(16 + len(fr) for _, _, fr in recs[:50])
    with open(path, "wb") as f:
        f.write(whole[:good] + struct.pack("<IIII", 1, 2, 0x00420000, 60) + whole[good:])
    _, stats, _, err = run(binary, path, *SEED)
    check("damaged_warns_with_place", "record 51" in err and "byte %d" % good in err, err)
    check("damaged_stops_at_damage", stats["capture"]["packets"] == 50,
          stats["capture"]["packets"])
    check("damaged_counted_in_stats", stats["scanwatch"].get("capture_file_damaged") == 1,
          stats["scanwatch"].get("capture_file_damaged"))
    # damaged before its first whole record: nothing read, said and counted
    path = os.path.join(d, "damaged0.pcap")
    with open(path, "wb") as f:
        f.write(whole[:24] + struct.pack("<IIII", 1, 2, 0x00420000, 60) + whole[24:])
    _, stats, _, err = run(binary, path, *SEED)
    check("damaged_at_first_record_reads_nothing", stats["capture"]["packets"] == 0 and
          stats["scanwatch"].get("capture_file_damaged") == 1 and "record 1" in err,
          (stats["capture"]["packets"], err[-300:]))

    # a scan inside VXLAN, recorded on the underlay (scripts/record-tunnels.sh):
    # the inner scanner is flagged, the tunnel endpoints are not
    vx = os.path.join(data, "tunnel_vxlan.pcap")
    alerts, stats, _, _ = run(binary, vx, *SEED)
    srcs = sorted({a["src_ip"] for a in alerts if "scan" in a["alert"]["metadata"]})
    check("vxlan_inner_scanner_flagged", srcs == ["10.70.5.1"], srcs)
    check("vxlan_every_frame_parsed", stats["decoder"]["invalid"] == 0, stats["decoder"])
    alerts, _, _, _ = run(binary, vx, *SEED, "--set", "decoder.vxlan-port=0")
    check("vxlan_off_sees_only_udp", not any("scan" in a["alert"]["metadata"] and
                                             a["src_ip"].startswith("10.70.") for a in alerts),
          [a["src_ip"] for a in alerts])

    # The start-up walk over the records (damage found before libpcap
    # reads) must not cost a system call per record: with fseeko() it made
    # one lseek() each, 12 s of a 10M-record file. 20,000 records, pcap and
    # pcapng; the walk and libpcap's reads together stay far below that.
    if shutil.which("strace") is None:
        print("# SKIP walk_syscalls: strace is not installed (scripts/deps.sh test)")
    else:
        many = (recs * (20000 // len(recs) + 1))[:20000]
        for fmt, writer in (("pcap", write_pcap), ("pcapng", write_pcapng)):
            path = os.path.join(d, "many." + fmt)
            writer(path, lt, many)
            trace = os.path.join(d, "strace-" + fmt)
            # LeakSanitizer stops a traced process (it ptraces itself)
            env = dict(os.environ)
            env["ASAN_OPTIONS"] = (env.get("ASAN_OPTIONS", "") + ":detect_leaks=0").lstrip(":")
            p = subprocess.run(["strace", "-f", "-c", "-e", "trace=lseek", "-o", trace,
                                binary, "-r", path, "--set", "sketch.seed=7"],
                               capture_output=True, text=True, timeout=120, env=env)
            calls = 0
            for line in open(trace):
                f = line.split()
                if f and f[-1] == "lseek":
                    calls = int(f[3])
            check("%s_walk_no_syscall_per_record" % fmt, p.returncode == 0 and calls < 1000,
                  "exit %d, %d lseek calls for %d records\n%s" % (p.returncode, calls,
                                                                len(many), p.stderr[-800:]))

    # -l DIR is made when missing
    out = os.path.join(d, "new", "dir")
    p = sw("-r", SRC, "-l", out)
    check("log_dir_created", p.returncode == 0 and os.path.exists(os.path.join(out, "eve.json")),
          p.stderr[-500:])
    # alerts name internal hosts: not for every local user (0640, dir 0750)
    if os.path.exists(os.path.join(out, "eve.json")):
        check("eve_json_mode_0640", os.stat(os.path.join(out, "eve.json")).st_mode & 0o777 == 0o640,
              oct(os.stat(os.path.join(out, "eve.json")).st_mode))
        check("log_dir_mode_0750", os.stat(out).st_mode & 0o777 == 0o750, oct(os.stat(out).st_mode))

finish()
