#!/bin/sh
# ValidateService: the new version must answer over HTTP within 10 seconds.
. "$(dirname "$0")/common.sh"
expected="$(cat "$APP_DIR/www/VERSION")"
i=0
while [ $i -lt 100 ]; do
  body="$(curl -fsS "http://127.0.0.1:$PORT/" 2>/dev/null)" && break
  sleep 0.1; i=$((i + 1))
done
case "$body" in
  *"<span id=\"version\">$expected</span>"*) echo "serving version $expected on port $PORT"; exit 0 ;;
esac
echo "expected version $expected on port $PORT, got: ${body:-no answer}" >&2
exit 1
