#!/bin/sh
# ApplicationStart: start the web server in the background. Its output goes to a log file, the
# habit that keeps a hook from holding the agent's pipes (greenlight would not hang anyway).
. "$(dirname "$0")/common.sh"
mkdir -p "$RUN_DIR"
nohup python3 -m http.server "$PORT" --bind 127.0.0.1 --directory "$APP_DIR/www" \
  >> "$RUN_DIR/server-$PORT.log" 2>&1 &
echo $! > "$PID_FILE"
echo "started server pid $(cat "$PID_FILE") on port $PORT"
