#!/usr/bin/env python3
"""How fast the built-in analysis catches a broken canary, and what it costs the clients.

Starts its own greenlight server (build/programs/greenlight) with a blue/green group of 4 local
instances behind the embedded HAProxy, judged by `analysis:` (HAProxy's per-server counters,
measured every second: more than 2% 5xx among at least 100 requests fails), and deploys version 1.
Then, under wrk load through the group's frontend, it deploys --rounds times a revision whose pages
answer 500 to 10% of requests (app/ERRORS) with a canary of 10% and a 60 s pause, and once a
healthy revision with a 5 s pause. For each broken round it prints: the time from the canary
getting its share (the analysis window opening) to the deployment failing, the switch back
(blueGreen.switchMs), the requests the canary saw and how many responses failed, by version. The
healthy round shows the analysis passing at the end of its pause. Everything it starts carries
the marker GREENLIGHT_BENCH_DIR and is stopped at the end (see blue_green_zero_downtime.py).
Usage: bench/canary_analysis.py [--rounds 3] [--threads 2] [--connections 32]
Exit code 0 when every broken canary was rolled back with no failed response from version 1.
"""
import argparse
import json
import os
import re
import shutil
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from blue_green_zero_downtime import GREENLIGHT, Bench, free_port, parse_time  # noqa: E402

GROUP_YAML = """\
name: web
fleet: {{provider: local, instances: 4}}
deploymentConfig: canary-broken
deploymentStyle: blue-green
loadBalancer:
  provider: haproxy
  listen: 127.0.0.1:{port}
  healthCheck: {{path: /health, intervalMs: 200, healthyThreshold: 2, unhealthyThreshold: 2}}
  drainTimeoutSeconds: 10
blueGreen: {{terminationWaitSeconds: 1}}
analysis:
  intervalSeconds: 1
  checks:
    - name: errors
      loadBalancer: {{maxErrorRatePercent: 2, minRequests: 100}}
autoRollback: {{enabled: true, events: [DEPLOYMENT_FAILURE]}}
"""

# Counts responses and failures per served version (the page's <span id="version">).
WRK_SCRIPT = """\
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) served, failed = {}, {} end
function response(status, headers, body)
  local v = (body and body:match('<span id="version">([%w%.%-_]+)</span>')) or "none"
  served[v] = (served[v] or 0) + 1
  if status < 200 or status > 299 then failed[v] = (failed[v] or 0) + 1 end
end
local function add(into, from) for k, n in pairs(from or {}) do into[k] = (into[k] or 0) + n end end
local function object(t)
  local parts = {}
  for k, n in pairs(t) do parts[#parts + 1] = string.format('"%s":%d', k, n) end
  return "{" .. table.concat(parts, ",") .. "}"
end
done = function(summary, latency, requests)
  local all_served, all_failed = {}, {}
  for _, t in ipairs(threads) do add(all_served, t:get("served")); add(all_failed, t:get("failed")) end
  local e = summary.errors
  io.write(string.format('GL_COUNTS {"served":%s,"failed":%s,"socket":%d}\\n', object(all_served),
    object(all_failed), e.connect + e.read + e.write + e.timeout))
end
"""


