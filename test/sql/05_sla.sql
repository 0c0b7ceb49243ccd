-- SLAs (SPEC sections 4, 6 and 10): matching, the tracking row and its clock
-- through every move (response, pause/resume, resolution, close, reopen,
-- cancellation, breaches), re-matching on priority/service_type changes, and
-- sla_sweep (escalations once, breaches, actions, return value, overdue
-- approvals, next_check_at and its index).
--
-- Moves happen at the transaction's now(); requests are created with an
-- explicit created_at in the past, and stored paused_at values are moved back
-- where a pause must last (SPEC 10: resuming uses paused_at as stored). The
-- sweep section uses instants in 2020 so no other row of this file is due.
\set QUIET 1
\set ON_ERROR_STOP 1
\pset format unaligned
\pset tuples_only true
\pset pager off
BEGIN;
SELECT plan(129);
\ir ../fixtures.sql
SET LOCAL timezone = 'UTC';

-- the latest tracking row of a request
CREATE FUNCTION pg_temp.trk(sid integer) RETURNS servicedesk.sla_tracking
LANGUAGE sql AS $$ SELECT * FROM servicedesk.sla_tracking WHERE service_id = sid ORDER BY id DESC LIMIT 1 $$;
-- move a request as someone
CREATE FUNCTION pg_temp.move(sid integer, stage text, actor integer DEFAULT 1001) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM set_config('servicedesk.actor_id', actor::text, true);
  UPDATE servicedesk.services SET current_stage_id = stage,
         assignee_id = CASE WHEN stage = 'resolved' THEN coalesce(assignee_id, 1001) ELSE assignee_id END
   WHERE id = sid;
END $$;

-- Office hours Mon-Fri 09:00-17:00 UTC (2024-01-01 is a Monday).
INSERT INTO servicedesk.calendars (id, name, working_hours) VALUES (911, 'office 9-17',
  '{"mon": [["09:00","17:00"]], "tue": [["09:00","17:00"]], "wed": [["09:00","17:00"]],
    "thu": [["09:00","17:00"]], "fri": [["09:00","17:00"]]}');
-- the same workflow for service_type 'hr'
SELECT servicedesk.publish_workflow('hr_request', stages, transitions, 'HR', 'hr') FROM servicedesk.workflows WHERE id = :it_workflow;

-- matching: most specific wins ------------------------------------------------------------
INSERT INTO servicedesk.slas (id, name, service_type, priority, response_time, resolution_time, active) VALUES
  (701, 'it/high inactive', 'it', 'high', 1, 1, false),
  (702, 'it/high', 'it', 'high', 60, 600, true),
  (703, 'it/high twin', 'it', 'high', 60, 600, true),
  (704, 'it/any', 'it', NULL, 60, 600, true),
  (705, 'any/high', NULL, 'high', 60, 600, true),
  (706, 'catch-all', NULL, NULL, 60, 600, true);
SET LOCAL servicedesk.actor_id = 1003;
INSERT INTO servicedesk.services (title, service_type, priority) VALUES ('m1', 'it', 'high') RETURNING id AS m1 \gset
INSERT INTO servicedesk.services (title, service_type, priority) VALUES ('m2', 'it', 'low') RETURNING id AS m2 \gset
INSERT INTO servicedesk.services (title, service_type, priority) VALUES ('m3', 'hr', 'high') RETURNING id AS m3 \gset
INSERT INTO servicedesk.services (title, service_type, priority) VALUES ('m4', 'hr', 'low') RETURNING id AS m4 \gset
INSERT INTO servicedesk.services (title, service_type, priority, sla_id) VALUES ('m5', 'hr', 'low', 704) RETURNING id AS m5 \gset
SELECT is((SELECT sla_id FROM servicedesk.services WHERE id = :m1), 702, 'type and priority match: the most specific SLA, lowest id of a tie, inactive ignored');
SELECT is((SELECT sla_id FROM servicedesk.services WHERE id = :m2), 704, 'type matches, priority does not: the type SLA');
SELECT is((SELECT sla_id FROM servicedesk.services WHERE id = :m3), 705, 'only the priority matches: the priority SLA');
SELECT is((SELECT sla_id FROM servicedesk.services WHERE id = :m4), 706, 'neither matches: the catch-all SLA');
SELECT is((SELECT sla_id FROM servicedesk.services WHERE id = :m5), 704, 'an explicit active sla_id is kept');
SELECT is((SELECT (count(*), min(sla_id))::text FROM servicedesk.sla_tracking WHERE service_id = :m1), '(1,702)',
  'one tracking row with the matched SLA');
UPDATE servicedesk.slas SET active = false WHERE id = 702;
INSERT INTO servicedesk.services (title, service_type, priority) VALUES ('m6', 'it', 'high') RETURNING id AS m6 \gset
SELECT is((SELECT sla_id FROM servicedesk.services WHERE id = :m6), 703, 'a deactivated SLA is no longer matched (the cache follows)');
SELECT is((pg_temp.error_of($$INSERT INTO servicedesk.services (title, service_type, sla_id) VALUES ('x', 'it', 701)$$)).code, 'SD010',
  'an explicit inactive sla_id: SD010');
