-- Workflow definitions (SPEC section 3): every rejection cause gives SD001
-- and names its path; several problems at once; versions; immutability.
\set QUIET 1
\set ON_ERROR_STOP 1
\pset format unaligned
\pset tuples_only true
\pset pager off
BEGIN;
SELECT plan(52);
\ir ../fixtures.sql

SELECT is((SELECT version FROM servicedesk.workflows WHERE id = :it_workflow), 1, 'publish_workflow creates version 1');
SELECT is_empty(format($$SELECT * FROM servicedesk.validate_workflow(
  (SELECT stages FROM servicedesk.workflows WHERE id = %s),
  (SELECT transitions FROM servicedesk.workflows WHERE id = %s))$$, :it_workflow, :it_workflow), 'the SPEC example is valid');

-- One case per rejection cause: (stages, transitions, the path that must be named).
CREATE TEMP TABLE bad_case (label text, stages jsonb, transitions jsonb, path text);
INSERT INTO bad_case VALUES
 ('stages not an array', '{"id": "a"}', '[]', 'stages'),
 ('stage not an object', '[{"id": "a", "status": "submitted", "initial": true}, 7]', '[]', 'stages[1]'),
 ('transitions not an array', '[{"id": "a", "status": "submitted", "initial": true}]', '"x"', 'transitions'),
 ('unknown stage key', '[{"id": "a", "status": "submitted", "initial": true, "colour": "red"}]', '[]', 'stages[0]'),
 ('unknown transition key', '[{"id": "a", "status": "submitted", "initial": true}, {"id": "b", "status": "closed"}]', '[{"from": "a", "to": "b", "role": ["x"]}]', 'transitions[0]'),
 ('missing id', '[{"id": "a", "status": "submitted", "initial": true}, {"status": "closed"}]', '[]', 'stages[1].id'),
 ('duplicated id', '[{"id": "a", "status": "submitted", "initial": true}, {"id": "a", "status": "closed"}]', '[]', 'stages[1].id'),
 ('id too long', format('[{"id": "a", "status": "submitted", "initial": true}, {"id": "%s", "status": "closed"}]', repeat('x', 101))::jsonb, '[{"from": "a", "to": "b"}]', 'stages[1].id'),
 ('no initial stage', '[{"id": "a", "status": "submitted"}]', '[]', 'stages'),
 ('two initial stages', '[{"id": "a", "status": "submitted", "initial": true}, {"id": "b", "status": "closed", "initial": true}]', '[{"from": "a", "to": "b"}]', 'stages'),
 ('unknown status', '[{"id": "a", "status": "open", "initial": true}]', '[]', 'stages[0].status'),
 ('unknown from stage', '[{"id": "a", "status": "submitted", "initial": true}, {"id": "b", "status": "closed"}]', '[{"from": "a", "to": "b"}, {"from": "zz", "to": "b"}]', 'transitions[1].from'),
 ('unknown to stage', '[{"id": "a", "status": "submitted", "initial": true}, {"id": "b", "status": "closed"}]', '[{"from": "a", "to": "b"}, {"from": "a", "to": "zz"}]', 'transitions[1].to'),
 ('duplicated pair', '[{"id": "a", "status": "submitted", "initial": true}, {"id": "b", "status": "closed"}]', '[{"from": "a", "to": "b"}, {"from": ["a"], "to": "b"}]', 'transitions[1]'),
 ('duplicated star', '[{"id": "a", "status": "submitted", "initial": true}, {"id": "b", "status": "closed"}]', '[{"from": "*", "to": "b"}, {"from": "*", "to": "b"}]', 'transitions[1]'),
 ('leaves a terminal stage', '[{"id": "a", "status": "submitted", "initial": true}, {"id": "b", "status": "closed", "terminal": true}]', '[{"from": "a", "to": "b"}, {"from": "b", "to": "a"}]', 'transitions[1].from'),
 ('unreachable stage', '[{"id": "a", "status": "submitted", "initial": true}, {"id": "b", "status": "closed"}, {"id": "island", "status": "closed"}]', '[{"from": "a", "to": "b"}]', 'stages[2]'),
 ('unknown on_approved', '[{"id": "a", "status": "submitted", "initial": true}, {"id": "ap", "status": "pending_approval", "approval": {"approvers": [1], "on_approved": "nope", "on_rejected": "a"}}]', '[{"from": "a", "to": "ap"}]', 'stages[1].approval.on_approved'),
 ('missing on_rejected', '[{"id": "a", "status": "submitted", "initial": true}, {"id": "ap", "status": "pending_approval", "approval": {"approvers": [1], "on_approved": "a"}}]', '[{"from": "a", "to": "ap"}]', 'stages[1].approval'),
 ('quorum below 1', '[{"id": "a", "status": "submitted", "initial": true}, {"id": "ap", "status": "pending_approval", "approval": {"approvers": [1, 2], "policy": {"quorum": 0}, "on_approved": "a", "on_rejected": "a"}}]', '[{"from": "a", "to": "ap"}]', 'stages[1].approval.policy.quorum'),
 ('quorum above approvers', '[{"id": "a", "status": "submitted", "initial": true}, {"id": "ap", "status": "pending_approval", "approval": {"approvers": [1, 2], "policy": {"quorum": 3}, "on_approved": "a", "on_rejected": "a"}}]', '[{"from": "a", "to": "ap"}]', 'stages[1].approval.policy.quorum'),
 ('bad policy', '[{"id": "a", "status": "submitted", "initial": true}, {"id": "ap", "status": "pending_approval", "approval": {"approvers": [1], "policy": "most", "on_approved": "a", "on_rejected": "a"}}]', '[{"from": "a", "to": "ap"}]', 'stages[1].approval.policy'),
 ('manual move skips approval', '[{"id": "a", "status": "submitted", "initial": true}, {"id": "ap", "status": "pending_approval", "approval": {"approvers": [1], "on_approved": "ok", "on_rejected": "a"}}, {"id": "ok", "status": "closed", "terminal": true}]', '[{"from": "a", "to": "ap"}, {"from": "ap", "to": "ok"}]', 'transitions[1]'),
 ('star is not a stage id', '[{"id": "*", "status": "submitted", "initial": true}]', '[]', 'stages[0].id'),
 ('bad sla value', '[{"id": "a", "status": "submitted", "initial": true, "sla": "stop"}]', '[]', 'stages[0].sla');

