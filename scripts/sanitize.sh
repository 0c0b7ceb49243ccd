#!/usr/bin/env bash
# make sanitize-check:
#  1. the core's unit tests built with AddressSanitizer + UndefinedBehaviorSanitizer;
#  2. the extension built with AddressSanitizer + UndefinedBehaviorSanitizer
#     (-fno-sanitize-recover: any undefined behaviour aborts the backend),
#     loaded into a real server that runs every PostgreSQL suite; the server
#     log must show no sanitizer report and no crashed backend.
# In the server, the ASan runtime is an ordinary dependency of servicedesk.so,
# loaded by shared_preload_libraries in the postmaster before shared memory
# exists (verify_asan_link_order=0). Preloading it into postgres instead
# (LD_PRELOAD, the usual way) deadlocks postgres start-up here, in glibc's
# bindtextdomain, with GCC's and clang's runtimes alike. Loaded this way ASan
# checks every stack and global access of our code and UBSan everything, but
# malloc stays libc's, so heap overflows are caught only in step 1 and in the
# fuzzers of make test, where the core runs fully instrumented.
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

san="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined"
echo "== the extension built with $san"
make -s clean >/dev/null 2>&1 || true
make -s -j "$jobs" SD_WERROR=1 SD_EXTRA_CXXFLAGS="$san" SD_EXTRA_LDFLAGS="-fsanitize=address,undefined"
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
export ASAN_OPTIONS=verify_asan_link_order=0:detect_leaks=0:abort_on_error=1:print_stacktrace=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
start_cluster "$tmp/cluster" servicedesk.sweep_databases=servicedesk_worker servicedesk.sweep_interval=1
for rt in __asan_init __ubsan_handle; do
  grep -q "$rt" <(nm -D "$(pg_config --pkglibdir)/servicedesk.so") || { echo "the installed library lacks $rt" >&2; status=1; }
done
bash scripts/pg_tests.sh || status=1
if grep -E "AddressSanitizer|runtime error:|UndefinedBehaviorSanitizer|terminated by signal" "$SD_LOG"; then
  echo "FAIL: sanitizer reports or crashes in the server log" >&2
  status=1
else
  echo "sanitizers: no report in the server log"
fi
[[ $status -eq 0 ]] && echo "sanitize-check: passed" || echo "sanitize-check: FAILED"
exit $status