SELECT is((pg_temp.error_of($$INSERT INTO servicedesk.services (title, service_type, sla_id) VALUES ('x', 'it', 999999)$$)).code, 'SD010',
  'an explicit unknown sla_id: SD010');
SELECT matches((pg_temp.error_of($$INSERT INTO servicedesk.services (title, service_type, sla_id) VALUES ('x', 'it', 999999)$$)).message, '999999',
  'SD010 names the SLA');
SELECT is((pg_temp.error_of(format($$UPDATE servicedesk.services SET sla_id = 701 WHERE id = %s$$, :m2))).code, 'SD010',
  'an UPDATE to an inactive sla_id: SD010');
UPDATE servicedesk.slas SET active = false WHERE id IN (703, 704, 705, 706);
INSERT INTO servicedesk.services (title, service_type, priority) VALUES ('m7', 'hr', 'low') RETURNING id AS m7 \gset
SELECT is((SELECT sla_id FROM servicedesk.services WHERE id = :m7), NULL, 'no active SLA matches: sla_id stays NULL');
SELECT is((SELECT count(*) FROM servicedesk.sla_tracking WHERE service_id = :m7), 0::bigint, 'no SLA: no tracking row');

-- the tracking row ----------------------------------------------------------------------------
-- active, but only ever named explicitly (no request has service_type 'clock')
INSERT INTO servicedesk.slas (id, name, service_type, response_time, resolution_time, calendar_id) VALUES
  (711, 'office clock', 'clock', 60, 480, 911),
  (712, '24x7 clock', 'clock', 60, 600, NULL);
SET LOCAL servicedesk.actor_id = 1003;
INSERT INTO servicedesk.services (title, service_type, sla_id, created_at)
  VALUES ('office', 'it', 711, '2024-01-05 16:00Z') RETURNING id AS c1 \gset
SELECT is((pg_temp.trk(:c1)).started_at, '2024-01-05 16:00Z'::timestamptz, 'the clock starts at created_at');
SELECT is((pg_temp.trk(:c1)).response_deadline, servicedesk.business_add('2024-01-05 16:00Z', 60, 911),
  'response deadline = business_add(created_at, 60, calendar)');
SELECT is((pg_temp.trk(:c1)).response_deadline, '2024-01-05 17:00Z'::timestamptz, 'Fri 16:00 + 60 office minutes = Fri 17:00');
SELECT is((pg_temp.trk(:c1)).resolution_deadline, '2024-01-08 16:00Z'::timestamptz, 'Fri 16:00 + 480 office minutes = Mon 16:00');
SELECT is((pg_temp.trk(:c1)).status, 'active', 'a new clock is active');
SELECT is((pg_temp.trk(:c1)).sla_id, 711, 'the tracking row names the SLA');
SELECT is((pg_temp.trk(:c1)).next_check_at, '2024-01-05 17:00Z'::timestamptz, 'next_check_at: the earliest deadline (no rules)');
SELECT is(((pg_temp.trk(:c1)).responded_at, (pg_temp.trk(:c1)).resolved_at, (pg_temp.trk(:c1)).paused_at)::text, '(,,)',
  'nothing met, nothing paused');
SELECT is(((pg_temp.trk(:c1)).breached, (pg_temp.trk(:c1)).response_breached, (pg_temp.trk(:c1)).resolution_breached)::text, '(f,f,f)',
  'nothing breached');

-- response ------------------------------------------------------------------------------------
INSERT INTO servicedesk.services (title, service_type, sla_id, created_at)
  VALUES ('on time', 'it', 712, now() - interval '30 minutes') RETURNING id AS c2 \gset
SELECT is((pg_temp.trk(:c2)).response_deadline, now() + interval '30 minutes', '24x7: response deadline = created_at + 60 min');
SELECT is((pg_temp.trk(:c2)).resolution_deadline, now() + interval '570 minutes', '24x7: resolution deadline = created_at + 600 min');
SELECT pg_temp.move(:c2, 'triage');
SELECT is((pg_temp.trk(:c2)).responded_at, now(), 'the first move out of the initial stage meets the response');
SELECT is((pg_temp.trk(:c2)).response_time, 30, 'response_time: 30 business minutes');
SELECT is(((pg_temp.trk(:c2)).response_breached, (pg_temp.trk(:c2)).breached)::text, '(f,f)', 'met before the deadline: not breached');
SELECT is((pg_temp.trk(:c2)).next_check_at, now() + interval '570 minutes', 'next_check_at moves on to the resolution deadline');
SELECT pg_temp.move(:c2, 'waiting_customer');
SELECT pg_temp.move(:c2, 'fulfilment');
SELECT is(((pg_temp.trk(:c2)).responded_at, (pg_temp.trk(:c2)).response_time)::text, (now(), 30)::text,
  'later moves do not meet the response again');

-- A move that leaves the clock as it is (between two running stages of a
-- responded request) does not rewrite the tracking row; one that pauses it does.
SELECT servicedesk.publish_workflow('flip',
  '[{"id": "a", "status": "submitted", "initial": true}, {"id": "b", "status": "in_progress"},
    {"id": "h", "status": "on_hold", "sla": "pause"}]',
  '[{"from": "a", "to": "b"}, {"from": "b", "to": "a"}, {"from": "b", "to": "h"}]', NULL, 'flip') IS NOT NULL AS flip_published \gset
