#!/usr/bin/env bash
# make sanitize-check: builds the extension with AddressSanitizer and
# UndefinedBehaviorSanitizer, loads it into a real PostgreSQL server (libasan
# preloaded into the postmaster, which is not instrumented itself), runs every
# PostgreSQL suite, and fails on any sanitizer report in the server log.
# Leak detection is off: PostgreSQL frees memory contexts wholesale at exit.
# Afterwards the normal build is installed again.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
jobs=$(nproc)
san="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined"
echo "== building with $san"
make -s clean >/dev/null 2>&1 || true
make -s -j "$jobs" SD_WERROR=1 SD_EXTRA_CXXFLAGS="$san" SD_EXTRA_LDFLAGS="-fsanitize=address,undefined"
make -s install >/dev/null
libasan=$(g++ -print-file-name=libasan.so)
source scripts/cluster.sh
tmp=$(mktemp -d /tmp/servicedesk-asan.XXXXXX)
chmod 755 "$tmp"
restore() {
  stop_cluster
  rm -rf "$tmp"
  echo "== reinstalling the normal build"
  make -s clean >/dev/null 2>&1 || true
  make -s -j "$jobs" && make -s install >/dev/null
}
trap restore EXIT
export LD_PRELOAD=$libasan
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:print_stacktrace=1:detect_stack_use_after_return=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
start_cluster "$tmp/cluster" servicedesk.sweep_databases=servicedesk_worker servicedesk.sweep_interval=1
unset LD_PRELOAD  # only the server runs instrumented; psql and pg_prove do not need it
status=0
bash scripts/pg_tests.sh || status=1
if grep -E "AddressSanitizer|runtime error:|LeakSanitizer|terminated by signal" "$SD_LOG"; then
  echo "FAIL: sanitizer reports in the server log" >&2
  status=1
else
  echo "sanitizers: no report in the server log"
fi
[[ $status -eq 0 ]] && echo "sanitize-check: passed" || echo "sanitize-check: FAILED"
exit $status
