#!/usr/bin/env bash
# ALTER EXTENSION servicedesk UPDATE: install every released version, update
# step by step to the current one, and compare every object (definition,
# columns, constraints, indexes, triggers, policies, comments, privileges)
# with a fresh install of the current version. Data survives the update.
set -uo pipefail
cd "$(dirname "$0")/../.."
base=${SD_TEST_DB:-servicedesk_test}_upg
q() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }
n=0
ok() { n=$((n + 1)); if [[ $1 == 0 ]]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
current=$(sed -n "s/^default_version = '\(.*\)'/\1/p" servicedesk.control)
versions=$(ls sql/servicedesk--*--*.sql | sed -E 's/.*--(.*)--(.*)\.sql/\1/' | sort -uV)
oldest=$(echo "$versions" | head -n 1)
echo "1..$(( $(echo "$versions" | wc -l) * 3 + 5 ))"
set +e

# Every object of the extension, described so that two databases compare.
describe() {
  q -d "$1" <<'SQL'
WITH objs AS (
  SELECT d.classid, d.objid FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid
   WHERE e.extname = 'servicedesk' AND d.deptype = 'e'
)
SELECT line FROM (
  SELECT pg_describe_object(classid, objid, 0) || ' | ' || coalesce(obj_description(objid), '') AS line FROM objs
  UNION ALL
  SELECT 'function ' || p.oid::regprocedure || E'\n' || pg_get_functiondef(p.oid) || ' acl=' || coalesce(p.proacl::text, '')
    FROM objs o JOIN pg_proc p ON p.oid = o.objid WHERE o.classid = 'pg_proc'::regclass
  UNION ALL
  SELECT 'column ' || c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || ' notnull=' || a.attnotnull
         || ' default=' || coalesce(pg_get_expr(ad.adbin, ad.adrelid), '') || ' | ' || coalesce(col_description(c.oid, a.attnum), '')
    FROM objs o JOIN pg_class c ON c.oid = o.objid AND o.classid = 'pg_class'::regclass
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    LEFT JOIN pg_attrdef ad ON ad.adrelid = c.oid AND ad.adnum = a.attnum
  UNION ALL
  SELECT 'relation ' || c.relname || ' kind=' || c.relkind::text || ' acl=' || coalesce(c.relacl::text, '') || ' rls=' || c.relrowsecurity
    FROM objs o JOIN pg_class c ON c.oid = o.objid AND o.classid = 'pg_class'::regclass
  UNION ALL
  SELECT 'constraint ' || conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid)
    FROM pg_constraint WHERE connamespace = 'servicedesk'::regnamespace
  UNION ALL
  SELECT 'index ' || pg_get_indexdef(indexrelid) FROM pg_index WHERE indrelid IN (SELECT objid FROM objs)
  UNION ALL
  SELECT 'trigger ' || pg_get_triggerdef(oid) FROM pg_trigger WHERE tgrelid IN (SELECT objid FROM objs) AND NOT tgisinternal
  UNION ALL
  SELECT 'policy ' || polrelid::regclass || ' ' || polname || ' ' || coalesce(pg_get_expr(polqual, polrelid), '') || ' '
         || coalesce(pg_get_expr(polwithcheck, polrelid), '') || ' | ' || coalesce(obj_description(oid), '')
    FROM pg_policy WHERE polrelid IN (SELECT objid FROM objs)
  UNION ALL
  SELECT 'view ' || c.relname || ' ' || pg_get_viewdef(c.oid) FROM objs o JOIN pg_class c ON c.oid = o.objid WHERE c.relkind = 'v'
  UNION ALL
  SELECT 'config ' || x::regclass FROM pg_extension e, unnest(e.extconfig) x WHERE e.extname = 'servicedesk'
  UNION ALL
  SELECT 'schema acl ' || coalesce(nspacl::text, '') FROM pg_namespace WHERE nspname = 'servicedesk'
) x ORDER BY line;
SQL
}

q -d postgres -c "DROP DATABASE IF EXISTS ${base}_old" -c "DROP DATABASE IF EXISTS ${base}_new" \
  -c "CREATE DATABASE ${base}_old" -c "CREATE DATABASE ${base}_new"
q -d "${base}_old" -c "CREATE EXTENSION servicedesk VERSION '$oldest'"
ok $? "install the oldest version, $oldest"
q -d "${base}_old" -f - <<'SQL'
INSERT INTO servicedesk.users (id, username, roles) VALUES (1, 'rick', '{}'), (2, 'alice', '{agent}');
SELECT servicedesk.publish_workflow('w', '[{"id": "new", "status": "submitted", "initial": true}, {"id": "done", "status": "closed", "terminal": true}]',
  '[{"from": "new", "to": "done", "roles": ["agent"]}]', NULL, 'w');
