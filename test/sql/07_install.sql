-- Install, drop and reinstall inside one transaction; the extension's objects
-- are owned by it and leave nothing behind.
\set QUIET 1
\set ON_ERROR_STOP 1
\pset format unaligned
\pset tuples_only true
\pset pager off
BEGIN;
SELECT plan(9);
\ir ../fixtures.sql
SELECT has_extension('servicedesk', 'the extension is installed');
SELECT ok((SELECT count(*) FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid
            WHERE e.extname = 'servicedesk' AND d.deptype = 'e') >= 30, 'its objects belong to it');
SELECT ok((SELECT count(*) FROM servicedesk.workflows) > 0, 'fixtures loaded');
-- a cached compiled workflow must not survive the drop
SELECT ok(servicedesk.workflow_graph(:it_workflow) LIKE 'stateDiagram%', 'workflow compiled and cached');
DROP EXTENSION servicedesk CASCADE;
SELECT hasnt_schema('servicedesk', 'DROP EXTENSION ... CASCADE removes the schema');
SELECT is((SELECT count(*)::int FROM pg_proc WHERE proname IN ('business_add', 'sla_sweep', '_audit_row')), 0,
  'no function left behind');
CREATE EXTENSION servicedesk;
SELECT is((SELECT count(*)::int FROM servicedesk.workflows), 0, 'reinstalled empty');
-- same id as before, different definition: the backend must compile the new one
INSERT INTO servicedesk.workflows (id, name, stages, transitions) VALUES (:it_workflow, 'again',
  '[{"id": "only", "status": "submitted", "initial": true}]', '[]');
SELECT ok(servicedesk.workflow_graph(:it_workflow) LIKE '%only%' AND servicedesk.workflow_graph(:it_workflow) NOT LIKE '%triage%',
  'the re-created extension never serves the dropped one''s cached workflow');
SELECT is(servicedesk.business_minutes('2026-01-01', '2026-01-02', NULL), 1440, 'functions work after reinstall');
SELECT * FROM finish();
ROLLBACK;
