-- Security: a non-privileged role cannot write the audit trail, change a used
-- workflow, decide someone else's approval, or act as another user through
-- servicedesk.actor_id; a trusted application role can; row-level security
-- shows a requester only their own requests once the DBA enables it.
\set QUIET 1
\set ON_ERROR_STOP 1
\pset format unaligned
\pset tuples_only true
\pset pager off
BEGIN;
SELECT plan(21);
\ir ../fixtures.sql
SET LOCAL servicedesk.actor_id = 1001;
INSERT INTO servicedesk.services (id, title, service_type, requester_id) VALUES (8001, 'ricks', 'it', 1003), (8002, 'monas', 'it', 1002);
UPDATE servicedesk.services SET current_stage_id = 'triage' WHERE id IN (8001, 8002);
UPDATE servicedesk.services SET current_stage_id = 'manager_approval' WHERE id = 8001;
RESET servicedesk.actor_id;

-- roles: a requester's login, an application's login, and the trusted role
CREATE ROLE sd_rick LOGIN;
CREATE ROLE sd_alice LOGIN;
CREATE ROLE sd_webapp LOGIN;
CREATE ROLE servicedesk_app NOLOGIN;
GRANT servicedesk_app TO sd_webapp;
UPDATE servicedesk.users SET db_role = 'sd_rick' WHERE id = 1003;
UPDATE servicedesk.users SET db_role = 'sd_alice' WHERE id = 1001;
GRANT USAGE ON SCHEMA servicedesk TO sd_rick, sd_alice, sd_webapp;
GRANT SELECT, INSERT, UPDATE ON servicedesk.services TO sd_rick, sd_alice, sd_webapp;
GRANT SELECT, UPDATE ON servicedesk.approvals TO sd_rick, sd_alice, sd_webapp;
GRANT SELECT ON servicedesk.audit_logs, servicedesk.workflows TO sd_rick;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA servicedesk TO sd_rick, sd_alice, sd_webapp;

-- the audit trail -------------------------------------------------------------
SET SESSION AUTHORIZATION sd_rick;
SELECT (pg_temp.error_of($$INSERT INTO servicedesk.audit_logs (entity_type, action) VALUES ('services', 'approve')$$)).code AS c_ins,
       (pg_temp.error_of($$UPDATE servicedesk.audit_logs SET user_id = 1003$$)).code AS c_upd,
       (pg_temp.error_of($$DELETE FROM servicedesk.audit_logs$$)).code AS c_del,
       (pg_temp.error_of($$TRUNCATE servicedesk.audit_logs$$)).code AS c_trunc \gset
RESET SESSION AUTHORIZATION;
SELECT is(:'c_ins'::text, '42501', 'a requester cannot INSERT into audit_logs (no privilege)');
SELECT is(:'c_upd'::text, '42501', 'nor UPDATE it');
SELECT is(:'c_del'::text, '42501', 'nor DELETE from it');
SELECT is(:'c_trunc'::text, '42501', 'nor TRUNCATE it');
GRANT INSERT, UPDATE, DELETE ON servicedesk.audit_logs TO sd_rick;
SET SESSION AUTHORIZATION sd_rick;
SELECT (pg_temp.error_of($$INSERT INTO servicedesk.audit_logs (entity_type, action) VALUES ('services', 'approve')$$)).code AS c_ins2,
       (pg_temp.error_of($$DELETE FROM servicedesk.audit_logs$$)).code AS c_del2 \gset
RESET SESSION AUTHORIZATION;
SELECT is(:'c_ins2'::text, 'SD008', 'even with the privilege granted, a forged audit row is refused (SD008)');
SELECT is(:'c_del2'::text, 'SD008', 'and so is a DELETE');
SELECT is((pg_temp.error_of($$INSERT INTO servicedesk.audit_logs (entity_type, action) VALUES ('services', 'approve')$$)).code,
  'SD008', 'a superuser cannot forge audit rows either (short of disabling triggers)');

-- a used workflow ---------------------------------------------------------------
GRANT UPDATE ON servicedesk.workflows TO sd_rick;
SET SESSION AUTHORIZATION sd_rick;
SELECT (pg_temp.error_of(format($$UPDATE servicedesk.workflows SET transitions = '[]' WHERE id = %s$$, :it_workflow))).code AS c_wf \gset
RESET SESSION AUTHORIZATION;
SELECT is(:'c_wf'::text, 'SD008', 'a used workflow version cannot be changed, whatever the privileges');