SET servicedesk.actor_id = 1;
INSERT INTO servicedesk.services (title, service_type) VALUES ('kept', 'w');
SQL
ok $? "data written on $oldest"
before=$(q -d "${base}_old" -c "SELECT count(*) FROM servicedesk.audit_logs")
v=$oldest
while :; do
  next=$(ls sql/servicedesk--"$v"--*.sql 2>/dev/null | sed -E 's/.*--.*--(.*)\.sql/\1/' | sort -V | head -n 1)
  [[ -z $next ]] && break
  q -d "${base}_old" -c "ALTER EXTENSION servicedesk UPDATE TO '$next'"
  ok $? "ALTER EXTENSION servicedesk UPDATE TO '$next' (from $v)"
  [[ $(q -d "${base}_old" -c "SELECT extversion FROM pg_extension WHERE extname = 'servicedesk'") == "$next" ]]
  ok $? "now at $next"
  v=$next
done
[[ $v == "$current" ]]; ok $? "the update path reaches the current version $current"
q -d "${base}_new" -c "CREATE EXTENSION servicedesk"
describe "${base}_old" > /tmp/servicedesk-upgrade.old && describe "${base}_new" > /tmp/servicedesk-upgrade.new
lines=$(wc -l < /tmp/servicedesk-upgrade.new)
diff /tmp/servicedesk-upgrade.old /tmp/servicedesk-upgrade.new > /tmp/servicedesk-upgrade.diff && [[ $lines -gt 300 ]]
ok $? "updated and fresh installs have the same objects ($lines lines compared)$( [[ -s /tmp/servicedesk-upgrade.diff ]] && echo "; diff: $(head -c 600 /tmp/servicedesk-upgrade.diff | tr '\n' ' ')")"
after=$(q -d "${base}_old" -f - <<'SQL'
SET servicedesk.actor_id = 2;
UPDATE servicedesk.services SET current_stage_id = 'done' WHERE title = 'kept';
SELECT count(*) FROM servicedesk.audit_logs;
SQL
)
[[ $after == $((before + 1)) ]]; ok $? "data kept, and the engine works after the update ($before audit rows, then $after)"
q -d postgres -c "DROP DATABASE ${base}_old" -c "DROP DATABASE ${base}_new"

# The shared library serves databases not yet updated: every released
# version, installed as it was, still gets exactly one audit row per change,
# updated_at, the SLA clock and its transition check.
for v in $versions; do
  db=${base}_v${v//./_}
  q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
  out=$(q -d "$db" -f - 2>&1 <<SQL
CREATE EXTENSION servicedesk VERSION '$v';
INSERT INTO servicedesk.users (id, username, roles) VALUES (1, 'rick', '{}');
SELECT servicedesk.publish_workflow('w', '[{"id": "new", "status": "submitted", "initial": true},
  {"id": "triage", "status": "in_progress"}, {"id": "done", "status": "closed", "terminal": true}]',
  '[{"from": "new", "to": "triage"}, {"from": "triage", "to": "done"}]', NULL, 'w') IS NOT NULL;
INSERT INTO servicedesk.slas (name, service_type, response_time, resolution_time) VALUES ('s', 'w', 60, 600);
SET servicedesk.actor_id = 1;
INSERT INTO servicedesk.services (id, title, service_type) VALUES (1, 'old', 'w');
BEGIN;
UPDATE servicedesk.services SET current_stage_id = 'triage', updated_at = '2000-01-01 00:00+00' WHERE id = 1;
SELECT updated_at = now() FROM servicedesk.services WHERE id = 1;
COMMIT;
UPDATE servicedesk.services SET title = 'renamed' WHERE id = 1;
SELECT string_agg(action, ',' ORDER BY id) FROM servicedesk.audit_logs WHERE entity_type = 'services';
SELECT count(*) || ' ' || (responded_at IS NOT NULL) FROM servicedesk.sla_tracking WHERE service_id = 1 GROUP BY responded_at;
UPDATE servicedesk.services SET current_stage_id = 'new' WHERE id = 1;
SQL
)
  expected=$'t\nt\ninsert,transition,update\n1 true'
  if [[ $out == *"ERROR:  request 1 cannot move from stage \"triage\" to stage \"new\""* && $out == "$expected"* ]]; then r=0; else r=1; fi
  ok $r "the current library serves a database still on $v (audit rows, updated_at, SLA clock, transition check)$([[ $r != 0 ]] && echo ": $(tr '\n' ' ' <<<"$out" | head -c 600)")"
  q -d postgres -c "DROP DATABASE $db"
done
