-- Audit trail (SPEC section 7): rows for insert/update/delete on each table
-- with exact values, nothing for a no-op update, actor resolution in all
-- three ways, SD009, ip_address, append-only, updated_at.
\set QUIET 1
\set ON_ERROR_STOP 1
\pset format unaligned
\pset tuples_only true
\pset pager off
BEGIN;
SELECT plan(50);
\ir ../fixtures.sql

CREATE TEMP VIEW last_audit AS
  SELECT * FROM servicedesk.audit_logs ORDER BY id DESC LIMIT 1;
GRANT SELECT ON last_audit TO PUBLIC;

-- users: insert, update, delete --------------------------------------------
SET LOCAL servicedesk.actor_id = 1001;
INSERT INTO servicedesk.users (id, username, email, roles) VALUES (2001, 'zed', 'z@example.com', '{agent,"odd role"}');
SELECT is((SELECT action FROM last_audit), 'insert', 'users insert audited as insert');
SELECT is((SELECT new_values - 'created_at' FROM last_audit),
  '{"id": 2001, "username": "zed", "display_name": null, "email": "z@example.com", "roles": ["agent", "odd role"], "db_role": null, "active": true}'::jsonb,
  'users insert: new_values is the whole row');
SELECT is((SELECT old_values FROM last_audit), NULL, 'users insert: old_values is NULL');
SELECT is((SELECT (entity_type, entity_id, user_id)::text FROM last_audit), '(users,2001,1001)', 'entity and actor recorded');
SELECT ok((SELECT (new_values->>'created_at')::timestamptz = now() FROM last_audit), 'timestamps are ISO 8601 and exact');

UPDATE servicedesk.users SET email = NULL, roles = '{}' WHERE id = 2001;
SELECT is((SELECT (action, old_values, new_values)::text FROM last_audit),
  ('update', '{"email": "z@example.com", "roles": ["agent", "odd role"]}'::jsonb, '{"email": null, "roles": []}'::jsonb)::text,
  'users update: only the changed columns, old and new');

SELECT is((SELECT created_at FROM last_audit), now(), 'audit rows carry the transaction time');
CREATE TEMP TABLE n AS SELECT count(*) AS c FROM servicedesk.audit_logs;
UPDATE servicedesk.users SET email = NULL WHERE id = 2001;
SELECT is((SELECT count(*) FROM servicedesk.audit_logs), (SELECT c FROM n), 'a no-op update writes no audit row');

DELETE FROM servicedesk.users WHERE id = 2001;
SELECT is((SELECT (action, new_values)::text FROM last_audit), '(delete,)', 'users delete audited, new_values NULL');
SELECT is((SELECT old_values->>'username' FROM last_audit), 'zed', 'users delete: old_values is the whole row');

-- calendars ------------------------------------------------------------------
INSERT INTO servicedesk.calendars (id, name, timezone, working_hours, holidays)
  VALUES (3001, 'Berlin office', 'Europe/Berlin', '{"mon": [["09:00", "17:00"]]}', '{2026-12-25}');
SELECT is((SELECT new_values - 'created_at' FROM last_audit),
  '{"id": 3001, "name": "Berlin office", "timezone": "Europe/Berlin", "working_hours": {"mon": [["09:00", "17:00"]]}, "holidays": ["2026-12-25"]}'::jsonb,
  'calendars insert: jsonb and date[] columns keep their JSON types');
UPDATE servicedesk.calendars SET holidays = '{2026-12-25,2026-12-26}' WHERE id = 3001;
SELECT is((SELECT new_values FROM last_audit), '{"holidays": ["2026-12-25", "2026-12-26"]}'::jsonb, 'calendars update diff');
DELETE FROM servicedesk.calendars WHERE id = 3001;
SELECT is((SELECT (action, entity_type, entity_id)::text FROM last_audit), '(delete,calendars,3001)', 'calendars delete audited');

-- workflows ------------------------------------------------------------------
INSERT INTO servicedesk.workflows (id, name, stages, transitions)
  VALUES (4001, 'mini', '[{"id": "new", "status": "submitted", "initial": true}, {"id": "done", "status": "closed", "terminal": true}]',
          '[{"from": "new", "to": "done"}]');
SELECT is((SELECT new_values->'stages'->0->>'id' FROM last_audit), 'new', 'workflows insert audited with its stages');
UPDATE servicedesk.workflows SET description = 'small' WHERE id = 4001;
SELECT is((SELECT (old_values, new_values)::text FROM last_audit),
  ('{"description": null}'::jsonb, '{"description": "small"}'::jsonb)::text, 'workflows update diff (updated_at left out)');
UPDATE servicedesk.workflows SET updated_at = '2000-01-01 00:00+00' WHERE id = 4001;
SELECT ok((SELECT updated_at = now() FROM servicedesk.workflows WHERE id = 4001), 'workflows.updated_at maintained by trigger');