-- acting as someone else ----------------------------------------------------------
SET SESSION AUTHORIZATION sd_rick;
SELECT (pg_temp.error_of($$SET LOCAL servicedesk.actor_id = 1002; SELECT servicedesk.current_actor()$$)).code AS c_imp,
       (pg_temp.error_of($$SET LOCAL servicedesk.actor_id = 1002; SELECT servicedesk.current_actor()$$)).message AS m_imp,
       coalesce((pg_temp.error_of($$SET LOCAL servicedesk.actor_id = 1003; SELECT servicedesk.current_actor()$$)).code, 'none') AS c_self,
       servicedesk.current_actor() AS rick_actor \gset
RESET SESSION AUTHORIZATION;
SELECT is(:'c_imp'::text, 'SD009', 'a requester''s login cannot act as another user (SD009)');
SELECT is(:'m_imp'::text, 'role "sd_rick" may not act as servicedesk user 1002', 'the message names the role and the user');
SELECT is(:'c_self'::text, 'none', 'but may set its own id');
SELECT is(:'rick_actor'::text, '1003', 'and is mapped to its users row without the setting');
SET SESSION AUTHORIZATION sd_webapp;
SELECT coalesce((pg_temp.error_of($$SET LOCAL servicedesk.actor_id = 1002; UPDATE servicedesk.services SET title = 'monas (edited)' WHERE id = 8002$$)).code, 'none') AS c_app \gset
RESET SESSION AUTHORIZATION;
SELECT is(:'c_app'::text, 'none', 'a member of servicedesk.trusted_role acts for any user');
SELECT is((SELECT user_id FROM servicedesk.audit_logs WHERE entity_type = 'services' AND entity_id = 8002 ORDER BY id DESC LIMIT 1), 1002,
  'and the audit row names the user it acted for');
RESET servicedesk.actor_id;  -- the application's SET LOCAL lasts until the end of the transaction
SELECT lives_ok($$SET servicedesk.trusted_role = 'sd_rick'$$, 'a superuser may change the trusted role');
RESET servicedesk.trusted_role;
SET SESSION AUTHORIZATION sd_rick;
SELECT (pg_temp.error_of($$SET servicedesk.trusted_role = 'sd_rick'$$)).code AS c_trust \gset
RESET SESSION AUTHORIZATION;
SELECT is(:'c_trust'::text, '42501', 'an ordinary role cannot make itself trusted');

-- deciding someone else's approval ---------------------------------------------------
SET SESSION AUTHORIZATION sd_alice;
SELECT (pg_temp.error_of(format($$SELECT servicedesk.approve(%s)$$,
  (SELECT id FROM servicedesk.approvals WHERE service_id = 8001 AND approver_id = 1002)))).code AS c_dec \gset
RESET SESSION AUTHORIZATION;
SELECT is(:'c_dec'::text, 'SD006', 'an agent cannot decide a manager''s approval');

-- row-level security ------------------------------------------------------------------
ALTER TABLE servicedesk.services ENABLE ROW LEVEL SECURITY;
SET SESSION AUTHORIZATION sd_rick;
SELECT string_agg(id::text, ',' ORDER BY id) AS rick_sees FROM servicedesk.services WHERE id IN (8001, 8002) \gset
UPDATE servicedesk.services SET title = 'x' WHERE id = 8002;
SELECT count(*) AS rick_updated FROM (SELECT 1 FROM servicedesk.services WHERE id = 8002 AND title = 'x') x \gset
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION sd_alice;
SELECT string_agg(id::text, ',' ORDER BY id) AS alice_sees FROM servicedesk.services WHERE id IN (8001, 8002) \gset
RESET SESSION AUTHORIZATION;
SELECT is(:'rick_sees'::text, '8001', 'with RLS enabled, a requester sees only their own request');
SELECT is(:'rick_updated'::text, '0', 'and cannot change another''s');
SELECT is(:'alice_sees'::text, '8001,8002', 'an agent (a staff role) sees every request');
SELECT is((SELECT count(*)::int FROM servicedesk.services WHERE id IN (8001, 8002)), 2, 'the table owner is not filtered');
SELECT * FROM finish();
ROLLBACK;
