-- Bad input: NULLs, huge values, wrong JSON types, odd unicode, overflow and
-- infinity through every function and trigger. Each case gives its SQLSTATE
-- or succeeds with a correct result; the test command then checks the server
-- log for crashed backends.
\set QUIET 1
\set ON_ERROR_STOP 1
\pset format unaligned
\pset tuples_only true
\pset pager off
BEGIN;
\ir ../fixtures.sql
SET LOCAL servicedesk.actor_id = 1001;
INSERT INTO servicedesk.calendars (id, name, working_hours) VALUES (77, 'nine-to-five', '{"mon": [["09:00","17:00"]], "tue": [["09:00","17:00"]]}');
INSERT INTO servicedesk.services (id, title, service_type) VALUES (7001, 'probe', 'it');

-- (label, statement, expected SQLSTATE or NULL for success)
CREATE TEMP TABLE bad (n serial, label text, q text, expect text);
INSERT INTO bad (label, q, expect) VALUES
 -- audited columns: NULLs, huge values, odd unicode
 ('NULL username', $$INSERT INTO servicedesk.users (username) VALUES (NULL)$$, '23502'),
 ('NULL roles', $$INSERT INTO servicedesk.users (username, roles) VALUES ('x', NULL)$$, '23502'),
 ('NULL inside roles', $$INSERT INTO servicedesk.users (username, roles) VALUES ('x', '{a,NULL}')$$, '23514'),
 ('emoji and RTL username', $$INSERT INTO servicedesk.users (username, display_name) VALUES ('🦄‮evil‬', 'e' || chr(769) || 'x' || chr(8203))$$, NULL),
 ('1 MB display name', $$INSERT INTO servicedesk.users (username, display_name) VALUES ('big', repeat('ä', 1000000))$$, '22001'),
 ('255 four-byte characters', $$INSERT INTO servicedesk.users (username, display_name) VALUES ('wide', repeat('𝄞', 255))$$, NULL),
 ('username too long', $$INSERT INTO servicedesk.users (username) VALUES (repeat('x', 101))$$, '22001'),
 ('control characters in title', $$UPDATE servicedesk.services SET title = E'a\tb\nc\\d"e' || chr(1) || chr(31) WHERE id = 7001$$, NULL),
 ('10 MB description', $$UPDATE servicedesk.services SET description = repeat('0123456789', 1000000) WHERE id = 7001$$, NULL),
 ('deeply nested metadata', $$UPDATE servicedesk.services SET metadata = (repeat('[', 5000) || repeat(']', 5000))::jsonb WHERE id = 7001$$, NULL),
 ('metadata with \u0000', $$UPDATE servicedesk.services SET metadata = '{"a": "\u0000"}' WHERE id = 7001$$, '22P05'),
 ('metadata number 1e1000', $$UPDATE servicedesk.services SET metadata = '{"n": 1e1000}' WHERE id = 7001$$, NULL),
 ('metadata not an object', $$UPDATE servicedesk.services SET metadata = '"just a string"' WHERE id = 7001$$, NULL),
 ('priority outside the set', $$UPDATE servicedesk.services SET priority = 'urgent' WHERE id = 7001$$, '23514'),
 ('NULL priority', $$UPDATE servicedesk.services SET priority = NULL WHERE id = 7001$$, NULL),
 ('NULL title', $$UPDATE servicedesk.services SET title = NULL WHERE id = 7001$$, '23502'),
 ('created_at infinity without SLA', $$INSERT INTO servicedesk.services (title, service_type, created_at) VALUES ('inf', 'it', 'infinity')$$, NULL),
 ('assignee that does not exist', $$UPDATE servicedesk.services SET assignee_id = 2147483647 WHERE id = 7001$$, '23503'),
 ('SQL-looking stage id', $$UPDATE servicedesk.services SET current_stage_id = $q$x'); DROP TABLE servicedesk.users; --$q$ WHERE id = 7001$$, 'SD002'),
 ('stage id of 100 unicode chars', $$UPDATE servicedesk.services SET current_stage_id = repeat('é', 100) WHERE id = 7001$$, 'SD002'),
 ('stage id too long', $$UPDATE servicedesk.services SET current_stage_id = repeat('x', 101) WHERE id = 7001$$, '22001'),
 ('status NULL', $$UPDATE servicedesk.services SET status = NULL WHERE id = 7001$$, 'SD002'),
 -- workflow definitions of the wrong shape
 ('stages JSON null', $$INSERT INTO servicedesk.workflows (name, stages, transitions) VALUES ('w', 'null', '[]')$$, 'SD001'),
 ('stages a string', $$INSERT INTO servicedesk.workflows (name, stages, transitions) VALUES ('w', '"x"', '[]')$$, 'SD001'),
 ('stages a number', $$INSERT INTO servicedesk.workflows (name, stages, transitions) VALUES ('w', '42', '[]')$$, 'SD001'),
 ('stages an object', $$INSERT INTO servicedesk.workflows (name, stages, transitions) VALUES ('w', '{}', '[]')$$, 'SD001'),
 ('stages empty', $$INSERT INTO servicedesk.workflows (name, stages, transitions) VALUES ('w', '[]', '[]')$$, 'SD001'),
 ('stages SQL NULL', $$INSERT INTO servicedesk.workflows (name, stages, transitions) VALUES ('w', NULL, '[]')$$, '23502'),
 ('stage id a number', $$INSERT INTO servicedesk.workflows (name, stages, transitions) VALUES ('w', '[{"id": 1, "status": "submitted", "initial": true}]', '[]')$$, 'SD001'),
 ('initial as a string', $$INSERT INTO servicedesk.workflows (name, stages, transitions) VALUES ('w', '[{"id": "a", "status": "submitted", "initial": "yes"}]', '[]')$$, 'SD001'),
 ('transition from a number', $$INSERT INTO servicedesk.workflows (name, stages, transitions) VALUES ('w', '[{"id": "a", "status": "submitted", "initial": true}]', '[{"from": 1, "to": "a"}]')$$, 'SD001'),
 ('transitions deeply nested', $$INSERT INTO servicedesk.workflows (name, stages, transitions) VALUES ('w', '[{"id": "a", "status": "submitted", "initial": true}]', (repeat('[', 3000) || repeat(']', 3000))::jsonb)$$, 'SD001'),
 ('50,000 bad stages', $$INSERT INTO servicedesk.workflows (name, stages, transitions) SELECT 'w', jsonb_agg(jsonb_build_object('id', g, 'status', 'nope')), '[]' FROM generate_series(1, 50000) g$$, 'SD001'),
 ('approvers a string', $$INSERT INTO servicedesk.workflows (name, stages, transitions) VALUES ('w', '[{"id": "a", "status": "submitted", "initial": true}, {"id": "b", "status": "pending_approval", "approval": {"approvers": "all", "on_approved": "a", "on_rejected": "a"}}]', '[{"from": "a", "to": "b"}]')$$, 'SD001'),
 ('quorum huge', $$INSERT INTO servicedesk.workflows (name, stages, transitions) VALUES ('w', '[{"id": "a", "status": "submitted", "initial": true}, {"id": "b", "status": "pending_approval", "approval": {"approvers": [1], "policy": {"quorum": 99999999999999999999}, "on_approved": "a", "on_rejected": "a"}}]', '[{"from": "a", "to": "b"}]')$$, 'SD001'),
 ('due_minutes negative', $$INSERT INTO servicedesk.workflows (name, stages, transitions) VALUES ('w', '[{"id": "a", "status": "submitted", "initial": true}, {"id": "b", "status": "pending_approval", "approval": {"approvers": [1], "due_minutes": -5, "on_approved": "a", "on_rejected": "a"}}]', '[{"from": "a", "to": "b"}]')$$, 'SD001'),
 ('validate_workflow(NULL, NULL)', $$SELECT count(*) FROM servicedesk.validate_workflow(NULL, NULL)$$, NULL),
 ('publish_workflow NULL name', $$SELECT servicedesk.publish_workflow(NULL, '[]', '[]')$$, 'SD001'),
 ('workflow_graph(NULL)', $$SELECT servicedesk.workflow_graph(NULL)$$, NULL),
 ('workflow_graph format NULL', format($$SELECT servicedesk.workflow_graph(%s, NULL)$$, :it_workflow), NULL),
 -- calendars
 ('working_hours null', $$INSERT INTO servicedesk.calendars (name, working_hours) VALUES ('c1', 'null')$$, 'SD007'),
 ('working_hours array', $$INSERT INTO servicedesk.calendars (name, working_hours) VALUES ('c1', '[]')$$, 'SD007'),
 ('working hour as number', $$INSERT INTO servicedesk.calendars (name, working_hours) VALUES ('c1', '{"mon": [[9, 17]]}')$$, 'SD007'),
 ('25:00', $$INSERT INTO servicedesk.calendars (name, working_hours) VALUES ('c1', '{"mon": [["09:00", "25:00"]]}')$$, 'SD007'),
 ('time zone injection', $$INSERT INTO servicedesk.calendars (name, timezone, working_hours) VALUES ('c1', 'UTC; DROP TABLE x', '{"mon": [["09:00", "17:00"]]}')$$, 'SD007'),
 ('time zone empty', $$INSERT INTO servicedesk.calendars (name, timezone, working_hours) VALUES ('c1', '', '{"mon": [["09:00", "17:00"]]}')$$, 'SD007'),
 ('holiday infinity', $$INSERT INTO servicedesk.calendars (name, working_hours, holidays) VALUES ('c1', '{"mon": [["09:00", "17:00"]]}', '{infinity}')$$, 'SD007'),
 ('10,000 holidays', $$INSERT INTO servicedesk.calendars (name, working_hours, holidays) SELECT 'c1', '{"mon": [["09:00", "17:00"]]}', array_agg(d::date) FROM generate_series('2000-01-01'::date, '2027-05-18', '1 day') d$$, NULL),
 -- business time functions
 ('business_add NULL start', $$SELECT servicedesk.business_add(NULL, 5, 77)$$, NULL),
 ('business_add NULL minutes', $$SELECT servicedesk.business_add(now(), NULL, 77)$$, NULL),
 ('business_add negative', $$SELECT servicedesk.business_add(now(), -1, 77)$$, '22023'),
 ('business_add int max 24x7', $$SELECT servicedesk.business_add(now(), 2147483647, NULL)$$, NULL),
 ('business_add int max on a calendar', $$SELECT servicedesk.business_add(now(), 2147483647, 77)$$, NULL),
 ('business_add near the end of time', $$SELECT servicedesk.business_add('294276-12-31 23:00+00', 2147483647, NULL)$$, '22008'),
 ('business_add infinity', $$SELECT servicedesk.business_add('infinity', 5, 77)$$, NULL),
 ('business_add -infinity', $$SELECT servicedesk.business_add('-infinity', 5, 77)$$, NULL),
 ('business_add unknown calendar', $$SELECT servicedesk.business_add(now(), 5, -1)$$, 'SD007'),
 ('business_minutes infinity', $$SELECT servicedesk.business_minutes(now(), 'infinity', 77)$$, '22008'),
 ('business_minutes whole range 24x7', $$SELECT servicedesk.business_minutes('4713-01-01 BC', '294276-01-01', NULL)$$, '22003'),
 ('business_minutes whole range on a calendar', $$SELECT servicedesk.business_minutes('4713-01-01 BC', '294276-01-01', 77)$$, '22003'),
 ('business_minutes NULL', $$SELECT servicedesk.business_minutes(NULL, now(), 77)$$, NULL),
 -- SLAs
 ('escalation_rules a string', $$INSERT INTO servicedesk.slas (name, escalation_rules) VALUES ('s', '"x"')$$, '22023'),
 ('escalation rule at 0 percent', $$INSERT INTO servicedesk.slas (name, escalation_rules) VALUES ('s', '[{"target": "response", "at_percent": 0, "action": "notify"}]')$$, '22023'),
 ('escalation rule unknown action', $$INSERT INTO servicedesk.slas (name, escalation_rules) VALUES ('s', '[{"target": "response", "at_percent": 50, "action": "page"}]')$$, '22023'),
 ('negative response_time', $$INSERT INTO servicedesk.slas (name, response_time) VALUES ('s', -1)$$, '23514'),
 ('sla_sweep NULL', $$SELECT servicedesk.sla_sweep(NULL)$$, NULL),
 ('sla_sweep infinity', $$SELECT servicedesk.sla_sweep('infinity')$$, '22008'),
 ('sla_sweep -infinity', $$SELECT servicedesk.sla_sweep('-infinity')$$, '22008'),
 -- functions with NULL and unknown ids
 ('transition NULL id', $$SELECT servicedesk.transition(NULL, 'x')$$, 'SD002'),
 ('transition unknown id', $$SELECT servicedesk.transition(2147483647, 'x')$$, 'P0002'),
 ('available_transitions NULL', $$SELECT count(*) FROM servicedesk.available_transitions(NULL)$$, NULL),
 ('approve NULL', $$SELECT servicedesk.approve(NULL)$$, 'SD006'),
 ('approve unknown', $$SELECT servicedesk.approve(-2147483648)$$, 'SD006'),
 ('reject unknown', $$SELECT servicedesk.reject(0, repeat('x', 100000))$$, 'SD006'),
 -- settings
 ('actor_id overflow', $$SET LOCAL servicedesk.actor_id = '2147483648'$$, 'SD009'),
 ('actor_id negative', $$SET LOCAL servicedesk.actor_id = '-1'$$, 'SD009'),
 ('actor_id zero', $$SET LOCAL servicedesk.actor_id = '0'; UPDATE servicedesk.services SET title = 'z' WHERE id = 7001$$, 'SD009'),
 ('client_ip too long', $$SET LOCAL servicedesk.client_ip = '1111:2222:3333:4444:5555:6666:7777:8888:9999:0000'$$, '22023'),
 -- triggers called the wrong way
 ('trigger function called directly', $$SELECT servicedesk._audit_row()$$, '39P01'),
 ('audit_logs forged row update', $$UPDATE servicedesk.audit_logs SET user_id = 1001$$, 'SD008');

SELECT plan((SELECT count(*)::int + 5 FROM bad));
SELECT is((pg_temp.error_of(q)).code, expect, format('%s: %s', n, label)) FROM bad ORDER BY n;

-- the values that went in came back out of the audit trail intact
SELECT is((SELECT new_values->>'title' FROM servicedesk.audit_logs WHERE entity_type = 'services' AND entity_id = 7001
             AND new_values ? 'title' ORDER BY id DESC LIMIT 1),
          E'a\tb\nc\\d"e' || chr(1) || chr(31), 'control characters survive the audit JSON exactly');
SELECT is((SELECT length(new_values->>'description') FROM servicedesk.audit_logs WHERE entity_type = 'services'
             AND entity_id = 7001 AND new_values ? 'description' ORDER BY id DESC LIMIT 1), 10000000, 'the 10 MB description is audited whole');
SELECT is((SELECT new_values->>'display_name' FROM servicedesk.audit_logs WHERE entity_type = 'users'
             AND new_values->>'username' = 'wide'), repeat('𝄞', 255), 'four-byte characters audited exactly');
SELECT is((SELECT new_values->>'username' FROM servicedesk.audit_logs WHERE entity_type = 'users'
             AND new_values->>'username' LIKE '🦄%'), '🦄‮evil‬', 'emoji and bidi controls audited exactly');
SELECT is((SELECT jsonb_typeof(new_values->'metadata') FROM servicedesk.audit_logs WHERE entity_type = 'services'
             AND entity_id = 7001 AND new_values ? 'metadata' ORDER BY id DESC LIMIT 1), 'string', 'a scalar metadata is audited as JSON, not text');
SELECT * FROM finish();
ROLLBACK;
