-- Shared fixtures for the pgTAP suites (included with \ir, inside the test's
-- transaction). Users, a calendar, the SPEC section 3 workflow and an SLA.
SET LOCAL servicedesk.actor_id = '';
INSERT INTO servicedesk.users (id, username, display_name, roles) VALUES
  (1001, 'alice', 'Alice Agent', '{agent}'),
  (1002, 'mona', 'Mona Manager', '{manager}'),
  (1003, 'rick', 'Rick Requester', '{}'),
  (1004, 'adam', 'Adam Admin', '{admin,manager}'),
  (1005, 'ivan', 'Ivan Inactive', '{manager}');
UPDATE servicedesk.users SET active = false WHERE id = 1005;

-- error_of(sql): the SQLSTATE, message, DETAIL and HINT a statement raises (NULL if none).
CREATE FUNCTION pg_temp.error_of(q text, OUT code text, OUT message text, OUT detail text, OUT hint text)
LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE q;
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS code = RETURNED_SQLSTATE, message = MESSAGE_TEXT,
                          detail = PG_EXCEPTION_DETAIL, hint = PG_EXCEPTION_HINT;
END $$;

-- The SPEC section 3 workflow, as "it_request" version 1 (default for service_type 'it').
SELECT servicedesk.publish_workflow('it_request',
$$[
  {"id": "new", "name": "New", "status": "submitted", "initial": true},
  {"id": "triage", "status": "in_progress"},
  {"id": "manager_approval", "status": "pending_approval",
   "approval": {"approvers": {"role": "manager"}, "policy": "all",
                "due_minutes": 480,
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
]$$, 'SPEC example', 'it') AS it_workflow \gset