INSERT INTO servicedesk.services (title, service_type, sla_id) VALUES ('flip', 'flip', 712) RETURNING id AS f1 \gset
SELECT pg_temp.move(:f1, 'b');
SELECT ctid AS f1_ctid FROM servicedesk.sla_tracking WHERE id = (pg_temp.trk(:f1)).id \gset
SELECT pg_temp.move(:f1, 'a');
SELECT pg_temp.move(:f1, 'b');
SELECT is((SELECT ctid FROM servicedesk.sla_tracking WHERE id = (pg_temp.trk(:f1)).id), :'f1_ctid'::tid,
  'moves that leave the clock as it is leave the tracking row alone (no new row version)');
SELECT pg_temp.move(:f1, 'h');
SELECT isnt((SELECT ctid FROM servicedesk.sla_tracking WHERE id = (pg_temp.trk(:f1)).id), :'f1_ctid'::tid,
  'a move that pauses the clock rewrites the tracking row');
SELECT is(((pg_temp.trk(:f1)).status, (pg_temp.trk(:f1)).paused_at)::text, ('paused', now())::text,
  'and the row says paused since now');

INSERT INTO servicedesk.services (title, service_type, sla_id, created_at)
  VALUES ('late', 'it', 712, now() - interval '2 hours') RETURNING id AS c3 \gset
SELECT pg_temp.move(:c3, 'triage');
SELECT is(((pg_temp.trk(:c3)).response_breached, (pg_temp.trk(:c3)).resolution_breached, (pg_temp.trk(:c3)).breached)::text, '(t,f,t)',
  'a response after its deadline: response_breached and breached');
SELECT is((pg_temp.trk(:c3)).response_time, 120, 'late response_time: 120');

INSERT INTO servicedesk.services (title, service_type, sla_id, created_at)
  VALUES ('office late', 'it', 711, '2024-01-05 16:00Z') RETURNING id AS c4 \gset
SELECT pg_temp.move(:c4, 'triage');
SELECT is((pg_temp.trk(:c4)).response_time, servicedesk.business_minutes('2024-01-05 16:00Z', now(), 911),
  'response_time counts business minutes on the SLA calendar');

-- cancelled straight from the initial stage -------------------------------------------------------
INSERT INTO servicedesk.services (title, service_type, sla_id, created_at)
  VALUES ('cancel me', 'it', 712, now() - interval '3 hours') RETURNING id AS c5 \gset
SELECT pg_temp.move(:c5, 'cancelled', 1004);
SELECT is((pg_temp.trk(:c5)).status, 'cancelled', 'new -> cancelled: tracking cancelled');
SELECT is((pg_temp.trk(:c5)).responded_at, NULL, 'new -> cancelled is not a response');
SELECT is(((pg_temp.trk(:c5)).response_breached, (pg_temp.trk(:c5)).breached)::text, '(f,f)',
  'new -> cancelled breaches nothing, even after the response deadline');
SELECT is((pg_temp.trk(:c5)).next_check_at, NULL, 'a cancelled clock has nothing left for the sweep');

INSERT INTO servicedesk.services (title, service_type, sla_id, created_at)
  VALUES ('cancel later', 'it', 712, now() - interval '30 minutes') RETURNING id AS c6 \gset
SELECT pg_temp.move(:c6, 'triage');
SELECT pg_temp.move(:c6, 'cancelled', 1004);
SELECT is(((pg_temp.trk(:c6)).status, (pg_temp.trk(:c6)).responded_at IS NOT NULL)::text, '(cancelled,t)',
  'cancelled after a response: tracking cancelled, the response stays');

-- pause and resume ----------------------------------------------------------------------------------
INSERT INTO servicedesk.services (title, service_type, sla_id, created_at)
  VALUES ('pause', 'it', 712, now() - interval '3 hours') RETURNING id AS p1 \gset
SELECT pg_temp.move(:p1, 'triage');
SELECT (pg_temp.trk(:p1)).resolution_deadline AS p1_deadline \gset
SELECT pg_temp.move(:p1, 'waiting_customer');
SELECT is(((pg_temp.trk(:p1)).status, (pg_temp.trk(:p1)).paused_at)::text, ('paused', now())::text,
  'entering an "sla": "pause" stage pauses the clock at now()');
SELECT is((pg_temp.trk(:p1)).next_check_at, NULL, 'a paused clock has nothing for the sweep');
-- the pause began 45 minutes ago
UPDATE servicedesk.sla_tracking SET paused_at = now() - interval '45 minutes' WHERE id = (pg_temp.trk(:p1)).id;
SELECT pg_temp.move(:p1, 'fulfilment');
SELECT is(((pg_temp.trk(:p1)).status, (pg_temp.trk(:p1)).paused_at)::text, '(active,)', 'leaving the pause resumes the clock');
SELECT is((pg_temp.trk(:p1)).paused_work, interval '45 minutes', 'paused_work: 45 minutes');
SELECT is((pg_temp.trk(:p1)).resolution_deadline, :'p1_deadline'::timestamptz + interval '45 minutes',
  'the open resolution deadline moves by the working time paused');
