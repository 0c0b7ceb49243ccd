#!/usr/bin/env bash
# The background sweeper: with servicedesk in shared_preload_libraries and the
# database in servicedesk.sweep_databases, an overdue request is escalated and
# flagged without anyone calling sla_sweep(). (The test cluster of
# scripts/test.sh sweeps database servicedesk_worker every second.)
set -uo pipefail
db=servicedesk_worker
q() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }
n=0
ok() { n=$((n + 1)); if [[ $1 == 0 ]]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
echo "1..5"
[[ $(q -d postgres -c "SHOW servicedesk.sweep_databases") == *"$db"* ]]
ok $? "the cluster sweeps database $db"
# The launcher has no database connection, so it is not in pg_stat_activity.
pgrep -f "servicedesk sweep launcher" >/dev/null
ok $? "the launcher worker runs"
q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
q -d "$db" -c "CREATE EXTENSION servicedesk" -f - <<'SQL'
INSERT INTO servicedesk.users (id, username) VALUES (1, 'rick');
SELECT servicedesk.publish_workflow('w', '[{"id": "new", "status": "submitted", "initial": true}]', '[]', NULL, 'w');
INSERT INTO servicedesk.slas (name, service_type, response_time, resolution_time, escalation_rules)
  VALUES ('s', 'w', 1, 60, '[{"target": "response", "at_percent": 50, "action": "notify"}]');
INSERT INTO servicedesk.services (title, service_type, requester_id, created_at) VALUES ('late', 'w', 1, now() - interval '5 minutes');
SQL
ok $? "an overdue request exists"
fired=0
for _ in $(seq 1 30); do
  fired=$(q -d "$db" -c "SELECT count(*) FROM servicedesk.sla_escalations")
  [[ $fired -ge 1 ]] && break
  sleep 0.5
done
[[ $fired == 1 ]]; ok $? "the worker fired the escalation once (fired: $fired)"
[[ $(q -d "$db" -c "SELECT response_breached FROM servicedesk.sla_tracking") == t ]]
ok $? "and flagged the response breach"
q -d postgres -c "DROP DATABASE $db WITH (FORCE)"
