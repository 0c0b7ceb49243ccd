#!/usr/bin/env bash
# Sourced by bench/soak/run.sh and test/tap/soak.sh: the soak workload's
# pieces, against the server the PG* variables name.
#
#   soak_setup DB NREQ                 fresh database DB with the extension, NREQ requests, soak.step
#   soak_start DB SECONDS CLIENTS NREQ [WITNESS]
#                                      the workload in the background: CLIENTS pgbench clients, each
#                                      in its own loop (a client whose step is cancelled between
#                                      statements aborts; its loop starts a new one), plus the fault
#                                      injector (pg_cancel_backend of a random running step every
#                                      SD_SOAK_CANCEL_EVERY seconds, default 0.5; 0 = none); with
#                                      WITNESS each committed step is appended to that file
#   soak_wait                          waits for the workload to end
#   soak_kill                          ends the workload's processes (by pid) now
#   soak_check DB                      runs test/soak/invariants.sql; prints "name|violations|examples"
#   soak_witness_check DB WITNESS      missing witnessed audit rows: prints "name|violations|examples"
#   soak_summary DB                    steps by operation and SQLSTATE
# SOAK_DIR (a scratch directory) must be set; pgbench output goes to $SOAK_DIR/pgbench.*.log.
SOAK_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SOAK_PGBENCH=${PGBENCH:-$(pg_config --bindir)/pgbench}
SOAK_PIDS=()

soak_psql() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }

soak_setup() {
  local db=$1 nreq=$2
  soak_psql -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db" || return 1
  soak_psql -d "$db" -c "CREATE EXTENSION servicedesk" || return 1
  soak_psql -d "$db" -o /dev/null -v nreq="$nreq" -f "$SOAK_ROOT/bench/soak/setup.sql"
}

# One client: pgbench runs until the deadline, restarted when it ends early.
_soak_client() {
  local db=$1 end=$2 nreq=$3 witness=$4 i=$5 left script=step.sql
  local -a extra=()
  if [[ -n $witness ]]; then script=step_witness.sql; extra=(-D "witness=$witness"); fi
  while left=$((end - $(date +%s))); [[ $left -gt 0 ]]; do
    "$SOAK_PGBENCH" -n -c 1 -T "$left" -D nreq="$nreq" "${extra[@]}" \
      -f "$SOAK_ROOT/bench/soak/$script" "$db" >>"$SOAK_DIR/pgbench.$i.log" 2>&1 || sleep 0.2
  done
}

_soak_injector() {
  local db=$1 end=$2 every=$3
  while [[ $(date +%s) -lt $end ]]; do
    sleep "$every"
    psql -X -q -At -d "$db" -c "SELECT count(*) FILTER (WHERE pg_cancel_backend(pid)) FROM (
        SELECT pid FROM pg_stat_activity
         WHERE datname = current_database() AND application_name = 'pgbench' AND state = 'active'
           AND query LIKE 'SELECT soak.step%' AND pid <> pg_backend_pid()
         ORDER BY random() LIMIT 1) x" >>"$SOAK_DIR/cancels.log" 2>/dev/null
  done
}

soak_start() {
  local db=$1 secs=$2 clients=$3 nreq=$4 witness=${5:-} end i
  end=$(($(date +%s) + secs))
  SOAK_PIDS=()
  for ((i = 1; i <= clients; i++)); do
    _soak_client "$db" "$end" "$nreq" "$witness" "$i" &
    SOAK_PIDS+=($!)
  done
  if [[ ${SD_SOAK_CANCEL_EVERY:-0.5} != 0 ]]; then
    _soak_injector "$db" "$end" "${SD_SOAK_CANCEL_EVERY:-0.5}" &
    SOAK_PIDS+=($!)
  fi
}

soak_wait() { local p; for p in "${SOAK_PIDS[@]}"; do wait "$p"; done; SOAK_PIDS=(); }

