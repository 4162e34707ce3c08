#!/bin/sh
# BeforeInstall: make sure the run folder exists.
. "$(dirname "$0")/common.sh"
mkdir -p "$RUN_DIR"
echo "deploying $APPLICATION_NAME to $APP_DIR (deployment $DEPLOYMENT_ID)"