SELECT is((pg_temp.trk(:p1)).next_check_at, (pg_temp.trk(:p1)).resolution_deadline, 'next_check_at follows the moved deadline');
SELECT pg_temp.move(:p1, 'resolved');
SELECT is((pg_temp.trk(:p1)).resolution_time, 135, 'resolution_time: 180 minutes less 45 paused');

-- a pause on a business calendar moves the deadline by working time only
INSERT INTO servicedesk.services (title, service_type, sla_id, created_at)
  VALUES ('office pause', 'it', 711, '2024-01-05 16:00Z') RETURNING id AS p2 \gset
SELECT pg_temp.move(:p2, 'triage');
SELECT pg_temp.move(:p2, 'waiting_customer');
-- paused Fri 16:30 .. resumed now(): the deadline Mon 16:00 moves by the office time in between
UPDATE servicedesk.sla_tracking SET paused_at = '2024-01-05 16:30Z' WHERE id = (pg_temp.trk(:p2)).id;
SELECT pg_temp.move(:p2, 'fulfilment');
SELECT ok((pg_temp.trk(:p2)).paused_work >= servicedesk.business_minutes('2024-01-05 16:30Z', now(), 911) * interval '1 minute'
      AND (pg_temp.trk(:p2)).paused_work < (servicedesk.business_minutes('2024-01-05 16:30Z', now(), 911) + 1) * interval '1 minute',
  'paused_work is the office time between paused_at and the resume');
SELECT is(servicedesk.business_minutes('2024-01-05 16:00Z', (pg_temp.trk(:p2)).resolution_deadline, 911)
          - servicedesk.business_minutes('2024-01-05 16:30Z', now(), 911), 480,
  'office time from the start to the moved deadline = 480 + the paused office time');

-- resolution, close, reopen -----------------------------------------------------------------------
INSERT INTO servicedesk.services (title, service_type, sla_id, created_at)
  VALUES ('resolve', 'it', 712, now() - interval '100 minutes') RETURNING id AS r1 \gset
SELECT pg_temp.move(:r1, 'triage');
SELECT pg_temp.move(:r1, 'waiting_customer');
SELECT pg_temp.move(:r1, 'fulfilment');
SELECT pg_temp.move(:r1, 'resolved');
SELECT is(((pg_temp.trk(:r1)).status, (pg_temp.trk(:r1)).resolved_at, (pg_temp.trk(:r1)).resolution_time)::text,
  ('completed', now(), 100)::text, 'entering resolved: completed, resolved_at = now(), resolution_time 100');
SELECT is(((pg_temp.trk(:r1)).resolution_breached, (pg_temp.trk(:r1)).breached)::text, '(f,t)',
  'resolved in time (the 100-minute response was late: breached)');
SELECT is((pg_temp.trk(:r1)).next_check_at, NULL, 'a completed clock has nothing for the sweep');
SELECT pg_temp.move(:r1, 'closed');
SELECT is(((pg_temp.trk(:r1)).status, (pg_temp.trk(:r1)).resolved_at, (pg_temp.trk(:r1)).resolution_time)::text,
  ('completed', now(), 100)::text, 'resolved -> closed keeps the resolution as it was');

INSERT INTO servicedesk.services (title, service_type, sla_id, created_at)
  VALUES ('reopen', 'it', 712, now() - interval '200 minutes') RETURNING id AS r2 \gset
SELECT pg_temp.move(:r2, 'triage');
SELECT pg_temp.move(:r2, 'waiting_customer');
SELECT pg_temp.move(:r2, 'fulfilment');
SELECT pg_temp.move(:r2, 'resolved');
SELECT (pg_temp.trk(:r2)).resolution_deadline AS r2_deadline \gset
SELECT is((pg_temp.trk(:r2)).paused_at, now(), 'a resolved clock is stopped at the resolution');
-- resolved 90 minutes ago, reopened now
UPDATE servicedesk.sla_tracking SET paused_at = now() - interval '90 minutes', resolved_at = now() - interval '90 minutes'
 WHERE id = (pg_temp.trk(:r2)).id;
SELECT pg_temp.move(:r2, 'fulfilment');
SELECT is(((pg_temp.trk(:r2)).status, (pg_temp.trk(:r2)).resolved_at, (pg_temp.trk(:r2)).resolution_time, (pg_temp.trk(:r2)).paused_at)::text,
  '(active,,,)', 'reopen: active again, resolution open again');
SELECT is((pg_temp.trk(:r2)).paused_work, interval '90 minutes', 'reopen: the time resolved counts as paused');
SELECT is((pg_temp.trk(:r2)).resolution_deadline, :'r2_deadline'::timestamptz + interval '90 minutes',
  'reopen: the resolution deadline moves by the time spent resolved');
SELECT pg_temp.move(:r2, 'resolved');
SELECT is((pg_temp.trk(:r2)).resolution_time, 110, 'resolved again: 200 minutes less 90 resolved');

