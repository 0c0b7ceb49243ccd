#!/usr/bin/env bash
# The test command (README): installs what is missing, builds with -Werror,
# runs the core's unit tests, short fuzz runs, and every PostgreSQL suite
# against a throwaway cluster it starts itself; checks the log for crashes.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
bash scripts/deps.sh

passed=0; failed=0
suite() {  # suite NAME CMD...
  local name=$1; shift
  echo "=== $name"
  if "$@"; then passed=$((passed + 1)); echo "=== $name: ok"
  else failed=$((failed + 1)); echo "=== $name: FAILED"; fi
}

jobs=$(nproc)
build=$root/build/test
fuzzbuild=$root/build/fuzz

suite "core unit tests (GoogleTest via CTest)" bash -c "
  cmake -S '$root' -B '$build' -DSD_WERROR=ON -DSD_PG_TESTS=OFF >/dev/null &&
  cmake --build '$build' -j $jobs >/dev/null &&
  ctest --test-dir '$build' --output-on-failure -j $jobs | tail -n 3"

suite "fuzzers (libFuzzer, ${SD_FUZZ_SECONDS:-15}s each)" bash -c "
  CXX=clang++-14 cmake -S '$root' -B '$fuzzbuild' -DSD_FUZZ=ON -DSD_FUZZ_SECONDS=${SD_FUZZ_SECONDS:-15} >/dev/null &&
  cmake --build '$fuzzbuild' -j $jobs >/dev/null &&
  ctest --test-dir '$fuzzbuild' --output-on-failure | tail -n 3"

echo "=== building and installing the extension (-Werror)"
make -s clean >/dev/null 2>&1 || true
make -s -j "$jobs" SD_WERROR=1
make -s install >/dev/null

source scripts/cluster.sh
tmp=$(mktemp -d /tmp/servicedesk-test.XXXXXX)
chmod 755 "$tmp"  # the cluster runs as user postgres when we are root
trap 'stop_cluster; rm -rf "$tmp"' EXIT
start_cluster "$tmp/cluster" servicedesk.sweep_databases=servicedesk_worker servicedesk.sweep_interval=1

suite "PostgreSQL suites (pgTAP, TAP, isolation)" bash scripts/pg_tests.sh
suite "server log shows no crash" check_no_crash

echo
echo "suites: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
