#!/usr/bin/env bash
# The main job: builds greenlight, starts a server, and shows a blue/green deployment of the sample
# web app behind the embedded HAProxy (the group is served on 127.0.0.1:8080,
# examples/sample-group.yaml): version 1 makes the fleet sample-web-v001 (4 local instances), then
# version 2 makes sample-web-v002 and moves traffic to it in the steps of the configuration
# canary-demo (10%, a 5 s pause, 100%) while wrk sends requests through the load balancer. The split
# is sampled live from the responses; at the end the requests served and failed, the switch time,
# the instances (v001 retired after the 5 s termination wait) and the history are printed.
# Leaves the server and the fleet running for you to explore; `scripts/demo.sh --stop` stops them.
# Environment: GREENLIGHT_DEMO_DIR (default /tmp/greenlight-demo), GREENLIGHT_DEMO_PORT (7070).
set -euo pipefail
cd "$(dirname "$0")/.."

demo="${GREENLIGHT_DEMO_DIR:-/tmp/greenlight-demo}"
port="${GREENLIGHT_DEMO_PORT:-7070}"
marker="GREENLIGHT_DEMO_DIR=$demo"

# Every process of an earlier demo (server, agents, app servers) carries the marker.
stop_earlier_demo() {
  local pids=()
  for environ in /proc/[0-9]*/environ; do
    if { tr '\0' '\n' <"$environ" | grep -qxF "$marker"; } 2>/dev/null; then
      pid="${environ#/proc/}"; pids+=("${pid%/environ}")
    fi
  done
  if ((${#pids[@]})); then
    echo "stopping ${#pids[@]} process(es) of an earlier demo"
    kill -TERM "${pids[@]}" 2>/dev/null || true
    for _ in $(seq 50); do
      alive=0
      for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && ! grep -q ') Z ' "/proc/$pid/stat" 2>/dev/null && alive=1; done
      ((alive)) || break
      sleep 0.1
    done
    kill -KILL "${pids[@]}" 2>/dev/null || true
  fi
}

if [[ "${1:-}" == "--stop" ]]; then
  stop_earlier_demo
  exit 0
fi

scripts/install-deps.sh
scripts/build.sh build
greenlight="$PWD/build/programs/greenlight"

stop_earlier_demo
rm -rf "$demo"
mkdir -p "$demo"
export GREENLIGHT_DEMO_DIR="$demo"

echo
echo "### 1. start the server (data in $demo/data, API on 127.0.0.1:$port)"
"$greenlight" server --data "$demo/data" --listen "127.0.0.1:$port" >"$demo/server.log" 2>&1 &
for _ in $(seq 300); do [[ -s "$demo/data/server.addr" ]] && break; sleep 0.1; done
if [[ ! -s "$demo/data/server.addr" ]]; then cat "$demo/server.log" >&2; exit 1; fi
export GREENLIGHT_ADDR="127.0.0.1:$port"
export GREENLIGHT_TOKEN="$(cat "$demo/data/admin.token")"
echo "GREENLIGHT_ADDR=$GREENLIGHT_ADDR, admin token in $demo/data/admin.token"

echo
echo "### 2. an application and a blue/green group behind HAProxy on 127.0.0.1:8080 (examples/sample-group.yaml)"
"$greenlight" app create sample
"$greenlight" group create sample --file examples/sample-group.yaml
echo "(a blue/green group has no instances until its first deployment)"

show_fleet() {
  "$greenlight" instances sample web --output json | python3 -c '
import json, sys, urllib.request
for i in json.load(sys.stdin)["instances"]:
    if i.get("lifecycle") == "Terminated":
        continue
    try:
        body = urllib.request.urlopen("http://127.0.0.1:%d/VERSION" % i["port"], timeout=5).read().decode().strip()
    except Exception as error:
        body = "no answer (%s)" % error
    print("  %-10s %-16s %-16s port %-6d -> version %s" % (i["id"][:10], i.get("fleetVersion", ""), i["hostName"], i["port"], body))'
}

echo
echo "### 3. push version 1 and deploy it: a new fleet version, sample-web-v001"
"$greenlight" revision push sample examples/sample-app --description "version 1"
"$greenlight" deploy sample web --revision latest --wait
show_fleet
echo -n "through the load balancer: "
curl -fsS http://127.0.0.1:8080/ | grep -o '<span id="version">[^<]*</span>' || true

echo
echo "### 4. a traffic-shifting configuration: 10% to the new fleet, a 5 s pause, then 100%"
"$greenlight" config create canary-demo --steps 10,pause=5s,100

echo
echo "### 5. push version 2 and deploy it blue/green with canary-demo, under wrk load through HAProxy"
v2="$demo/sample-app-v2"
cp -r examples/sample-app "$v2"
echo 2 >"$v2/app/VERSION"
sed -i 's#<span id="version">1</span>#<span id="version">2</span>#' "$v2/app/index.html"
"$greenlight" revision push sample "$v2" --description "version 2"
wrk -t2 -c16 -d300s --latency http://127.0.0.1:8080/ >"$demo/wrk.txt" 2>&1 &
wrk_pid=$!
trap 'kill -INT "$wrk_pid" 2>/dev/null || true' EXIT
deployment="$("$greenlight" deploy sample web --revision latest --config canary-demo --output json |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')"
echo "deployment $deployment started; the split, sampled from 200 responses through 127.0.0.1:8080 at a time:"
# Polls the deployment and samples the versions served through the frontend until it is done;
# prints the switch time: from the end of the pause (blueGreen.waitUntil) to the last response of
# version 1, after which every response is version 2.
python3 - "$greenlight" "$deployment" <<'PY'
import datetime, http.client, json, subprocess, sys, time
greenlight, deployment = sys.argv[1], sys.argv[2]

def status():
    out = subprocess.run([greenlight, "status", deployment, "--output", "json"], check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out)

connection = None
def version():
    global connection
    for _ in range(3):
        try:
            if connection is None:
                connection = http.client.HTTPConnection("127.0.0.1", 8080, timeout=5)
            connection.request("GET", "/VERSION")
            response = connection.getresponse()
            body = response.read().decode().strip()
            return body if response.status == 200 else "error %d" % response.status
        except (OSError, http.client.HTTPException):
            connection = None
    return "no answer"

started = time.time()
pause_end = None
last_v1 = None
seen = []
while True:
    d = status()
    bg = d.get("blueGreen") or {}
    if bg.get("phase") == "Shifting" and bg.get("waitUntil"):
        pause_end = datetime.datetime.strptime(bg["waitUntil"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(
            tzinfo=datetime.timezone.utc).timestamp()
    if d.get("status") in ("Succeeded", "Failed", "Stopped") and bg.get("phase") == "Done":
        break
    counts = {}
    for _ in range(200):
        v = version()
        counts[v] = counts.get(v, 0) + 1
        if v == "1":
            last_v1 = time.time()
        elif v not in ("2",):
            seen.append(v)
    split = " / ".join("v%s %d%%" % (v, counts[v] * 100 // 200) for v in sorted(counts))
    print("  %5.1fs  %-11s step %s  new fleet meant to have %3s%%  served: %s" % (
        time.time() - started, bg.get("phase", "?"), bg.get("stepIndex", "?"),
        bg.get("trafficPercent", "?"), split), flush=True)
print("deployment %s: %s, blueGreen.phase %s" % (deployment, d.get("status"), bg.get("phase")))
for window in bg.get("analyses", []):
    print("analysis of step %d (%d%% on the new fleet): %s" % (
        window["stepIndex"] + 1, window["trafficPercent"], window["verdict"]))
    for result in window.get("results", []):
        print("  %s %s: %s" % (result["name"], result["verdict"], result["summary"]))
if pause_end and last_v1:
    print("switch time (from the end of the 5 s pause to the last response of version 1; "
          "every later response was version 2): %d ms" % max(0, round((last_v1 - pause_end) * 1000)))
if seen:
    print("the sampler saw %d failed responses: %s" % (len(seen), sorted(set(seen))))
if d.get("status") != "Succeeded":
    sys.exit(1)
PY
kill -INT "$wrk_pid" 2>/dev/null || true
wait "$wrk_pid" || true
trap - EXIT
served="$(sed -nE 's/^ *([0-9]+) requests in.*/\1/p' "$demo/wrk.txt")"
non2xx="$(sed -nE 's/^ *Non-2xx or 3xx responses: *([0-9]+).*/\1/p' "$demo/wrk.txt")"
socket="$(sed -nE 's/^ *Socket errors: connect ([0-9]+), read ([0-9]+), write ([0-9]+), timeout ([0-9]+).*/\1+\2+\3+\4/p' "$demo/wrk.txt")"
failed=$(( ${non2xx:-0} + ${socket:-0} ))
echo "during the deployment, through HAProxy: ${served:-?} requests served, $failed failed (non-2xx + socket errors; wrk's report: $demo/wrk.txt)"

echo
echo "### 6. instances: v001 retired after the termination wait, v002 serving"
"$greenlight" instances sample web
show_fleet

echo
echo "### 7. history"
"$greenlight" history sample web

cat <<EOT

The server and the fleet keep running. Try:
  export GREENLIGHT_ADDR=$GREENLIGHT_ADDR GREENLIGHT_TOKEN=\$(cat $demo/data/admin.token)
  $greenlight deploy sample web --revision <sha> --config canary-demo
  $greenlight rollback sample web
The dashboard: http://$GREENLIGHT_ADDR/ (log in with the token in $demo/data/admin.token)
Stop everything with: scripts/demo.sh --stop
EOT