-- breached resolution
INSERT INTO servicedesk.services (title, service_type, sla_id, created_at)
  VALUES ('too slow', 'it', 712, now() - interval '11 hours') RETURNING id AS r3 \gset
SELECT pg_temp.move(:r3, 'triage');
SELECT pg_temp.move(:r3, 'waiting_customer');
SELECT pg_temp.move(:r3, 'fulfilment');
SELECT pg_temp.move(:r3, 'resolved');
SELECT is(((pg_temp.trk(:r3)).response_breached, (pg_temp.trk(:r3)).resolution_breached, (pg_temp.trk(:r3)).breached)::text,
  '(t,t,t)', 'resolution after its deadline: resolution_breached');
SELECT is((pg_temp.trk(:r3)).resolution_time, 660, 'resolution_time 660');

-- re-matching -------------------------------------------------------------------------------------
INSERT INTO servicedesk.slas (id, name, service_type, priority, response_time, resolution_time) VALUES
  (721, 'it/low', 'it', 'low', 120, 1200),
  (722, 'it/critical', 'it', 'critical', 30, 300),
  (723, 'hr/low', 'hr', 'low', 90, 900);
SET LOCAL servicedesk.actor_id = 1003;
INSERT INTO servicedesk.services (title, service_type, priority, created_at)
  VALUES ('rematch', 'it', 'low', now() - interval '20 minutes') RETURNING id AS q1 \gset
SELECT is((pg_temp.trk(:q1)).sla_id, 721, 'matched it/low');
SELECT pg_temp.move(:q1, 'triage');
SELECT pg_temp.move(:q1, 'waiting_customer');
UPDATE servicedesk.sla_tracking SET paused_at = now() - interval '10 minutes' WHERE id = (pg_temp.trk(:q1)).id;
SELECT pg_temp.move(:q1, 'fulfilment');
SELECT (pg_temp.trk(:q1)).id AS q1_tracking \gset
UPDATE servicedesk.services SET priority = 'critical' WHERE id = :q1;
SELECT is((SELECT sla_id FROM servicedesk.services WHERE id = :q1), 722, 'priority low -> critical re-matches the SLA');
SELECT is(((pg_temp.trk(:q1)).id, (pg_temp.trk(:q1)).sla_id)::text, (:q1_tracking, 722)::text, 'the same tracking row, now on the new SLA');
SELECT is((pg_temp.trk(:q1)).resolution_deadline, now() - interval '20 minutes' + interval '300 minutes' + interval '10 minutes',
  'the new deadline is recomputed from the original start, paused time kept');
SELECT is((pg_temp.trk(:q1)).paused_work, interval '10 minutes', 'paused_work is kept');
SELECT is(((pg_temp.trk(:q1)).responded_at, (pg_temp.trk(:q1)).started_at)::text, (now(), now() - interval '20 minutes')::text,
  'the response already met and the start are kept');
UPDATE servicedesk.services SET service_type = 'hr', priority = 'low' WHERE id = :q1;
SELECT is(((SELECT sla_id FROM servicedesk.services WHERE id = :q1), (pg_temp.trk(:q1)).sla_id)::text, '(723,723)',
  'a service_type change re-matches too');
SELECT is((pg_temp.trk(:q1)).resolution_deadline, now() - interval '20 minutes' + interval '900 minutes' + interval '10 minutes',
  'hr/low deadline from the original start plus paused time');
UPDATE servicedesk.services SET priority = 'medium' WHERE id = :q1;
SELECT is((SELECT sla_id FROM servicedesk.services WHERE id = :q1), NULL, 'no SLA matches hr/medium: sla_id NULL');
SELECT is(((pg_temp.trk(:q1)).status, (pg_temp.trk(:q1)).next_check_at)::text, '(cancelled,)', 'no SLA any more: tracking cancelled');
SELECT is((SELECT count(*) FROM servicedesk.sla_tracking WHERE service_id = :q1), 1::bigint, 're-matching never adds a second tracking row');
UPDATE servicedesk.services SET title = 'renamed' WHERE id = :q1;
SELECT is((pg_temp.trk(:q1)).status, 'cancelled', 'an unrelated UPDATE does not touch the clock');

-- an unmet response is recomputed too
INSERT INTO servicedesk.services (title, service_type, priority, created_at)
  VALUES ('rematch new', 'it', 'low', '2024-03-04 10:00Z') RETURNING id AS q2 \gset
UPDATE servicedesk.services SET priority = 'critical' WHERE id = :q2;
SELECT is(((pg_temp.trk(:q2)).response_deadline, (pg_temp.trk(:q2)).resolution_deadline)::text,
  ('2024-03-04 10:30Z'::timestamptz, '2024-03-04 15:00Z'::timestamptz)::text, 'both deadlines recomputed from created_at');
UPDATE servicedesk.services SET sla_id = 712 WHERE id = :q2;
SELECT is(((pg_temp.trk(:q2)).sla_id, (pg_temp.trk(:q2)).response_deadline, (pg_temp.trk(:q2)).resolution_deadline)::text,
  (712, '2024-03-04 11:00Z'::timestamptz, '2024-03-04 20:00Z'::timestamptz)::text, 'an explicit sla_id UPDATE retargets the clock');

