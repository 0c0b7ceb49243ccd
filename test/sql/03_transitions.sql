-- Requests and transitions (SPEC sections 4 and 10): workflow selection,
-- the initial stage, every transition rule and its error code with HINT,
-- status-only updates, transition(), available_transitions().
\set QUIET 1
\set ON_ERROR_STOP 1
\pset format unaligned
\pset tuples_only true
\pset pager off
BEGIN;
SELECT plan(53);
\ir ../fixtures.sql

-- creation ---------------------------------------------------------------------
SET LOCAL servicedesk.actor_id = 1003;
INSERT INTO servicedesk.services (title, service_type, status) VALUES ('VPN broken', 'it', 'closed') RETURNING id AS r1 \gset
SELECT is((SELECT workflow_id FROM servicedesk.services WHERE id = :r1), :it_workflow, 'workflow picked by service_type');
SELECT is((SELECT current_stage_id FROM servicedesk.services WHERE id = :r1), 'new', 'request starts at the initial stage');
SELECT is((SELECT status FROM servicedesk.services WHERE id = :r1), 'submitted', 'an explicit status is replaced by the derived one');
SELECT is((SELECT requester_id FROM servicedesk.services WHERE id = :r1), 1003, 'requester defaults to the current actor');

SELECT is((pg_temp.error_of($$INSERT INTO servicedesk.services (title, service_type) VALUES ('x', 'facilities')$$)).code, 'SD010',
  'no workflow for the service type and no default: SD010');
SELECT matches((pg_temp.error_of($$INSERT INTO servicedesk.services (title, service_type) VALUES ('x', 'facilities')$$)).hint,
  'publish_workflow', 'SD010 HINT says how to add one');
SELECT servicedesk.publish_workflow('default', '[{"id": "open", "status": "submitted", "initial": true}, {"id": "done", "status": "closed", "terminal": true}]',
  '[{"from": "open", "to": "done"}]') AS default_wf \gset
INSERT INTO servicedesk.services (title, service_type) VALUES ('Desk chair', 'facilities') RETURNING id AS r2 \gset
SELECT is((SELECT workflow_id FROM servicedesk.services WHERE id = :r2), :default_wf, 'falls back to the workflow with NULL service_type');
UPDATE servicedesk.workflows SET active = false WHERE id = :default_wf;
SELECT is((pg_temp.error_of(format($$INSERT INTO servicedesk.services (title, workflow_id) VALUES ('x', %s)$$, :default_wf))).code, 'SD010',
  'an explicit inactive workflow: SD010');
SELECT is((pg_temp.error_of($$INSERT INTO servicedesk.services (title, workflow_id) VALUES ('x', 987654)$$)).code, 'SD010',
  'an explicit unknown workflow: SD010');
SELECT is((pg_temp.error_of($$INSERT INTO servicedesk.services (title, service_type, current_stage_id) VALUES ('x', 'it', 'triage')$$)).code, 'SD002',
  'INSERT naming a non-initial stage: SD002');
SELECT lives_ok($$INSERT INTO servicedesk.services (title, service_type, current_stage_id) VALUES ('x', 'it', 'new')$$,
  'INSERT naming the initial stage is fine');

-- roles -------------------------------------------------------------------------
SELECT is((pg_temp.error_of(format($$UPDATE servicedesk.services SET current_stage_id = 'triage' WHERE id = %s$$, :r1))).code, 'SD003',
  'the requester lacks role agent: SD003');
SELECT matches((pg_temp.error_of(format($$UPDATE servicedesk.services SET current_stage_id = 'triage' WHERE id = %s$$, :r1))).detail,
  'restricted to the roles agent', 'SD003 DETAIL names the roles');
SET LOCAL servicedesk.actor_id = '';
SELECT is((pg_temp.error_of(format($$UPDATE servicedesk.services SET current_stage_id = 'triage' WHERE id = %s$$, :r1))).code, 'SD003',
  'no actor on a role-restricted transition: SD003');
SELECT matches((pg_temp.error_of(format($$UPDATE servicedesk.services SET current_stage_id = 'triage' WHERE id = %s$$, :r1))).hint,
  'servicedesk.actor_id', 'HINT says how to act as someone');
