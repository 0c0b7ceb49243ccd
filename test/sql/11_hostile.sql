-- Hostile input (issue 6, item 5): malformed and extreme values through every
-- function (publish_workflow, validate_workflow, transition,
-- available_transitions, approve, reject, business_add, business_minutes,
-- sla_sweep, workflow_graph, current_actor) and every trigger (users,
-- calendars, workflows, slas, services, approvals, sla_tracking,
-- sla_escalations, audit_logs): wrong JSON shapes, deep nesting, megabyte
-- strings, odd unicode, SQL-looking ids, integer overflow, infinite and
-- extreme timestamps, NULL in every argument, empty and blank values.
-- In addition to test/sql/09_bad_input.sql (no case repeated).
--
-- Each case is (label, statement, expect): expect is the SQLSTATE the
-- statement must raise, or '= value' for the text of the first column of the
-- last statement's first row ('= NULL' for SQL NULL). The test command checks
-- the server log for crashed backends afterwards.
\set QUIET 1
\set ON_ERROR_STOP 1
\pset format unaligned
\pset tuples_only true
\pset pager off
BEGIN;
\ir ../fixtures.sql
SET LOCAL servicedesk.actor_id = 1001;

-- value_of(q): '= ' and the first column of the result, or the SQLSTATE raised.
CREATE FUNCTION pg_temp.value_of(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE v text;
BEGIN
  EXECUTE q INTO v;
  RETURN '= ' || coalesce(v, 'NULL');
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE;
END $$;
-- v(stages, transitions): validate_workflow's problems as one line ('valid' if none).
CREATE FUNCTION pg_temp.v(s jsonb, t jsonb) RETURNS text LANGUAGE sql AS $$
  SELECT coalesce(string_agg(path || ': ' || message, ' | ' ORDER BY path, message), 'valid')
    FROM servicedesk.validate_workflow(s, t) $$;

-- Fixtures of this suite: a Monday/Tuesday calendar, a fallback workflow
-- (service_type NULL) whose move needs metadata.k, an SLA for type 'sla',
-- three requests (one waiting for approval by mona and adam).
INSERT INTO servicedesk.calendars (id, name, working_hours) VALUES
  (77, 'h-mon-tue', '{"mon": [["09:00","17:00"]], "tue": [["09:00","17:00"]]}');
SELECT servicedesk.publish_workflow('h_fallback',
  '[{"id": "a", "status": "submitted", "initial": true}, {"id": "b", "status": "in_progress"},
    {"id": "c", "status": "cancelled", "terminal": true}]',
  '[{"from": "a", "to": "b", "requires": ["metadata.k"]}, {"from": "*", "to": "c"}]') AS fallback \gset
INSERT INTO servicedesk.slas (id, name, service_type, response_time, resolution_time, escalation_rules) VALUES
  (591, 'h-sla', 'sla', 60, 240, '[{"target": "response", "at_percent": 50, "action": "notify"}]');
INSERT INTO servicedesk.services (id, title, service_type, requester_id) VALUES
  (8101, 'h probe', 'it', 1003), (8102, 'h meta', 'meta', 1003), (8103, 'h approval', 'it', 1003);
UPDATE servicedesk.services SET current_stage_id = 'triage' WHERE id = 8103;
UPDATE servicedesk.services SET current_stage_id = 'manager_approval' WHERE id = 8103;
SELECT id AS appr_mona FROM servicedesk.approvals WHERE service_id = 8103 AND approver_id = 1002 \gset
SELECT id AS appr_adam FROM servicedesk.approvals WHERE service_id = 8103 AND approver_id = 1004 \gset

\set ok_stages '''[{"id": "a", "status": "submitted", "initial": true}, {"id": "z", "status": "closed", "terminal": true}]'''
\set ok_trans '''[{"from": "a", "to": "z"}]'''