-- back on an SLA after a spell without one: the clock follows the current stage
SET LOCAL servicedesk.actor_id = 1003;
INSERT INTO servicedesk.services (title, service_type, priority, created_at)
  VALUES ('paused, SLA lost and found', 'it', 'low', now() - interval '1 hour') RETURNING id AS q3 \gset
SELECT pg_temp.move(:q3, 'triage');
SELECT pg_temp.move(:q3, 'waiting_customer');
UPDATE servicedesk.sla_tracking SET paused_at = now() - interval '5 minutes' WHERE id = (pg_temp.trk(:q3)).id;
UPDATE servicedesk.services SET priority = 'medium' WHERE id = :q3;
SELECT is((pg_temp.trk(:q3)).status, 'cancelled', 'paused, then no SLA: cancelled');
UPDATE servicedesk.services SET priority = 'low' WHERE id = :q3;
SELECT is(((pg_temp.trk(:q3)).status, (pg_temp.trk(:q3)).paused_at, (pg_temp.trk(:q3)).next_check_at)::text,
  ('paused', now() - interval '5 minutes', NULL::timestamptz)::text,
  'an SLA again while still in the pause stage: paused as before, not running');
SET LOCAL servicedesk.actor_id = 1003;
INSERT INTO servicedesk.services (title, service_type, priority, created_at)
  VALUES ('resolved without an SLA', 'it', 'low', now() - interval '1 hour') RETURNING id AS q4 \gset
SELECT pg_temp.move(:q4, 'triage');
UPDATE servicedesk.services SET priority = 'medium' WHERE id = :q4;
SELECT pg_temp.move(:q4, 'waiting_customer');
SELECT pg_temp.move(:q4, 'fulfilment');
SELECT pg_temp.move(:q4, 'resolved');
UPDATE servicedesk.services SET priority = 'low' WHERE id = :q4;
SELECT is(((pg_temp.trk(:q4)).status, (pg_temp.trk(:q4)).resolved_at, (pg_temp.trk(:q4)).resolution_time, (pg_temp.trk(:q4)).next_check_at)::text,
  ('completed', now(), 60, NULL::timestamptz)::text,
  'an SLA again on a request resolved meanwhile: completed, not running');
UPDATE servicedesk.slas SET active = false WHERE id IN (721, 722, 723);

-- sla_sweep ---------------------------------------------------------------------------------------
SELECT has_index('servicedesk', 'sla_tracking', 'idx_sla_tracking_due', 'the sweep''s index exists');
SELECT matches((SELECT indexdef FROM pg_indexes WHERE schemaname = 'servicedesk' AND indexname = 'idx_sla_tracking_due'),
  '\(next_check_at\) WHERE \(\(status\)::text = ''active''::text\)', 'idx_sla_tracking_due is partial: next_check_at of active rows');
SELECT is(servicedesk.sla_sweep(NULL), NULL, 'sla_sweep(NULL) is NULL');
SELECT is((pg_temp.error_of($$SELECT servicedesk.sla_sweep('infinity')$$)).code, '22008', 'sla_sweep(infinity): 22008');
SELECT is((pg_temp.error_of($$SELECT servicedesk.sla_sweep('-infinity')$$)).code, '22008', 'sla_sweep(-infinity): 22008');
SELECT is((pg_temp.error_of($$UPDATE servicedesk.slas SET escalation_rules = '[{"target": "response", "at_percent": 0, "action": "notify"}]' WHERE id = 712$$)).code,
  '22023', 'invalid escalation_rules are refused on write');
SELECT matches((pg_temp.error_of($$UPDATE servicedesk.slas SET escalation_rules = '[{"target": "response", "at_percent": 50, "action": "page"}]' WHERE id = 712$$)).detail,
  '^escalation_rules\[0\]\.action: ', 'the refusal names the rule''s JSON path');

INSERT INTO servicedesk.slas (id, name, service_type, response_time, resolution_time, escalation_rules) VALUES
  (731, 'escalating', 'it', 100, 1000,
   '[{"target": "response", "at_percent": 50, "action": "notify"},
     {"target": "resolution", "at_percent": 10, "action": "set_priority", "priority": "critical"},
     {"target": "resolution", "at_percent": 20, "action": "reassign", "assignee_id": 1002}]');
SET LOCAL servicedesk.actor_id = 1003;
INSERT INTO servicedesk.services (title, service_type, priority, created_at)
  VALUES ('sweep me', 'it', 'low', '2020-01-06 00:00Z') RETURNING id AS w1 \gset
SELECT (pg_temp.trk(:w1)).id AS w1t \gset
SELECT is((pg_temp.trk(:w1)).next_check_at, '2020-01-06 00:50Z'::timestamptz, 'next_check_at: the first rule, at 50% of the response');
SELECT is(servicedesk.sla_sweep('2020-01-06 00:49:59Z'), 0, 'nothing due yet: 0');
SELECT is(servicedesk.sla_sweep('2020-01-06 00:50Z'), 1, 'rule 0 fires when elapsed reaches 50%: 1');
SELECT is(servicedesk.sla_sweep('2020-01-06 00:50Z'), 0, 'a second sweep fires nothing: 0');
SELECT is(servicedesk.sla_sweep('2020-01-06 01:00Z'), 0, 'nor does a later one before the next rule: 0');
SELECT is((SELECT (count(*), min(rule_index), min(action), min(fired_at))::text FROM servicedesk.sla_escalations WHERE sla_tracking_id = :w1t),
  (1, 0, 'notify', '2020-01-06 00:50Z'::timestamptz)::text, 'one sla_escalations row: rule 0, notify, fired at the sweep instant');
