#!/usr/bin/env bash
# Builds the libFuzzer targets with clang and runs each for a bounded time.
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET]   (default 30)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-30}"
build_dir=build-fuzz
export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/greenlight-ccache}"
CC=clang-14 CXX=clang++-14 cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DGREENLIGHT_FUZZ=ON -DGREENLIGHT_WERROR=OFF >/dev/null
cmake --build "$build_dir" --target appspec_fuzz bundle_fuzz importer_fuzz

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Seeds: the real-world AppSpec corpus, small archives of the sample app, the Goployer manifests.
# The shared data is found as the tests find it (tests/CMakeLists.txt): $GREENLIGHT_SHARED_DIR,
# ../shared, or ../shared beside the repository this one was cloned from.
shared="${GREENLIGHT_SHARED_DIR:-../shared}"
if [ ! -d "$shared/corpus" ]; then
  origin="$(git config --get remote.origin.url 2>/dev/null || true)"
  if [ -n "$origin" ] && [ -d "$origin/../shared/corpus" ]; then shared="$origin/../shared"; fi
fi
if [ ! -d "$shared/corpus" ]; then
  echo "no shared corpus at $shared: the AppSpec and Goployer targets start from the sample app only" >&2
fi
mkdir -p "$work/appspec" "$work/bundle" "$work/importer"
cp "$shared"/corpus/appspec/*.yml "$shared"/corpus/appspec/*.json "$work/appspec/" 2>/dev/null || true
cp examples/sample-app/appspec.yml "$work/appspec/sample.yml"
cp "$shared"/corpus/goployer/*.yaml "$work/importer/" 2>/dev/null || true
# Every input a target once failed on is a seed too (and a unit test: tests/importer).
for target in appspec bundle importer; do
  cp fuzz/regressions/"$target"/* "$work/$target/" 2>/dev/null || true
done
tar -C examples -cf "$work/bundle/sample.tar" sample-app
tar -C examples -czf "$work/bundle/sample.tgz" sample-app
(cd examples && zip -qr "$work/bundle/sample.zip" sample-app)

for target in appspec bundle importer; do
  echo "fuzzing ${target} for ${seconds}s"
  mkdir -p "$work/${target}-artifacts"
  "$build_dir/fuzz/${target}_fuzz" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$work/${target}-artifacts/" -print_final_stats=1 "$work/$target" 2>"$work/$target.log" || {
      tail -50 "$work/$target.log"
      # The failing input outlives the work folder, and its bytes are in the log, so a failure
      # seen only in CI can be replayed: base64 -d > input; build-fuzz/fuzz/<target>_fuzz input
      mkdir -p "$build_dir/artifacts"
      for input in "$work/${target}-artifacts"/*; do
        [ -f "$input" ] || continue
        cp "$input" "$build_dir/artifacts/"
        echo "failing input $(basename "$input") ($(stat -c %s "$input") bytes), base64:"
        head -c 65536 "$input" | base64
      done
      echo "fuzz target ${target} found a failure; its input is above and in $build_dir/artifacts/" \
        "(once fixed, keep it in fuzz/regressions/${target}/)" >&2
      exit 1
    }
  grep -E "stat::number_of_executed_runs|Done" "$work/$target.log" | tail -2
done