SELECT is((pg_temp.error_of(format('INSERT INTO servicedesk.workflows (name, stages, transitions) VALUES (%L, %L, %L)', label, stages, transitions))).code,
          'SD001', 'SD001: ' || label)
  FROM bad_case ORDER BY label;
SELECT ok(EXISTS (SELECT 1 FROM servicedesk.validate_workflow(stages, transitions) v WHERE v.path = bad_case.path),
          'validate_workflow names ' || path || ' for: ' || label)
  FROM bad_case WHERE label IN ('unknown stage key', 'duplicated id', 'unknown from stage', 'unreachable stage',
                                'quorum above approvers', 'manual move skips approval', 'leaves a terminal stage')
  ORDER BY label;

-- several problems, all reported at once, one per DETAIL line
SELECT is((SELECT count(*)::int FROM servicedesk.validate_workflow(
  '[{"id": "a", "status": "nope", "initial": true, "x": 1}, {"id": "a", "status": "closed"}]',
  '[{"from": "zz", "to": "a"}]')), 4, 'four problems reported together');
SELECT matches((pg_temp.error_of($$INSERT INTO servicedesk.workflows (name, stages, transitions) VALUES ('m',
  '[{"id": "a", "status": "nope", "initial": true, "x": 1}, {"id": "a", "status": "closed"}]', '[{"from": "zz", "to": "a"}]')$$)).detail,
  E'^stages\\[0\\]: unknown key "x".*\nstages\\[0\\]\\.status: .*\nstages\\[1\\]\\.id: .*\ntransitions\\[0\\]\\.from: unknown stage "zz"$', 'SD001 DETAIL: one problem per line, each with its path');

