#!/usr/bin/env bash
# Configures and builds greenlight. Usage: scripts/build.sh [BUILD_DIR] [extra cmake args...]
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir="${1:-build}"
shift || true
export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/greenlight-ccache}"
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
cmake --build "$build_dir"