SET LOCAL servicedesk.actor_id = 1001;
UPDATE servicedesk.services SET current_stage_id = 'triage' WHERE id = :r1;
SELECT is((SELECT (current_stage_id, status)::text FROM servicedesk.services WHERE id = :r1), '(triage,in_progress)', 'an agent moves new -> triage');
SELECT is((SELECT (action, user_id, old_values->>'current_stage_id', new_values->>'current_stage_id', new_values->>'status')::text
             FROM servicedesk.audit_logs WHERE entity_type = 'services' AND entity_id = :r1 ORDER BY id DESC LIMIT 1),
          '(transition,1001,new,triage,in_progress)', 'audited as transition with the actor');

-- undefined moves -------------------------------------------------------------------
SELECT is((pg_temp.error_of(format($$UPDATE servicedesk.services SET current_stage_id = 'resolved' WHERE id = %s$$, :r1))).code, 'SD002',
  'triage -> resolved is not defined: SD002');
SELECT is((pg_temp.error_of(format($$UPDATE servicedesk.services SET current_stage_id = 'resolved' WHERE id = %s$$, :r1))).hint,
  'Allowed targets from "triage": "manager_approval", "waiting_customer", "cancelled".', 'SD002 HINT lists the allowed targets');
SELECT is((pg_temp.error_of(format($$UPDATE servicedesk.services SET current_stage_id = 'nowhere' WHERE id = %s$$, :r1))).code, 'SD002',
  'an unknown stage: SD002');
SELECT is((pg_temp.error_of(format($$UPDATE servicedesk.services SET current_stage_id = NULL WHERE id = %s$$, :r1))).code, 'SD002',
  'a NULL stage: SD002');
SELECT is((pg_temp.error_of(format($$SELECT servicedesk.transition(%s, 'triage')$$, :r1))).code, 'SD002',
  'transition() to the current stage: SD002');
UPDATE servicedesk.services SET title = 'VPN broken (home)' WHERE id = :r1;
SELECT is((SELECT action FROM servicedesk.audit_logs WHERE entity_type = 'services' AND entity_id = :r1 ORDER BY id DESC LIMIT 1),
  'update', 'an UPDATE that keeps the stage is not a transition');

-- status-only updates -----------------------------------------------------------------
UPDATE servicedesk.services SET status = 'on_hold' WHERE id = :r1;
SELECT is((SELECT (current_stage_id, status)::text FROM servicedesk.services WHERE id = :r1), '(waiting_customer,on_hold)',
  'status-only UPDATE moves to the one reachable stage with that status');
SELECT is((pg_temp.error_of(format($$UPDATE servicedesk.services SET status = 'closed' WHERE id = %s$$, :r1))).code, 'SD002',
  'status-only UPDATE with no matching stage: SD002');
SELECT servicedesk.publish_workflow('forked', '[{"id": "a", "status": "submitted", "initial": true},
  {"id": "b1", "status": "in_progress"}, {"id": "b2", "status": "in_progress"}]',
  '[{"from": "a", "to": "b1"}, {"from": "a", "to": "b2"}]', NULL, 'forked') AS forked \gset
INSERT INTO servicedesk.services (title, service_type) VALUES ('fork', 'forked') RETURNING id AS r3 \gset
SELECT is((pg_temp.error_of(format($$UPDATE servicedesk.services SET status = 'in_progress' WHERE id = %s$$, :r3))).code, 'SD002',
  'status-only UPDATE with several matching stages: SD002');
SELECT matches((pg_temp.error_of(format($$UPDATE servicedesk.services SET status = 'in_progress' WHERE id = %s$$, :r3))).detail,
  '2 stages', 'DETAIL says how many stages match');
UPDATE servicedesk.services SET current_stage_id = 'b2', status = 'closed' WHERE id = :r3;
SELECT is((SELECT (current_stage_id, status)::text FROM servicedesk.services WHERE id = :r3), '(b2,in_progress)',
  'stage and status together: the stage wins, status is derived');

-- requires ------------------------------------------------------------------------
UPDATE servicedesk.services SET current_stage_id = 'fulfilment' WHERE id = :r1;
SELECT is((pg_temp.error_of(format($$UPDATE servicedesk.services SET current_stage_id = 'resolved' WHERE id = %s$$, :r1))).code, 'SD004',
  'requires assignee_id, which is NULL: SD004');