-- versions --------------------------------------------------------------------
SELECT servicedesk.publish_workflow('it_request',
  (SELECT stages FROM servicedesk.workflows WHERE id = :it_workflow),
  (SELECT transitions FROM servicedesk.workflows WHERE id = :it_workflow), 'v2', 'it') AS v2 \gset
SELECT is((SELECT version FROM servicedesk.workflows WHERE id = :v2), 2, 'publishing again adds version 2');
SELECT is((SELECT active FROM servicedesk.workflows WHERE id = :it_workflow), false, 'older versions are deactivated');
SELECT is((SELECT active FROM servicedesk.workflows WHERE id = :v2), true, 'the new version is active');
SELECT is((pg_temp.error_of($$SELECT servicedesk.publish_workflow('x', '[]', '[]')$$)).code, 'SD001', 'publish_workflow validates (SD001)');

-- immutability: a version used by a request --------------------------------------------
INSERT INTO servicedesk.services (title, workflow_id, requester_id) VALUES ('on v2', :v2, 1003);
SELECT is((pg_temp.error_of(format($$UPDATE servicedesk.workflows SET stages = stages WHERE id = %s$$, :v2))).code, NULL,
  'rewriting identical stages is not a change');
SELECT is((pg_temp.error_of(format($$UPDATE servicedesk.workflows SET transitions = '[]' WHERE id = %s$$, :v2))).code, 'SD008',
  'changing transitions of a used version: SD008');
SELECT is((pg_temp.error_of(format($$UPDATE servicedesk.workflows SET stages = stages || '[{"id": "x", "status": "closed"}]' WHERE id = %s$$, :v2))).code, 'SD008',
  'changing stages of a used version: SD008');
SELECT is((pg_temp.error_of(format($$UPDATE servicedesk.workflows SET version = 9 WHERE id = %s$$, :v2))).code, 'SD008',
  'changing the version number of a used version: SD008');
UPDATE servicedesk.workflows SET name = 'it_request', description = 'renamed', active = false WHERE id = :v2;
SELECT is((SELECT description FROM servicedesk.workflows WHERE id = :v2), 'renamed', 'name, description and active may change');
SELECT is((pg_temp.error_of(format($$UPDATE servicedesk.workflows SET transitions = '[]' WHERE id = %s$$, :it_workflow))).code, 'SD001',
  'an unused version may change, but stays validated');
SELECT is((pg_temp.error_of(format($$UPDATE servicedesk.services SET workflow_id = %s WHERE title = 'on v2'$$, :it_workflow))).code, 'SD008',
  'workflow_id of a request never changes: SD008');

-- graphs ------------------------------------------------------------------------
SELECT matches(servicedesk.workflow_graph(:it_workflow), '^stateDiagram-v2', 'Mermaid by default');
SELECT ok(servicedesk.workflow_graph(:it_workflow, 'dot') LIKE 'digraph%', 'DOT on request');
SELECT ok((SELECT bool_and(strpos(servicedesk.workflow_graph(:it_workflow, 'dot'), s->>'id') > 0)
             FROM jsonb_array_elements((SELECT stages FROM servicedesk.workflows WHERE id = :it_workflow)) s),
          'every stage appears in the DOT graph');
SELECT is((pg_temp.error_of(format($$SELECT servicedesk.workflow_graph(%s, 'svg')$$, :it_workflow))).code, '22023', 'unknown format: 22023');
SELECT is((pg_temp.error_of($$SELECT servicedesk.workflow_graph(-1)$$)).code, 'SD010', 'unknown workflow: SD010');

SELECT * FROM finish();
ROLLBACK;
