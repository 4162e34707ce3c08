#!/bin/sh
# ApplicationStop: stop the server this host runs, if any, and wait until it is gone.
. "$(dirname "$0")/common.sh"
[ -f "$PID_FILE" ] || { echo "no server running on port $PORT"; exit 0; }
pid="$(cat "$PID_FILE")"
# Running, and not a zombie waiting for a parent to reap it.
running() { kill -0 "$1" 2>/dev/null && ! grep -q ') Z ' "/proc/$1/stat" 2>/dev/null; }
if running "$pid" && kill "$pid" 2>/dev/null; then
  i=0
  while running "$pid" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
  running "$pid" && kill -9 "$pid" 2>/dev/null
  echo "stopped server pid $pid"
fi
rm -f "$PID_FILE"
exit 0
