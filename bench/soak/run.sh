#!/usr/bin/env bash
# Soak and crash test (issue 6) on a throwaway cluster of its own.
#
#   bash bench/soak/run.sh [SECONDS [CLIENTS [REQUESTS]]]   default 60 s, 4 clients, 5,000 requests
#   bash bench/soak/run.sh --long                            240 s, 4 clients, 20,000 requests, 3 crashes
#
# 1. soak: CLIENTS pgbench clients run random steps (bench/soak/setup.sql,
#    soak.step: valid and invalid transitions, status and priority changes,
#    approvals and rejections, decisions by the wrong people, SLA sweeps at
#    random instants, new requests, bad actors) for SECONDS, while a fault
#    injector cancels a running step every SD_SOAK_CANCEL_EVERY seconds
#    (default 0.5); then test/soak/invariants.sql must report 0 violations.
# 2. crash, SD_SOAK_CRASHES times (default 1): the same workload, each client
#    writing every committed step to a witness file; the server is stopped
#    with `pg_ctl stop -m immediate` after SD_SOAK_CRASH_AFTER seconds
#    (default 5) and restarted; the invariants hold again and every witnessed
#    audit row is there.
# 3. the server log shows no crashed backend.
# Prints the figures for docs/reliability.md; exit status 1 on any violation.
#
# Environment: SD_PORT (cluster port), SD_SOAK_NO_BUILD=1 (skip make install),
# SD_SOAK_KEEP=1 (leave the cluster's directory), SD_SOAK_LOG=FILE (copy the
# pgbench and server logs there).
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$PWD

secs=60 clients=4 nreq=5000 crashes=${SD_SOAK_CRASHES:-1}
if [[ ${1:-} == --long ]]; then
  secs=240 clients=4 nreq=20000 crashes=${SD_SOAK_CRASHES:-3}
else
  secs=${1:-$secs} clients=${2:-$clients} nreq=${3:-$nreq}
fi
crash_after=${SD_SOAK_CRASH_AFTER:-5}

if [[ -z ${SD_SOAK_NO_BUILD:-} ]]; then
  echo "== building and installing servicedesk" >&2
  make -s -j "$(nproc)" >&2 && make -s install >/dev/null || exit 1
fi

source scripts/cluster.sh
SOAK_DIR=$(mktemp -d /tmp/sdsoak.XXXXXX)
chmod 755 "$SOAK_DIR"
source bench/soak/lib.sh
cleanup() {
  soak_kill
  stop_cluster
  if [[ -n ${SD_SOAK_LOG:-} ]]; then
    cat "$SOAK_DIR"/pgbench.*.log "$SD_LOG" >"$SD_SOAK_LOG" 2>/dev/null
  fi
  [[ -n ${SD_SOAK_KEEP:-} ]] || rm -rf "$SOAK_DIR"
}
trap cleanup EXIT
start_cluster "$SOAK_DIR/cluster" || exit 1
db=soak
failed=0

report() {  # report TITLE < lines "name|violations|examples"
  local name n ex seen=0
  echo "-- $1"
  while IFS='|' read -r name n ex; do
    [[ -z $name ]] && continue
    seen=1
    printf '%6s  %s%s\n' "$n" "$name" "${ex:+   e.g. $ex}"
    if [[ $n != 0 && $name != witnessed\ steps\ \(* ]]; then failed=1; fi
  done
  [[ $seen == 1 ]] || { echo "   the checker printed nothing (see the errors above)"; failed=1; }
}

echo "== machine: $(nproc) cores, $(psql -X -At -d postgres -c 'SHOW server_version'), port $PGPORT"
echo "== setup: $nreq requests"
t0=$(date +%s.%N)
soak_setup "$db" "$nreq" || exit 1
echo "   $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b - a}') s"

echo "== soak: $secs s, $clients clients, a cancel every ${SD_SOAK_CANCEL_EVERY:-0.5} s"
soak_start "$db" "$secs" "$clients" "$nreq"
soak_wait
steps=$(psql -X -At -d "$db" -c "SELECT count(*) FROM soak.ops")
echo "   steps: $steps ($(awk -v s="$steps" -v t="$secs" 'BEGIN{printf "%.0f", s / t}')/s), cancels sent: $(soak_cancels), clients aborted (restarted): $(soak_aborted)"
t0=$(date +%s.%N)
report "invariants after the soak" < <(soak_check "$db")
echo "   (checked in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b - a}') s)"
report "steps" < <(soak_unexpected "$db")
soak_summary "$db"
psql -X -At -d "$db" -c "SELECT 'requests ' || (SELECT count(*) FROM servicedesk.services)
  || ', audit rows ' || (SELECT count(*) FROM servicedesk.audit_logs)
  || ', approvals ' || (SELECT count(*) FROM servicedesk.approvals)
  || ' (decided ' || (SELECT count(*) FROM servicedesk.approvals WHERE decision_at IS NOT NULL) || ')'
  || ', escalations ' || (SELECT count(*) FROM servicedesk.sla_escalations)
  || ', breached tracking rows ' || (SELECT count(*) FROM servicedesk.sla_tracking WHERE breached)"
psql -X -At -d "$db" -c "SELECT 'requests by status: ' || string_agg(status || ' ' || n, ', ' ORDER BY n DESC)
  FROM (SELECT status, count(*) n FROM servicedesk.services GROUP BY 1) x"

for ((c = 1; c <= crashes; c++)); do
  echo "== crash $c: the workload for $crash_after s, then pg_ctl stop -m immediate"
  before=$(psql -X -At -d "$db" -c "SELECT count(*) FROM soak.ops")
  witness=$SOAK_DIR/witness.$c
  : >"$witness"; chmod 666 "$witness"
  soak_start "$db" $((crash_after + 30)) "$clients" "$nreq" "$witness"
  sleep "$crash_after"
  as_pg "$PGBIN/pg_ctl" -D "$SD_CLUSTER_DIR/data" -m immediate -w stop >/dev/null
  echo "   stopped with $(wc -l <"$witness") witnessed steps"
  soak_kill
  restart_cluster fast 2>/dev/null || { echo "restart failed"; cat "$SD_LOG"; exit 1; }
  after=$(psql -X -At -d "$db" -c "SELECT count(*) FROM soak.ops")
  echo "   restarted; steps committed in this phase: $((after - before))"
  report "invariants after crash $c" < <(soak_check "$db")
  report "committed changes after crash $c" < <(soak_witness_check "$db" "$witness")
  report "steps" < <(soak_unexpected "$db")
done

echo "== server log"
if check_no_crash >/dev/null; then echo "   no crashed backend"; else check_no_crash; failed=1; fi
echo "   immediate shutdowns: $(grep -c 'received immediate shutdown request' "$SD_LOG"), recoveries: $(grep -c 'automatic recovery in progress' "$SD_LOG")"
echo "   ERROR lines (uncaught, e.g. cancels between statements): $(grep -c ' ERROR: ' "$SD_LOG")"
[[ $failed == 0 ]] && echo "RESULT: 0 violations" || echo "RESULT: VIOLATIONS FOUND"
exit $failed
