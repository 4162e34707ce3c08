#!/usr/bin/env bash
# The main job: builds greenlight, deploys the sample web app with `greenlight local`, shows it
# serving, then deploys a changed revision (as a tgz bundle) over it and shows the new version
# replacing the old process. Leaves version 2 serving on 127.0.0.1:$GREENLIGHT_PORT (default 8080).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
scripts/build.sh build
greenlight="$PWD/build/programs/greenlight"

demo="${GREENLIGHT_DEMO_DIR:-/tmp/greenlight-demo}"
export GREENLIGHT_PORT="${GREENLIGHT_PORT:-8080}"
root="$demo/deployment-root"
host="$demo/host"          # stands in for / so the demo touches nothing else on this machine
mkdir -p "$demo"

# A server left by an earlier demo run is stopped through the app's own ApplicationStop, which
# greenlight runs from the last successful revision: nothing to do here.

echo
echo "### 1. validate the sample app's AppSpec"
"$greenlight" validate examples/sample-app

echo
echo "### 2. deploy version 1 (a folder bundle)"
"$greenlight" local --bundle examples/sample-app --type directory --root "$root" --install-root "$host" \
  --application-name sample --deployment-group-name demo
pid1="$(cat "$host/opt/greenlight-sample/run/server-$GREENLIGHT_PORT.pid")"
echo "--- curl http://127.0.0.1:$GREENLIGHT_PORT/ (server pid $pid1)"
curl -fsS "http://127.0.0.1:$GREENLIGHT_PORT/"

echo
echo "### 3. build version 2 as a tgz and deploy it over version 1"
v2="$demo/sample-app-v2"
rm -rf "$v2" && cp -r examples/sample-app "$v2"
echo 2 > "$v2/app/VERSION"
sed -i 's#<span id="version">1</span>#<span id="version">2</span>#' "$v2/app/index.html"
tar -C "$demo" -czf "$demo/sample-app-v2.tgz" sample-app-v2
"$greenlight" local --bundle "$demo/sample-app-v2.tgz" --root "$root" --install-root "$host" \
  --application-name sample --deployment-group-name demo
pid2="$(cat "$host/opt/greenlight-sample/run/server-$GREENLIGHT_PORT.pid")"
echo "--- curl http://127.0.0.1:$GREENLIGHT_PORT/ (server pid $pid2)"
curl -fsS "http://127.0.0.1:$GREENLIGHT_PORT/"
if kill -0 "$pid1" 2>/dev/null; then echo "old server $pid1 is still running" >&2; exit 1; fi
echo "--- the version 1 server (pid $pid1) is gone; version 2 (pid $pid2) serves"
echo
echo "Deployment records: $root/demo/*/deployment.json"
echo "Stop the sample server with: kill $pid2"
