"""The shipped Grafana dashboard against a real scanwatch's /metrics.

- scripts/grafana/scanwatch.json follows Grafana's dashboard model: uid,
  title, an integer schemaVersion, panels with unique ids, a known type and
  a gridPos inside the 24-column grid, no two panels overlapping; every
  query panel and target names a Prometheus datasource by uid (the
  dashboard's datasource variable), every target has a refId and an expr;
- every PromQL expression parses (promtool check rules, once Grafana's
  variables are replaced by what Grafana would put there);
- every scanwatch_ metric an expression names is served by a running
  scanwatch (net_pcap replaying the quickstart capture, so alerts exist),
  and every label the dashboard groups or names in a legend exists on the
  metrics of that expression;
- the provisioning files: apiVersion 1, a file provider whose path is where
  meson installs the dashboard; a Prometheus datasource.

Usage: test_grafana.py SCANWATCH DATA_DIR SOURCE_ROOT   (root: DPDK runtime dir)
"""
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

binary, data, root = os.path.abspath(sys.argv[1]), sys.argv[2], sys.argv[3]
PROMTOOL = "/usr/bin/promtool"
DASH = os.path.join(root, "scripts", "grafana", "scanwatch.json")
PROV = os.path.join(root, "scripts", "grafana", "provisioning")
PANEL_TYPES = {"row", "timeseries", "stat", "bargauge", "gauge", "table", "piechart", "text"}

try:
    import yaml
except ImportError:
    print("SKIP: python3-yaml is not installed")
    sys.exit(77)

dash = json.load(open(DASH))

# -- the dashboard model -------------------------------------------------------
check("dashboard_header", isinstance(dash.get("uid"), str) and 0 < len(dash["uid"]) <= 40 and
      dash.get("title") and isinstance(dash.get("schemaVersion"), int) and
      dash["schemaVersion"] >= 36 and isinstance(dash.get("panels"), list) and
      "time" in dash and isinstance(dash.get("templating", {}).get("list"), list),
      {k: dash.get(k) for k in ("uid", "title", "schemaVersion")})
tvars = {v["name"]: v for v in dash["templating"]["list"]}
check("datasource_variable", tvars.get("datasource", {}).get("type") == "datasource" and
      tvars["datasource"].get("query") == "prometheus", tvars.get("datasource"))
panels = dash["panels"]
ids = [p.get("id") for p in panels]
check("panel_ids_unique", len(ids) == len(set(ids)) and all(isinstance(i, int) for i in ids),
      ids)
bad = [p.get("title") for p in panels if p.get("type") not in PANEL_TYPES]
check("panel_types_known", bad == [], bad)
bad, cells = [], {}
for p in panels:
    g = p.get("gridPos", {})
    if not all(isinstance(g.get(k), int) for k in "hwxy") or g["x"] < 0 or g["w"] < 1 or \
            g["x"] + g["w"] > 24 or g["h"] < 1:
        bad.append(p.get("title"))
        continue
    for x in range(g["x"], g["x"] + g["w"]):
        for y in range(g["y"], g["y"] + g["h"]):
            if (x, y) in cells:
                bad.append((p.get("title"), "overlaps", cells[(x, y)]))
            cells[(x, y)] = p.get("title")
check("grid_positions_valid_no_overlap", bad == [], bad[:5])
queries = [p for p in panels if p["type"] != "row" and p["type"] != "text"]
bad = [p["title"] for p in queries
       if p.get("datasource") != {"type": "prometheus", "uid": "${datasource}"} or
       not p.get("targets") or
       any(t.get("datasource") != p["datasource"] or not t.get("refId") or not t.get("expr")
           for t in p["targets"]) or
       len({t["refId"] for t in p["targets"]}) != len(p["targets"])]
check("targets_name_datasource_refid_expr", bad == [] and len(queries) >= 10, bad)
rows = [p["title"] for p in panels if p["type"] == "row"]
check("sections_rates_drops_alerts_outputs",
      all(r in rows for r in ("Traffic", "Drops", "Alerts", "Outputs")), rows)

exprs = [(p["title"], t) for p in queries for t in p["targets"]]


def grafana_vars(expr):
    """What Grafana substitutes before the query reaches Prometheus."""
    return expr.replace("$__rate_interval", "1m").replace("$__range", "6h") \
        .replace("$instance", ".*")


