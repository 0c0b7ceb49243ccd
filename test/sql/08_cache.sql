-- The per-backend caches never serve a stale definition: a change committed
-- in one session is used by another at once; a rolled-back change is gone.
-- Two real sessions through dblink (they commit; the rows are cleaned up).
\set QUIET 1
\set ON_ERROR_STOP 1
\pset format unaligned
\pset tuples_only true
\pset pager off
BEGIN;
SELECT plan(13);
SELECT format('host=%s port=%s dbname=%s user=%s', split_part(current_setting('unix_socket_directories'), ',', 1),
              current_setting('port'), current_database(), current_user) AS conn \gset
SELECT is(dblink_connect('a', :'conn'), 'OK', 'session a');
SELECT is(dblink_connect('b', :'conn'), 'OK', 'session b');

SELECT dblink_exec('b', $$INSERT INTO servicedesk.workflows (id, name, stages, transitions) VALUES (990001, 'cache_probe',
  '[{"id": "one", "status": "submitted", "initial": true}]', '[]')$$);
SELECT ok((SELECT g FROM dblink('a', 'SELECT servicedesk.workflow_graph(990001)') AS t(g text)) LIKE '%one%',
  'session a compiles and caches the workflow');
SELECT dblink_exec('b', $$UPDATE servicedesk.workflows SET stages = '[{"id": "two", "status": "submitted", "initial": true}]' WHERE id = 990001$$);
SELECT ok((SELECT g FROM dblink('a', 'SELECT servicedesk.workflow_graph(990001)') AS t(g text)) LIKE '%two%',
  'a change committed by session b is seen by session a at once');
SELECT dblink_exec('a', 'BEGIN');
SELECT dblink_exec('a', $$UPDATE servicedesk.workflows SET stages = '[{"id": "three", "status": "submitted", "initial": true}]' WHERE id = 990001$$);
SELECT ok((SELECT g FROM dblink('a', 'SELECT servicedesk.workflow_graph(990001)') AS t(g text)) LIKE '%three%',
  'inside its own transaction, a sees its uncommitted change');
SELECT dblink_exec('a', 'ROLLBACK');
SELECT ok((SELECT g FROM dblink('a', 'SELECT servicedesk.workflow_graph(990001)') AS t(g text)) LIKE '%two%',
  'after ROLLBACK, a no longer serves the rolled-back definition');

-- calendars: the same for business_add
SELECT dblink_exec('b', $$INSERT INTO servicedesk.calendars (id, name, working_hours) VALUES (990001, 'cache_probe', '{"mon": [["09:00", "10:00"]]}')$$);
SELECT is((SELECT t FROM dblink('a', $$SELECT servicedesk.business_add('2026-01-05 09:00+00', 90, 990001)$$) AS x(t timestamptz)),
  '2026-01-12 09:30+00'::timestamptz, 'session a caches a one-hour Monday calendar');
SELECT dblink_exec('b', $$UPDATE servicedesk.calendars SET working_hours = '{"mon": [["09:00", "17:00"]]}' WHERE id = 990001$$);
SELECT is((SELECT t FROM dblink('a', $$SELECT servicedesk.business_add('2026-01-05 09:00+00', 90, 990001)$$) AS x(t timestamptz)),
  '2026-01-05 10:30+00'::timestamptz, 'and uses the calendar b changed, at once');

-- a new version published in one session is used by the other for new requests
SELECT * FROM dblink('b', $$SELECT servicedesk.publish_workflow('cache_probe_v', '[{"id": "v1", "status": "submitted", "initial": true}]', '[]', NULL, 'cache_probe')$$) AS x(id int) \gset
SELECT is((SELECT s FROM dblink('a', $$INSERT INTO servicedesk.services (title, service_type) VALUES ('p', 'cache_probe') RETURNING current_stage_id$$) AS x(s text)),
  'v1', 'session a starts a request on version 1');
SELECT * FROM dblink('b', $$SELECT servicedesk.publish_workflow('cache_probe_v', '[{"id": "v2", "status": "submitted", "initial": true}]', '[]', NULL, 'cache_probe')$$) AS x(id int) \gset
SELECT is((SELECT s FROM dblink('a', $$INSERT INTO servicedesk.services (title, service_type) VALUES ('p', 'cache_probe') RETURNING current_stage_id$$) AS x(s text)),
  'v2', 'and the next one on version 2, published by session b');

-- the acting user: remembered across statements, never past a change to users
SELECT dblink_exec('b', $$INSERT INTO servicedesk.users (id, username) VALUES (990001, 'cache_probe_user')$$) \gset
SELECT is((SELECT a FROM dblink('a', $$SET servicedesk.actor_id = 990001; SELECT servicedesk.current_actor()$$) AS x(a int)),
  990001, 'session a acts as a user');
SELECT dblink_exec('b', $$UPDATE servicedesk.users SET active = false WHERE id = 990001$$) \gset
SELECT is((SELECT c FROM dblink('a', $$SELECT servicedesk.current_actor()::text$$, false) AS x(c text)),
  NULL, 'once b deactivated the user, session a is refused at its next statement');
SELECT matches(dblink_error_message('a'), 'servicedesk actor 990001 is inactive', 'with SD009''s message');
SELECT dblink_exec('a', 'RESET servicedesk.actor_id') \gset

-- clean up what the sessions committed (audit rows stay: the trail is append-only)
SELECT dblink_exec('b', $$DELETE FROM servicedesk.services WHERE service_type = 'cache_probe'$$) \gset
SELECT dblink_exec('b', $$DELETE FROM servicedesk.workflows WHERE id = 990001 OR name = 'cache_probe_v'$$) \gset
SELECT dblink_exec('b', $$DELETE FROM servicedesk.calendars WHERE id = 990001$$) \gset
SELECT dblink_exec('b', $$DELETE FROM servicedesk.users WHERE id = 990001$$) \gset
SELECT dblink_disconnect('a'), dblink_disconnect('b') \gset
SELECT * FROM finish();
ROLLBACK;
