# Shared by the sample app's hooks: where the app lives and which port it serves.
APP_DIR="${GREENLIGHT_INSTALL_ROOT:-/}/opt/greenlight-sample"
APP_DIR="$(echo "$APP_DIR" | sed 's#//*#/#g')"
RUN_DIR="$APP_DIR/run"
PORT="${GREENLIGHT_PORT:-8080}"
PID_FILE="$RUN_DIR/server-$PORT.pid"
UNHEALTHY_MARKER="$APP_DIR/unhealthy"