SELECT is((SELECT count(*) FROM servicedesk.audit_logs WHERE entity_type = 'sla_escalations' AND action = 'escalate'
            AND (new_values->>'sla_tracking_id')::int = :w1t), 1::bigint, 'the escalation is audited once, as escalate');
SELECT is((pg_temp.trk(:w1)).next_check_at, '2020-01-06 01:40Z'::timestamptz, 'next_check_at: the response deadline and rule 1');
SELECT is(servicedesk.sla_sweep('2020-01-06 01:40Z'), 1, 'at the deadline itself: rule 1 fires, no breach yet (deadline < at)');
SELECT is((SELECT priority FROM servicedesk.services WHERE id = :w1), 'critical', 'set_priority applied');
SELECT is((SELECT sla_id FROM servicedesk.services WHERE id = :w1), 731, 'the SLA still matches it/critical');
SELECT is((SELECT count(*) FROM servicedesk.audit_logs WHERE entity_type = 'services' AND entity_id = :w1
            AND old_values->>'priority' = 'low' AND new_values->>'priority' = 'critical'), 1::bigint, 'the priority change is audited');
SELECT is((pg_temp.trk(:w1)).response_breached, false, 'not breached at the deadline instant');
SELECT is(servicedesk.sla_sweep('2020-01-06 01:40:00.000001Z'), 1, 'a microsecond past the deadline: the response breach: 1');
SELECT is(((pg_temp.trk(:w1)).response_breached, (pg_temp.trk(:w1)).breached, (pg_temp.trk(:w1)).status)::text, '(t,t,active)',
  'response_breached and breached set; the clock keeps running');
SELECT is((SELECT count(*) FROM servicedesk.audit_logs WHERE entity_type = 'sla_tracking' AND entity_id = :w1t AND action = 'breach'
            AND new_values->>'response_breached' = 'true'), 1::bigint, 'the breach is audited as breach');
SELECT is(servicedesk.sla_sweep('2020-01-06 01:41Z'), 0, 'a breach is flagged once');
SELECT is(servicedesk.sla_sweep('2020-01-06 03:20Z'), 1, 'rule 2 at 20% of the resolution: 1');
SELECT is((SELECT assignee_id FROM servicedesk.services WHERE id = :w1), 1002, 'reassign applied');
SELECT is((SELECT count(*) FROM servicedesk.audit_logs WHERE entity_type = 'services' AND entity_id = :w1
            AND new_values->>'assignee_id' = '1002'), 1::bigint, 'the reassignment is audited');
SELECT is((pg_temp.trk(:w1)).next_check_at, '2020-01-06 16:40Z'::timestamptz, 'next_check_at: the resolution deadline');
SELECT is(servicedesk.sla_sweep('2020-01-07 00:00Z'), 1, 'the resolution breach: 1');

SELECT is((pg_temp.trk(:w1)).next_check_at, NULL, 'every rule fired and both targets breached: next_check_at NULL');
SELECT is(servicedesk.sla_sweep('2020-01-08 00:00Z'), 0, 'nothing left: 0');
SELECT is((SELECT array_agg(rule_index ORDER BY rule_index)::text FROM servicedesk.sla_escalations WHERE sla_tracking_id = :w1t),
  '{0,1,2}', 'each rule fired exactly once');
SELECT is((SELECT count(*) FROM servicedesk.audit_logs WHERE entity_type = 'sla_tracking' AND entity_id = :w1t AND action = 'breach'),
  2::bigint, 'two breach audit rows in all');

-- one sweep that fires every rule and flags both breaches counts each of them
INSERT INTO servicedesk.services (title, service_type, priority, created_at)
  VALUES ('all at once', 'it', 'low', '2020-02-03 00:00Z') RETURNING id AS w2 \gset
SELECT is(servicedesk.sla_sweep('2020-02-05 00:00Z'), 5, 'three escalations and two breaches: 5');
SELECT is(((pg_temp.trk(:w2)).response_breached, (pg_temp.trk(:w2)).resolution_breached)::text, '(t,t)', 'both flagged');
SELECT is((SELECT (priority, assignee_id)::text FROM servicedesk.services WHERE id = :w2), '(critical,1002)', 'both actions applied');

-- a resolution rule only counts working time on the SLA calendar
INSERT INTO servicedesk.slas (id, name, service_type, priority, response_time, resolution_time, calendar_id, escalation_rules, active) VALUES
  (732, 'office escalation', 'it', 'medium', NULL, 480, 911,
   '[{"target": "resolution", "at_percent": 50, "action": "notify"}]', true);
INSERT INTO servicedesk.services (title, service_type, priority, created_at)
  VALUES ('office sweep', 'it', 'medium', '2020-01-10 15:00Z') RETURNING id AS w3 \gset
