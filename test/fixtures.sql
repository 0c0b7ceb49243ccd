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
