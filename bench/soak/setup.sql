-- Soak workload data (issue 6): people, a calendar, three workflows (one with
-- two versions), SLAs with escalation rules, :nreq requests created through
-- the extension's triggers, and the soak schema with the step function the
-- pgbench script calls. Run in a database where servicedesk is installed:
--   psql -v nreq=2000 -f bench/soak/setup.sql
\set ON_ERROR_STOP on
SET client_min_messages = warning;
SET servicedesk.actor_id = '';

-- People. Ids 1-20 ask, 21-28 work, 31-35 approve, 36 is admin and manager,
-- 37 is an inactive manager; 29, 30 and anything above 37 do not exist (SD009).
INSERT INTO servicedesk.users (id, username, roles)
  SELECT g, 'requester' || g, '{}' FROM generate_series(1, 20) g;
INSERT INTO servicedesk.users (id, username, roles)
  SELECT g, 'agent' || g, '{agent}' FROM generate_series(21, 28) g;
INSERT INTO servicedesk.users (id, username, roles)
  SELECT g, 'manager' || g, '{manager}' FROM generate_series(31, 35) g;
INSERT INTO servicedesk.users (id, username, roles) VALUES (36, 'admin36', '{admin,manager}');
INSERT INTO servicedesk.users (id, username, roles, active) VALUES (37, 'gone37', '{manager}', true);
UPDATE servicedesk.users SET active = false WHERE id = 37;
SELECT setval('servicedesk.users_id_seq', 100);

INSERT INTO servicedesk.calendars (name, timezone, working_hours, holidays) VALUES
  ('berlin office', 'Europe/Berlin',
   '{"mon": [["08:00", "12:00"], ["13:00", "18:00"]], "tue": [["08:00", "18:00"]],
     "wed": [["08:00", "18:00"]], "thu": [["08:00", "18:00"]], "fri": [["08:00", "16:00"]],
     "sat": [["10:00", "14:00"]]}',
   ARRAY[current_date + 2, current_date + 9]);

-- The SPEC section 3 workflow; the approval policy and approvers vary by type.
CREATE FUNCTION pg_temp.stages(policy jsonb, approvers jsonb, extra jsonb DEFAULT '[]') RETURNS jsonb
LANGUAGE sql AS $$
  SELECT jsonb_build_array(
    '{"id": "new", "name": "New", "status": "submitted", "initial": true}'::jsonb,
    '{"id": "triage", "status": "in_progress"}'::jsonb,
    jsonb_build_object('id', 'manager_approval', 'status', 'pending_approval',
      'approval', jsonb_build_object('approvers', approvers, 'policy', policy, 'due_minutes', 480,
                                     'on_approved', 'fulfilment', 'on_rejected', 'rejected')),
    '{"id": "fulfilment", "status": "in_progress"}'::jsonb,
    '{"id": "waiting_customer", "status": "on_hold", "sla": "pause"}'::jsonb,
    '{"id": "resolved", "status": "resolved"}'::jsonb,
    '{"id": "closed", "status": "closed", "terminal": true}'::jsonb,
    '{"id": "rejected", "status": "rejected", "terminal": true}'::jsonb,
    '{"id": "cancelled", "status": "cancelled", "terminal": true}'::jsonb) || extra
$$;
CREATE FUNCTION pg_temp.transitions(extra jsonb DEFAULT '[]') RETURNS jsonb
LANGUAGE sql AS $$
  SELECT '[
    {"from": "new", "to": "triage", "roles": ["agent"]},
    {"from": "triage", "to": "manager_approval"},
    {"from": ["triage", "fulfilment"], "to": "waiting_customer"},
    {"from": "waiting_customer", "to": "fulfilment"},
    {"from": "fulfilment", "to": "resolved", "requires": ["assignee_id"]},
    {"from": "resolved", "to": "closed"},
    {"from": "resolved", "to": "fulfilment", "name": "reopen"},
    {"from": "*", "to": "cancelled", "roles": ["requester", "admin"]}
  ]'::jsonb || extra
$$;
-- it: quorum of 2 managers; hr: any manager; fac: all of a list (with an
-- unknown and an inactive id, which are ignored).
SELECT servicedesk.publish_workflow('it_request', pg_temp.stages('{"quorum": 2}', '{"role": "manager"}'),
                                    pg_temp.transitions(), 'soak it v1', 'it');
SELECT servicedesk.publish_workflow('hr_request', pg_temp.stages('"any"', '{"role": "manager"}'),
                                    pg_temp.transitions(), 'soak hr', 'hr');
