#!/usr/bin/env python3
"""Include arrows between modules: the control thread sits on top.

A module is a directory under src/ (src/alert/sinks belongs to alert); a
public header include/scanwatch/X.h belongs to the module that implements
it (HEADER_MODULE). Fails if src/detect/ or src/match/ include a ctl header
(scanwatch/ctl.h, scanwatch/obs.h, "ctl/...") or if the module graph has a
circle. Usage: check_layers.py SOURCE_ROOT
"""
import os
import re
import sys

HEADER_MODULE = {
    'alert.h': 'alert', 'json.h': 'alert', 'sink.h': 'alert',
    'conf.h': 'conf', 'ctl.h': 'ctl', 'obs.h': 'ctl',
    'detect.h': 'detect', 'event.h': 'detect',
    'cidr.h': 'conf', 'match.h': 'match', 'pkt.h': 'parse', 'sketch.h': 'sketch',
    'worker.h': 'worker',
}
CTL_HEADERS = {'scanwatch/ctl.h', 'scanwatch/obs.h'}
NO_CTL = ('detect', 'match')
# Arrows left as they are, each with its reason; each must still exist, so
# the list can only shrink.
KNOWN = {
    # worker side: the burst functions take the worker (its rings, its
    # counters), and the worker loop calls them
    ('detect/detect.c', 'scanwatch/worker.h'),
    ('match/match_int.h', 'scanwatch/worker.h'),
}

INC = re.compile(r'^\s*#\s*include\s*[<"]([^>"]+)[>"]', re.M)


def module_of_include(inc):
    if inc.startswith('scanwatch/'):
        return HEADER_MODULE.get(inc[len('scanwatch/'):])
    top = inc.split('/')[0]
    return top if '/' in inc else None


def main(root):
    files = []
    for base, _, names in os.walk(os.path.join(root, 'src')):
        files += [os.path.join(base, n) for n in names if n.endswith(('.c', '.h'))]
    for name, mod in HEADER_MODULE.items():
        files.append(os.path.join(root, 'include', 'scanwatch', name))
    edges, fails, seen_known = {}, [], set()
    for f in files:
        if not os.path.exists(f):
            continue
        rel = os.path.relpath(f, root)
        parts = rel.split(os.sep)
        mod = parts[1] if parts[0] == 'src' else HEADER_MODULE[parts[-1]]
        if parts[0] == 'src' and len(parts) == 2:
            continue	# src/main.c: the top
        short = '/'.join(parts[1:]) if parts[0] == 'src' else rel
        for inc in INC.findall(open(f, encoding='utf-8').read()):
            to = module_of_include(inc)
            if to is None or to == mod:
                continue
            if (short, inc) in KNOWN:
                seen_known.add((short, inc))
                continue
            if mod in NO_CTL and (inc in CTL_HEADERS or inc.startswith('ctl/')):
                fails.append(f'{rel}: includes {inc} (the control thread is above {mod}/)')
            edges.setdefault(mod, {}).setdefault(to, []).append(f'{rel} -> {inc}')
    for k in sorted(KNOWN - seen_known):
        fails.append(f'known exception {k} no longer exists: remove it from KNOWN')
    # circles: depth-first search for a back edge
    state, stack = {}, []

    def visit(m):
        state[m] = 1
        stack.append(m)
        for to in sorted(edges.get(m, {})):
            if state.get(to) == 1:
                circle = stack[stack.index(to):] + [to]
                why = '; '.join(edges[a][b][0] for a, b in zip(circle, circle[1:]))
                fails.append('include circle ' + ' -> '.join(circle) + f' ({why})')
            elif to not in state:
                visit(to)
        stack.pop()
        state[m] = 2
    for m in sorted(edges):
        if m not in state:
            visit(m)
    for f in fails:
        print('FAIL', f)
    print(f'{len(edges)} modules, {sum(len(v) for v in edges.values())} arrows, '
          f'{len(fails)} problems')
    return 1 if fails else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else '.'))