SELECT matches((pg_temp.error_of(format($$UPDATE servicedesk.services SET current_stage_id = 'resolved' WHERE id = %s$$, :r1))).message,
  'requirement "assignee_id" is not met', 'SD004 names the requirement');
UPDATE servicedesk.services SET current_stage_id = 'resolved', assignee_id = 1001 WHERE id = :r1;
SELECT is((SELECT current_stage_id FROM servicedesk.services WHERE id = :r1), 'resolved', 'requires is checked on the row after the UPDATE');
SELECT servicedesk.publish_workflow('needs_meta', '[{"id": "a", "status": "submitted", "initial": true}, {"id": "b", "status": "in_progress"}]',
  '[{"from": "a", "to": "b", "requires": ["metadata.asset", "description"]}]', NULL, 'meta') AS meta_wf \gset
INSERT INTO servicedesk.services (title, service_type, description, metadata) VALUES ('m', 'meta', 'desc', '{"asset": "  "}') RETURNING id AS r4 \gset
SELECT is((pg_temp.error_of(format($$UPDATE servicedesk.services SET current_stage_id = 'b' WHERE id = %s$$, :r4))).code, 'SD004',
  'metadata.asset blank after trimming: SD004');
UPDATE servicedesk.services SET metadata = '{"asset": []}' WHERE id = :r4;
SELECT is((pg_temp.error_of(format($$UPDATE servicedesk.services SET current_stage_id = 'b' WHERE id = %s$$, :r4))).code, 'SD004',
  'metadata.asset = []: SD004');
UPDATE servicedesk.services SET metadata = '{"asset": null}' WHERE id = :r4;
SELECT is((pg_temp.error_of(format($$UPDATE servicedesk.services SET current_stage_id = 'b' WHERE id = %s$$, :r4))).code, 'SD004',
  'metadata.asset = JSON null: SD004');
UPDATE servicedesk.services SET metadata = '{"asset": "L-7"}', description = '   ' WHERE id = :r4;
SELECT is((pg_temp.error_of(format($$UPDATE servicedesk.services SET current_stage_id = 'b' WHERE id = %s$$, :r4))).code, 'SD004',
  'a blank description: SD004');
UPDATE servicedesk.services SET current_stage_id = 'b', description = 'Laptop' WHERE id = :r4;
SELECT is((SELECT current_stage_id FROM servicedesk.services WHERE id = :r4), 'b', 'every requirement met: moved');

-- "*" transitions, requester and assignee roles -------------------------------------------
SET LOCAL servicedesk.actor_id = 1002;
INSERT INTO servicedesk.services (title, service_type, requester_id) VALUES ('mine', 'it', 1003) RETURNING id AS r5 \gset
SELECT is((pg_temp.error_of(format($$UPDATE servicedesk.services SET current_stage_id = 'cancelled' WHERE id = %s$$, :r5))).code, 'SD003',
  'a manager who is not the requester cannot cancel: SD003');
SET LOCAL servicedesk.actor_id = 1003;
SELECT is((servicedesk.transition(:r5, 'cancelled', 'no longer needed')).status, 'cancelled', 'the requester cancels via "*"');
SELECT is((SELECT new_values->>'comment' FROM servicedesk.audit_logs WHERE entity_type = 'services' AND entity_id = :r5 ORDER BY id DESC LIMIT 1),
  'no longer needed', 'transition() comment stored in the audit row');
SELECT is((pg_temp.error_of(format($$UPDATE servicedesk.services SET current_stage_id = 'triage' WHERE id = %s$$, :r5))).code, 'SD002',
  '"*" never leaves a terminal stage: SD002');
SELECT servicedesk.publish_workflow('self', '[{"id": "a", "status": "submitted", "initial": true}, {"id": "b", "status": "in_progress"}]',
  '[{"from": "a", "to": "b", "roles": ["assignee"]}]', NULL, 'self') AS self_wf \gset