SELECT servicedesk.publish_workflow('fac_request', pg_temp.stages('"all"', '[31, 32, 999, 37]'),
                                    pg_temp.transitions('[{"from": "new", "to": "fulfilment", "roles": ["agent"], "name": "fast track"}]'),
                                    'soak facilities', 'fac');

-- SLAs (business minutes); no SLA matches type 'fac' with priority low.
INSERT INTO servicedesk.slas (name, service_type, priority, response_time, resolution_time, calendar_id, escalation_rules) VALUES
  ('it critical', 'it', 'critical', 30, 240, 1,
   '[{"target": "response", "at_percent": 50, "action": "notify"},
     {"target": "resolution", "at_percent": 100, "action": "notify"}]'),
  ('it', 'it', NULL, 60, 480, 1,
   '[{"target": "response", "at_percent": 50, "action": "notify"},
     {"target": "resolution", "at_percent": 80, "action": "set_priority", "priority": "critical"}]'),
  ('hr', 'hr', NULL, 120, 1440, NULL,
   '[{"target": "response", "at_percent": 25, "action": "notify"},
     {"target": "resolution", "at_percent": 50, "action": "set_priority", "priority": "high"},
     {"target": "resolution", "at_percent": 90, "action": "notify"}]'),
  ('fac urgent', 'fac', 'high', 15, 120, NULL,
   '[{"target": "response", "at_percent": 100, "action": "set_priority", "priority": "critical"}]'),
  ('fac urgent', 'fac', 'critical', 10, 60, 1, '[]'),
  ('fac normal', 'fac', 'medium', 240, 2400, 1,
   '[{"target": "resolution", "at_percent": 10, "action": "notify"}]');

-- Requests, created through the triggers, up to three days old.
CREATE FUNCTION pg_temp.make_requests(n integer, seed integer) RETURNS void LANGUAGE sql AS $$
  INSERT INTO servicedesk.services (title, service_type, priority, requester_id, created_at, metadata)
  SELECT 'soak request ' || seed || '-' || g,
         (ARRAY['it', 'it', 'hr', 'fac'])[1 + (g * 7 + seed) % 4],
         (ARRAY['low', 'medium', 'medium', 'high', 'critical'])[1 + (g * 13 + seed) % 5],
         1 + (g * 11 + seed) % 20,
         now() - ((g * 37 + seed) % 4320) * interval '1 minute',
         jsonb_build_object('soak', true)
    FROM generate_series(1, n) g
$$;
SELECT pg_temp.make_requests(:nreq / 2, 1);
-- A second version of it_request: requests above stay on version 1.
SELECT servicedesk.publish_workflow('it_request',
  pg_temp.stages('{"quorum": 2}', '{"role": "manager"}', '[{"id": "on_site", "status": "in_progress"}]'),
  pg_temp.transitions('[{"from": "fulfilment", "to": "on_site", "roles": ["agent"]},
                        {"from": "on_site", "to": "resolved", "requires": ["assignee_id"]}]'),
  'soak it v2', 'it');
SELECT pg_temp.make_requests(:nreq - :nreq / 2, 2);

-------------------------------------------------------------------------------
-- The soak schema: one logged row per step, and the step function.
-------------------------------------------------------------------------------
CREATE SCHEMA soak;
CREATE TABLE soak.ops (
  id        bigserial PRIMARY KEY,
  op        text NOT NULL,
  service_id integer,
  actor     text,
  arg       text,
  sqlstate  text NOT NULL,         -- 00000: done; 00001: nothing to do; else the error
  message   text,
  audit_ids integer[],             -- audit rows this step wrote (committed with it)
  at        timestamptz NOT NULL DEFAULT clock_timestamp()
);
-- SQLSTATEs a step may end with without anything being wrong: the refusals of
-- SPEC section 9, CHECK violations of invalid values, lock conflicts between
-- clients, and the cancellations the fault injector sends.
CREATE TABLE soak.expected_sqlstates (sqlstate text PRIMARY KEY, why text NOT NULL);
INSERT INTO soak.expected_sqlstates VALUES
  ('00000', 'done'), ('00001', 'nothing to do (no pending approval, empty sweep)'),
  ('SD002', 'transition not defined'), ('SD003', 'actor may not'), ('SD004', 'requires fails'),
  ('SD005', 'approvals block'), ('SD006', 'decision not allowed'), ('SD008', 'workflow_id change'),
  ('SD009', 'unknown or inactive actor'), ('SD010', 'no workflow / SLA'),
  ('23514', 'invalid status or priority value'), ('40P01', 'deadlock between clients'),
  ('40001', 'serialization failure'), ('57014', 'cancelled by the fault injector'),
  ('P0002', 'request does not exist (transition())');

