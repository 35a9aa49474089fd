#!/usr/bin/python3
# record-benign.py ROLE [ARGS] -- the programs scripts/record-benign.sh runs in its
# two namespaces to make benign campus traffic with the kernel's TCP/UDP stacks.
#
#   internet              services of the outside world (swcb-out): peers, MX hosts,
#                         web servers, authoritative DNS, victims; runs until killed
#   campus-servers        the campus side's listeners (swcb-in): P2P hosts' sockets,
#                         the server a flood hits; runs until killed
#   p2p SECONDS           campus P2P hosts: DHT-style UDP queries and TCP peer
#                         connections to peers, each on its own high port
#   p2p-inbound SECONDS   outside peers querying and connecting to the campus hosts
#   mail SECONDS          two mail relays delivering to hundreds of MX hosts
#   nat SECONDS           hundreds of users behind three NAT gateways (nftables SNAT)
#   resolver SECONDS      two busy recursive resolvers querying authoritative servers
#   eyeballs SECONDS      clients racing several addresses of one name (RFC 8305,
#                         the standard library's asyncio staggered_race)
#   backscatter SECONDS   spoofed floods at outside victims with campus sources:
#                         the victims' kernels answer the campus addresses
#
# Every address, port and outcome comes from plan(), seeded, so both namespaces agree.
# Nothing here leaves the two namespaces: the addresses are 10.20.0.0/16, 10.30.0.0/16
# (campus, NAT users) and 198.18.0.0/15 (RFC 2544 benchmarking space, outside).
import asyncio
import os
import random
import select
import socket
import struct
import sys
import threading
import time

SEED = int(os.environ.get("SWCB_SEED", "12"))

# outcome of a contact: live = answered by a listener; closed = the address is up,
# the port is not (RST / ICMP port unreachable); dead = nothing answers (timeout)
LIVE, CLOSED, DEAD, SLOW = "live", "closed", "dead", "slow"