-- slas -----------------------------------------------------------------------
INSERT INTO servicedesk.slas (id, name, response_time, resolution_time, escalation_rules, priority)
  VALUES (5001, 'gold', 60, 480, '[{"target": "response", "at_percent": 80, "action": "notify"}]', 'high');
SELECT is((SELECT new_values->'escalation_rules'->0->>'at_percent' FROM last_audit), '80', 'slas insert audited');
UPDATE servicedesk.slas SET response_time = 30 WHERE id = 5001;
SELECT is((SELECT new_values FROM last_audit), '{"response_time": 30}'::jsonb, 'slas update diff');
DELETE FROM servicedesk.slas WHERE id = 5001;
SELECT is((SELECT action FROM last_audit), 'delete', 'slas delete audited');

-- services -------------------------------------------------------------------
INSERT INTO servicedesk.services (id, title, workflow_id, requester_id, metadata)
  VALUES (6001, 'Laptop', 4001, 1003, '{"asset": "L-1"}');
SELECT is((SELECT (action, entity_type, entity_id, new_values->>'title', new_values->'metadata')::text FROM last_audit),
  '(insert,services,6001,Laptop,"{""asset"": ""L-1""}")', 'services insert audited');
UPDATE servicedesk.services SET priority = 'high' WHERE id = 6001;
SELECT is((SELECT (action, old_values, new_values)::text FROM last_audit),
  ('update', '{"priority": "medium"}'::jsonb, '{"priority": "high"}'::jsonb)::text, 'services update diff');
-- An UPDATE that tries to set updated_at itself still gets the transaction time.
UPDATE servicedesk.services SET title = 'Laptop', updated_at = '2000-01-01 00:00+00' WHERE id = 6001;
SELECT ok((SELECT updated_at = now() FROM servicedesk.services WHERE id = 6001), 'services.updated_at maintained by trigger');
UPDATE servicedesk.services SET updated_at = '2000-01-01 00:00+00', current_stage_id = current_stage_id WHERE id = 6001;
SELECT ok((SELECT updated_at = now() FROM servicedesk.services WHERE id = 6001), 'services.updated_at maintained on an UPDATE that changes nothing else');
UPDATE servicedesk.services SET current_stage_id = 'done' WHERE id = 6001;
SELECT is((SELECT (action, old_values->>'current_stage_id', new_values->>'current_stage_id')::text FROM last_audit),
  '(transition,new,done)', 'a stage change is audited as transition');

-- approvals, sla_tracking, sla_escalations --------------------------------------
INSERT INTO servicedesk.slas (id, name, response_time, resolution_time) VALUES (5002, 'silver', 60, 480);
INSERT INTO servicedesk.sla_tracking (id, service_id, sla_id, status) VALUES (7001, 6001, 5002, 'active');
SELECT is((SELECT (action, entity_type, entity_id)::text FROM last_audit), '(insert,sla_tracking,7001)', 'sla_tracking insert audited');
UPDATE servicedesk.sla_tracking SET breached = true WHERE id = 7001;
SELECT is((SELECT new_values FROM last_audit), '{"breached": true}'::jsonb, 'sla_tracking update diff');
INSERT INTO servicedesk.sla_escalations (id, sla_tracking_id, rule_index, action) VALUES (8001, 7001, 0, 'notify');
SELECT is((SELECT (action, entity_type, entity_id, new_values->>'rule_index')::text FROM last_audit), '(insert,sla_escalations,8001,0)', 'sla_escalations insert audited');
DELETE FROM servicedesk.sla_escalations WHERE id = 8001;
SELECT is((SELECT action FROM last_audit), 'delete', 'sla_escalations delete audited');
DELETE FROM servicedesk.sla_tracking WHERE id = 7001;
SELECT is((SELECT (action, old_values->>'status')::text FROM last_audit), '(delete,active)', 'sla_tracking delete audited');

-- approvals: insert (by the engine), update, decision, delete ------------------------
INSERT INTO servicedesk.services (id, title, service_type, requester_id) VALUES (6002, 'Monitor', 'it', 1003);
UPDATE servicedesk.services SET current_stage_id = 'triage' WHERE id = 6002;
UPDATE servicedesk.services SET current_stage_id = 'manager_approval' WHERE id = 6002;
SELECT is((SELECT count(*)::int FROM servicedesk.audit_logs WHERE entity_type = 'approvals' AND action = 'insert'
             AND (new_values->>'service_id')::int = 6002 AND new_values->>'status' = 'pending'), 2,
  'approvals insert: one audit row per approver, whole row');
SELECT id AS ap_mona FROM servicedesk.approvals WHERE service_id = 6002 AND approver_id = 1002 \gset
UPDATE servicedesk.approvals SET due_date = '2030-01-01 00:00+00' WHERE id = :ap_mona;
SELECT is((SELECT (action, new_values)::text FROM last_audit),
  ('update', '{"due_date": "2030-01-01T00:00:00+00:00"}'::jsonb)::text, 'approvals update diff');
