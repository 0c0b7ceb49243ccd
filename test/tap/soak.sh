#!/usr/bin/env bash
# Soak and crash test (issue 6), short version; the long one is
# `bash bench/soak/run.sh --long`.
#
# 1. Soak: SD_SOAK_SECONDS (default 20) of 3 pgbench clients running random
#    valid and invalid steps (bench/soak/setup.sql, soak.step) on 2,000
#    requests, a running step cancelled every 0.5 s; then every invariant of
#    test/soak/invariants.sql holds and no step ended with an unexpected
#    SQLSTATE.
# 2. Crash (needs SD_CLUSTER_DIR, exported by start_cluster in
#    scripts/cluster.sh; skipped otherwise): the same workload with every
#    committed step witnessed by its client, `restart_cluster immediate`
#    (pg_ctl stop -m immediate, start) mid-run; then the invariants hold
#    again, every witnessed audit row survived, and the server log shows no
#    crashed backend.
set -uo pipefail
cd "$(dirname "$0")/../.."
source scripts/cluster.sh
db=${SD_TEST_DB:-servicedesk_test}_soak
SOAK_DIR=$(mktemp -d /tmp/sdsoak-tap.XXXXXX)
chmod 755 "$SOAK_DIR"
source bench/soak/lib.sh
trap 'soak_kill; rm -rf "$SOAK_DIR"' EXIT
secs=${SD_SOAK_SECONDS:-20} clients=3 nreq=2000 crash_after=5

n=0 failed=0
ok() {  # ok STATUS NAME [DIAGNOSTICS]
  n=$((n + 1))
  if [[ $1 == 0 ]]; then echo "ok $n - $2"
  else
    failed=1; echo "not ok $n - $2"
    [[ -n ${3:-} ]] && printf '%s\n' "$3" | sed 's/^/# /'
  fi
}
# One TAP test per "name|violations|examples" line: violations must be 0.
checks() {  # checks PREFIX < lines
  local name v ex seen=0
  while IFS='|' read -r name v ex; do
    [[ -z $name ]] && continue
    seen=1
    [[ $v == 0 ]]; ok $? "$1$name" "$v violations, e.g. $ex"
  done
  [[ $seen == 1 ]] || ok 1 "${1}the checker printed its report"
}

soak_setup "$db" "$nreq" >/dev/null
ok $? "setup: $nreq requests, workflows, SLAs, the soak schema"

soak_start "$db" "$secs" "$clients" "$nreq"
soak_wait
steps=$(psql -X -At -d "$db" -c "SELECT count(*) FROM soak.ops")
changed=$(psql -X -At -d "$db" -c "SELECT count(*) FROM soak.ops WHERE sqlstate = '00000'")
[[ ${steps:-0} -ge 1000 && ${changed:-0} -ge 100 ]]
ok $? "soak: $secs s, $clients clients: $steps steps, $changed changed something, $(soak_cancels) cancels sent, $(soak_aborted) clients restarted"
echo "# steps by SQLSTATE: $(psql -X -At -d "$db" -c "SELECT string_agg(sqlstate || ' ' || n, ', ' ORDER BY sqlstate)
  FROM (SELECT sqlstate, count(*) n FROM soak.ops GROUP BY 1) x")"
checks "after the soak: " < <(soak_check "$db")
checks "after the soak: " < <(soak_unexpected "$db")

if [[ -z ${SD_CLUSTER_DIR:-} || ! -d ${SD_CLUSTER_DIR:-/nonexistent}/data ]]; then
  ok 0 "# SKIP crash test: SD_CLUSTER_DIR is not set (run through scripts/test.sh)"
else
  witness=$SOAK_DIR/witness
  : >"$witness"
  before=$(psql -X -At -d "$db" -c "SELECT count(*) FROM soak.ops")
  soak_start "$db" $((crash_after + 60)) "$clients" "$nreq" "$witness"
  sleep "$crash_after"
  log_lines=$(wc -l <"$SD_LOG")
  restart_cluster immediate 2>/dev/null
  ok $? "pg_ctl stop -m immediate after $crash_after s of the workload, restarted"
  soak_kill
  for _ in 1 2 3 4 5 6 7 8 9 10; do psql -X -q -d "$db" -c "SELECT 1" >/dev/null 2>&1 && break; sleep 0.5; done
  w=$(wc -l <"$witness")
  after=$(psql -X -At -d "$db" -c "SELECT count(*) FROM soak.ops")
  [[ $w -ge 100 ]]
  ok $? "clients saw $w steps committed before the stop ($((after - before)) logged)"
  checks "after the crash: " < <(soak_witness_check "$db" "$witness" | grep -v '^witnessed steps (')
  checks "after the crash: " < <(soak_check "$db")
  checks "after the crash: " < <(soak_unexpected "$db")
  new_log=$(tail -n +"$((log_lines + 1))" "$SD_LOG")
  crash_lines=$(grep -E 'terminated by signal|was terminated by exception|server process .* exited with exit code [^0]' <<<"$new_log")
  [[ -z $crash_lines ]]
  ok $? "the server log shows no crashed backend across the immediate stop" "$crash_lines"
  grep -q 'received immediate shutdown request' <<<"$new_log"
  ok $? "the server log shows the immediate shutdown and recovery"
fi

# SD_SOAK_KEEP=1 leaves the database for a look at pg_temp.sd_violations.
[[ -n ${SD_SOAK_KEEP:-} ]] || psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)"
echo "1..$n"
exit $failed
