#!/usr/bin/env bash
# make sanitize-check:
#  1. the core's unit tests built with AddressSanitizer + UndefinedBehaviorSanitizer;
#  2. the extension built with UndefinedBehaviorSanitizer (-fno-sanitize-recover:
#     any undefined behaviour aborts the backend), loaded into a real server
#     that runs every PostgreSQL suite; the server log must show no sanitizer
#     report and no crashed backend.
# AddressSanitizer cannot sit in the server process here: its runtime must be
# preloaded into the (uninstrumented) postgres binary, and with either GCC's or
# clang's runtime preloaded, postgres deadlocks at start-up inside glibc's
# bindtextdomain (set_pglocale_pgservice). The core, where the parsing and
# arithmetic live, runs under ASan in step 1 and in the fuzzers of make test.
# Afterwards the normal build is installed again.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
jobs=$(nproc)
status=0

echo "== core unit tests under ASan + UBSan"
cmake -S . -B build/asan -DSD_SANITIZE=ON -DSD_PG_TESTS=OFF -DSD_WERROR=ON >/dev/null
cmake --build build/asan -j "$jobs" >/dev/null
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build/asan -j "$jobs" --output-on-failure | tail -n 3 || status=1

san="-fsanitize=undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined"
echo "== the extension built with $san"
make -s clean >/dev/null 2>&1 || true
make -s -j "$jobs" SD_WERROR=1 SD_EXTRA_CXXFLAGS="$san" SD_EXTRA_LDFLAGS="-fsanitize=undefined"
make -s install >/dev/null
source scripts/cluster.sh
tmp=$(mktemp -d /tmp/servicedesk-ubsan.XXXXXX)
chmod 755 "$tmp"
restore() {
  stop_cluster
  rm -rf "$tmp"
  echo "== reinstalling the normal build"
  make -s clean >/dev/null 2>&1 || true
  make -s -j "$jobs" && make -s install >/dev/null
}
trap restore EXIT
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
start_cluster "$tmp/cluster" servicedesk.sweep_databases=servicedesk_worker servicedesk.sweep_interval=1
grep -q "__ubsan" <(nm -D "$(pg_config --pkglibdir)/servicedesk.so") || { echo "the installed library is not instrumented" >&2; status=1; }
bash scripts/pg_tests.sh || status=1
if grep -E "runtime error:|UndefinedBehaviorSanitizer|terminated by signal" "$SD_LOG"; then
  echo "FAIL: sanitizer reports or crashes in the server log" >&2
  status=1
else
  echo "sanitizers: no report in the server log"
fi
[[ $status -eq 0 ]] && echo "sanitize-check: passed" || echo "sanitize-check: FAILED"
exit $status