SET LOCAL servicedesk.actor_id = 1002;
SELECT servicedesk.reject(:ap_mona, 'too pricey') IS NOT NULL AS rejected \gset
SELECT is((SELECT (action, user_id, old_values->>'status', new_values->>'status', new_values->>'comment')::text
             FROM servicedesk.audit_logs WHERE entity_type = 'approvals' AND entity_id = :ap_mona ORDER BY id DESC LIMIT 1),
  '(reject,1002,pending,rejected,"too pricey")', 'a decision is audited as reject, by the approver');
SELECT is((SELECT count(*)::int FROM servicedesk.audit_logs WHERE entity_type = 'approvals' AND action = 'update'
             AND (old_values->>'status') = 'pending' AND (new_values->>'status') = 'cancelled'), 1,
  'the other approver''s pending row is cancelled, audited as update');
DELETE FROM servicedesk.approvals WHERE id = :ap_mona;
SELECT is((SELECT (action, entity_id, old_values->>'status')::text FROM last_audit), format('(delete,%s,rejected)', :ap_mona),
  'approvals delete audited with the whole old row');
SET LOCAL servicedesk.actor_id = 1001;

-- actor resolution ------------------------------------------------------------
SET LOCAL servicedesk.actor_id = 1002;
SELECT is(servicedesk.current_actor(), 1002, 'actor from servicedesk.actor_id');
SET LOCAL servicedesk.actor_id = '';
SELECT is(servicedesk.current_actor(), NULL, 'no setting and no db_role mapping: no actor');
UPDATE servicedesk.users SET db_role = current_user WHERE id = 1004;
SELECT is(servicedesk.current_actor(), 1004, 'actor from the users.db_role mapping of current_user');
UPDATE servicedesk.users SET display_name = 'Adam A.' WHERE id = 1004;
SELECT is((SELECT user_id FROM last_audit), 1004, 'audit row carries the mapped actor');
CREATE ROLE sd_audit_tester;
GRANT USAGE ON SCHEMA servicedesk TO sd_audit_tester;
GRANT SELECT, UPDATE ON servicedesk.users TO sd_audit_tester;
SET LOCAL ROLE sd_audit_tester;
SELECT is(servicedesk.current_actor(), 1004, 'current_user without mapping falls back to session_user''s');
RESET ROLE;
UPDATE servicedesk.users SET db_role = 'sd_audit_tester' WHERE id = 1001;
SET LOCAL ROLE sd_audit_tester;
SELECT is(servicedesk.current_actor(), 1001, 'current_user''s mapping wins over session_user''s');
RESET ROLE;
SET LOCAL servicedesk.actor_id = 99999;
SELECT throws_ok($$SELECT servicedesk.current_actor()$$, 'SD009', 'servicedesk actor 99999 does not exist', 'unknown actor id: SD009');
SELECT throws_ok($$UPDATE servicedesk.users SET email = 'x' WHERE id = 1003$$, 'SD009', NULL, 'a write by an unknown actor is refused');
SET LOCAL servicedesk.actor_id = 1005;
SELECT throws_ok($$SELECT servicedesk.current_actor()$$, 'SD009', 'servicedesk actor 1005 is inactive', 'inactive actor: SD009');
SELECT throws_ok($$SET servicedesk.actor_id = 'bob'$$, 'SD009', NULL, 'a non-numeric actor id is refused at SET');
SET LOCAL servicedesk.actor_id = 1001;

-- ip_address ----------------------------------------------------------------
SET LOCAL servicedesk.client_ip = '203.0.113.7';
UPDATE servicedesk.users SET email = 'r@example.com' WHERE id = 1003;
SELECT is((SELECT ip_address FROM last_audit), '203.0.113.7', 'ip_address from servicedesk.client_ip');
RESET servicedesk.client_ip;
UPDATE servicedesk.users SET email = 'r2@example.com' WHERE id = 1003;
SELECT is((SELECT ip_address::text FROM last_audit), host(inet_client_addr()), 'ip_address from the connection otherwise');
SELECT throws_ok($$SET servicedesk.client_ip = 'not an address; DROP TABLE x'$$, '22023', NULL, 'a malformed client_ip is refused');

-- append-only -----------------------------------------------------------------
SELECT throws_ok($$UPDATE servicedesk.audit_logs SET action = 'x'$$, 'SD008', NULL, 'UPDATE of audit_logs: SD008');
SELECT throws_ok($$DELETE FROM servicedesk.audit_logs$$, 'SD008', NULL, 'DELETE of audit_logs: SD008');
SELECT throws_ok($$TRUNCATE servicedesk.audit_logs$$, 'SD008', NULL, 'TRUNCATE of audit_logs: SD008');

SELECT * FROM finish();
ROLLBACK;