-- sid: a request id (1..nreq); actor: 1..40; arg: 0..999.
CREATE FUNCTION soak.step(roll integer, sid integer, actor integer, arg integer)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  op text;
  st text := '00000';
  msg text;
  det text;
  ctx text;
  act text := actor::text;
  aid integer;
  target text;
  prev integer := 0;
  aud integer[];
  ent text := 'services';
  eid integer := sid;
  stages text[] := ARRAY['new', 'triage', 'manager_approval', 'fulfilment', 'waiting_customer',
                         'resolved', 'closed', 'rejected', 'cancelled', 'on_site',
                         'nowhere', '*', ''' OR 1=1 --', 'Résolu ✓', ''];
  statuses text[] := ARRAY['submitted', 'in_progress', 'pending_approval', 'on_hold', 'resolved',
                           'closed', 'cancelled', 'rejected', 'bogus'];
  prios text[] := ARRAY['low', 'medium', 'high', 'critical', 'urgent'];
  n integer;
BEGIN
  op := CASE WHEN roll <= 28 THEN 'move_defined'   -- a move listed for the current stage
             WHEN roll <= 43 THEN 'move_random'    -- any stage id, including nonsense
             WHEN roll <= 48 THEN 'move_fn'        -- servicedesk.transition() with a comment
             WHEN roll <= 54 THEN 'status'         -- status-only UPDATE
             WHEN roll <= 60 THEN 'priority'       -- re-matches the SLA
             WHEN roll <= 64 THEN 'assign'
             WHEN roll <= 78 THEN 'decide'         -- a manager decides one of their approvals
             WHEN roll <= 81 THEN 'decide_other'   -- anybody decides any approval (mostly SD006)
             WHEN roll <= 87 THEN 'sweep'
             WHEN roll <= 89 THEN 'insert'
             WHEN roll <= 93 THEN 'workflow_change'
             ELSE 'bad_actor' END;
  -- A quarter of the steps work on the newest requests (the ones steps created).
  IF actor % 4 = 0 THEN
    sid := greatest(1, (SELECT max(id) FROM servicedesk.services) - arg % 300);
    eid := sid;
  END IF;
  -- Who acts: requester, agent, manager, admin or anybody, by arg.
  IF op NOT IN ('decide', 'decide_other', 'bad_actor') THEN
    act := CASE arg % 5
             WHEN 0 THEN (SELECT requester_id::text FROM servicedesk.services WHERE id = sid)
             WHEN 1 THEN (21 + arg % 8)::text
             WHEN 2 THEN (31 + arg % 5)::text
             WHEN 3 THEN '36'
             ELSE (1 + actor % 36)::text END;
  END IF;
  BEGIN
    IF op = 'bad_actor' THEN
      act := (ARRAY['29', '37', '99999', 'x', '-1', '1e3'])[1 + arg % 6];
    END IF;
    PERFORM set_config('servicedesk.actor_id', coalesce(act, ''), true);
    IF op NOT IN ('decide', 'decide_other', 'sweep', 'insert') THEN
      SELECT coalesce(max(id), 0) INTO prev FROM servicedesk.audit_logs
       WHERE entity_type = 'services' AND entity_id = sid;
    END IF;
    CASE op
    WHEN 'move_defined' THEN
      SELECT t.to_stage INTO target FROM servicedesk.available_transitions(sid) t
       ORDER BY t.allowed DESC, t.to_stage = 'cancelled', md5(t.to_stage || arg)
      OFFSET CASE WHEN arg % 10 = 0 THEN 1 ELSE 0 END LIMIT 1;
      IF target IS NULL THEN st := '00001'; msg := 'no move defined';
      ELSE
        UPDATE servicedesk.services
           SET current_stage_id = target,
               assignee_id = CASE WHEN arg % 3 = 0 THEN 21 + arg % 8 ELSE assignee_id END
         WHERE id = sid;
      END IF;
    WHEN 'move_random' THEN
      target := stages[1 + arg % array_length(stages, 1)];
      UPDATE servicedesk.services SET current_stage_id = target WHERE id = sid;
    WHEN 'move_fn' THEN
      target := stages[1 + arg % array_length(stages, 1)];
      PERFORM servicedesk.transition(sid + (arg / 990) * 1000000, target, 'soak step ' || arg);
    WHEN 'status' THEN
      UPDATE servicedesk.services SET status = statuses[1 + arg % array_length(statuses, 1)] WHERE id = sid;
    WHEN 'priority' THEN
      UPDATE servicedesk.services SET priority = prios[1 + arg % array_length(prios, 1)] WHERE id = sid;
    WHEN 'assign' THEN
      UPDATE servicedesk.services SET assignee_id = CASE WHEN arg % 7 = 0 THEN NULL ELSE 21 + arg % 8 END
       WHERE id = sid;
    WHEN 'workflow_change' THEN
      UPDATE servicedesk.services SET workflow_id = 1 + arg % 4, title = title || '.' WHERE id = sid;
    WHEN 'bad_actor' THEN
      UPDATE servicedesk.services SET current_stage_id = 'cancelled' WHERE id = sid;
    WHEN 'decide', 'decide_other' THEN
      ent := 'approvals';
      IF op = 'decide' THEN
        act := (31 + actor % 6)::text;
        PERFORM set_config('servicedesk.actor_id', act, true);
        SELECT a.id INTO aid FROM servicedesk.approvals a
         WHERE a.approver_id = act::integer AND a.status = 'pending'
         ORDER BY a.id OFFSET arg % 4 LIMIT 1;
      ELSE
        act := (1 + actor % 37)::text;
        PERFORM set_config('servicedesk.actor_id', act, true);
        SELECT max(a.id) - arg % 50 INTO aid FROM servicedesk.approvals a;
      END IF;
      eid := aid;
      IF aid IS NULL THEN st := '00001'; msg := 'no pending approval';
      ELSE
        SELECT coalesce(max(id), 0) INTO prev FROM servicedesk.audit_logs
         WHERE entity_type = 'approvals' AND entity_id = aid;
        IF arg % 10 < 6 THEN PERFORM servicedesk.approve(aid, 'ok ' || arg);
        ELSIF arg % 10 < 9 THEN PERFORM servicedesk.reject(aid, 'no ' || arg);
        ELSE  -- a decision by plain UPDATE (locks the approval first: may deadlock, 40P01)
          UPDATE servicedesk.approvals SET status = CASE WHEN arg % 2 = 0 THEN 'approved' ELSE 'rejected' END
           WHERE id = aid;
        END IF;
      END IF;
    WHEN 'sweep' THEN
      ent := NULL;
      n := servicedesk.sla_sweep(now() + ((arg % 720) - 60) * interval '1 minute');
      IF n = 0 THEN st := '00001'; END IF;
      msg := n || ' recorded';
    WHEN 'insert' THEN
      PERFORM set_config('servicedesk.actor_id', (1 + actor % 20)::text, true);
      INSERT INTO servicedesk.services (title, service_type, priority, created_at)
        VALUES ('soak new ' || arg, (ARRAY['it', 'hr', 'fac', 'it', 'nosuchtype'])[1 + arg % 5],
                prios[1 + arg % 4], now() - (arg % 600) * interval '1 minute')
        RETURNING id INTO eid;
    END CASE;
    IF op NOT IN ('decide', 'decide_other', 'sweep', 'insert') AND st = '00000'
       AND NOT EXISTS (SELECT FROM servicedesk.services WHERE id = sid) THEN
      st := '00001'; msg := 'no such request';  -- an id lost by a refused INSERT: nothing updated
    END IF;
    IF st = '00000' AND ent IS NOT NULL THEN
      SELECT array_agg(id ORDER BY id) INTO aud FROM servicedesk.audit_logs
       WHERE entity_type = ent AND entity_id = eid AND id > prev;
    END IF;
  EXCEPTION
    WHEN query_canceled OR others THEN
      GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT,
                              det = PG_EXCEPTION_DETAIL, ctx = PG_EXCEPTION_CONTEXT;
      -- Keep the whole story of what no refusal explains (deadlocks, internal errors).
      IF st NOT LIKE 'SD%' AND st NOT IN ('23514', '57014', 'P0002') THEN
        msg := msg || E'\nDETAIL: ' || coalesce(det, '') || E'\nCONTEXT: ' || coalesce(ctx, '');
      END IF;
  END;
  INSERT INTO soak.ops (op, service_id, actor, arg, sqlstate, message, audit_ids)
    VALUES (op, CASE WHEN ent = 'services' THEN eid ELSE sid END, act, coalesce(target, arg::text), st, msg, aud);
  RETURN op || ':' || st || ':' || coalesce(ent, '-') || ':' || coalesce(eid, 0) || ':' ||
         coalesce(array_to_string(aud, ','), '');
END
$$;

VACUUM ANALYZE;
SELECT (SELECT count(*) FROM servicedesk.services) AS requests,
       (SELECT count(*) FROM servicedesk.sla_tracking) AS tracking,
       (SELECT count(*) FROM servicedesk.audit_logs) AS audit_rows;
