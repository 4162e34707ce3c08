#!/bin/sh
# ApplicationStop: stop the server this host runs, if any, and wait until it is gone.
. "$(dirname "$0")/common.sh"
[ -f "$PID_FILE" ] || { echo "no server running on port $PORT"; exit 0; }
pid="$(cat "$PID_FILE")"
if kill "$pid" 2>/dev/null; then
  i=0
  while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
  kill -9 "$pid" 2>/dev/null || true
  echo "stopped server pid $pid"
fi
rm -f "$PID_FILE"