SET LOCAL servicedesk.actor_id = 1001;
INSERT INTO servicedesk.services (title, service_type) VALUES ('self', 'self') RETURNING id AS r6 \gset
SELECT is((pg_temp.error_of(format($$UPDATE servicedesk.services SET current_stage_id = 'b' WHERE id = %s$$, :r6))).code, 'SD003',
  'not yet the assignee: SD003');
UPDATE servicedesk.services SET current_stage_id = 'b', assignee_id = 1001 WHERE id = :r6;
SELECT is((SELECT current_stage_id FROM servicedesk.services WHERE id = :r6), 'b', 'assign yourself and move in one statement');

-- approval stages cannot be skipped ---------------------------------------------------------
SELECT servicedesk.publish_workflow('gate', '[{"id": "a", "status": "submitted", "initial": true},
  {"id": "ap", "status": "pending_approval", "approval": {"approvers": [1002], "on_approved": "go", "on_rejected": "a"}},
  {"id": "go", "status": "in_progress"}]',
  '[{"from": "a", "to": "ap"}, {"from": "*", "to": "go"}]', NULL, 'gate') AS gate_wf \gset
INSERT INTO servicedesk.services (title, service_type) VALUES ('gate', 'gate') RETURNING id AS r7 \gset
UPDATE servicedesk.services SET current_stage_id = 'ap' WHERE id = :r7;
SELECT is((pg_temp.error_of(format($$UPDATE servicedesk.services SET current_stage_id = 'go' WHERE id = %s$$, :r7))).code, 'SD005',
  'a manual move from an approval stage to its on_approved stage: SD005');
SELECT matches((pg_temp.error_of(format($$UPDATE servicedesk.services SET current_stage_id = 'go' WHERE id = %s$$, :r7))).hint,
  'approve', 'SD005 HINT points at approve()/reject()');

-- available_transitions ------------------------------------------------------------------
SET LOCAL servicedesk.actor_id = 1003;
INSERT INTO servicedesk.services (title, service_type) VALUES ('avail', 'it') RETURNING id AS r8 \gset
SELECT results_eq(format($$SELECT to_stage, allowed FROM servicedesk.available_transitions(%s) ORDER BY to_stage$$, :r8),
  $$VALUES ('cancelled', true), ('triage', false)$$, 'available_transitions for the requester');
SELECT matches((SELECT reason FROM servicedesk.available_transitions(:r8) WHERE to_stage = 'triage'), 'restricted to the roles agent',
  'the reason a move is not allowed');
SET LOCAL servicedesk.actor_id = 1001;
SELECT results_eq(format($$SELECT to_stage, allowed FROM servicedesk.available_transitions(%s) ORDER BY to_stage$$, :r8),
  $$VALUES ('cancelled', false), ('triage', true)$$, 'available_transitions for an agent');
SELECT is((pg_temp.error_of($$SELECT * FROM servicedesk.available_transitions(-5)$$)).code, 'P0002', 'unknown request: P0002');
SELECT is((pg_temp.error_of($$SELECT servicedesk.transition(-5, 'x')$$)).code, 'P0002', 'transition() of an unknown request: P0002');
SELECT is((pg_temp.error_of(format($$SELECT servicedesk.transition(%s, NULL)$$, :r8))).code, 'SD002', 'transition() to NULL: SD002');

-- an old version keeps running its requests -----------------------------------------------
SELECT servicedesk.publish_workflow('it_request', '[{"id": "new", "status": "submitted", "initial": true}, {"id": "done", "status": "closed", "terminal": true}]',
  '[{"from": "new", "to": "done"}]', 'v2 (short)', 'it') AS it_v2 \gset
SELECT throws_ok(format($$UPDATE servicedesk.services SET current_stage_id = 'done' WHERE id = %s$$, :r8), 'SD002', NULL,
  'a request on version 1 follows version 1, not the new one');
UPDATE servicedesk.services SET current_stage_id = 'triage' WHERE id = :r8;
SELECT is((SELECT current_stage_id FROM servicedesk.services WHERE id = :r8), 'triage', 'version 1 moves still work');
INSERT INTO servicedesk.services (title, service_type) VALUES ('new one', 'it') RETURNING id AS r9 \gset
SELECT is((SELECT workflow_id FROM servicedesk.services WHERE id = :r9), :it_v2, 'new requests start on version 2');

SELECT * FROM finish();
ROLLBACK;