# -- the expressions parse (promtool) -----------------------------------------
tmp = tempfile.mkdtemp(prefix="swgrafana-")
if os.path.exists(PROMTOOL):
    rules = {"groups": [{"name": "dashboard", "rules": [
        {"record": "scanwatch_dashboard:expr%d" % i, "expr": grafana_vars(t["expr"])}
        for i, (_, t) in enumerate(exprs)]}]}
    path = os.path.join(tmp, "rules.yml")
    with open(path, "w") as f:
        yaml.safe_dump(rules, f)
    pt = subprocess.run([PROMTOOL, "check", "rules", path], capture_output=True, text=True,
                        timeout=60)
    check("promql_parses", pt.returncode == 0, (pt.stdout + pt.stderr)[-2000:])
else:
    print("skip promql_parses: promtool is not installed (Debian's prometheus)")

# -- the metrics exist on a running scanwatch ----------------------------------


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


prefix = "swgrafana%d" % os.getpid()
port = free_port()
cmd = [binary, "-i", "net_pcap0,rx_pcap=" + os.path.join(data, "quickstart.pcap"), "-l", tmp,
       "--set", "stats.prometheus.listen=127.0.0.1:%d" % port, "--",
       "--no-huge", "-m", "512", "--file-prefix=" + prefix]
errf = open(os.path.join(tmp, "stderr"), "w+")
sw = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=errf)
body = ""
try:
    end = time.time() + 60
    while time.time() < end and sw.poll() is None:
        try:
            body = urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port,
                                          timeout=5).read().decode()
            if "scanwatch_alerts_by_kind_total{" in body:
                break
        except OSError:
            pass
        time.sleep(0.5)
finally:
    if sw.poll() is None:
        sw.send_signal(signal.SIGTERM)
        try:
            sw.wait(timeout=60)
        except subprocess.TimeoutExpired:
            sw.kill()
            sw.wait()
    errf.seek(0)
    err = errf.read()
    errf.close()
    shutil.rmtree("/var/run/dpdk/" + prefix, ignore_errors=True)

if check("scrape_with_alerts", "scanwatch_alerts_by_kind_total{" in body, err[-1500:]):
    families = set(re.findall(r"^# TYPE (\S+) ", body, re.M))
    labels = {}
    for m in re.finditer(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)\{(.*)\} ", body, re.M):
        labels.setdefault(m.group(1), set()).update(re.findall(r'(\w+)="', m.group(2)))
    missing, badlabels = [], []
    for title, t in exprs:
        names = set(re.findall(r"\bscanwatch_[a-zA-Z0-9_:]+", t["expr"]))
        missing += [(title, n) for n in names if n not in families]
        # labels a query groups by or a legend names must exist on its metrics
        used = set(re.findall(r"\bby \(([^)]*)\)", t["expr"]))
        used = {x.strip() for u in used for x in u.split(",")}
        used |= set(re.findall(r"\{\{(\w+)\}\}", t.get("legendFormat", "")))
        have = set().union(*[labels.get(n, set()) for n in names]) | {"instance", "job"}
        badlabels += [(title, lbl) for lbl in used - have]
    check("every_metric_is_served", missing == [] and len(exprs) >= 20, missing)
    check("every_label_exists", badlabels == [], badlabels)
    inst = tvars.get("instance", {})
    check("instance_variable_metric_served",
          re.search(r"label_values\((scanwatch_\w+), instance\)",
                    json.dumps(inst.get("query"))) is not None and
          re.search(r"label_values\((scanwatch_\w+)", json.dumps(inst["query"])).group(1)
          in families, inst)

# -- provisioning ------------------------------------------------------------------
prov = yaml.safe_load(open(os.path.join(PROV, "scanwatch-dashboards.yaml")))
prv = (prov or {}).get("providers", [{}])[0]
meson = open(os.path.join(root, "meson.build")).read()
check("provisioning_dashboards", prov.get("apiVersion") == 1 and prv.get("type") == "file" and
      prv.get("options", {}).get("path") == "/usr/share/scanwatch/grafana" and
      "'scanwatch' / 'grafana'" in meson, prov)
ds = yaml.safe_load(open(os.path.join(PROV, "scanwatch-datasource.yaml")))
check("provisioning_datasource", ds.get("apiVersion") == 1 and
      ds["datasources"][0].get("type") == "prometheus" and ds["datasources"][0].get("url"), ds)
shutil.rmtree(tmp, ignore_errors=True)
finish()
