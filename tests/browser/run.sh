#!/usr/bin/env bash
# Runs the dashboard's browser tests (ctest's browser.integration): installs the pinned
# playwright-core from package-lock.json (npm ci; no browser is downloaded, Debian's chromium is
# used), then the test with the arguments given (--greenlight BIN --source DIR --artifacts DIR).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
npm ci --prefix "$here" --no-audit --no-fund --prefer-offline --loglevel=error >/dev/null
exec node "$here/dashboard.test.mjs" "$@"
