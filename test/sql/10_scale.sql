-- Size: a 5,000-stage chain publishes and validates in under a second; a
-- malformed definition of any size fails fast with SD001.
\set QUIET 1
\set ON_ERROR_STOP 1
\pset format unaligned
\pset tuples_only true
\pset pager off
BEGIN;
SELECT plan(7);
CREATE TEMP TABLE chain AS
SELECT jsonb_agg(jsonb_build_object('id', 's' || g, 'status', CASE WHEN g = 4999 THEN 'closed' ELSE 'in_progress' END)
                 || CASE WHEN g = 0 THEN '{"initial": true}'::jsonb ELSE '{}'::jsonb END
                 || CASE WHEN g = 4999 THEN '{"terminal": true}'::jsonb ELSE '{}'::jsonb END ORDER BY g) AS stages,
       (SELECT jsonb_agg(jsonb_build_object('from', 's' || g, 'to', 's' || (g + 1)) ORDER BY g) FROM generate_series(0, 4998) g) AS transitions
  FROM generate_series(0, 4999) g;
CREATE TEMP TABLE timing (label text, ms float8);

DO $$
DECLARE t0 timestamptz; wf int; n int;
BEGIN
  t0 := clock_timestamp();
  SELECT servicedesk.publish_workflow('chain', stages, transitions) INTO wf FROM chain;
  INSERT INTO timing VALUES ('publish', extract(epoch FROM clock_timestamp() - t0) * 1000);
  t0 := clock_timestamp();
  SELECT count(*) INTO n FROM chain, servicedesk.validate_workflow(stages, transitions);
  INSERT INTO timing VALUES ('validate', extract(epoch FROM clock_timestamp() - t0) * 1000), ('validate problems', n);
END $$;
SELECT cmp_ok((SELECT ms FROM timing WHERE label = 'publish'), '<', 1000::float8, '5,000-stage chain publishes in under a second');
SELECT cmp_ok((SELECT ms FROM timing WHERE label = 'validate'), '<', 1000::float8, 'and validates in under a second');
SELECT is((SELECT ms FROM timing WHERE label = 'validate problems'), 0::float8, 'with no problems');
-- the compiled chain works end to end
INSERT INTO servicedesk.services (title, workflow_id) SELECT 'long', id FROM servicedesk.workflows WHERE name = 'chain' RETURNING id AS r \gset
UPDATE servicedesk.services SET current_stage_id = 's1' WHERE id = :r;
SELECT is((SELECT current_stage_id FROM servicedesk.services WHERE id = :r), 's1', 'a request moves along the chain');

-- malformed, 100,000 stages each wrong: fails fast, with a bounded DETAIL
DO $$
DECLARE t0 timestamptz; d text; c text;
BEGIN
  t0 := clock_timestamp();
  BEGIN
    INSERT INTO servicedesk.workflows (name, stages, transitions)
    SELECT 'bad', jsonb_agg(jsonb_build_object('id', 'x', 'status', 'nope', 'extra', g)), '[{"from": "nowhere"}]'
      FROM generate_series(1, 100000) g;
  EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS c = RETURNED_SQLSTATE, d = PG_EXCEPTION_DETAIL;
  END;
  INSERT INTO timing VALUES ('malformed', extract(epoch FROM clock_timestamp() - t0) * 1000);
  INSERT INTO timing VALUES ('malformed ' || coalesce(c, 'no error'), length(d));
END $$;
SELECT ok(EXISTS (SELECT 1 FROM timing WHERE label = 'malformed SD001'), 'a 100,000-stage malformed definition: SD001');
SELECT cmp_ok((SELECT ms FROM timing WHERE label = 'malformed'), '<', 2000::float8, 'and it fails fast (including building 100,000 JSON objects)');
SELECT cmp_ok((SELECT ms FROM timing WHERE label = 'malformed SD001'), '<', 50000::float8, 'the DETAIL stays bounded (at most 100 problems listed)');
SELECT * FROM finish();
ROLLBACK;