def plan():
    rnd = random.Random(SEED)
    p = {}
    # peers: each on its own random high port. About a third of the contacts fail:
    # dead addresses (gone, or behind NAT: silence) and closed ports.
    peers = []
    for i in range(500):
        a = "198.18.%d.%d" % (1 + i // 250, 1 + i % 250)
        kind = CLOSED if rnd.random() < 0.18 else LIVE
        peers.append((a, rnd.randrange(10000, 65000), kind))
    for i in range(220):
        peers.append(("198.19.1.%d" % (1 + i), rnd.randrange(10000, 65000), DEAD))
    rnd.shuffle(peers)
    p["peers"] = peers
    p["p2p_hosts"] = [("10.20.1.%d" % (i + 1), rnd.randrange(20000, 60000)) for i in range(20)]
    # MX hosts: most accept, some refuse in SMTP (554 at the banner, 451 greylisting),
    # some refuse the connection (closed), some are gone (dead)
    mx = []
    for i in range(300):
        r = rnd.random()
        if r < 0.06:
            mx.append(("198.19.2.%d" % (1 + i), DEAD, ""))
            continue
        a = "198.18.%d.%d" % (10 + i // 250, 1 + i % 250)
        if r < 0.12:
            mx.append((a, CLOSED, ""))
        elif r < 0.17:
            mx.append((a, LIVE, "554"))
        elif r < 0.24:
            mx.append((a, LIVE, "451"))
        else:
            mx.append((a, LIVE, ""))
    p["mx"] = mx
    # web: servers with 80/443 (some 993, 8443); 198.18.20.x
    p["web"] = ["198.18.20.%d" % (1 + i) for i in range(200)]
    p["web_ports"] = {a: {80, 443} | ({993} if i % 7 == 0 else set()) |
                      ({8443} if i % 11 == 0 else set()) for i, a in enumerate(p["web"])}
    p["web_dead"] = ["198.19.20.%d" % (1 + i) for i in range(40)]
    # authoritative DNS: 198.18.30-31.x answer (some truncate: TCP retry),
    # lame delegations (dead) and hosts without a server (closed: ICMP)
    ns_live = ["198.18.%d.%d" % (30 + i // 250, 1 + i % 250) for i in range(300)]
    zones = []
    for z in range(260):
        r = rnd.random()
        if r < 0.08:
            first = "198.19.30.%d" % (1 + z)                       # lame: no answer
        elif r < 0.14:
            first = "198.18.32.%d" % (1 + z % 250)                 # no DNS server
        else:
            first = rnd.choice(ns_live)
        zones.append(("zone%d.test" % z, [first, rnd.choice(ns_live)]))
    p["ns_live"] = ns_live
    p["zones"] = zones
    # names with several addresses (happy eyeballs)
    pats = [((LIVE, LIVE), 40), ((DEAD, LIVE), 18), ((SLOW, LIVE), 15), ((CLOSED, LIVE), 10),
            ((DEAD, DEAD, LIVE), 5), ((SLOW, SLOW, LIVE), 5), ((LIVE, LIVE, LIVE, LIVE), 7)]
    names = []
    cnt = {LIVE: 0, DEAD: 0, SLOW: 0, CLOSED: 0}
    net = {LIVE: "198.18.40", DEAD: "198.19.40", SLOW: "198.18.41", CLOSED: "198.18.42"}
    for n in range(300):
        pat = rnd.choices([q for q, _ in pats], [w for _, w in pats])[0]
        addrs = []
        for k in pat:
            cnt[k] += 1
            addrs.append("%s.%d" % (net[k], 1 + cnt[k] % 250))
        names.append(("name%d.test" % n, addrs))
    p["names"] = names
    p["he_live"] = ["%s.%d" % (net[LIVE], 1 + i) for i in range(250)] + \
                   ["%s.%d" % (net[SLOW], 1 + i) for i in range(250)]
    p["victims"] = {"syn_open": ("198.18.50.1", 80), "syn_open2": ("198.18.50.2", 443),
                    "syn_closed": ("198.18.50.3", 6667), "udp_closed": ("198.18.50.4", 27015),
                    "ack": ("198.18.50.5", 443)}
    return p


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def bencode_query(rnd, tid):
    nid = bytes(rnd.randrange(256) for _ in range(20))
    ih = bytes(rnd.randrange(256) for _ in range(20))
    return (b"d1:ad2:id20:" + nid + b"9:info_hash20:" + ih + b"e1:q9:get_peers1:t2:" +
            tid + b"1:y1:qe")


def bencode_reply(rnd, tid):
    nid = bytes(rnd.randrange(256) for _ in range(20))
    nodes = bytes(rnd.randrange(256) for _ in range(26 * 4))
    return (b"d1:rd2:id20:" + nid + b"5:nodes104:" + nodes + b"5:token8:" +
            bytes(rnd.randrange(256) for _ in range(8)) + b"e1:t2:" + tid + b"1:y1:re")


def bt_handshake(rnd):
    return (b"\x13BitTorrent protocol" + bytes(8) +
            bytes(rnd.randrange(256) for _ in range(40)))


# ---------------------------------------------------------------------------
# servers (asyncio)

class Udp(asyncio.DatagramProtocol):
    def __init__(self, handler):
        self.h = handler

    def connection_made(self, tr):
        self.tr = tr

    def datagram_received(self, data, addr):
        out = self.h(data)
        if out:
            self.tr.sendto(out, addr)


async def serve_tcp(host, port, handler, backlog=256):
    try:
        await asyncio.start_server(handler, host, port, backlog=backlog, reuse_address=True)
    except OSError as e:
        log("listen %s:%d: %s" % (host, port, e))


async def serve_udp(host, port, handler):
    loop = asyncio.get_running_loop()
    await loop.create_datagram_endpoint(lambda: Udp(handler), local_addr=(host, port))


async def close(w):
    try:
        w.close()
        await w.wait_closed()
    except (OSError, ConnectionError):
        pass


async def h_peer(r, w):
    rnd = random.Random()
    try:
        await asyncio.wait_for(r.readexactly(68), 3)
        w.write(bt_handshake(rnd) + struct.pack("!IB", 33, 5) + bytes(32))   # bitfield
        await w.drain()
        await asyncio.wait_for(r.read(64), 2)
    except (asyncio.TimeoutError, OSError, asyncio.IncompleteReadError):
        pass
    await close(w)


def smtp_handler(mode):
    async def h(r, w):
        try:
            if mode == "554":
                w.write(b"554 5.7.1 mx.example.test: no service for you\r\n")
                await w.drain()
                await asyncio.wait_for(r.readline(), 3)       # QUIT
                w.write(b"221 bye\r\n")
                await close(w)
                return
            w.write(b"220 mx.example.test ESMTP Postfix\r\n")
            await w.drain()
            data = False
            while True:
                line = await asyncio.wait_for(r.readline(), 5)
                if not line:
                    break
                cmd = line[:4].upper()
                if data:
                    if line == b".\r\n":
                        data = False
                        w.write(b"250 2.0.0 Ok: queued as 4F2A1\r\n")
                elif cmd == b"EHLO":
                    w.write(b"250-mx.example.test\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n"
                            b"250 8BITMIME\r\n")
                elif cmd == b"HELO" or cmd == b"MAIL" or cmd == b"RSET" or cmd == b"NOOP":
                    w.write(b"250 2.1.0 Ok\r\n")
                elif cmd == b"RCPT":
                    w.write(b"451 4.7.1 greylisted, try again later\r\n" if mode == "451"
                            else b"250 2.1.5 Ok\r\n")
                elif cmd == b"DATA":
                    w.write(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                    data = True
                elif cmd == b"QUIT":
                    w.write(b"221 2.0.0 Bye\r\n")
                    await w.drain()
                    break
                else:
                    w.write(b"502 5.5.2 Error\r\n")
                await w.drain()
        except (asyncio.TimeoutError, OSError, asyncio.IncompleteReadError):
            pass
        await close(w)
    return h


async def h_web(r, w):
    try:
        req = await asyncio.wait_for(r.read(512), 3)
        if req:
            if req.startswith(b"GET") or req.startswith(b"HEAD"):
                w.write(b"HTTP/1.1 200 OK\r\nContent-Length: 20\r\nServer: nginx\r\n\r\n" +
                        b"x" * 20)
            else:       # TLS-ish: a ServerHello-sized answer
                w.write(b"\x16\x03\x03" + bytes(120))
            await w.drain()
            await asyncio.wait_for(r.read(512), 2)
    except (asyncio.TimeoutError, OSError, asyncio.IncompleteReadError):
        pass
    await close(w)


async def h_banner(r, w):
    try:
        w.write(b"* OK [CAPABILITY IMAP4rev1] ready\r\n")
        await w.drain()
        await asyncio.wait_for(r.read(256), 3)
    except (asyncio.TimeoutError, OSError):
        pass
    await close(w)


async def h_dns_tcp(r, w):
    try:
        n = struct.unpack("!H", await asyncio.wait_for(r.readexactly(2), 3))[0]
        q = await asyncio.wait_for(r.readexactly(n), 3)
        a = dns_answer(q, tcp=True)
        w.write(struct.pack("!H", len(a)) + a)
        await w.drain()
        await asyncio.wait_for(r.read(16), 1)
    except (asyncio.TimeoutError, OSError, asyncio.IncompleteReadError):
        pass
    await close(w)


def dns_answer(q, tcp=False):
    if len(q) < 17:
        return None
    qid = q[:2]
    i = 12
    while i < len(q) and q[i] != 0:
        i += q[i] + 1
    question = q[12:i + 5]
    name = q[12:i]
    tc = not tcp and (sum(name) % 17 == 0)          # some answers do not fit UDP
    flags = 0x8400 | (0x0200 if tc else 0)
    if tc:
        return qid + struct.pack("!HHHHH", flags, 1, 0, 0, 0) + question
    ans = b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 3600, 4) + bytes([198, 18, 20, 1 + sum(name) % 200])
    return qid + struct.pack("!HHHHH", flags, 1, 1, 0, 0) + question + ans


async def internet():
    p = plan()
    rnd = random.Random(SEED + 1)
    for a, port, kind in p["peers"]:
        if kind != LIVE:
            continue
        await serve_udp(a, port, lambda d, rnd=rnd: bencode_reply(rnd, d[-12:-10])
                        if d.startswith(b"d1:a") else None)
        await serve_tcp(a, port, h_peer)
    for a, kind, mode in p["mx"]:
        if kind == LIVE:
            await serve_tcp(a, 25, smtp_handler(mode))
    for a, ports in p["web_ports"].items():
        for port in ports:
            await serve_tcp(a, port, h_banner if port == 993 else h_web)
    for a in p["ns_live"]:
        await serve_udp(a, 53, dns_answer)
        await serve_tcp(a, 53, h_dns_tcp)
    for a in p["he_live"]:
        await serve_tcp(a, 443, h_web)
    for v in ("syn_open", "syn_open2", "ack"):
        await serve_tcp(*p["victims"][v], h_web, backlog=4096)
    log("internet: ready")
    open(sys.argv[2], "w").write("ok\n")
    while True:
        await asyncio.sleep(3600)


async def campus_servers():
    p = plan()
    rnd = random.Random(SEED + 2)
    for a, port in p["p2p_hosts"]:     # (their UDP sockets are the p2p role's)
        await serve_tcp(a, port, h_peer)
    # the server a spoofed SYN flood hits
    await serve_tcp("10.20.8.80", 80, h_web, backlog=1024)
    log("campus-servers: ready")
    open(sys.argv[2], "w").write("ok\n")
    while True:
        await asyncio.sleep(3600)


# ---------------------------------------------------------------------------
# clients (threads: one blocking socket per contact, as most programs do)

def run_threads(jobs, width):
    """jobs: list of (start_offset_s, fn, args). Runs them at their offsets, width
    at a time at most."""
    sem = threading.Semaphore(width)
    t0 = time.monotonic()
    ths = []

    def one(fn, args):
        try:
            fn(*args)
        except Exception as e:          # a failed contact is part of the traffic
            log("  %s%s: %s" % (fn.__name__, args[:3], e))
        finally:
            sem.release()

    for off, fn, args in sorted(jobs, key=lambda j: j[0]):
        d = t0 + off - time.monotonic()
        if d > 0:
            time.sleep(d)
        sem.acquire()
        t = threading.Thread(target=one, args=(fn, args), daemon=True)
        t.start()
        ths.append(t)
    for t in ths:
        t.join(15)


def tcp_exchange(src, dst, port, send, timeout=3.0, reads=1):
    s = socket.socket()
    s.settimeout(timeout)
    s.bind((src, 0))
    try:
        s.connect((dst, port))
        if send:
            s.sendall(send)
        for _ in range(reads):
            if not s.recv(4096):
                break
    except OSError:
        pass
    finally:
        s.close()


def p2p(secs):
    p = plan()
    rnd = random.Random(SEED + 3)
    peers = p["peers"]
    jobs = []
    socks = {}
    for idx, (host, port) in enumerate(p["p2p_hosts"]):
        # the DHT node's one UDP socket: the port its peers know it by
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        s.bind((host, port))
        socks[host] = s
        # a few busy nodes (a lookup storm while a torrent starts), most quieter
        nq = rnd.choice([15, 25, 40, 60, 120]) if idx % 4 else 180
        for k in range(nq):
            a, pp, _ = rnd.choice(peers)
            jobs.append((rnd.uniform(0, secs * 0.8), dht_query, (s, a, pp, rnd.randrange(1 << 30))))
        for k in range(rnd.choice([5, 10, 20, 30])):
            a, pp, _ = rnd.choice(peers)
            jobs.append((rnd.uniform(0, secs * 0.8), tcp_exchange,
                         (host, a, pp, bt_handshake(rnd), 3.0, 2)))
    stop = threading.Event()
    th = threading.Thread(target=drain, args=(list(socks.values()), stop), daemon=True)
    th.start()
    time.sleep(0.5)         # the inbound side starts at the same time
    run_threads(jobs, 60)
    time.sleep(1.5)
    stop.set()


def dht_query(s, a, port, seed):
    rnd = random.Random(seed)
    s.sendto(bencode_query(rnd, b"%02x" % (seed % 256)), (a, port))


def drain(socks, stop):
    """Read the answers (and ICMP errors) the nodes' sockets get; answer the
    queries other nodes send them."""
    n = q = 0
    rnd = random.Random(SEED + 10)
    while not stop.is_set():
        for s in select.select(socks, [], [], 0.2)[0]:
            try:
                d, peer = s.recvfrom(4096)
            except OSError:
                continue
            if d.startswith(b"d1:a"):
                s.sendto(bencode_reply(rnd, d[-12:-10]), peer)
                q += 1
            else:
                n += 1
    log("p2p: %d answers, %d queries answered" % (n, q))


def p2p_inbound(secs):
    p = plan()
    rnd = random.Random(SEED + 4)
    live = [x for x in p["peers"] if x[2] == LIVE]
    jobs = []
    for k in range(150):
        a, pp, _ = rnd.choice(live)
        h, hp = rnd.choice(p["p2p_hosts"])
        jobs.append((rnd.uniform(0, secs * 0.8), udp_from, (a, pp, h, hp, rnd.randrange(1 << 30))))
    for k in range(40):
        a, _, _ = rnd.choice(live)
        h, hp = rnd.choice(p["p2p_hosts"])
        jobs.append((rnd.uniform(0, secs * 0.8), tcp_exchange, (a, h, hp, bt_handshake(rnd), 3.0, 2)))
    run_threads(jobs, 40)


def udp_from(a, ap, h, hp, seed):
    rnd = random.Random(seed)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    s.settimeout(1)
    try:
        s.bind((a, ap))
        s.sendto(bencode_query(rnd, b"zz"), (h, hp))
        s.recvfrom(4096)
    except OSError:
        pass
    finally:
        s.close()


def mail(secs):
    import smtplib
    p = plan()
    rnd = random.Random(SEED + 5)
    mx = p["mx"]
    relays = [("10.20.2.25", mx[:200], 180), ("10.20.2.26", mx[150:], 100)]
    deferred = []
    lock = threading.Lock()

    def deliver(relay, a, n, retry):
        try:
            c = smtplib.SMTP(timeout=2.5, source_address=(relay, 0))
            c.connect(a, 25)
            c.ehlo("relay.campus.test")
            refused = c.sendmail("list@campus.test", ["user%d@example.test" % n],
                                 "Subject: hello %d\r\n\r\n%s\r\n" % (n, "x" * 40))
            c.quit()
        except smtplib.SMTPRecipientsRefused as e:
            code = list(e.recipients.values())[0][0]
            if code // 100 == 4 and not retry:
                with lock:
                    deferred.append((relay, a, n))
        except (OSError, smtplib.SMTPException) as e:
            if not retry and not isinstance(e, smtplib.SMTPConnectError):
                with lock:
                    deferred.append((relay, a, n))

    jobs = []
    for relay, hosts, nmsg in relays:
        for n in range(nmsg):
            a = rnd.choice(hosts)[0]
            jobs.append((rnd.uniform(0, secs * 0.55), deliver, (relay, a, n, False)))
    run_threads(jobs, 24)
    # the queue run: deferred messages once more
    log("mail: %d deferred" % len(deferred))
    run_threads([(rnd.uniform(0, 2), deliver, d + (True,)) for d in deferred], 24)


def nat(secs):
    p = plan()
    rnd = random.Random(SEED + 6)
    web = p["web"]
    jobs = []
    for g in (1, 2, 3):
        for u in range(1, 101):
            user = "10.30.%d.%d" % (g, u)
            for k in range(rnd.choice([2, 3, 3, 4])):
                r = rnd.random()
                t = rnd.uniform(0, secs * 0.8)
                if r < 0.55:
                    jobs.append((t, tcp_exchange, (user, rnd.choice(web), 443,
                                                   b"\x16\x03\x01" + bytes(200), 2.0)))
                elif r < 0.72:
                    jobs.append((t, tcp_exchange, (user, rnd.choice(web), 80,
                                                   b"GET / HTTP/1.1\r\nHost: w\r\n\r\n", 2.0)))
                elif r < 0.76:
                    jobs.append((t, tcp_exchange, (user, web[0] if rnd.random() < .5 else web[7],
                                                   993, b"a1 NOOP\r\n", 2.0)))
                elif r < 0.80:       # an app's odd port: some servers have it
                    jobs.append((t, tcp_exchange, (user, rnd.choice(web[:60]), 8443,
                                                   b"\x16\x03\x01" + bytes(100), 2.0)))
                elif r < 0.84:       # a server that has gone away
                    jobs.append((t, tcp_exchange, (user, rnd.choice(p["web_dead"]), 443,
                                                   b"\x16\x03\x01" + bytes(100), 2.0)))
                elif r < 0.95:       # DNS to an outside resolver
                    jobs.append((t, dns_lookup, (user, rnd.choice(p["ns_live"]),
                                                 "www%d.zone%d.test" % (k, u), 1.0)))
                else:                # NTP to a host without it (ICMP port unreachable)
                    jobs.append((t, udp_once, (user, rnd.choice(web), 123, bytes(48))))
    run_threads(jobs, 120)


def udp_once(src, dst, port, data):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(1)
    s.bind((src, 0))
    try:
        s.connect((dst, port))
        s.send(data)
        s.recv(512)
    except OSError:
        pass
    finally:
        s.close()


def dns_query(name, qid):
    q = struct.pack("!HHHHHH", qid, 0x0000, 1, 0, 0, 1)
    q += b"".join(bytes([len(l)]) + l.encode() for l in name.split(".")) + b"\0"
    return q + struct.pack("!HH", 1, 1) + b"\x00\x00\x29\x04\xd0\x00\x00\x00\x00\x00\x00"


def dns_lookup(src, server, name, timeout):
    """One query from a fresh random port; True: answered (TC: retried over TCP)."""
    qid = random.randrange(65536)
    q = dns_query(name, qid)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(timeout)
    s.bind((src, 0))
    try:
        s.connect((server, 53))
        s.send(q)
        a = s.recv(4096)
    except OSError:
        return False
    finally:
        s.close()
    if len(a) > 3 and a[2] & 0x02:          # truncated: the same question over TCP
        tcp_exchange(src, server, 53, struct.pack("!H", len(q)) + q, timeout)
    return True


def resolver(secs):
    p = plan()
    rnd = random.Random(SEED + 7)
    zones = p["zones"]

    def resolve(res, name, zone_ns):
        for ns in zone_ns:
            if dns_lookup(res, ns, name, 0.8):
                return

    jobs = []
    for res, n in (("10.20.4.53", 700), ("10.20.4.54", 350)):
        for k in range(n):
            z, ns = rnd.choice(zones)
            name = "%s.%s" % (rnd.choice(["www", "mail", "api", "cdn", "login", "img", "m"]), z)
            jobs.append((rnd.uniform(0, secs * 0.8), resolve, (res, name, ns)))
    run_threads(jobs, 80)


async def he_connect(src, addrs, delay, data):
    """RFC 8305 as asyncio.open_connection does it: start the next address after
    `delay` (or at once when one fails); the first to connect wins; close the rest."""
    from asyncio import staggered
    loop = asyncio.get_running_loop()
    socks = []

    def attempt(addr):
        async def go():
            s = socket.socket()
            s.setblocking(False)
            s.bind((src, 0))
            socks.append(s)
            await asyncio.wait_for(loop.sock_connect(s, (addr, 443)), 2.5)
            return s
        return go

    try:
        win, _, _ = await staggered.staggered_race([attempt(a) for a in addrs], delay)
    except Exception:
        win = None
    for s in socks:
        if s is not win:
            s.close()
    if win is None:
        return
    try:
        await loop.sock_sendall(win, data)
        await asyncio.wait_for(loop.sock_recv(win, 4096), 2)
    except (OSError, asyncio.TimeoutError):
        pass
    win.close()


async def eyeballs_main(secs):
    p = plan()
    rnd = random.Random(SEED + 8)
    names = p["names"]
    tasks = []
    t0 = time.monotonic()
    clients = ["10.20.%d.%d" % (16 + i // 250, 1 + i % 250) for i in range(1000)]
    work = []
    for i, c in enumerate(clients):
        # most look one name up; every 20th is a browser loading a page of names
        k = rnd.randrange(6, 13) if i % 20 == 0 else 1
        delay = rnd.choice([0.25, 0.25, 0.3, 0.1, 0.05])
        t = rnd.uniform(0, secs * 0.8)
        for j in range(k):
            n, addrs = rnd.choice(names)
            work.append((t + j * rnd.uniform(0, 0.05), c, addrs, delay))
    work.sort()
    hello = b"\x16\x03\x01\x00\xc8\x01" + bytes(200)
    for t, c, addrs, delay in work:
        d = t0 + t - time.monotonic()
        if d > 0:
            await asyncio.sleep(d)
        tasks.append(asyncio.ensure_future(he_connect(c, addrs, delay, hello)))
    await asyncio.gather(*tasks, return_exceptions=True)


def backscatter(secs):
    """Spoofed floods at outside victims whose sources happen to be campus addresses:
    the SYNs go to the victims over the outside namespace's loopback (not captured);
    the victims' SYN-ACKs, RSTs and ICMP errors go to the campus (captured)."""
    p = plan()
    rnd = random.Random(SEED + 9)
    raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    v = p["victims"]
    plan_ = [("syn_open", 0.35), ("syn_open2", 0.2), ("syn_closed", 0.2), ("udp_closed", 0.1),
             ("ack", 0.15)]
    n = 2400
    t0 = time.monotonic()
    for i in range(n):
        d = t0 + secs * 0.8 * i / n - time.monotonic()
        if d > 0:
            time.sleep(d)
        kind = rnd.choices([k for k, _ in plan_], [w for _, w in plan_])[0]
        src = "10.20.%d.%d" % (rnd.randrange(256), rnd.randrange(1, 255))
        dst, dport = v[kind]
        sport = rnd.randrange(1024, 65536)
        if kind == "udp_closed":
            l4 = struct.pack("!HHHH", sport, dport, 8 + 16, 0) + bytes(16)
            proto = 17
        else:
            flags = 0x10 if kind == "ack" else 0x02
            l4 = struct.pack("!HHIIBBHHH", sport, dport, rnd.randrange(1 << 32),
                             rnd.randrange(1 << 32) if flags == 0x10 else 0, 5 << 4, flags,
                             rnd.choice([8192, 16384, 65535]), 0, 0)
            proto = 6
        l4 = l4[:16] + struct.pack("!H", l4_csum(src, dst, proto, l4)) + l4[18:] \
            if proto == 6 else l4[:6] + struct.pack("!H", l4_csum(src, dst, proto, l4)) + l4[8:]
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), rnd.randrange(65536), 0,
                         rnd.randrange(40, 128), proto, 0, socket.inet_aton(src),
                         socket.inet_aton(dst))
        raw.sendto(ip + l4, (dst, 0))


def l4_csum(src, dst, proto, l4):
    ph = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, proto, len(l4))
    d = ph + l4 + (b"\0" if len(l4) % 2 else b"")
    s = sum(struct.unpack("!%dH" % (len(d) // 2), d))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff or 0xffff


def main():
    role = sys.argv[1]
    if role == "internet":
        asyncio.run(internet())
    elif role == "campus-servers":
        asyncio.run(campus_servers())
    elif role == "eyeballs":
        asyncio.run(eyeballs_main(float(sys.argv[2])))
    elif role in ("p2p", "p2p-inbound", "mail", "nat", "resolver", "backscatter"):
        globals()[role.replace("-", "_")](float(sys.argv[2]))
    else:
        sys.exit("unknown role " + role)


if __name__ == "__main__":
    main()