# Ends the loops, then the pgbench they started (children of those pids only).
soak_kill() {
  local p c kids
  for p in "${SOAK_PIDS[@]}"; do
    kids=$(pgrep -P "$p" 2>/dev/null)
    kill "$p" 2>/dev/null
    for c in $kids; do kill "$c" 2>/dev/null; done
  done
  for p in "${SOAK_PIDS[@]}"; do wait "$p" 2>/dev/null; done
  SOAK_PIDS=()
}

soak_check() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$1" -f "$SOAK_ROOT/test/soak/invariants.sql"; }

# Every step a client saw committed (the witness file, written after commit)
# left its audit rows: each id is in audit_logs for the entity reported, and
# the step's own log row (soak.ops, same transaction) is there too.
soak_witness_check() {
  local db=$1 witness=$2
  psql -X -q -At -v ON_ERROR_STOP=1 -d "$db" <<SQL
CREATE TEMP TABLE w (line text);
\copy w FROM '$witness'
CREATE TEMP VIEW wa AS
  SELECT line, split_part(line, ':', 1) AS op, split_part(line, ':', 2) AS st, split_part(line, ':', 3) AS ent,
         nullif(split_part(line, ':', 4), '')::integer AS eid, a::integer AS audit_id
    FROM w, unnest(string_to_array(nullif(split_part(line, ':', 5), ''), ',')) a;
SELECT 'witnessed steps (committed changes seen by clients)', count(*), '' FROM w;
SELECT 'witnessed audit rows missing after the crash', count(*),
       coalesce(string_agg(line, ' ' ORDER BY audit_id) FILTER (WHERE rn <= 3), '')
  FROM (SELECT wa.*, row_number() OVER (ORDER BY audit_id) rn FROM wa
         WHERE NOT EXISTS (SELECT FROM servicedesk.audit_logs l
                            WHERE l.id = wa.audit_id AND l.entity_type = wa.ent AND l.entity_id = wa.eid)) x;
SELECT 'witnessed steps missing from soak.ops', count(*), coalesce(min(line), '')
  FROM wa WHERE NOT EXISTS (SELECT FROM soak.ops o WHERE wa.audit_id = ANY (o.audit_ids));
SELECT 'logged steps whose audit rows are missing', count(*), coalesce(min(o.id::text), '')
  FROM soak.ops o, unnest(o.audit_ids) a
 WHERE NOT EXISTS (SELECT FROM servicedesk.audit_logs l WHERE l.id = a);
SQL
}

soak_summary() {
  psql -X -q -d "$1" -c "SELECT op, sqlstate, count(*) AS steps FROM soak.ops GROUP BY 1, 2 ORDER BY 1, 2" \
    -c "SELECT count(*) AS steps, count(*) FILTER (WHERE sqlstate = '00000') AS changed,
               count(*) FILTER (WHERE sqlstate = '00001') AS nothing_to_do,
               count(*) FILTER (WHERE sqlstate NOT IN ('00000', '00001')) AS refused,
               count(*) FILTER (WHERE sqlstate NOT IN (SELECT sqlstate FROM soak.expected_sqlstates)) AS unexpected
          FROM soak.ops" \
    -c "SELECT sqlstate, count(*) AS steps FROM soak.ops GROUP BY 1 ORDER BY 1"
}

# Steps that ended with a SQLSTATE no refusal explains (e.g. XX000): "name|n|examples".
soak_unexpected() {
  psql -X -q -At -d "$1" -c "SELECT 'steps ending with an unexpected SQLSTATE', count(*),
      coalesce(string_agg(op || ' ' || sqlstate || ' ' || left(message, 120), ' | ') FILTER (WHERE rn <= 3), '')
    FROM (SELECT o.*, row_number() OVER (ORDER BY id) rn FROM soak.ops o
           WHERE sqlstate NOT IN (SELECT sqlstate FROM soak.expected_sqlstates)) x"
}

# Clients aborted by an error pgbench could not get past (a cancel that landed
# outside the step's exception block, or the server going away).
soak_aborted() { cat "$SOAK_DIR"/pgbench.*.log 2>/dev/null | grep -c 'aborted in command'; }
soak_cancels() { awk '{s += $1} END {print s + 0}' "$SOAK_DIR/cancels.log" 2>/dev/null || echo 0; }
