#!/usr/bin/env bash
# The main job: builds greenlight, starts a server with a local fleet of 4 instances behind the
# embedded HAProxy, and deploys the sample web app in place twice — version 1 one instance at a
# time, then version 2 half the fleet at a time while wrk sends requests through the load balancer —
# showing each instance's answer, the requests served and failed during the deployment, and the
# history.
# Leaves the server and the fleet running for you to explore; `scripts/demo.sh --stop` stops them.
# Environment: GREENLIGHT_DEMO_DIR (default /tmp/greenlight-demo), GREENLIGHT_DEMO_PORT (7070).
# The group is served on 127.0.0.1:8080 (examples/sample-group.yaml).
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
echo "### 2. an application and a group of 4 local instances behind HAProxy (examples/sample-group.yaml)"
"$greenlight" app create sample
"$greenlight" group create sample --file examples/sample-group.yaml
for _ in $(seq 300); do
  online="$("$greenlight" instances sample web --output json | python3 -c 'import json,sys; print(sum(1 for i in json.load(sys.stdin)["instances"] if i["lifecycle"] == "Running"))')"
  [[ "$online" == 4 ]] && break
  sleep 0.1
done
"$greenlight" instances sample web

show_fleet() {
  "$greenlight" instances sample web --output json | python3 -c '
import json, sys, urllib.request
for i in json.load(sys.stdin)["instances"]:
    try:
        body = urllib.request.urlopen("http://127.0.0.1:%d/VERSION" % i["port"], timeout=5).read().decode().strip()
    except Exception as error:
        body = "no answer (%s)" % error
    print("  %-10s %-16s port %-6d -> version %s" % (i["id"][:10], i["hostName"], i["port"], body))'
}

echo
echo "### 3. push version 1 and deploy it, one instance at a time"
"$greenlight" revision push sample examples/sample-app --description "version 1"
"$greenlight" deploy sample web --revision latest --config CodeDeployDefault.OneAtATime --wait
show_fleet

echo
echo "### 3b. the load balancer serves the group on 127.0.0.1:8080"
curl -fsS http://127.0.0.1:8080/ | grep -o '<span id="version">[^<]*</span>' || true

echo
echo "### 4. push version 2 and deploy it, half the fleet at a time, under load through HAProxy"
v2="$demo/sample-app-v2"
cp -r examples/sample-app "$v2"
echo 2 >"$v2/app/VERSION"
sed -i 's#<span id="version">1</span>#<span id="version">2</span>#' "$v2/app/index.html"
"$greenlight" revision push sample "$v2" --description "version 2"
wrk -t2 -c16 -d300s --latency http://127.0.0.1:8080/ >"$demo/wrk.txt" 2>&1 &
wrk_pid=$!
"$greenlight" deploy sample web --revision latest --config CodeDeployDefault.HalfAtATime --wait
kill -INT "$wrk_pid" 2>/dev/null || true
wait "$wrk_pid" || true
show_fleet
served="$(sed -nE 's/^ *([0-9]+) requests in.*/\1/p' "$demo/wrk.txt")"
non2xx="$(sed -nE 's/^ *Non-2xx or 3xx responses: *([0-9]+).*/\1/p' "$demo/wrk.txt")"
socket="$(sed -nE 's/^ *Socket errors: connect ([0-9]+), read ([0-9]+), write ([0-9]+), timeout ([0-9]+).*/\1+\2+\3+\4/p' "$demo/wrk.txt")"
failed=$(( ${non2xx:-0} + ${socket:-0} ))
echo "during the deployment, through HAProxy: ${served:-?} requests served, $failed failed (wrk's report: $demo/wrk.txt)"

echo
echo "### 5. history"
"$greenlight" history sample web

cat <<EOT

The server and the fleet keep running. Try:
  export GREENLIGHT_ADDR=$GREENLIGHT_ADDR GREENLIGHT_TOKEN=\$(cat $demo/data/admin.token)
  $greenlight deploy sample web --revision <sha> --plan
  $greenlight rollback sample web --wait
Stop everything with: scripts/demo.sh --stop
EOT
