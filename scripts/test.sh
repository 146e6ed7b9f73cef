#!/usr/bin/env bash
# Builds safeddl and runs every unit and integration test through ctest, twice: a normal build,
# then an AddressSanitizer + UndefinedBehaviorSanitizer build. Installs missing Debian packages
# first; the integration tests start their own sandbox MariaDB servers on loopback: every server
# test runs twice, on the friendly sandbox and (`<name>_stock`) on one with stock server settings,
# one of each at a time in parallel (cmake/SafeddlTesting.cmake). To leave the stock runs out of a
# pass, configure it with -DSAFEDDL_TEST_STOCK_VARIANTS=OFF: the sanitizer pass does, since the
# stock runs exercise the same code paths on other server settings and the normal pass has them
# (it keeps the whole run well under half an hour on two cores). Tests that start sandboxes of
# their own (FULL_ONLY) run in the normal pass only, for the same reason.
# Both builds carry line tables only (-g1: enough for sanitizer reports and backtraces, a third of
# the compile time of full debug info), and go through ccache when it is installed (deps.sh
# installs it), keyed on paths relative to the checkout so that a fresh clone reuses the cache.
# Usage: scripts/test.sh [--fast]   (--fast skips the sanitizer pass)
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh
jobs=$(nproc)
launcher=()
if command -v ccache >/dev/null; then
  export CCACHE_BASEDIR=$PWD CCACHE_NOHASHDIR=true
  launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi

run_suite() {  # build dir, extra cmake flags...
  local dir=$1
  shift
  cmake -S . -B "$dir" -G Ninja "${launcher[@]}" "$@" >/dev/null
  cmake --build "$dir" -j "$jobs"
  ctest --test-dir "$dir" --output-on-failure -j "$jobs" --timeout 900
}

echo "== build and test (RelWithDebInfo)"
run_suite build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG"
if [[ "${1:-}" != "--fast" ]]; then
  echo "== build and test with address and undefined-behaviour sanitizers"
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    run_suite build-asan -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-g1 -DSAFEDDL_SANITIZE=ON \
    -DSAFEDDL_TEST_STOCK_VARIANTS=OFF
fi