class CanaryBench(Bench):
    def push_revision(self, number, errors):
        bundle = os.path.join(self.dir, "sample-app-v%d" % number)
        shutil.copytree(os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                     "examples", "sample-app"), bundle)
        with open(os.path.join(bundle, "app", "VERSION"), "w") as f:
            f.write("%d\n" % number)
        index = os.path.join(bundle, "app", "index.html")
        with open(index) as f:
            page = f.read()
        with open(index, "w") as f:
            f.write(page.replace('<span id="version">1</span>', '<span id="version">%d</span>' % number))
        if errors:
            with open(os.path.join(bundle, "app", "ERRORS"), "w") as f:
                f.write("%d\n" % errors)
        pushed = self.cli_json("revision", "push", "sample", bundle)
        return pushed.get("sha256") or pushed.get("sha") or pushed.get("revision") or pushed.get("id")

    def unload(self, process, out):
        text = self.wrk_output(process, out)
        match = re.search(r"GL_COUNTS (\{.*\})", text)
        if not match:
            raise RuntimeError("no result from wrk:\n" + text)
        return json.loads(match.group(1))

    def round(self, number, errors, config):
        sha = self.push_revision(number, errors)
        wrk, out = self.start_wrk(WRK_SCRIPT)
        time.sleep(1)
        deployment = self.cli_json("deploy", "sample", "web", "--revision", sha, "--config", config)["id"]
        done = self.wait_for(deployment, self.finished, what="Done")
        time.sleep(0.5)
        counts = self.unload(wrk, out)
        bg = done.get("blueGreen") or {}
        window = (bg.get("analyses") or [{}])[-1]
        result = (window.get("results") or [{}])[0]
        numbers = result.get("numbers", {})
        opened = window.get("startedAt")
        ended = done.get("endedAt")
        detect = parse_time(ended) - parse_time(opened) if opened and ended else float("nan")
        old_failed = sum(n for v, n in counts["failed"].items() if v != str(number))
        return {"number": number, "status": done.get("status"), "errorCode": done.get("errorCode", ""),
                "verdict": window.get("verdict"), "detect_s": detect, "switch_ms": bg.get("switchMs"),
                "canary_requests": numbers.get("newRequests"), "canary_rate": numbers.get("newErrorRatePercent"),
                "served": sum(counts["served"].values()), "failed_new": counts["failed"].get(str(number), 0),
                "failed_other": old_failed, "socket": counts["socket"], "summary": result.get("summary", "")}

    def cleanup(self):
        keep = os.environ.get("GREENLIGHT_BENCH_KEEP_LOG")  # a path to keep the server's log at
        if keep and os.path.exists(os.path.join(self.dir, "server.log")):
            shutil.copy(os.path.join(self.dir, "server.log"), keep)
        return super().cleanup()

    def run(self):
        self.start_server()
        port = free_port()
        self.frontend = "http://127.0.0.1:%d/" % port
        self.cli("app", "create", "sample")
        self.cli("config", "create", "canary-broken", "--steps", "10,pause=60s,100")
        self.cli("config", "create", "canary-healthy", "--steps", "10,pause=5s,100")
        group = os.path.join(self.dir, "group.yaml")
        with open(group, "w") as f:
            f.write(GROUP_YAML.format(port=port))
        self.cli("group", "create", "sample", "--file", group)
        self.group_created = True
        first = self.cli_json("deploy", "sample", "web", "--revision", self.push_revision(1, 0),
                              "--config", "CodeDeployDefault.AllAtOnce")["id"]
        d = self.wait_for(first, self.finished, what="Done")
        if d.get("status") != "Succeeded":
            raise RuntimeError("version 1: %s" % json.dumps(d)[:2000])
        print("server %s, group of 4 instances behind HAProxy on %s, wrk -t%d -c%d; version 1 serving"
              % (self.env["GREENLIGHT_ADDR"], self.frontend, self.args.threads, self.args.connections), flush=True)
        rows = []
        for k in range(self.args.rounds):
            rows.append(self.round(2 + k, 10, "canary-broken"))
            r = rows[-1]
            print("broken canary %d: %s %s, detected %.2f s after the canary got 10%%, switch back %s ms; "
                  "%s requests reached it (%.1f%% 5xx); %d responses served, %d failed from the canary, "
                  "%d from the old fleet, %d socket errors" % (
                      k + 1, r["status"], r["errorCode"], r["detect_s"], r["switch_ms"], r["canary_requests"],
                      r["canary_rate"] or 0, r["served"], r["failed_new"], r["failed_other"], r["socket"]), flush=True)
        healthy = self.round(2 + self.args.rounds, 0, "canary-healthy")
        print("healthy canary: %s, analysis %s (%s)" % (healthy["status"], healthy["verdict"], healthy["summary"]))
        self.rows = rows + [healthy]
        ok = all(r["status"] == "Failed" and r["errorCode"] == "AnalysisFailed" and r["failed_other"] == 0
                 and r["socket"] == 0 for r in rows) and healthy["status"] == "Succeeded"
        detect = sorted(r["detect_s"] for r in rows)
        print("\ndetection (canary at 10%% until failed): min %.2f s, median %.2f s, max %.2f s over %d rounds"
              % (detect[0], detect[len(detect) // 2], detect[-1], len(detect)))
        print("old fleet's failed responses: %d; target %s" % (sum(r["failed_other"] for r in rows),
                                                            "MET" if ok else "NOT MET"))
        return ok


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    if not os.access(GREENLIGHT, os.X_OK) or not shutil.which("wrk"):
        sys.exit("needs %s (scripts/build.sh) and wrk (scripts/install-deps.sh)" % GREENLIGHT)
    bench = CanaryBench(args)
    ok = False
    try:
        ok = bench.run()
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
    except Exception as error:
        print("bench failed: %s" % error, file=sys.stderr)
    finally:
        clean = bench.cleanup()
    sys.exit(0 if ok and clean else 1)


if __name__ == "__main__":
    main()
