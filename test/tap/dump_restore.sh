#!/usr/bin/env bash
# pg_dump / pg_restore round trip into a second database keeps every table's
# rows (the tables are extension configuration tables) and sequence positions.
set -uo pipefail
src=${SD_TEST_DB:-servicedesk_test}_dump_src
dst=${SD_TEST_DB:-servicedesk_test}_dump_dst
dump=$(mktemp /tmp/servicedesk-dump.XXXXXX)
trap 'rm -f "$dump"' EXIT
q() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }
n=0
ok() { n=$((n + 1)); if [[ $1 == 0 ]]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
tables=(users calendars workflows slas services approvals sla_tracking sla_escalations audit_logs)
echo "1..$(( ${#tables[@]} * 2 + 4 ))"

q -d postgres -c "DROP DATABASE IF EXISTS $src" -c "DROP DATABASE IF EXISTS $dst" -c "CREATE DATABASE $src" -c "CREATE DATABASE $dst"
q -d "$src" -c "CREATE EXTENSION servicedesk" -f - <<'SQL'
INSERT INTO servicedesk.users (id, username, roles) VALUES (1, 'rick', '{}'), (2, 'mona', '{manager}'), (3, 'alice', '{agent}');
INSERT INTO servicedesk.calendars (name, timezone, working_hours, holidays) VALUES ('c', 'Europe/Berlin', '{"mon": [["09:00", "17:00"]]}', '{2026-12-25}');
INSERT INTO servicedesk.slas (name, service_type, response_time, resolution_time, calendar_id, escalation_rules)
  VALUES ('s', 'w', 10, 60, 1, '[{"target": "response", "at_percent": 10, "action": "notify"}]');
SELECT servicedesk.publish_workflow('w', '[{"id": "new", "status": "submitted", "initial": true},
  {"id": "gate", "status": "pending_approval", "approval": {"approvers": [2], "on_approved": "done", "on_rejected": "new"}},
  {"id": "done", "status": "resolved"}]', '[{"from": "new", "to": "gate"}]', NULL, 'w');
SET servicedesk.actor_id = 1;
INSERT INTO servicedesk.services (title, service_type, created_at) VALUES ('a', 'w', '2026-01-05 09:00+01'), ('b', 'w', '2026-01-05 09:00+01');
UPDATE servicedesk.services SET current_stage_id = 'gate' WHERE id = 1;
SELECT servicedesk.sla_sweep('2026-01-05 16:00+01');
SQL
ok $? "source database populated through the triggers"

declare -A before
for t in "${tables[@]}"; do before[$t]=$(q -d "$src" -c "SELECT count(*) || ':' || md5(coalesce(string_agg(x::text, '|' ORDER BY x.id), '')) FROM servicedesk.$t x"); done
pg_dump -Fc -d "$src" -f "$dump"
ok $? "pg_dump -Fc"
# Data goes in as it was: the triggers must not re-run workflow rules or re-audit rows.
PGOPTIONS='-c session_replication_role=replica' pg_restore -d "$dst" "$dump"
ok $? "pg_restore (session_replication_role=replica, as the README says)"
for t in "${tables[@]}"; do
  after=$(q -d "$dst" -c "SELECT count(*) || ':' || md5(coalesce(string_agg(x::text, '|' ORDER BY x.id), '')) FROM servicedesk.$t x")
  [[ ${before[$t]%%:*} -gt 0 ]]; ok $? "servicedesk.$t had rows to dump (${before[$t]%%:*})"
  [[ $after == "${before[$t]}" ]]; ok $? "servicedesk.$t rows identical after restore"
done
# Sequences continue after the restored ids, and the engine works on restored data.
next=$(q -d "$dst" -c "SET servicedesk.actor_id = 1; INSERT INTO servicedesk.services (title, service_type) VALUES ('c', 'w') RETURNING id")
[[ $next == 3 ]]; ok $? "sequences restored: the next request gets id 3 (got $next)"
q -d postgres -c "DROP DATABASE $src" -c "DROP DATABASE $dst"
