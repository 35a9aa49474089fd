#!/usr/bin/python3
"""Seed corpora for the libFuzzer harnesses, made from what the repository
bundles: the captures of tests/data (split into frames for the parser, cut
to their first packets and re-encoded for the capture reader), the YAML
examples and --set arguments of README.md, the rule files of rules/, and
the hand-written seeds of tests/fuzz/seeds/. Also a dictionary per harness
(key names from src/conf/, rule keywords) for libFuzzer's -dict.

Usage: seeds.py OUTDIR   (writes OUTDIR/HARNESS/* and OUTDIR/HARNESS.dict,
                          replacing what was there)
"""

import glob
import hashlib
import os
import re
import shutil
import struct
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.join(ROOT, "tests", "data")
SEEDS = os.path.join(ROOT, "tests", "fuzz", "seeds")
FRAMES_PER_CAPTURE = 64
PACKETS_PER_CAPTURE = 48


def pcap_records(path):
    """(header bytes, [(record header, frame bytes)]) of a classic pcap."""
    with open(path, "rb") as f:
        b = f.read()
    magic = b[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        endian = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        endian = ">"
    else:
        raise ValueError("%s: not a pcap file" % path)
    off, recs = 24, []
    while len(b) - off >= 16:
        caplen = struct.unpack(endian + "I", b[off + 8:off + 12])[0]
        recs.append((b[off:off + 16], b[off + 16:off + 16 + caplen]))
        off += 16 + caplen
    return b[:24], recs


def captures():
    return sorted(os.path.join(DATA, f) for f in os.listdir(DATA) if f.endswith(".pcap"))


class Corpus:
    def __init__(self, outdir, name):
        self.dir = os.path.join(outdir, name)
        shutil.rmtree(self.dir, ignore_errors=True)
        os.makedirs(self.dir)
        self.n = 0

    def add(self, data):
        """Named by content, as libFuzzer names its own: duplicates vanish."""
        if isinstance(data, str):
            data = data.encode()
        path = os.path.join(self.dir, hashlib.sha1(data).hexdigest())
        if not os.path.exists(path):
            with open(path, "wb") as f:
                f.write(data)
            self.n += 1


def seed_parse(outdir):
    c = Corpus(outdir, "parse")
    for path in captures():
        _, recs = pcap_records(path)
        seen = 0
        for _, frame in recs:
            before = c.n
            c.add(frame)
            seen += c.n - before
            if seen >= FRAMES_PER_CAPTURE:
                break
    return c


def pcap_header(endian, magic, linktype, snaplen=262144):
    return struct.pack(endian + "IHHiIII", magic, 2, 4, 0, 0, snaplen, linktype)


def seed_capture(outdir):
    """The first packets of each capture, and the same packets in the other
    forms libpcap reads: big-endian, nanosecond timestamps, raw IP link
    type, a record cut short."""
    c = Corpus(outdir, "capture")
    for i, path in enumerate(captures()):
        hdr, recs = pcap_records(path)
        recs = recs[:PACKETS_PER_CAPTURE]
        c.add(hdr + b"".join(h + f for h, f in recs))
        if i == 0:
            be = pcap_header(">", 0xa1b2c3d4, 1)
            for h, f in recs:
                be += struct.pack(">IIII", *struct.unpack("<IIII", h)) + f
            c.add(be)
            ns = pcap_header("<", 0xa1b23c4d, 1)
            for h, f in recs:
                sec, usec, caplen, wire = struct.unpack("<IIII", h)
                ns += struct.pack("<IIII", sec, usec * 1000, caplen, wire) + f
            c.add(ns)
            raw = pcap_header("<", 0xa1b2c3d4, 101)
            for h, f in recs:
                sec, usec, caplen, wire = struct.unpack("<IIII", h)
                raw += struct.pack("<IIII", sec, usec, caplen - 14, wire - 14) + f[14:]
            c.add(raw)
            whole = hdr + b"".join(h + f for h, f in recs)
            c.add(whole[:len(whole) - 7])
    return c


def readme():
    with open(os.path.join(ROOT, "README.md")) as f:
        return f.read()


def hand_written(c, name):
    for path in sorted(glob.glob(os.path.join(SEEDS, name, "*"))):
        with open(path, "rb") as f:
            c.add(f.read())


def conf_names():
    """Dotted key names and their parts: every key of seeds/conf/defaults.yaml
    (scanwatch --dump-config) and the quoted names of src/conf/."""
    names = set()
    stack = []
    with open(os.path.join(SEEDS, "conf", "defaults.yaml")) as f:
        for line in f:
            m = re.match(r"( *)([a-z][a-z0-9-]*):", line)
            if m:
                depth = len(m.group(1)) // 2
                stack[depth:] = [m.group(2)]
                names.add(".".join(stack))
    for path in glob.glob(os.path.join(ROOT, "src", "conf", "*.c")):
        with open(path) as f:
            for m in re.finditer(r'"([a-z][a-z0-9-]*(?:\.[a-z0-9-]+)*\.?)"', f.read()):
                names.add(m.group(1).strip("."))
    return sorted(n for n in names if n)


def write_dict(outdir, name, tokens):
    """libFuzzer's dictionary format: one "token" a line, \\ \" and \\xNN escaped."""
    with open(os.path.join(outdir, name + ".dict"), "w") as f:
        for t in sorted(set(tokens)):
            esc = "".join(ch if 0x20 <= ord(ch) < 0x7f and ch not in '\\"' else
                          "".join("\\x%02x" % b for b in ch.encode()) for ch in t)
            f.write('"%s"\n' % esc)


def seed_conf(outdir):
    c = Corpus(outdir, "conf")
    for m in re.finditer(r"```yaml\n(.*?)```", readme(), re.S):
        c.add(m.group(1))
    hand_written(c, "conf")
    tokens = []
    for n in conf_names():
        tokens += [p + ":" for p in n.split(".")] + [n]
    write_dict(outdir, "conf", tokens + ["- ", "[", "]", "{", "}", "&a", "*a", "<<: ", "!!str",
                                         "---", "...", '"', "'", "\\u00e9", "0x", "1e9"])
    return c


def seed_set(outdir):
    c = Corpus(outdir, "set")
    for m in re.finditer(r"--set[ =]([^\s`'\"]+=[^\s`'\")]*)", readme()):
        c.add(m.group(1))
    names = [n for n in conf_names() if "." in n]
    for n in names:
        c.add(n + "=1")
    hand_written(c, "set")
    write_dict(outdir, "set", [n + "=" for n in names] +
               ["outputs.0.", "outputs.1.", "outputs=", "outputs=[]", ",", "\n"])
    return c


def seed_rules(outdir):
    c = Corpus(outdir, "rules")
    for path in sorted(glob.glob(os.path.join(ROOT, "rules", "*.rules"))):
        with open(path, "rb") as f:
            c.add(f.read())
    hand_written(c, "rules")
    write_dict(outdir, "rules", ["sid:", "rev:", "sev:", "class:", "proto:", "ports:", "tool:",
                                 'msg:"', "pattern:/", "include ", "a.rules", "b.rules",
                                 "loop.rules", "any", "tcp", "udp", "attempted-recon", "\\\""])
    return c


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    outdir = sys.argv[1]
    for make in (seed_parse, seed_capture, seed_conf, seed_set, seed_rules):
        c = make(outdir)
        if c.n == 0:
            sys.exit("seeds.py: no seeds for %s" % c.dir)
        print("seeds.py: %d seeds in %s" % (c.n, c.dir), file=sys.stderr)


if __name__ == "__main__":
    main()
