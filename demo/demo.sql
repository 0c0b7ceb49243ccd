-- The servicedesk demo: a small IT desk driven by plain SQL.
\set ON_ERROR_STOP 1
\pset pager off
SET TIME ZONE 'Europe/Berlin';
\echo '== people'
INSERT INTO servicedesk.users (username, display_name, roles, db_role) VALUES
  ('alice', 'Alice (agent)', '{agent}', NULL),
  ('mona', 'Mona (manager)', '{manager}', NULL),
  ('max', 'Max (manager)', '{manager}', NULL),
  ('rick', 'Rick (requester)', '{}', NULL);
SELECT id, username, roles FROM servicedesk.users ORDER BY id;

\echo '== a business calendar (Berlin, 09-17 with lunch, Christmas off) and an SLA'
INSERT INTO servicedesk.calendars (name, timezone, working_hours, holidays) VALUES
  ('Berlin office', 'Europe/Berlin',
   '{"mon": [["09:00","12:00"],["13:00","17:00"]], "tue": [["09:00","12:00"],["13:00","17:00"]],
     "wed": [["09:00","12:00"],["13:00","17:00"]], "thu": [["09:00","12:00"],["13:00","17:00"]],
     "fri": [["09:00","12:00"],["13:00","17:00"]]}',
   '{2026-12-24,2026-12-25,2026-12-26}');
INSERT INTO servicedesk.slas (name, service_type, priority, response_time, resolution_time, calendar_id, escalation_rules)
  SELECT 'IT standard', 'it', NULL, 60, 960, c.id,
         '[{"target": "response", "at_percent": 75, "action": "notify"},
           {"target": "resolution", "at_percent": 90, "action": "set_priority", "priority": "high"}]'
    FROM servicedesk.calendars c WHERE c.name = 'Berlin office';
SELECT servicedesk.business_add('2026-12-23 16:30+01', 60, (SELECT id FROM servicedesk.calendars WHERE name = 'Berlin office'))
       AS "60 business minutes after Wed 23 Dec 16:30 (Berlin)";

\echo '== publish a workflow (validated: try a broken one first)'
\set ON_ERROR_STOP 0
SELECT servicedesk.publish_workflow('broken', '[{"id": "a", "status": "open"}]', '[{"from": "a", "to": "b"}]');
\set ON_ERROR_STOP 1
SELECT servicedesk.publish_workflow('it_request',
$$[
  {"id": "new", "name": "New", "status": "submitted", "initial": true},
  {"id": "triage", "status": "in_progress"},
  {"id": "manager_approval", "status": "pending_approval",
   "approval": {"approvers": {"role": "manager"}, "policy": "any", "due_minutes": 480,
                "on_approved": "fulfilment", "on_rejected": "rejected"}},
  {"id": "fulfilment", "status": "in_progress"},
  {"id": "waiting_customer", "status": "on_hold", "sla": "pause"},
  {"id": "resolved", "status": "resolved"},
  {"id": "closed", "status": "closed", "terminal": true},
  {"id": "rejected", "status": "rejected", "terminal": true},
  {"id": "cancelled", "status": "cancelled", "terminal": true}
]$$,
$$[
  {"from": "new", "to": "triage", "roles": ["agent"]},
  {"from": "triage", "to": "manager_approval"},
  {"from": ["triage", "fulfilment"], "to": "waiting_customer"},
  {"from": "waiting_customer", "to": "fulfilment"},
  {"from": "fulfilment", "to": "resolved", "requires": ["assignee_id"]},
  {"from": "resolved", "to": "closed"},
  {"from": "resolved", "to": "fulfilment", "name": "reopen"},
  {"from": "*", "to": "cancelled", "roles": ["requester", "admin"]}
]$$, 'IT requests', 'it') AS workflow_id \gset
\echo 'published workflow' :workflow_id
SELECT servicedesk.workflow_graph(:workflow_id);

\echo '== Rick asks for a laptop (plain INSERT: workflow, stage, SLA picked by triggers)'
BEGIN;
SET LOCAL servicedesk.actor_id = 4;
-- created 2 hours ago, so the SLA clock has something to show
INSERT INTO servicedesk.services (title, service_type, created_at) VALUES ('New laptop', 'it', now() - interval '2 hours')
  RETURNING id AS request_id \gset
COMMIT;
SELECT id, title, current_stage_id, status, workflow_id, sla_id, requester_id FROM servicedesk.services;
SELECT response_deadline, resolution_deadline, status FROM servicedesk.sla_tracking;

\echo '== Rick tries to triage his own request (refused: SD003)'
\set ON_ERROR_STOP 0
BEGIN; SET LOCAL servicedesk.actor_id = 4; UPDATE servicedesk.services SET current_stage_id = 'triage' WHERE id = :request_id; ROLLBACK;
\set ON_ERROR_STOP 1
\echo '== Alice triages and asks for approval'
BEGIN; SET LOCAL servicedesk.actor_id = 1;
SELECT * FROM servicedesk.available_transitions(:request_id);
SELECT current_stage_id FROM servicedesk.transition(:request_id, 'triage', 'looks legit');
SELECT current_stage_id FROM servicedesk.transition(:request_id, 'manager_approval');
COMMIT;
SELECT approval_id, approver, stage, due_date FROM servicedesk.pending_approvals ORDER BY approval_id;

\echo '== Mona approves (policy any): the request moves on by itself'
BEGIN; SET LOCAL servicedesk.actor_id = 2;
SELECT id, status, decision_at IS NOT NULL AS decided FROM servicedesk.approve((SELECT min(approval_id) FROM servicedesk.pending_approvals), 'ok');
COMMIT;
SELECT id, current_stage_id, status FROM servicedesk.services;
SELECT id, approver_id, status FROM servicedesk.approvals ORDER BY id;

\echo '== Alice resolves it without an assignee (SD004), then properly'
\set ON_ERROR_STOP 0
BEGIN; SET LOCAL servicedesk.actor_id = 1; UPDATE servicedesk.services SET status = 'resolved' WHERE id = :request_id; ROLLBACK;
\set ON_ERROR_STOP 1
BEGIN; SET LOCAL servicedesk.actor_id = 1;
UPDATE servicedesk.services SET status = 'resolved', assignee_id = 1 WHERE id = :request_id;
COMMIT;
SELECT responded_at IS NOT NULL AS responded, resolved_at IS NOT NULL AS resolved, response_time, resolution_time, status, breached
  FROM servicedesk.sla_tracking;

\echo '== the sweep flags what is overdue (here: nothing left to do)'
SELECT servicedesk.sla_sweep();

\echo '== the audit trail'
SELECT id, user_id, entity_type, entity_id, action,
       left(coalesce(new_values::text, old_values::text), 90) AS values
  FROM servicedesk.audit_logs ORDER BY id;
