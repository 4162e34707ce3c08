#!/bin/sh
# ApplicationStart: start the web server in the background. Its output goes to a log file, the
# habit that keeps a hook from holding the agent's pipes (greenlight would not hang anyway).
. "$(dirname "$0")/common.sh"
mkdir -p "$RUN_DIR"
nohup python3 "$APP_DIR/server/server.py" --port "$PORT" --bind 127.0.0.1 --www "$APP_DIR/www" \
  --unhealthy-marker "$UNHEALTHY_MARKER" >> "$RUN_DIR/server-$PORT.log" 2>&1 &
echo $! > "$PID_FILE"
echo "started server pid $(cat "$PID_FILE") on port $PORT"
