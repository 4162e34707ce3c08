#!/usr/bin/env bash
# Sets everything up and runs every test: the unit and integration suites on a normal build,
# the same suites under AddressSanitizer + UndefinedBehaviorSanitizer, the multi-threaded modules
# under ThreadSanitizer, then the fuzz targets for a bounded time. Exits non-zero on the first
# failure and ends with one line "tests: N passed, M failed".
# Environment: GREENLIGHT_FUZZ_SECONDS (default 30) per fuzz target; GREENLIGHT_SKIP_ASAN=1 or
# GREENLIGHT_SKIP_TSAN=1 to skip a sanitizer build while iterating (CI runs everything).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh

passed=0
failed=0
run_suite() {  # run_suite BUILD_DIR LABEL
  local log
  log="$(mktemp)"
  local status=0
  (cd "$1" && ctest -L "$2" --output-on-failure -j2 --timeout 600) 2>&1 | tee "$log" || status=$?
  local line
  line="$(grep -E '^[0-9]+% tests passed, [0-9]+ tests failed out of [0-9]+' "$log" | tail -1 || true)"
  rm -f "$log"
  if [[ -n "$line" ]]; then
    local total failures
    total="$(sed -E 's/.* out of ([0-9]+).*/\1/' <<<"$line")"
    failures="$(sed -E 's/.* ([0-9]+) tests failed.*/\1/' <<<"$line")"
    passed=$((passed + total - failures))
    failed=$((failed + failures))
  fi
  if [[ $status -ne 0 ]]; then
    echo "tests: ${passed} passed, $((failed > 0 ? failed : 1)) failed"
    exit 1
  fi
}

echo "== build"
scripts/build.sh build
echo "== unit tests"
run_suite build unit
echo "== integration tests"
run_suite build integration

if [[ "${GREENLIGHT_SKIP_ASAN:-0}" != 1 ]]; then
  echo "== AddressSanitizer + UndefinedBehaviorSanitizer build"
  # Debug: the sanitizers find the same faults without optimisation, and it compiles faster.
  scripts/build.sh build-asan -DGREENLIGHT_SANITIZE=address -DCMAKE_BUILD_TYPE=Debug
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  run_suite build-asan unit
  run_suite build-asan integration
fi

if [[ "${GREENLIGHT_SKIP_TSAN:-0}" != 1 ]]; then
  # ThreadSanitizer for the multi-threaded parts: the HTTP server core, the store and the engine.
  echo "== ThreadSanitizer build (http, store, engine)"
  export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/greenlight-ccache}"
  cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DGREENLIGHT_SANITIZE=thread >/dev/null
  cmake --build build-tsan --target http_tests store_tests engine_tests
  for suite in http_tests store_tests engine_tests; do
    log="$(mktemp)"
    status=0
    TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 "build-tsan/tests/$suite" --gtest_brief=1 2>&1 | tee "$log" || status=$?
    count="$(sed -nE 's/^\[  PASSED  \] ([0-9]+) tests?\.$/\1/p' "$log" | tail -1)"
    rm -f "$log"
    passed=$((passed + ${count:-0}))
    if [[ $status -ne 0 ]]; then
      echo "tests: ${passed} passed, 1 failed"
      exit 1
    fi
  done
fi

echo "== fuzzing"
scripts/fuzz.sh "${GREENLIGHT_FUZZ_SECONDS:-30}"

echo "tests: ${passed} passed, ${failed} failed"