SELECT is((pg_temp.trk(:w3)).response_deadline, NULL, 'no response target: no response deadline');
SELECT is((pg_temp.trk(:w3)).next_check_at, '2020-01-13 11:00Z'::timestamptz, 'office: 50% of 480 from Fri 15:00 is Mon 11:00');
SELECT is(servicedesk.sla_sweep('2020-01-12 23:00Z'), 0, 'the weekend does not count');
SELECT is(servicedesk.sla_sweep('2020-01-13 11:00Z'), 1, 'Mon 11:00: fired');

-- paused and cancelled clocks never escalate
INSERT INTO servicedesk.services (title, service_type, priority, created_at)
  VALUES ('paused', 'it', 'low', '2020-01-06 00:00Z') RETURNING id AS w4 \gset
INSERT INTO servicedesk.services (title, service_type, priority, created_at)
  VALUES ('cancelled', 'it', 'low', '2020-01-06 00:00Z') RETURNING id AS w5 \gset
SELECT pg_temp.move(:w4, 'triage');
SELECT pg_temp.move(:w4, 'waiting_customer');
SELECT pg_temp.move(:w5, 'cancelled', 1004);
SELECT is(((pg_temp.trk(:w4)).next_check_at, (pg_temp.trk(:w5)).next_check_at)::text, '(,)', 'paused and cancelled: next_check_at NULL');
SELECT ok(servicedesk.sla_sweep('2030-01-01Z') >= 0, 'a sweep far in the future');
SELECT is((SELECT count(*) FROM servicedesk.sla_escalations e JOIN servicedesk.sla_tracking t ON t.id = e.sla_tracking_id
            WHERE t.service_id IN (:w4, :w5)), 0::bigint, 'no escalation for a paused or a cancelled request');
SELECT is((SELECT count(*) FROM servicedesk.sla_tracking WHERE service_id IN (:w4, :w5) AND resolution_breached), 0::bigint,
  'no breach for a paused or a cancelled request');
SELECT is((SELECT count(*) FROM servicedesk.sla_tracking WHERE status = 'active' AND next_check_at <= '2030-01-01Z'), 0::bigint,
  'after the sweep no active row is due');

-- approvals overdue ---------------------------------------------------------------------------------
SET LOCAL servicedesk.actor_id = 1003;
INSERT INTO servicedesk.services (title, service_type, priority) VALUES ('approve me', 'it', 'low') RETURNING id AS a1 \gset
SELECT pg_temp.move(:a1, 'triage');
SELECT pg_temp.move(:a1, 'manager_approval');
SELECT is((SELECT count(*) FROM servicedesk.approvals WHERE service_id = :a1 AND status = 'pending' AND due_date = now() + interval '480 minutes'),
  2::bigint, 'two pending approvals due in 480 minutes (24x7 without an SLA calendar)');
SELECT servicedesk.sla_sweep(now() + interval '479 minutes');
SELECT is((SELECT count(*) FROM servicedesk.approvals WHERE service_id = :a1 AND overdue_reported_at IS NOT NULL), 0::bigint,
  'not overdue before the due date');
SELECT servicedesk.sla_sweep(now() + interval '481 minutes');
SELECT is((SELECT count(*) FROM servicedesk.approvals WHERE service_id = :a1 AND overdue_reported_at = now() + interval '481 minutes'), 2::bigint,
  'overdue approvals reported at the sweep instant');
SELECT servicedesk.sla_sweep(now() + interval '600 minutes');
SELECT is((SELECT count(*) FROM servicedesk.approvals WHERE service_id = :a1 AND overdue_reported_at = now() + interval '481 minutes'), 2::bigint,
  'reported once: a later sweep does not report them again');

-- a reassign rule must name an active user; one deactivated later is skipped, not fatal
SELECT is((pg_temp.error_of($$INSERT INTO servicedesk.slas (name, escalation_rules) VALUES ('ghost',
  '[{"target": "response", "at_percent": 50, "action": "reassign", "assignee_id": 987654}]')$$)).detail,
  'escalation_rules[0].assignee_id: user 987654 is unknown or inactive', 'reassign to an unknown user is refused on write (with its path)');
INSERT INTO servicedesk.slas (id, name, service_type, response_time, resolution_time, escalation_rules) VALUES
  (741, 'reassign to adam', 'ghost', 100, 1000, '[{"target": "response", "at_percent": 10, "action": "reassign", "assignee_id": 1004}]');
INSERT INTO servicedesk.services (title, service_type, workflow_id, created_at) VALUES ('ghost', 'ghost', :it_workflow, '2020-01-06 00:00Z') RETURNING id AS g1 \gset
UPDATE servicedesk.users SET active = false WHERE id = 1004;
SELECT is(servicedesk.sla_sweep('2020-01-06 00:30Z'), 1, 'the rule of a deactivated assignee still fires (recorded once) without failing the sweep');
SELECT is((SELECT assignee_id FROM servicedesk.services WHERE id = :g1), NULL, 'and the request is not assigned to the inactive user');
UPDATE servicedesk.users SET active = true WHERE id = 1004;

SELECT * FROM finish();
ROLLBACK;