CREATE TEMP TABLE hostile (n serial, label text, q text, expect text);
INSERT INTO hostile (label, q, expect) VALUES
 -----------------------------------------------------------------------------
 -- publish_workflow: NULL in each argument, odd names, megabyte values
 ('publish_workflow NULL stages', $$SELECT servicedesk.publish_workflow('h_p', NULL, '[]')$$, '23502'),
 ('publish_workflow NULL transitions', format($$SELECT servicedesk.publish_workflow('h_p', %L, NULL)$$, :ok_stages), '23502'),
 ('publish_workflow NULL description', format($$SELECT servicedesk.publish_workflow('h_p1', %L, %L, NULL); SELECT description IS NULL FROM servicedesk.workflows WHERE id = (SELECT max(id) FROM servicedesk.workflows)$$, :ok_stages, :ok_trans), '= true'),
 ('publish_workflow NULL service_type (a fallback)', format($$SELECT servicedesk.publish_workflow('h_p2', %L, %L, 'd', NULL); SELECT service_type IS NULL FROM servicedesk.workflows WHERE id = (SELECT max(id) FROM servicedesk.workflows)$$, :ok_stages, :ok_trans), '= true'),
 ('publish_workflow empty name', format($$SELECT servicedesk.publish_workflow('', %L, %L, NULL, 'h_t'); SELECT name FROM servicedesk.workflows WHERE id = (SELECT max(id) FROM servicedesk.workflows)$$, :ok_stages, :ok_trans), '= '),
 ('publish_workflow whitespace-only name', format($$SELECT servicedesk.publish_workflow(E' \t ', %L, %L, NULL, 'h_t'); SELECT version FROM servicedesk.workflows WHERE id = (SELECT max(id) FROM servicedesk.workflows)$$, :ok_stages, :ok_trans), '= 1'),
 ('publish_workflow name of 256 characters', format($$SELECT servicedesk.publish_workflow(repeat('n', 256), %L, %L)$$, :ok_stages, :ok_trans), '22001'),
 ('publish_workflow name of 255 four-byte characters', format($$SELECT servicedesk.publish_workflow(repeat('𝄞', 255), %L, %L, NULL, 'h_t'); SELECT name = repeat('𝄞', 255) FROM servicedesk.workflows WHERE id = (SELECT max(id) FROM servicedesk.workflows)$$, :ok_stages, :ok_trans), '= true'),
 ('publish_workflow SQL-looking name', format($$SELECT servicedesk.publish_workflow($q$x'); DROP TABLE servicedesk.users; --$q$, %L, %L, NULL, 'h_t'); SELECT name FROM servicedesk.workflows WHERE id = (SELECT max(id) FROM servicedesk.workflows) AND to_regclass('servicedesk.users') IS NOT NULL$$, :ok_stages, :ok_trans), $$= x'); DROP TABLE servicedesk.users; --$$),
 ('publish_workflow RTL and zero-width name', format($$SELECT servicedesk.publish_workflow(E'\u202Eabc\u200B', %L, %L, NULL, 'h_t'); SELECT name FROM servicedesk.workflows WHERE id = (SELECT max(id) FROM servicedesk.workflows)$$, :ok_stages, :ok_trans), E'= \u202Eabc\u200B'),
 ('publish_workflow twice in one statement (its snapshot still sees version 1 active)', format($$SELECT servicedesk.publish_workflow('h_twice', %1$L, %2$L, NULL, 'h_t'); SELECT string_agg(version || ':' || active, ',' ORDER BY version) FROM servicedesk.workflows WHERE name = 'h_twice' AND servicedesk.publish_workflow('h_twice', %1$L, %2$L, NULL, 'h_t') > 0$$, :ok_stages, :ok_trans), '= 1:true'),
 ('publish_workflow versions after two publishes', $$SELECT string_agg(version || ':' || active, ',' ORDER BY version) FROM servicedesk.workflows WHERE name = 'h_twice'$$, '= 1:false,2:true'),
 ('publish_workflow 1 MB description', format($$SELECT servicedesk.publish_workflow('h_p3', %L, %L, repeat('d', 1000000), 'h_t'); SELECT length(description) FROM servicedesk.workflows WHERE id = (SELECT max(id) FROM servicedesk.workflows)$$, :ok_stages, :ok_trans), '= 1000000'),
 ('publish_workflow service_type of 101 characters', format($$SELECT servicedesk.publish_workflow('h_p4', %L, %L, NULL, repeat('t', 101))$$, :ok_stages, :ok_trans), '22001'),
 ('publish_workflow stages nested 100,000 deep (jsonb input limit)', $$SELECT servicedesk.publish_workflow('h_p5', (repeat('[', 100000) || repeat(']', 100000))::jsonb, '[]')$$, '54001'),
 ('publish_workflow stages nested 10,000 deep', $$SELECT servicedesk.publish_workflow('h_p5', (repeat('[', 10000) || repeat(']', 10000))::jsonb, '[]')$$, 'SD001'),
 ('publish_workflow transitions objects nested 10,000 deep', format($$SELECT servicedesk.publish_workflow('h_p5', %L, (repeat('{"a":', 10000) || '1' || repeat('}', 10000))::jsonb)$$, :ok_stages), 'SD001'),
 ('publish_workflow 1 MB stage id', $$SELECT servicedesk.publish_workflow('h_p5', jsonb_build_array(jsonb_build_object('id', repeat('i', 1000000), 'status', 'submitted', 'initial', true)), '[]')$$, 'SD001'),
 ('publish_workflow lone surrogate in a stage id', $$SELECT servicedesk.publish_workflow('h_p5', '[{"id": "\ud800", "status": "submitted", "initial": true}]', '[]')$$, '22P02'),
 ('publish_workflow lone low surrogate', $$SELECT servicedesk.publish_workflow('h_p5', '[{"id": "\udc00x", "status": "submitted", "initial": true}]', '[]')$$, '22P02'),
 ('publish_workflow \u0000 in a stage id', $$SELECT servicedesk.publish_workflow('h_p5', '[{"id": "a\u0000", "status": "submitted", "initial": true}]', '[]')$$, '22P05'),
 ('publish_workflow stages a JSON array of numbers', $$SELECT servicedesk.publish_workflow('h_p5', '[1, 2, 3]', '[]')$$, 'SD001'),
 ('publish_workflow transitions JSON null', format($$SELECT servicedesk.publish_workflow('h_p5', %L, 'null')$$, :ok_stages), 'SD001'),
 ('publish_workflow transitions true', format($$SELECT servicedesk.publish_workflow('h_p5', %L, 'true')$$, :ok_stages), 'SD001'),
 -----------------------------------------------------------------------------
 -- validate_workflow: NULLs, shapes, ids at the edges (its result is asserted)
 ('validate_workflow(valid, NULL)', format($$SELECT pg_temp.v(%L, NULL)$$, :ok_stages), '= transitions: must not be NULL'),
 ('validate_workflow(NULL, valid)', format($$SELECT pg_temp.v(NULL, %L)$$, :ok_trans), '= stages: must not be NULL'),
 ('validate_workflow(NULL, NULL) lists both', $$SELECT pg_temp.v(NULL, NULL)$$, '= stages: must not be NULL | transitions: must not be NULL'),
 ('validate_workflow arrays of arrays', $$SELECT pg_temp.v('[[]]', '[[]]')$$, '= stages: no stage has "initial": true; exactly one must | stages[0]: must be a stage object, got an array | transitions[0]: must be a transition object, got an array'),
 ('validate_workflow arrays of JSON null', $$SELECT pg_temp.v('[null]', '[null]')$$, '= stages: no stage has "initial": true; exactly one must | stages[0]: must be a stage object, got null | transitions[0]: must be a transition object, got null'),
 ('validate_workflow mixed scalars', $$SELECT pg_temp.v('[1, "a", true]', '[]')$$, '= stages: no stage has "initial": true; exactly one must | stages[0]: must be a stage object, got a number | stages[1]: must be a stage object, got a string | stages[2]: must be a stage object, got a boolean'),
 ('validate_workflow stage id "*"', $$SELECT pg_temp.v('[{"id": "*", "status": "submitted", "initial": true}]', '[]')$$, '= stages[0].id: "*" is not a valid stage id (it means every non-terminal stage in a transition''s from)'),
 ('validate_workflow empty stage id', $$SELECT pg_temp.v('[{"id": "", "status": "submitted", "initial": true}]', '[]')$$, '= stages[0].id: must not be empty (1 to 100 characters)'),
 ('validate_workflow whitespace-only stage id is a valid id', $$SELECT pg_temp.v('[{"id": "   ", "status": "submitted", "initial": true}]', '[]')$$, '= valid'),
 ('validate_workflow id of 100 four-byte characters', $$SELECT pg_temp.v(jsonb_build_array(jsonb_build_object('id', repeat('𝄞', 100), 'status', 'submitted', 'initial', true)), '[]')$$, '= valid'),
 ('validate_workflow id of 101 four-byte characters', $$SELECT pg_temp.v(jsonb_build_array(jsonb_build_object('id', repeat('𝄞', 101), 'status', 'submitted', 'initial', true)), '[]')$$, '= stages[0].id: is 101 characters long; at most 100 are allowed'),
 ('validate_workflow combining marks count as code points (100)', $$SELECT pg_temp.v(jsonb_build_array(jsonb_build_object('id', repeat('e' || chr(769), 50), 'status', 'submitted', 'initial', true)), '[]')$$, '= valid'),
 ('validate_workflow combining marks count as code points (102)', $$SELECT pg_temp.v(jsonb_build_array(jsonb_build_object('id', repeat('e' || chr(769), 51), 'status', 'submitted', 'initial', true)), '[]')$$, '= stages[0].id: is 102 characters long; at most 100 are allowed'),
 ('validate_workflow RTL override, zero-width and combining id', $$SELECT pg_temp.v(jsonb_build_array(jsonb_build_object('id', E'\u202Eevil\u200Be' || chr(769), 'status', 'submitted', 'initial', true)), '[]')$$, '= valid'),
 ('validate_workflow SQL-looking ids are plain ids', $$SELECT pg_temp.v('[{"id": "x''); DROP TABLE servicedesk.users; --", "status": "submitted", "initial": true}, {"id": "1 OR 1=1", "status": "closed"}]', '[{"from": "x''); DROP TABLE servicedesk.users; --", "to": "1 OR 1=1"}]')$$, '= valid'),
 ('validate_workflow duplicated key: the last one counts', $$SELECT pg_temp.v('[{"id": "a", "status": "submitted", "initial": true, "initial": false}]', '[]')$$, '= stages: no stage has "initial": true; exactly one must'),
 ('validate_workflow status in capitals', $$SELECT pg_temp.v('[{"id": "a", "status": "SUBMITTED", "initial": true}]', '[]')$$, '= stages[0].status: unknown status "SUBMITTED" (allowed: submitted, in_progress, pending_approval, on_hold, resolved, closed, cancelled, rejected)'),
 ('validate_workflow status with a trailing blank', $$SELECT pg_temp.v('[{"id": "a", "status": "submitted ", "initial": true}]', '[]')$$, '= stages[0].status: unknown status "submitted " (allowed: submitted, in_progress, pending_approval, on_hold, resolved, closed, cancelled, rejected)'),
 ('validate_workflow key typo "Initial"', $$SELECT pg_temp.v('[{"id": "a", "status": "submitted", "Initial": true}]', '[]')$$, '= stages: no stage has "initial": true; exactly one must | stages[0]: unknown key "Initial" (allowed: id, name, status, initial, terminal, sla, approval)'),
 ('validate_workflow sla "PAUSE", terminal "true"', $$SELECT pg_temp.v('[{"id": "a", "status": "submitted", "initial": true, "sla": "PAUSE", "terminal": "true"}]', '[]')$$, '= stages[0].sla: must be "pause" (the only supported value; omit the key to keep the SLA clock running), got "PAUSE" | stages[0].terminal: must be true or false, got a string'),
 ('validate_workflow 1 MB stage name is fine', $$SELECT pg_temp.v(jsonb_build_array(jsonb_build_object('id', 'a', 'status', 'submitted', 'initial', true, 'name', repeat('n', 1000000))), '[]')$$, '= valid'),
 ('validate_workflow 1 MB stage id', $$SELECT pg_temp.v(jsonb_build_array(jsonb_build_object('id', repeat('i', 1000000), 'status', 'submitted', 'initial', true)), '[]')$$, '= stages[0].id: is 1000000 characters long; at most 100 are allowed'),
 ('validate_workflow stages nested 10,000 deep', $$SELECT pg_temp.v((repeat('[', 10000) || repeat(']', 10000))::jsonb, '[]')$$, '= stages: is nested deeper than 64 levels (a workflow definition needs at most 4)'),
 ('validate_workflow transitions nested 10,000 deep', format($$SELECT pg_temp.v(%L, (repeat('{"a":', 10000) || '1' || repeat('}', 10000))::jsonb)$$, :ok_stages), '= transitions: is nested deeper than 64 levels (a workflow definition needs at most 4)'),
 ('validate_workflow transitions an object', format($$SELECT pg_temp.v(%L, '{}')$$, :ok_stages), '= transitions: must be an array of transition objects, got an object'),
 ('validate_workflow transitions a string', format($$SELECT pg_temp.v(%L, '"x"')$$, :ok_stages), '= transitions: must be an array of transition objects, got a string'),
 ('validate_workflow from []', format($$SELECT pg_temp.v(%L, '[{"from": [], "to": "z"}]')$$, :ok_stages), '= transitions[0].from: must list at least one stage'),
 ('validate_workflow from with a null', format($$SELECT pg_temp.v(%L, '[{"from": ["a", null], "to": "z"}]')$$, :ok_stages), '= transitions[0].from[1]: must be a stage id, got null'),
 ('validate_workflow from missing', format($$SELECT pg_temp.v(%L, '[{"to": "z"}]')$$, :ok_stages), '= transitions[0].from: is required (a stage id, an array of stage ids, or "*")'),
 ('validate_workflow "*" to "*"', $$SELECT pg_temp.v('[{"id": "a", "status": "submitted", "initial": true}]', '[{"from": "*", "to": "*"}]')$$, '= transitions[0].to: must name one stage; "*" is only allowed in from'),
 ('validate_workflow key with a trailing blank', format($$SELECT pg_temp.v(%L, '[{"from": "a", "to": "z", "from ": "a"}]')$$, :ok_stages), '= transitions[0]: unknown key "from " (allowed: from, to, roles, requires, name)'),
 ('validate_workflow roles []', format($$SELECT pg_temp.v(%L, '[{"from": "a", "to": "z", "roles": []}]')$$, :ok_stages), '= transitions[0].roles: must list at least one role (omit "roles" to let anyone take it)'),
 ('validate_workflow roles a string', format($$SELECT pg_temp.v(%L, '[{"from": "a", "to": "z", "roles": "agent"}]')$$, :ok_stages), '= transitions[0].roles: must be an array of strings, got a string'),
 ('validate_workflow roles [""]', format($$SELECT pg_temp.v(%L, '[{"from": "a", "to": "z", "roles": [""]}]')$$, :ok_stages), '= transitions[0].roles[0]: must be a non-empty string, got an empty string'),
 ('validate_workflow roles [null]', format($$SELECT pg_temp.v(%L, '[{"from": "a", "to": "z", "roles": [null]}]')$$, :ok_stages), '= transitions[0].roles[0]: must be a non-empty string, got null'),
 ('validate_workflow requires a string', format($$SELECT pg_temp.v(%L, '[{"from": "a", "to": "z", "requires": "title"}]')$$, :ok_stages), '= transitions[0].requires: must be an array of strings, got a string'),
 ('validate_workflow requires "metadata."', format($$SELECT pg_temp.v(%L, '[{"from": "a", "to": "z", "requires": ["metadata."]}]')$$, :ok_stages), '= transitions[0].requires[0]: "metadata." needs a key ("metadata.KEY")'),
 ('validate_workflow requires a system column', format($$SELECT pg_temp.v(%L, '[{"from": "a", "to": "z", "requires": ["ctid"]}]')$$, :ok_stages), '= transitions[0].requires[0]: unknown column "ctid" (allowed: id, title, description, service_type, priority, status, workflow_id, requester_id, assignee_id, current_stage_id, sla_id, metadata, created_at, updated_at, or "metadata.KEY")'),
 ('validate_workflow requires odd metadata keys', format($$SELECT pg_temp.v(%L, '[{"from": "a", "to": "z", "requires": ["metadata.a.b", "metadata.\u202e"]}]')$$, :ok_stages), '= valid'),
 ('validate_workflow name a number', format($$SELECT pg_temp.v(%L, '[{"from": "a", "to": "z", "name": 5}]')$$, :ok_stages), '= transitions[0].name: must be a string, got a number'),
 ('validate_workflow duplicated transition', format($$SELECT pg_temp.v(%L, '[{"from": "a", "to": "z"}, {"from": "a", "to": "z", "name": "again"}]')$$, :ok_stages), '= transitions[1].from: duplicates transitions[0] (from "a" to "z")'),
 ('validate_workflow ids differing by a blank are distinct', $$SELECT pg_temp.v('[{"id": "a", "status": "submitted", "initial": true}, {"id": "a ", "status": "closed"}]', '[{"from": "a", "to": "a "}]')$$, '= valid'),
 ('validate_workflow quorum 0', $$SELECT pg_temp.v('[{"id": "a", "status": "submitted", "initial": true}, {"id": "b", "status": "pending_approval", "approval": {"approvers": [1], "policy": {"quorum": 0}, "on_approved": "a", "on_rejected": "a"}}]', '[{"from": "a", "to": "b"}]')$$, '= stages[1].approval.policy.quorum: is 0; a quorum must be at least 1'),
 ('validate_workflow quorum 1.5', $$SELECT pg_temp.v('[{"id": "a", "status": "submitted", "initial": true}, {"id": "b", "status": "pending_approval", "approval": {"approvers": [1, 2], "policy": {"quorum": 1.5}, "on_approved": "a", "on_rejected": "a"}}]', '[{"from": "a", "to": "b"}]')$$, '= stages[1].approval.policy.quorum: must be an integer of at least 1, got 1.5'),
 ('validate_workflow quorum "2"', $$SELECT pg_temp.v('[{"id": "a", "status": "submitted", "initial": true}, {"id": "b", "status": "pending_approval", "approval": {"approvers": [1, 2], "policy": {"quorum": "2"}, "on_approved": "a", "on_rejected": "a"}}]', '[{"from": "a", "to": "b"}]')$$, '= stages[1].approval.policy.quorum: must be an integer of at least 1, got a string'),
 ('validate_workflow quorum 2147483648 with role approvers', $$SELECT pg_temp.v('[{"id": "a", "status": "submitted", "initial": true}, {"id": "b", "status": "pending_approval", "approval": {"approvers": {"role": "x"}, "policy": {"quorum": 2147483648}, "on_approved": "a", "on_rejected": "a"}}]', '[{"from": "a", "to": "b"}]')$$, '= stages[1].approval.policy.quorum: is too large'),
 ('validate_workflow policy "ALL"', $$SELECT pg_temp.v('[{"id": "a", "status": "submitted", "initial": true}, {"id": "b", "status": "pending_approval", "approval": {"approvers": [1], "policy": "ALL", "on_approved": "a", "on_rejected": "a"}}]', '[{"from": "a", "to": "b"}]')$$, '= stages[1].approval.policy: unknown policy "ALL" (allowed: "all", "any" or {"quorum": N})'),
 ('validate_workflow due_minutes 2147483647', $$SELECT pg_temp.v('[{"id": "a", "status": "submitted", "initial": true}, {"id": "b", "status": "pending_approval", "approval": {"approvers": [1], "due_minutes": 2147483647, "on_approved": "a", "on_rejected": "a"}}]', '[{"from": "a", "to": "b"}]')$$, '= stages[1].approval.due_minutes: must be between 0 and 5270400 (ten years), got 2147483647'),
 ('validate_workflow due_minutes 2147483648', $$SELECT pg_temp.v('[{"id": "a", "status": "submitted", "initial": true}, {"id": "b", "status": "pending_approval", "approval": {"approvers": [1], "due_minutes": 2147483648, "on_approved": "a", "on_rejected": "a"}}]', '[{"from": "a", "to": "b"}]')$$, '= stages[1].approval.due_minutes: must be between 0 and 5270400 (ten years), got 2147483648'),
 ('validate_workflow due_minutes 1.5', $$SELECT pg_temp.v('[{"id": "a", "status": "submitted", "initial": true}, {"id": "b", "status": "pending_approval", "approval": {"approvers": [1], "due_minutes": 1.5, "on_approved": "a", "on_rejected": "a"}}]', '[{"from": "a", "to": "b"}]')$$, '= stages[1].approval.due_minutes: must be a whole number of business minutes, got 1.5'),
 ('validate_workflow approvers []', $$SELECT pg_temp.v('[{"id": "a", "status": "submitted", "initial": true}, {"id": "b", "status": "pending_approval", "approval": {"approvers": [], "on_approved": "a", "on_rejected": "a"}}]', '[{"from": "a", "to": "b"}]')$$, '= stages[1].approval.approvers: must list at least one user id (or be {"role": "..."})'),
 ('validate_workflow approver ids 1.5, 2^31, -1, "7"', $$SELECT pg_temp.v('[{"id": "a", "status": "submitted", "initial": true}, {"id": "b", "status": "pending_approval", "approval": {"approvers": [1.5, 2147483648, -1, "7"], "on_approved": "a", "on_rejected": "a"}}]', '[{"from": "a", "to": "b"}]')$$, '= stages[1].approval.approvers[0]: must be a user id (a positive integer), got 1.5 | stages[1].approval.approvers[1]: must be a user id (a positive integer), got 2147483648 | stages[1].approval.approvers[2]: must be a user id (a positive integer), got -1 | stages[1].approval.approvers[3]: must be a user id (a positive integer), got a string'),
 ('validate_workflow approvers role ""', $$SELECT pg_temp.v('[{"id": "a", "status": "submitted", "initial": true}, {"id": "b", "status": "pending_approval", "approval": {"approvers": {"role": ""}, "on_approved": "a", "on_rejected": "a"}}]', '[{"from": "a", "to": "b"}]')$$, '= stages[1].approval.approvers.role: must be a non-empty string, got an empty string'),
 ('validate_workflow approvers role a number, extra key', $$SELECT pg_temp.v('[{"id": "a", "status": "submitted", "initial": true}, {"id": "b", "status": "pending_approval", "approval": {"approvers": {"role": 5, "x": 1}, "on_approved": "a", "on_rejected": "a"}}]', '[{"from": "a", "to": "b"}]')$$, '= stages[1].approval.approvers: unknown key "x" (allowed: role) | stages[1].approval.approvers.role: must be a non-empty string, got a number'),
 -----------------------------------------------------------------------------
 -- workflows trigger: direct writes of hostile definitions
 ('INSERT workflows name NULL', format($$INSERT INTO servicedesk.workflows (name, stages, transitions) VALUES (NULL, %L, %L) RETURNING id$$, :ok_stages, :ok_trans), '23502'),
 ('INSERT workflows version 0', format($$INSERT INTO servicedesk.workflows (name, version, stages, transitions) VALUES ('h_w', 0, %L, %L) RETURNING id$$, :ok_stages, :ok_trans), '23514'),
 ('INSERT workflows version 2147483648', format($$INSERT INTO servicedesk.workflows (name, version, stages, transitions) VALUES ('h_w', 2147483648, %L, %L) RETURNING id$$, :ok_stages, :ok_trans), '22003'),
 ('INSERT workflows version 2147483647 then publish: integer overflow refused', format($$INSERT INTO servicedesk.workflows (name, version, stages, transitions) VALUES ('h_max', 2147483647, %1$L, %2$L); SELECT servicedesk.publish_workflow('h_max', %1$L, %2$L)$$, :ok_stages, :ok_trans), '22003'),
 ('UPDATE an unused workflow to a hostile definition', $$UPDATE servicedesk.workflows SET stages = '[{"id": "a", "status": "nope"}]' WHERE name = 'h_p1' RETURNING id$$, 'SD001'),
 ('UPDATE a used workflow to a hostile definition', format($$UPDATE servicedesk.workflows SET stages = '[{"id": "a", "status": "nope"}]' WHERE id = %s RETURNING id$$, :fallback), 'SD008'),
 ('UPDATE a used workflow''s name (allowed)', format($$UPDATE servicedesk.workflows SET name = E'\u202Eh_it' WHERE id = %s RETURNING name$$, :it_workflow), E'= \u202Eh_it'),
 ('UPDATE a used workflow''s transitions', format($$UPDATE servicedesk.workflows SET transitions = transitions WHERE id = %s RETURNING id$$, :it_workflow), '= ' || :it_workflow),
 ('UPDATE a used workflow''s stages', format($$UPDATE servicedesk.workflows SET stages = stages || '[]' WHERE id = %s RETURNING id$$, :it_workflow), '= ' || :it_workflow),
 ('UPDATE a used workflow''s stages to something else', format($$UPDATE servicedesk.workflows SET stages = stages - 0 WHERE id = %s RETURNING id$$, :it_workflow), 'SD008'),
 -----------------------------------------------------------------------------
 -- workflow_graph: unknown ids, formats, stage ids that try to break out
 ('workflow_graph(-1)', $$SELECT servicedesk.workflow_graph(-1)$$, 'SD010'),
 ('workflow_graph(0)', $$SELECT servicedesk.workflow_graph(0)$$, 'SD010'),
 ('workflow_graph(-2147483648)', $$SELECT servicedesk.workflow_graph(-2147483648)$$, 'SD010'),
 ('workflow_graph(NULL, ''dot'')', $$SELECT servicedesk.workflow_graph(NULL, 'dot')$$, '= NULL'),
 ('workflow_graph format ''''', format($$SELECT servicedesk.workflow_graph(%s, '')$$, :it_workflow), '22023'),
 ('workflow_graph format ''DOT''', format($$SELECT servicedesk.workflow_graph(%s, 'DOT')$$, :it_workflow), '22023'),
 ('workflow_graph format '' dot''', format($$SELECT servicedesk.workflow_graph(%s, ' dot')$$, :it_workflow), '22023'),
 ('workflow_graph format ''svg''', format($$SELECT servicedesk.workflow_graph(%s, 'svg')$$, :it_workflow), '22023'),
 ('workflow_graph 1 MB format', format($$SELECT servicedesk.workflow_graph(%s, repeat('x', 1000000))$$, :it_workflow), '22023'),
 ('workflow_graph mermaid escapes newline, quotes, arrows and HTML',
  $$SELECT servicedesk.publish_workflow('h_graph', jsonb_build_array(jsonb_build_object('id', 'a', 'status', 'submitted', 'initial', true),
      jsonb_build_object('id', E'a\n}\ndigraph evil {', 'status', 'closed'), jsonb_build_object('id', 'x --> y; click x "javascript:alert(1)"', 'status', 'closed'),
      jsonb_build_object('id', E'q"uo\\te<b>&amp;', 'status', 'closed')),
    jsonb_build_array(jsonb_build_object('from', 'a', 'to', E'a\n}\ndigraph evil {'), jsonb_build_object('from', 'a', 'to', 'x --> y; click x "javascript:alert(1)"'),
      jsonb_build_object('from', 'a', 'to', E'q"uo\\te<b>&amp;', 'name', E'lab"el\n]')), NULL, 'h_graph'); SELECT servicedesk.workflow_graph((SELECT max(id) FROM servicedesk.workflows WHERE name = 'h_graph'))$$,
  E'= stateDiagram-v2\n  s0 : a\n  s1 : a #125; digraph evil #123;\n  s2 : x --#gt; y#59; click x #quot;javascript#58;alert(1)#quot;\n  s3 : q#quot;uo\\te#lt;b#gt;#amp;amp#59;\n  [*] --> s0\n  s0 --> s1\n  s0 --> s2\n  s0 --> s3 : lab#quot;el #93;\n'),
 ('workflow_graph dot escapes the same ids', $$SELECT servicedesk.workflow_graph((SELECT max(id) FROM servicedesk.workflows WHERE name = 'h_graph'), 'dot')$$,
  E'= digraph workflow {\n  rankdir=LR;\n  node [shape=box, style=rounded];\n  "a" [label="a", style="rounded,bold"];\n  "a\\n}\\ndigraph evil {" [label="a\\n}\\ndigraph evil {"];\n  "x --> y; click x \\"javascript:alert(1)\\"" [label="x --> y; click x \\"javascript:alert(1)\\""];\n  "q\\"uo\\\\te<b>&amp;" [label="q\\"uo\\\\te<b>&amp;"];\n  "a" -> "a\\n}\\ndigraph evil {";\n  "a" -> "x --> y; click x \\"javascript:alert(1)\\"";\n  "a" -> "q\\"uo\\\\te<b>&amp;" [label="lab\\"el\\n]"];\n}\n'),
 -----------------------------------------------------------------------------
 -- transition / available_transitions: NULL in each argument, odd targets
 ('transition(8101, NULL)', $$SELECT servicedesk.transition(8101, NULL)$$, 'SD002'),
 ('transition to ''''', $$SELECT servicedesk.transition(8101, '')$$, 'SD002'),
 ('transition to whitespace', $$SELECT servicedesk.transition(8101, E' \t')$$, 'SD002'),
 ('transition to "*"', $$SELECT servicedesk.transition(8101, '*')$$, 'SD002'),
 ('transition to ''triage '' (trailing blank)', $$SELECT servicedesk.transition(8101, 'triage ')$$, 'SD002'),
 ('transition to ''TRIAGE''', $$SELECT servicedesk.transition(8101, 'TRIAGE')$$, 'SD002'),
 ('transition to a zero-width-joined ''tri​age''', $$SELECT servicedesk.transition(8101, E'tri\u200Bage')$$, 'SD002'),
 ('transition to a SQL-looking stage', $$SELECT servicedesk.transition(8101, $q$triage' OR '1'='1$q$)$$, 'SD002'),
 ('transition to a 1 MB stage id', $$SELECT servicedesk.transition(8101, repeat('x', 1000000))$$, '22001'),
 ('transition to the current stage', $$SELECT servicedesk.transition(8101, 'new')$$, 'SD002'),
 ('transition(-1, ...)', $$SELECT servicedesk.transition(-1, 'triage')$$, 'P0002'),
 ('transition(-2147483648, ...)', $$SELECT servicedesk.transition(-2147483648, 'triage')$$, 'P0002'),
 ('transition with a NULL comment: no comment key', $$SELECT (servicedesk.transition(8101, 'triage', NULL)).current_stage_id; SELECT new_values ? 'comment' FROM servicedesk.audit_logs WHERE entity_type = 'services' AND entity_id = 8101 AND action = 'transition' ORDER BY id DESC LIMIT 1$$, '= false'),
 ('transition with a 1 MB comment, audited whole', $$SELECT (servicedesk.transition(8101, 'waiting_customer', repeat('c', 1000000))).current_stage_id; SELECT length(new_values->>'comment') FROM servicedesk.audit_logs WHERE entity_type = 'services' AND entity_id = 8101 AND action = 'transition' ORDER BY id DESC LIMIT 1$$, '= 1000000'),
 ('transition with a bidi/zero-width/emoji comment, audited exactly', $$SELECT (servicedesk.transition(8101, 'fulfilment', E'\u202E🦄\u200Be' || chr(769))).current_stage_id; SELECT new_values->>'comment' = E'\u202E🦄\u200Be' || chr(769) FROM servicedesk.audit_logs WHERE entity_type = 'services' AND entity_id = 8101 AND action = 'transition' ORDER BY id DESC LIMIT 1$$, '= true'),
 ('transition with an empty comment', $$SELECT (servicedesk.transition(8101, 'waiting_customer', '')).current_stage_id; SELECT new_values->>'comment' FROM servicedesk.audit_logs WHERE entity_type = 'services' AND entity_id = 8101 AND action = 'transition' ORDER BY id DESC LIMIT 1$$, '= '),
 ('available_transitions(0)', $$SELECT count(*) FROM servicedesk.available_transitions(0)$$, 'P0002'),
 ('available_transitions(-2147483648)', $$SELECT count(*) FROM servicedesk.available_transitions(-2147483648)$$, 'P0002'),
 ('available_transitions without an actor', $$SET LOCAL servicedesk.actor_id = ''; CREATE TEMP TABLE h_at AS SELECT string_agg(to_stage || '/' || allowed, ',' ORDER BY to_stage) AS v FROM servicedesk.available_transitions(8101); SET LOCAL servicedesk.actor_id = 1001; SELECT v FROM h_at$$, '= cancelled/false,fulfilment/true'),
 ('available_transitions with an inactive actor', $$SET LOCAL servicedesk.actor_id = 1005; SELECT count(*) FROM servicedesk.available_transitions(8101)$$, 'SD009'),
 -----------------------------------------------------------------------------
 -- approve / reject: NULL in each argument, odd comments, wrong actors
 ('reject(NULL)', $$SELECT servicedesk.reject(NULL)$$, 'SD006'),
 ('reject(NULL, NULL)', $$SELECT servicedesk.reject(NULL, NULL)$$, 'SD006'),
 ('approve(2147483647, NULL)', $$SELECT servicedesk.approve(2147483647, NULL)$$, 'SD006'),
 ('approve(0)', $$SELECT servicedesk.approve(0)$$, 'SD006'),
 ('reject(-1)', $$SELECT servicedesk.reject(-1)$$, 'SD006'),
 ('approve by someone who is not the approver', format($$SELECT servicedesk.approve(%s, 'sneaky')$$, :appr_mona), 'SD006'),
 ('approve without an actor', format($$SET LOCAL servicedesk.actor_id = ''; SELECT servicedesk.approve(%s)$$, :appr_mona), 'SD006'),
 ('approve with a 1 MB emoji comment', format($$SET LOCAL servicedesk.actor_id = 1002; SELECT length((servicedesk.approve(%s, repeat('💬', 1000000))).comment)$$, :appr_mona), '= 1000000'),
 ('approve the same approval again', format($$SET LOCAL servicedesk.actor_id = 1002; SELECT servicedesk.approve(%s)$$, :appr_mona), 'SD006'),
 ('reject a decided approval', format($$SET LOCAL servicedesk.actor_id = 1002; SELECT servicedesk.reject(%s, NULL)$$, :appr_mona), 'SD006'),
 ('reject with a NULL comment (the last decision)', format($$SET LOCAL servicedesk.actor_id = 1004; SELECT (servicedesk.reject(%s, NULL)).status; SET LOCAL servicedesk.actor_id = 1001; SELECT current_stage_id FROM servicedesk.services WHERE id = 8103$$, :appr_adam), '= rejected'),
 -----------------------------------------------------------------------------
 -- approvals trigger: direct writes
 ('INSERT approvals with NULL everywhere', $$INSERT INTO servicedesk.approvals (service_id, approver_id, status) VALUES (NULL, NULL, NULL) RETURNING id$$, 'SD006'),
 ('UPDATE approvals status ''APPROVED''', format($$UPDATE servicedesk.approvals SET status = 'APPROVED' WHERE id = %s RETURNING id$$, :appr_adam), 'SD006'),
 ('UPDATE approvals status NULL', format($$UPDATE servicedesk.approvals SET status = NULL WHERE id = %s RETURNING id$$, :appr_adam), 'SD006'),
 ('UPDATE approvals round -2147483648', format($$UPDATE servicedesk.approvals SET round = -2147483648 WHERE id = %s RETURNING id$$, :appr_adam), 'SD006'),
 ('UPDATE approvals SQL-looking stage id', format($$UPDATE servicedesk.approvals SET workflow_stage_id = $q$x'); DROP TABLE servicedesk.users; --$q$ WHERE id = %s RETURNING id$$, :appr_adam), 'SD006'),
 ('DELETE a decided approval', format($$DELETE FROM servicedesk.approvals WHERE id = %s RETURNING status$$, :appr_mona), '= approved'),
 -----------------------------------------------------------------------------
 -- services trigger
 ('INSERT services empty title and service_type (the newest fallback workflow)', $$INSERT INTO servicedesk.services (title, service_type) VALUES ('', '') RETURNING (SELECT w.name FROM servicedesk.workflows w WHERE w.id = workflow_id) || '/' || current_stage_id$$, '= h_p2/a'),
 ('INSERT services whitespace title', $$INSERT INTO servicedesk.services (title, service_type) VALUES (E' \t\n', 'it') RETURNING current_stage_id$$, '= new'),
 ('INSERT services 255 four-byte characters title', $$INSERT INTO servicedesk.services (title, service_type) VALUES (repeat('𝄞', 255), 'it') RETURNING octet_length(title)$$, '= 1020'),
 ('INSERT services 256 characters title', $$INSERT INTO servicedesk.services (title, service_type) VALUES (repeat('t', 256), 'it') RETURNING id$$, '22001'),
 ('INSERT services SQL-looking service_type', $$INSERT INTO servicedesk.services (title, service_type) VALUES ('t', $q$it' OR '1'='1$q$) RETURNING (SELECT w.name FROM servicedesk.workflows w WHERE w.id = workflow_id)$$, '= h_p2'),
 ('INSERT services service_type of 101 characters', $$INSERT INTO servicedesk.services (title, service_type) VALUES ('t', repeat('s', 101)) RETURNING id$$, '22001'),
 ('INSERT services unknown workflow_id', $$INSERT INTO servicedesk.services (title, workflow_id) VALUES ('t', 2147483647) RETURNING id$$, 'SD010'),
 ('INSERT services workflow_id -2147483648', $$INSERT INTO servicedesk.services (title, workflow_id) VALUES ('t', -2147483648) RETURNING id$$, 'SD010'),
 ('INSERT services unknown sla_id', $$INSERT INTO servicedesk.services (title, sla_id) VALUES ('t', 2147483647) RETURNING id$$, 'SD010'),
 ('INSERT services requester -1', $$INSERT INTO servicedesk.services (title, requester_id) VALUES ('t', -1) RETURNING id$$, '23503'),
 ('INSERT services status NULL is derived', $$INSERT INTO servicedesk.services (title, service_type, status) VALUES ('t', 'it', NULL) RETURNING status$$, '= submitted'),
 ('INSERT services current_stage_id ''''', $$INSERT INTO servicedesk.services (title, service_type, current_stage_id) VALUES ('t', 'it', '') RETURNING id$$, 'SD002'),
 ('INSERT services metadata nested 100,000 deep (jsonb input limit)', $$INSERT INTO servicedesk.services (title, metadata) VALUES ('t', (repeat('[', 100000) || repeat(']', 100000))::jsonb) RETURNING id$$, '54001'),
 ('INSERT services metadata nested 10,000 deep, audited', $$INSERT INTO servicedesk.services (id, title, metadata) VALUES (8110, 't', (repeat('[', 10000) || repeat(']', 10000))::jsonb) RETURNING id; SELECT length(new_values->>'metadata') FROM servicedesk.audit_logs WHERE entity_type = 'services' AND entity_id = 8110 AND action = 'insert'$$, '= 20000'),
 ('INSERT services metadata with a lone surrogate', $$INSERT INTO servicedesk.services (title, metadata) VALUES ('t', '{"a": "\ud800"}') RETURNING id$$, '22P02'),
 ('INSERT services created_at NULL: the clock starts now', $$INSERT INTO servicedesk.services (id, title, service_type, created_at) VALUES (8111, 't', 'sla', NULL) RETURNING id; SELECT started_at = now() FROM servicedesk.sla_tracking WHERE service_id = 8111$$, '= true'),
 ('INSERT services created_at infinity with an SLA', $$INSERT INTO servicedesk.services (title, service_type, created_at) VALUES ('t', 'sla', 'infinity') RETURNING id$$, '22008'),
 ('INSERT services created_at -infinity with an SLA', $$INSERT INTO servicedesk.services (title, service_type, created_at) VALUES ('t', 'sla', '-infinity') RETURNING id$$, '22008'),
 ('INSERT services created_at 4713 BC with an SLA', $$INSERT INTO servicedesk.services (id, title, service_type, created_at) VALUES (8112, 't', 'sla', '4713-01-01 00:00+00 BC') RETURNING id; SELECT response_deadline FROM servicedesk.sla_tracking WHERE service_id = 8112$$, '= 4713-01-01 01:00:00+00 BC'),
 ('INSERT services created_at 294276 AD with an SLA', $$INSERT INTO servicedesk.services (id, title, service_type, created_at) VALUES (8113, 't', 'sla', '294276-12-31 19:00+00') RETURNING id; SELECT resolution_deadline FROM servicedesk.sla_tracking WHERE service_id = 8113$$, '= 294276-12-31 23:00:00+00'),
 ('INSERT services created_at too close to the end of time for the SLA', $$INSERT INTO servicedesk.services (title, service_type, created_at) VALUES ('t', 'sla', '294276-12-31 22:00+00') RETURNING id$$, '22008'),
 ('requires metadata.k when metadata is an array', $$UPDATE servicedesk.services SET metadata = '["k"]' WHERE id = 8102; UPDATE servicedesk.services SET current_stage_id = 'b' WHERE id = 8102 RETURNING id$$, 'SD004'),
 ('requires metadata.k when metadata is a scalar', $$UPDATE servicedesk.services SET metadata = '"k"' WHERE id = 8102; UPDATE servicedesk.services SET current_stage_id = 'b' WHERE id = 8102 RETURNING id$$, 'SD004'),
 ('requires metadata.k when it is blank', $$UPDATE servicedesk.services SET metadata = '{"k": " \t"}' WHERE id = 8102; UPDATE servicedesk.services SET current_stage_id = 'b' WHERE id = 8102 RETURNING id$$, 'SD004'),
 ('requires metadata.k when it is {}', $$UPDATE servicedesk.services SET metadata = '{"k": {}}' WHERE id = 8102; UPDATE servicedesk.services SET current_stage_id = 'b' WHERE id = 8102 RETURNING id$$, 'SD004'),
 ('requires metadata.k when it is JSON null', $$UPDATE servicedesk.services SET metadata = '{"k": null}' WHERE id = 8102; UPDATE servicedesk.services SET current_stage_id = 'b' WHERE id = 8102 RETURNING id$$, 'SD004'),
 ('requires metadata.k when the key differs by case', $$UPDATE servicedesk.services SET metadata = '{"K": 1}' WHERE id = 8102; UPDATE servicedesk.services SET current_stage_id = 'b' WHERE id = 8102 RETURNING id$$, 'SD004'),
 ('requires metadata.k satisfied by 0 and false', $$UPDATE servicedesk.services SET metadata = '{"k": 0}' WHERE id = 8102; UPDATE servicedesk.services SET current_stage_id = 'b' WHERE id = 8102 RETURNING status$$, '= in_progress'),
 ('UPDATE services status ''''', $$UPDATE servicedesk.services SET status = '' WHERE id = 8101 RETURNING id$$, 'SD002'),
 ('UPDATE services status in capitals', $$UPDATE servicedesk.services SET status = 'ON_HOLD' WHERE id = 8101 RETURNING id$$, 'SD002'),
 ('UPDATE services current_stage_id NULL', $$UPDATE servicedesk.services SET current_stage_id = NULL WHERE id = 8101 RETURNING id$$, 'SD002'),
 ('UPDATE services workflow_id NULL', $$UPDATE servicedesk.services SET workflow_id = NULL WHERE id = 8101 RETURNING id$$, 'SD008'),
 ('UPDATE services priority NULL re-matches the SLA', $$UPDATE servicedesk.services SET priority = NULL WHERE id = 8111 RETURNING sla_id$$, '= 591'),
 ('UPDATE services service_type to one without SLA cancels tracking', $$UPDATE servicedesk.services SET service_type = E'\u202Enone' WHERE id = 8111 RETURNING coalesce(sla_id::text, 'none'); SELECT status FROM servicedesk.sla_tracking WHERE service_id = 8111$$, '= cancelled'),
 ('UPDATE services id is refused (a request keeps its id)', $$UPDATE servicedesk.services SET id = 2147483647 WHERE id = 8110$$, 'SD008'),
 ('DELETE a request with SLA tracking', $$DELETE FROM servicedesk.services WHERE id = 8112 RETURNING id$$, '23503'),
 -----------------------------------------------------------------------------
 -- business_add: NULL in each argument, overflow, the ends of time
 ('business_add NULL calendar is 24x7', $$SELECT servicedesk.business_add('2026-01-01 00:00+00', 90, NULL)$$, '= 2026-01-01 01:30:00+00'),
 ('business_add all NULL', $$SELECT servicedesk.business_add(NULL, NULL, NULL)$$, '= NULL'),
 ('business_add NULL start on an unknown calendar', $$SELECT servicedesk.business_add(NULL, 5, -1)$$, '= NULL'),
 ('business_add 0 minutes', $$SELECT servicedesk.business_add('2026-01-05 10:00+00', 0, 77)$$, '= 2026-01-05 10:00:00+00'),
 ('business_add 0 minutes outside working hours stays put', $$SELECT servicedesk.business_add('2026-01-04 10:00+00', 0, 77)$$, '= 2026-01-04 10:00:00+00'),
 ('business_add ending at closing time', $$SELECT servicedesk.business_add('2026-01-05 16:00+00', 60, 77)$$, '= 2026-01-05 17:00:00+00'),
 ('business_add -2147483648 minutes', $$SELECT servicedesk.business_add(now(), -2147483648, NULL)$$, '22023'),
 ('business_add calendar 2147483647', $$SELECT servicedesk.business_add(now(), 5, 2147483647)$$, 'SD007'),
 ('business_add calendar -2147483648', $$SELECT servicedesk.business_add(now(), 5, -2147483648)$$, 'SD007'),
 ('business_add calendar 0', $$SELECT servicedesk.business_add(now(), 5, 0)$$, 'SD007'),
 ('business_add int max 24x7 is exact', $$SELECT servicedesk.business_add('2026-01-01 00:00+00', 2147483647, NULL) = '2026-01-01 00:00+00'::timestamptz + interval '2147483647 minutes'$$, '= true'),
 ('business_add from 4713 BC 24x7', $$SELECT servicedesk.business_add('4713-01-01 00:00+00 BC', 60, NULL)$$, '= 4713-01-01 01:00:00+00 BC'),
 ('business_add from 4713 BC (a Thursday) on Mon/Tue hours', $$SELECT servicedesk.business_add('4713-01-01 00:00+00 BC', 60, 77)$$, '= 4713-01-05 10:00:00+00 BC'),
 ('business_add to the last minute of time', $$SELECT servicedesk.business_add('294276-12-31 23:00+00', 59, NULL)$$, '= 294276-12-31 23:59:00+00'),
 ('business_add past the end of time', $$SELECT servicedesk.business_add('294276-12-31 23:59:59+00', 1, NULL)$$, '22008'),
 ('business_add past the end of time on a calendar', $$SELECT servicedesk.business_add('294276-12-31 23:00+00', 1, 77)$$, '22008'),
 ('business_add infinity, 0', $$SELECT servicedesk.business_add('infinity', 0, NULL)$$, '= infinity'),
 ('business_add -infinity, int max', $$SELECT servicedesk.business_add('-infinity', 2147483647, NULL)$$, '= -infinity'),
 ('business_add infinity, -1', $$SELECT servicedesk.business_add('infinity', -1, NULL)$$, '22023'),
 -----------------------------------------------------------------------------
 -- business_minutes
 ('business_minutes NULL b', $$SELECT servicedesk.business_minutes(now(), NULL, 77)$$, '= NULL'),
 ('business_minutes NULL calendar is 24x7', $$SELECT servicedesk.business_minutes('2026-01-01 00:00+00', '2026-01-02 00:00+00', NULL)$$, '= 1440'),
 ('business_minutes a = b', $$SELECT servicedesk.business_minutes(now(), now(), NULL)$$, '= 0'),
 ('business_minutes -infinity to now', $$SELECT servicedesk.business_minutes('-infinity', now(), NULL)$$, '22008'),
 ('business_minutes -infinity to infinity', $$SELECT servicedesk.business_minutes('-infinity', 'infinity', NULL)$$, '22008'),
 ('business_minutes infinity to infinity', $$SELECT servicedesk.business_minutes('infinity', 'infinity', 77)$$, '22008'),
 ('business_minutes unknown calendar', $$SELECT servicedesk.business_minutes('2026-01-01', '2026-01-02', 2147483647)$$, 'SD007'),
 ('business_minutes whole range reversed', $$SELECT servicedesk.business_minutes('294276-01-01 00:00+00', '4713-01-01 00:00+00 BC', NULL)$$, '22003'),
 ('business_minutes first day of time', $$SELECT servicedesk.business_minutes('4713-01-01 00:00+00 BC', '4713-01-02 00:00+00 BC', NULL)$$, '= 1440'),
 ('business_minutes first month of time on Mon/Tue hours', $$SELECT servicedesk.business_minutes('4713-01-01 00:00+00 BC', '4713-01-31 00:00+00 BC', 77)$$, '= 3840'),
 ('business_minutes last month of time on Mon/Tue hours', $$SELECT servicedesk.business_minutes('294276-12-01 00:00+00', '294276-12-31 00:00+00', 77)$$, '= 3840'),
 ('business_minutes 4 years 24x7', $$SELECT servicedesk.business_minutes('2026-01-01 00:00+00', '2030-01-01 00:00+00', NULL)$$, '= 2103840'),
 ('business_minutes exactly int max', $$SELECT servicedesk.business_minutes('2026-01-01 00:00+00', '2026-01-01 00:00+00'::timestamptz + interval '2147483647 minutes', NULL)$$, '= 2147483647'),
 ('business_minutes int max + 1', $$SELECT servicedesk.business_minutes('2026-01-01 00:00+00', '2026-01-01 00:00+00'::timestamptz + interval '2147483648 minutes', NULL)$$, '22003'),
 ('business_minutes int max + 1, reversed', $$SELECT servicedesk.business_minutes('2026-01-01 00:00+00'::timestamptz + interval '2147483648 minutes', '2026-01-01 00:00+00', NULL)$$, '22003'),
 ('business_minutes 4084 years on Mon/Tue hours', $$SELECT servicedesk.business_minutes('2026-01-01 00:00+00', '6110-01-01 00:00+00', 77)$$, '= 204569280'),
 ('business_minutes floors sub-minute', $$SELECT servicedesk.business_minutes('2026-01-01 00:00+00', '2026-01-01 00:00:59.999999+00', NULL)$$, '= 0'),
 ('business_minutes reversed sub-minute', $$SELECT servicedesk.business_minutes('2026-01-01 00:01+00', '2026-01-01 00:00:00.000001+00', NULL)$$, '= 0'),
 ('business_minutes reversed is the negation', $$SELECT servicedesk.business_minutes('2026-01-07 00:00+00', '2026-01-05 09:30+00', 77)$$, '= -930'),
 -----------------------------------------------------------------------------
 -- calendars trigger
 ('calendar with an empty day list', $$INSERT INTO servicedesk.calendars (name, working_hours) VALUES ('h-c1', '{"mon": []}') RETURNING id$$, 'SD007'),
 ('calendar {}', $$INSERT INTO servicedesk.calendars (name, working_hours) VALUES ('h-c2', '{}') RETURNING id$$, 'SD007'),
 ('calendar empty interval', $$INSERT INTO servicedesk.calendars (name, working_hours) VALUES ('h-c3', '{"mon": [["09:00", "09:00"]]}') RETURNING id$$, 'SD007'),
 ('calendar reversed interval', $$INSERT INTO servicedesk.calendars (name, working_hours) VALUES ('h-c4', '{"mon": [["17:00", "09:00"]]}') RETURNING id$$, 'SD007'),
 ('calendar key MON', $$INSERT INTO servicedesk.calendars (name, working_hours) VALUES ('h-c5', '{"MON": [["09:00", "17:00"]]}') RETURNING id$$, 'SD007'),
 ('calendar HH:MM:SS', $$INSERT INTO servicedesk.calendars (name, working_hours) VALUES ('h-c6', '{"mon": [["09:00:00", "17:00"]]}') RETURNING id$$, 'SD007'),
 ('calendar interval of three', $$INSERT INTO servicedesk.calendars (name, working_hours) VALUES ('h-c7', '{"mon": [["09:00", "17:00", "18:00"]]}') RETURNING id$$, 'SD007'),
 ('calendar full-width digits', $$INSERT INTO servicedesk.calendars (name, working_hours) VALUES ('h-c8', '{"mon": [["０９:００", "17:00"]]}') RETURNING id$$, 'SD007'),
 ('calendar day a string', $$INSERT INTO servicedesk.calendars (name, working_hours) VALUES ('h-c9', '{"mon": "09:00-17:00"}') RETURNING id$$, 'SD007'),
 ('calendar day null', $$INSERT INTO servicedesk.calendars (name, working_hours) VALUES ('h-c10', '{"mon": null}') RETURNING id$$, 'SD007'),
 ('calendar 24:00-24:00', $$INSERT INTO servicedesk.calendars (name, working_hours) VALUES ('h-c11', '{"mon": [["24:00", "24:00"]]}') RETURNING id$$, 'SD007'),
 ('calendar 24:01', $$INSERT INTO servicedesk.calendars (name, working_hours) VALUES ('h-c12', '{"mon": [["00:00", "24:01"]]}') RETURNING id$$, 'SD007'),
 ('calendar -01:00', $$INSERT INTO servicedesk.calendars (name, working_hours) VALUES ('h-c13', '{"mon": [["-01:00", "17:00"]]}') RETURNING id$$, 'SD007'),
 ('calendar 1 MB string', $$INSERT INTO servicedesk.calendars (name, working_hours) VALUES ('h-c14', jsonb_build_object('mon', repeat('x', 1000000))) RETURNING id$$, 'SD007'),
 ('calendar nested 100 deep', $$INSERT INTO servicedesk.calendars (name, working_hours) VALUES ('h-c15', (repeat('{"mon":', 100) || '1' || repeat('}', 100))::jsonb) RETURNING id$$, 'SD007'),
 ('calendar nested 10,000 deep', $$INSERT INTO servicedesk.calendars (name, working_hours) VALUES ('h-c16', jsonb_build_object('mon', (repeat('[', 10000) || repeat(']', 10000))::jsonb)) RETURNING id$$, 'SD007'),
 ('calendar nested 100,000 deep (jsonb input limit)', $$INSERT INTO servicedesk.calendars (name, working_hours) VALUES ('h-c17', (repeat('[', 100000) || repeat(']', 100000))::jsonb) RETURNING id$$, '54001'),
 ('calendar duplicated day key: the last one counts', $$INSERT INTO servicedesk.calendars (id, name, working_hours) VALUES (78, 'h-c18', '{"mon": [["00:00", "24:00"]], "mon": [["09:00", "10:00"]]}') RETURNING id; SELECT servicedesk.business_minutes('2026-01-05 00:00+00', '2026-01-06 00:00+00', 78)$$, '= 60'),
 ('calendar 719 one-minute intervals', $$INSERT INTO servicedesk.calendars (id, name, working_hours) VALUES (79, 'h-c19', jsonb_build_object('mon', (SELECT jsonb_agg(jsonb_build_array(to_char(t, 'HH24:MI'), to_char(t + interval '1 minute', 'HH24:MI'))) FROM generate_series('2000-01-01 00:00'::timestamp, '2000-01-01 23:57', '2 minutes') t))) RETURNING id; SELECT servicedesk.business_minutes('2026-01-05 00:00+00', '2026-01-06 00:00+00', 79)$$, '= 719'),
 ('calendar time zone NULL', $$INSERT INTO servicedesk.calendars (name, timezone, working_hours) VALUES ('h-c20', NULL, '{"mon": [["09:00", "17:00"]]}') RETURNING id$$, '23502'),
 ('calendar time zone of 1 MB', $$INSERT INTO servicedesk.calendars (name, timezone, working_hours) VALUES ('h-c21', repeat('A', 1000000), '{"mon": [["09:00", "17:00"]]}') RETURNING id$$, 'SD007'),
 ('calendar time zone with an RTL override', $$INSERT INTO servicedesk.calendars (name, timezone, working_hours) VALUES ('h-c22', E'Europe/Berlin\u202E', '{"mon": [["09:00", "17:00"]]}') RETURNING id$$, 'SD007'),
 ('calendar time zone blank', $$INSERT INTO servicedesk.calendars (name, timezone, working_hours) VALUES ('h-c23', '   ', '{"mon": [["09:00", "17:00"]]}') RETURNING id$$, 'SD007'),
 ('calendar time zone a path', $$INSERT INTO servicedesk.calendars (name, timezone, working_hours) VALUES ('h-c24', '../../../../etc/passwd', '{"mon": [["09:00", "17:00"]]}') RETURNING id$$, 'SD007'),
 ('calendar POSIX time zone', $$INSERT INTO servicedesk.calendars (id, name, timezone, working_hours) VALUES (80, 'h-c25', 'EST5EDT,M3.2.0,M11.1.0', '{"mon": [["09:00", "17:00"]]}') RETURNING id; SELECT servicedesk.business_add('2026-01-05 00:00+00', 60, 80)$$, '= 2026-01-05 15:00:00+00'),
 ('calendar spring-forward day counts 23 hours', $$INSERT INTO servicedesk.calendars (id, name, timezone, working_hours) VALUES (81, 'h-c26', 'Europe/Berlin', '{"mon": [["00:00","24:00"]], "tue": [["00:00","24:00"]], "wed": [["00:00","24:00"]], "thu": [["00:00","24:00"]], "fri": [["00:00","24:00"]], "sat": [["00:00","24:00"]], "sun": [["00:00","24:00"]]}') RETURNING id; SELECT servicedesk.business_minutes('2026-03-29 00:00+01', '2026-03-30 00:00+02', 81)$$, '= 1380'),
 ('calendar fall-back day counts 25 hours', $$SELECT servicedesk.business_minutes('2026-10-25 00:00+02', '2026-10-26 00:00+01', 81)$$, '= 1500'),
 ('calendar holiday NULL element', $$INSERT INTO servicedesk.calendars (name, working_hours, holidays) VALUES ('h-c27', '{"mon": [["09:00", "17:00"]]}', '{NULL}') RETURNING id$$, 'SD007'),
 ('calendar holidays NULL', $$INSERT INTO servicedesk.calendars (name, working_hours, holidays) VALUES ('h-c28', '{"mon": [["09:00", "17:00"]]}', NULL) RETURNING id$$, '23502'),
 ('calendar holiday 4713 BC', $$INSERT INTO servicedesk.calendars (name, working_hours, holidays) VALUES ('h-c29', '{"mon": [["09:00", "17:00"]]}', '{4713-01-01 BC}') RETURNING holidays[1]$$, '= 4713-01-01 BC'),
 ('calendar holiday -infinity', $$INSERT INTO servicedesk.calendars (name, working_hours, holidays) VALUES ('h-c30', '{"mon": [["09:00", "17:00"]]}', '{-infinity}') RETURNING id$$, 'SD007'),
 ('calendar holiday beyond the timestamp range', $$INSERT INTO servicedesk.calendars (name, working_hours, holidays) VALUES ('h-c31', '{"mon": [["09:00", "17:00"]]}', '{5874897-12-31}') RETURNING holidays[1]$$, '= 5874897-12-31'),
 ('calendar holidays two-dimensional', $$INSERT INTO servicedesk.calendars (id, name, working_hours, holidays) VALUES (82, 'h-c32', '{"mon": [["09:00", "17:00"]]}', '{{2026-01-05},{2026-01-12}}') RETURNING id; SELECT servicedesk.business_add('2026-01-05 00:00+00', 60, 82)$$, '= 2026-01-19 10:00:00+00'),
 ('calendar every Monday of five years a holiday', $$INSERT INTO servicedesk.calendars (id, name, working_hours, holidays) SELECT 83, 'h-c33', '{"mon": [["09:00", "17:00"]]}', array_agg(d::date) FROM generate_series('2026-01-05'::date, '2030-12-30', '7 days') d RETURNING id; SELECT servicedesk.business_add('2026-01-01 00:00+00', 1, 83)$$, '= 2031-01-06 09:01:00+00'),
 ('calendar name with RTL and zero-width', $$INSERT INTO servicedesk.calendars (name, working_hours) VALUES (E'h\u202E\u200Bc', '{"mon": [["09:00", "17:00"]]}') RETURNING name$$, E'= h\u202E\u200Bc'),
 ('calendar name of 256 characters', $$INSERT INTO servicedesk.calendars (name, working_hours) VALUES (repeat('n', 256), '{"mon": [["09:00", "17:00"]]}') RETURNING id$$, '22001'),
 ('UPDATE a calendar to no working time', $$UPDATE servicedesk.calendars SET working_hours = '{}' WHERE id = 77 RETURNING id$$, 'SD007'),
 ('UPDATE a calendar''s time zone takes effect at once', $$UPDATE servicedesk.calendars SET timezone = 'Asia/Kathmandu' WHERE id = 80 RETURNING id; SELECT servicedesk.business_add('2026-01-05 00:00+00', 60, 80)$$, '= 2026-01-05 04:15:00+00'),
 -----------------------------------------------------------------------------
 -- slas trigger
 ('escalation_rules nested 17 deep', $$INSERT INTO servicedesk.slas (name, escalation_rules) VALUES ('h-s', (repeat('[', 17) || repeat(']', 17))::jsonb) RETURNING id$$, '22023'),
 ('escalation_rules nested 10,000 deep', $$INSERT INTO servicedesk.slas (name, escalation_rules) VALUES ('h-s', (repeat('[', 10000) || repeat(']', 10000))::jsonb) RETURNING id$$, '22023'),
 ('escalation_rules nested 100,000 deep (jsonb input limit)', $$INSERT INTO servicedesk.slas (name, escalation_rules) VALUES ('h-s', (repeat('[', 100000) || repeat(']', 100000))::jsonb) RETURNING id$$, '54001'),
 ('escalation rule at 1000 percent', $$INSERT INTO servicedesk.slas (name, escalation_rules) VALUES ('h-s', '[{"target": "response", "at_percent": 1000, "action": "notify"}]') RETURNING escalation_rules->0->>'at_percent'$$, '= 1000'),
 ('escalation rule at 1001 percent', $$INSERT INTO servicedesk.slas (name, escalation_rules) VALUES ('h-s', '[{"target": "response", "at_percent": 1001, "action": "notify"}]') RETURNING id$$, '22023'),
 ('escalation rule at 1.5 percent', $$INSERT INTO servicedesk.slas (name, escalation_rules) VALUES ('h-s', '[{"target": "response", "at_percent": 1.5, "action": "notify"}]') RETURNING id$$, '22023'),
 ('escalation rule at "50" percent', $$INSERT INTO servicedesk.slas (name, escalation_rules) VALUES ('h-s', '[{"target": "response", "at_percent": "50", "action": "notify"}]') RETURNING id$$, '22023'),
 ('escalation rule at 1e300 percent', $$INSERT INTO servicedesk.slas (name, escalation_rules) VALUES ('h-s', '[{"target": "response", "at_percent": 1e300, "action": "notify"}]') RETURNING id$$, '22023'),
 ('escalation rule at 2^32 + 50 percent (would wrap to 50)', $$INSERT INTO servicedesk.slas (name, escalation_rules) VALUES ('h-s', '[{"target": "response", "at_percent": 4294967346, "action": "notify"}]') RETURNING id$$, '22023'),
 ('escalation rule target "Response"', $$INSERT INTO servicedesk.slas (name, escalation_rules) VALUES ('h-s', '[{"target": "Response", "at_percent": 50, "action": "notify"}]') RETURNING id$$, '22023'),
 ('escalation rule set_priority "urgent"', $$INSERT INTO servicedesk.slas (name, escalation_rules) VALUES ('h-s', '[{"target": "response", "at_percent": 50, "action": "set_priority", "priority": "urgent"}]') RETURNING id$$, '22023'),
 ('escalation rule set_priority without priority', $$INSERT INTO servicedesk.slas (name, escalation_rules) VALUES ('h-s', '[{"target": "response", "at_percent": 50, "action": "set_priority"}]') RETURNING id$$, '22023'),
 ('escalation rule reassign without assignee', $$INSERT INTO servicedesk.slas (name, escalation_rules) VALUES ('h-s', '[{"target": "response", "at_percent": 50, "action": "reassign"}]') RETURNING id$$, '22023'),
 ('escalation rule reassign to 2147483648', $$INSERT INTO servicedesk.slas (name, escalation_rules) VALUES ('h-s', '[{"target": "response", "at_percent": 50, "action": "reassign", "assignee_id": 2147483648}]') RETURNING id$$, '22023'),
 ('escalation rule reassign to 1001.5', $$INSERT INTO servicedesk.slas (name, escalation_rules) VALUES ('h-s', '[{"target": "response", "at_percent": 50, "action": "reassign", "assignee_id": 1001.5}]') RETURNING id$$, '22023'),
 ('escalation rule reassign to an inactive user', $$INSERT INTO servicedesk.slas (name, escalation_rules) VALUES ('h-s', '[{"target": "response", "at_percent": 50, "action": "reassign", "assignee_id": 1005}]') RETURNING id$$, '22023'),
 ('escalation_rules []', $$INSERT INTO servicedesk.slas (name, escalation_rules) VALUES ('h-s', '[]') RETURNING escalation_rules$$, '= []'),
 ('escalation_rules JSON null', $$INSERT INTO servicedesk.slas (name, escalation_rules) VALUES ('h-s', 'null') RETURNING escalation_rules$$, '= null'),
 ('escalation_rules {}', $$INSERT INTO servicedesk.slas (name, escalation_rules) VALUES ('h-s', '{}') RETURNING id$$, '22023'),
 ('escalation_rules [{}]', $$INSERT INTO servicedesk.slas (name, escalation_rules) VALUES ('h-s', '[{}]') RETURNING id$$, '22023'),
 ('escalation rule with an unknown key', $$INSERT INTO servicedesk.slas (name, escalation_rules) VALUES ('h-s', '[{"target": "response", "at_percent": 50, "action": "notify", "extra": 1}]') RETURNING id$$, '22023'),
 ('SLA response_time int max', $$INSERT INTO servicedesk.slas (name, response_time) VALUES ('h-s', 2147483647) RETURNING response_time$$, '= 2147483647'),
 ('SLA response_time 2^31', $$INSERT INTO servicedesk.slas (name, response_time) VALUES ('h-s', 2147483648) RETURNING id$$, '22003'),
 ('SLA unknown calendar', $$INSERT INTO servicedesk.slas (name, calendar_id) VALUES ('h-s', 2147483647) RETURNING id$$, '23503'),
 ('SLA priority in capitals', $$INSERT INTO servicedesk.slas (name, priority) VALUES ('h-s', 'LOW') RETURNING id$$, '23514'),
 ('SLA name NULL', $$INSERT INTO servicedesk.slas (name) VALUES (NULL) RETURNING id$$, '23502'),
 -----------------------------------------------------------------------------
 -- users trigger (audit rendering of odd values)
 ('users roles with quotes, backslashes, braces and unicode audited as JSON', $$INSERT INTO servicedesk.users (username, roles) VALUES ('h-u1', ARRAY[E'a"b', E'c\\d', '{e,f}', 'NULL', '', E'\u202E🦄']) RETURNING id; SELECT new_values->'roles' = to_jsonb(ARRAY[E'a"b', E'c\\d', '{e,f}', 'NULL', '', E'\u202E🦄']) FROM servicedesk.audit_logs WHERE entity_type = 'users' AND new_values->>'username' = 'h-u1'$$, '= true'),
 ('users 10,000 roles', $$INSERT INTO servicedesk.users (username, roles) SELECT 'h-u2', array_agg('r' || g) FROM generate_series(1, 10000) g RETURNING id; SELECT jsonb_array_length(new_values->'roles') FROM servicedesk.audit_logs WHERE entity_type = 'users' AND new_values->>'username' = 'h-u2'$$, '= 10000'),
 ('users empty username', $$INSERT INTO servicedesk.users (username) VALUES ('') RETURNING username$$, '= '),
 ('users db_role longer than a name is truncated', $$INSERT INTO servicedesk.users (username, db_role) VALUES ('h-u3', repeat('r', 100)) RETURNING length(db_role)$$, '= 63'),
 ('users email of 256 characters', $$INSERT INTO servicedesk.users (username, email) VALUES ('h-u4', repeat('e', 256)) RETURNING id$$, '22001'),
 ('users active NULL', $$INSERT INTO servicedesk.users (username, active) VALUES ('h-u5', NULL) RETURNING id$$, '23502'),
 ('users id int max', $$INSERT INTO servicedesk.users (id, username) VALUES (2147483647, 'h-u6') RETURNING id$$, '= 2147483647'),
 ('users delete of one who acted', $$DELETE FROM servicedesk.users WHERE id = 1001 RETURNING id$$, '23503'),
 ('users update that changes nothing writes no audit row', $$SELECT count(*) FROM servicedesk.audit_logs WHERE entity_type = 'users' AND entity_id = 1003 AND action = 'update'; UPDATE servicedesk.users SET username = username WHERE id = 1003; SELECT count(*) FROM servicedesk.audit_logs WHERE entity_type = 'users' AND entity_id = 1003 AND action = 'update'$$, '= 0'),
 -----------------------------------------------------------------------------
 -- current_actor and the settings
 ('actor_id with blanks', $$SET LOCAL servicedesk.actor_id = ' 1001 '; SELECT servicedesk.current_actor()$$, 'SD009'),
 ('actor_id with a plus sign', $$SET LOCAL servicedesk.actor_id = '+1001'; SELECT servicedesk.current_actor()$$, '= 1001'),
 ('actor_id with leading zeros', $$SET LOCAL servicedesk.actor_id = '00001001'; SELECT servicedesk.current_actor()$$, '= 1001'),
 ('actor_id with a suffix', $$SET LOCAL servicedesk.actor_id = '1001abc'; SELECT servicedesk.current_actor()$$, 'SD009'),
 ('actor_id in hex', $$SET LOCAL servicedesk.actor_id = '0x3E9'; SELECT servicedesk.current_actor()$$, 'SD009'),
 ('actor_id in exponent form', $$SET LOCAL servicedesk.actor_id = '1e3'; SELECT servicedesk.current_actor()$$, 'SD009'),
 ('actor_id in full-width digits', $$SET LOCAL servicedesk.actor_id = '１００１'; SELECT servicedesk.current_actor()$$, 'SD009'),
 ('actor_id blank', $$SET LOCAL servicedesk.actor_id = '   '; SELECT servicedesk.current_actor()$$, 'SD009'),
 ('actor_id -0', $$SET LOCAL servicedesk.actor_id = '-0'; SELECT servicedesk.current_actor()$$, 'SD009'),
 ('actor_id beyond bigint', $$SET LOCAL servicedesk.actor_id = '99999999999999999999999'; SELECT servicedesk.current_actor()$$, 'SD009'),
 ('actor_id SQL-looking', $$SET LOCAL servicedesk.actor_id = '1001; DROP TABLE servicedesk.users'; SELECT servicedesk.current_actor()$$, 'SD009'),
 ('actor_id of an inactive user', $$SET LOCAL servicedesk.actor_id = '1005'; SELECT servicedesk.current_actor()$$, 'SD009'),
 ('actor_id unknown', $$SET LOCAL servicedesk.actor_id = '2147483646'; SELECT servicedesk.current_actor()$$, 'SD009'),
 ('actor_id empty: no actor', $$SET LOCAL servicedesk.actor_id = ''; CREATE TEMP TABLE h_none AS SELECT coalesce(servicedesk.current_actor()::text, 'none') AS v; SET LOCAL servicedesk.actor_id = 1001; SELECT v FROM h_none$$, '= none'),
 ('client_ip not an address', $$SET LOCAL servicedesk.client_ip = 'not an ip'; SELECT 1$$, '22023'),
 ('client_ip blank', $$SET LOCAL servicedesk.client_ip = '   '; SELECT 1$$, '22023'),
 ('client_ip with an RTL override', $$SET LOCAL servicedesk.client_ip = E'1.2.3.4\u202E'; SELECT 1$$, '22023'),
 ('client_ip IPv4-mapped IPv6 is audited as given', $$SET LOCAL servicedesk.client_ip = '::ffff:1.2.3.4'; INSERT INTO servicedesk.users (username) VALUES ('h-ip') RETURNING id; SET LOCAL servicedesk.client_ip = ''; SELECT ip_address FROM servicedesk.audit_logs WHERE entity_type = 'users' AND new_values->>'username' = 'h-ip'$$, '= ::ffff:1.2.3.4'),
 -----------------------------------------------------------------------------
 -- sla_tracking, sla_escalations and audit_logs triggers; sla_sweep over forged rows
 ('sla_sweep at 4713 BC', $$SELECT servicedesk.sla_sweep('4713-01-01 00:00+00 BC')$$, '= 0'),
 ('sla_sweep just below infinity', $$SELECT servicedesk.sla_sweep('infinity'::timestamptz - interval '1 microsecond')$$, '22008'),
 ('sla_tracking status in capitals', $$INSERT INTO servicedesk.sla_tracking (service_id, status) VALUES (8101, 'ACTIVE') RETURNING id$$, '23514'),
 ('sla_tracking forged row with NULL everywhere', $$INSERT INTO servicedesk.sla_tracking (status, next_check_at) VALUES ('active', '-infinity') RETURNING status$$, '= active'),
 ('sla_tracking forged rows with infinite deadlines', $$INSERT INTO servicedesk.sla_tracking (service_id, sla_id, status, started_at, response_deadline, resolution_deadline, next_check_at) VALUES (8101, 591, 'active', '-infinity', '-infinity', 'infinity', '-infinity') RETURNING status$$, '= active'),
 ('sla_sweep over the forged rows', $$SELECT servicedesk.sla_sweep('2030-01-01 00:00+00') >= 0$$, '= true'),
 ('sla_tracking paused_work near the interval limit does not wrap negative', $$UPDATE servicedesk.sla_tracking SET paused_work = interval '2562047788:00:54.775807' + interval '2147483647 days', next_check_at = '-infinity' WHERE service_id = 8113; SELECT servicedesk.sla_sweep('2030-01-01 00:00+00'); SELECT paused_work >= interval '0' FROM servicedesk.sla_tracking WHERE service_id = 8113$$, '= true'),
 ('sla_escalations NULL tracking id', $$INSERT INTO servicedesk.sla_escalations (sla_tracking_id, rule_index, action) VALUES (NULL, 0, 'x') RETURNING id$$, '23502'),
 ('sla_escalations unknown tracking id', $$INSERT INTO servicedesk.sla_escalations (sla_tracking_id, rule_index, action) VALUES (2147483647, 0, 'x') RETURNING id$$, '23503'),
 ('sla_escalations rule -2^31 with a 1 MB action, audited', $$INSERT INTO servicedesk.sla_escalations (sla_tracking_id, rule_index, action) SELECT min(id), -2147483648, repeat('a', 1000000) FROM servicedesk.sla_tracking RETURNING id; SELECT length(new_values->>'action') FROM servicedesk.audit_logs WHERE entity_type = 'sla_escalations' ORDER BY id DESC LIMIT 1$$, '= 1000000'),
 ('audit_logs INSERT (forgery)', $$INSERT INTO servicedesk.audit_logs (entity_type, action) VALUES ('services', 'insert') RETURNING id$$, 'SD008'),
 ('audit_logs INSERT of an over-long entity_type (the cast fails first)', $$INSERT INTO servicedesk.audit_logs (entity_type, action) VALUES (repeat('x', 51), 'forged') RETURNING id$$, '22001'),
 ('audit_logs DELETE of nothing', $$DELETE FROM servicedesk.audit_logs WHERE false RETURNING id$$, '= NULL'),
 ('audit_logs DELETE', $$DELETE FROM servicedesk.audit_logs WHERE id = (SELECT max(id) FROM servicedesk.audit_logs) RETURNING id$$, 'SD008'),
 ('audit_logs TRUNCATE', $$TRUNCATE servicedesk.audit_logs$$, 'SD008'),
 -----------------------------------------------------------------------------
 -- trigger functions called directly
 ('_services_before() called directly', $$SELECT servicedesk._services_before()$$, '39P01'),
 ('_services_after_row() called directly', $$SELECT servicedesk._services_after_row()$$, '39P01'),
 ('_approvals_trigger() called directly', $$SELECT servicedesk._approvals_trigger()$$, '39P01'),
 ('_invalidate_caches() called directly', $$SELECT servicedesk._invalidate_caches()$$, '39P01'),
 ('_touch_updated_at() called directly', $$SELECT servicedesk._touch_updated_at()$$, '39P01'),
 ('_calendars_validate() called directly', $$SELECT servicedesk._calendars_validate()$$, '39P01'),
 ('_slas_validate() called directly', $$SELECT servicedesk._slas_validate()$$, '39P01'),
 ('_workflows_before() called directly', $$SELECT servicedesk._workflows_before()$$, '39P01'),
 ('_audit_logs_insert_guard() called directly', $$SELECT servicedesk._audit_logs_insert_guard()$$, '39P01'),
 ('_audit_logs_append_only() called directly (refuses as append-only)', $$SELECT servicedesk._audit_logs_append_only()$$, 'SD008');

SELECT plan((SELECT count(*)::int + 3 FROM hostile));
SELECT is(pg_temp.value_of(q), expect, format('%s: %s', n, label)) FROM hostile ORDER BY n;

SELECT ok((SELECT count(*) FROM hostile) >= 150, 'at least 150 hostile inputs');
-- nothing refused left a trace: no audit row names a refused stage id
SELECT is((SELECT count(*)::int FROM servicedesk.audit_logs WHERE new_values->>'current_stage_id' IN ('TRIAGE', 'triage ', '*', '')), 0,
          'refused moves left no audit row');
SELECT ok(to_regclass('servicedesk.users') IS NOT NULL AND (SELECT count(*) FROM servicedesk.users) >= 5, 'SQL-looking input dropped nothing');
SELECT * FROM finish();
ROLLBACK;
