-- search_path attacks (issue 6, item 6): malicious objects that shadow names
-- our SQL could resolve -- functions now(), lower/upper/btrim,
-- jsonb_build_object, to_jsonb, max; operators =, <>, <, <=, >, +, -, ||;
-- domains named text/jsonb/name/timestamptz/int4/bool/date; views named like
-- our tables -- planted in pg_temp, in public and in a schema owned by an
-- unprivileged role, then every function and trigger path runs with
--   pg_temp, sd_sp_evil, public, pg_catalog   (as the unprivileged role)
--   public, pg_catalog                        (as a superuser)
-- Each malicious object counts its calls in a sequence (nextval survives the
-- rollback of a refused statement) and logs who ran it. Asserted: no call at
-- all, every statement gives the same outcome as without the objects, and the
-- final state (requests, approvals, SLA clock, escalations, audit trail) is
-- identical. Then: SECURITY DEFINER functions pin search_path, and the install
-- script binds nothing planted when CREATE EXTENSION runs under a hostile path.
\set QUIET 1
\set ON_ERROR_STOP 1
\pset format unaligned
\pset tuples_only true
\pset pager off
BEGIN;
\ir ../fixtures.sql

-- Data the scenario needs: a business calendar, an SLA with every escalation
-- action, a workflow whose approval lists user ids with a quorum.
INSERT INTO servicedesk.calendars (id, name, timezone, working_hours, holidays) VALUES
  (881, 'sp-berlin', 'Europe/Berlin', '{"mon": [["09:00","17:00"]], "tue": [["09:00","17:00"]],
    "wed": [["09:00","17:00"]], "thu": [["09:00","17:00"]], "fri": [["09:00","12:00"],["13:00","17:00"]]}', '{2026-12-25}');
INSERT INTO servicedesk.slas (id, name, service_type, priority, response_time, resolution_time, calendar_id, escalation_rules) VALUES
  (881, 'sp-it', 'it', NULL, 60, 480, 881,
   '[{"target": "response", "at_percent": 50, "action": "notify"},
     {"target": "resolution", "at_percent": 10, "action": "set_priority", "priority": "critical"},
     {"target": "resolution", "at_percent": 20, "action": "reassign", "assignee_id": 1001}]'),
  (882, 'sp-hw', 'hw', NULL, 30, 120, NULL, '[]');
SELECT servicedesk.publish_workflow('sp_quorum',
  '[{"id": "open", "status": "submitted", "initial": true},
    {"id": "vote", "status": "pending_approval",
     "approval": {"approvers": [1002, 1004, 1001], "policy": {"quorum": 2}, "due_minutes": 30,
                  "on_approved": "done", "on_rejected": "refused"}},
    {"id": "done", "status": "closed", "terminal": true},
    {"id": "refused", "status": "rejected", "terminal": true}]',
  '[{"from": "open", "to": "vote"}]', 'quorum vote', 'hw') AS sp_quorum \gset

-- The unprivileged role (a member of nothing, mapped to user adam) and the
-- schema it owns, where it plants objects and which it puts on its path.
CREATE ROLE sd_sp_attacker NOLOGIN;
CREATE SCHEMA sd_sp_evil AUTHORIZATION sd_sp_attacker;
GRANT USAGE ON SCHEMA servicedesk TO sd_sp_attacker;
GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA servicedesk TO sd_sp_attacker;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA servicedesk TO sd_sp_attacker;
UPDATE servicedesk.users SET db_role = 'sd_sp_attacker' WHERE id = 1004;
SET LOCAL servicedesk.actor_id = '';

-- Call counter and log of the malicious objects.
CREATE SEQUENCE pg_temp.sp_hits;
CREATE TABLE pg_temp.sp_log (what text, who name, superuser boolean);
GRANT USAGE, SELECT ON SEQUENCE pg_temp.sp_hits TO PUBLIC;
GRANT ALL ON pg_temp.sp_log TO PUBLIC;
CREATE FUNCTION pg_temp.hits() RETURNS bigint LANGUAGE sql SET search_path = pg_catalog, pg_temp
  AS $$ SELECT last_value - 1 + (CASE WHEN is_called THEN 1 ELSE 0 END) FROM pg_temp.sp_hits $$;

-- plant(schema): creates the malicious objects in that schema (the caller has
-- created public.sd_sp_hit first). Every function and operator returns the
-- right answer, so only the counter tells a call happened.
CREATE FUNCTION pg_temp.plant(s text) RETURNS void LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $plant$
DECLARE
  t text;
  op record;
BEGIN
  -- functions shadowing pg_catalog ones
  EXECUTE format($f$CREATE FUNCTION %1$s.now() RETURNS pg_catalog.timestamptz LANGUAGE plpgsql VOLATILE
    AS $b$ BEGIN PERFORM public.sd_sp_hit('%1$s.now()'); RETURN pg_catalog.now(); END $b$$f$, s);
  FOREACH t IN ARRAY ARRAY['lower', 'upper', 'btrim'] LOOP
    EXECUTE format($f$CREATE FUNCTION %1$s.%2$s(v pg_catalog.text) RETURNS pg_catalog.text LANGUAGE plpgsql VOLATILE
      AS $b$ BEGIN PERFORM public.sd_sp_hit('%1$s.%2$s(text)'); RETURN pg_catalog.%2$s(v); END $b$$f$, s, t);
    EXECUTE format($f$CREATE FUNCTION %1$s.%2$s(v pg_catalog.varchar) RETURNS pg_catalog.text LANGUAGE plpgsql VOLATILE
      AS $b$ BEGIN PERFORM public.sd_sp_hit('%1$s.%2$s(varchar)'); RETURN pg_catalog.%2$s(v); END $b$$f$, s, t);
  END LOOP;
  FOREACH t IN ARRAY ARRAY['pg_catalog.text', 'pg_catalog.int4', 'pg_catalog.jsonb', 'pg_catalog.varchar', 'pg_catalog.timestamptz'] LOOP
    EXECUTE format($f$CREATE FUNCTION %1$s.jsonb_build_object(k pg_catalog.text, v %2$s) RETURNS pg_catalog.jsonb
      LANGUAGE plpgsql VOLATILE
      AS $b$ BEGIN PERFORM public.sd_sp_hit('%1$s.jsonb_build_object(text, %2$s)'); RETURN pg_catalog.jsonb_build_object(k, v); END $b$$f$, s, t);
    EXECUTE format($f$CREATE FUNCTION %1$s.to_jsonb(v %2$s) RETURNS pg_catalog.jsonb LANGUAGE plpgsql VOLATILE
      AS $b$ BEGIN PERFORM public.sd_sp_hit('%1$s.to_jsonb(%2$s)'); RETURN pg_catalog.to_jsonb(v); END $b$$f$, s, t);
  END LOOP;
  EXECUTE format($f$CREATE FUNCTION %1$s.sd_sp_max_step(a pg_catalog.int4, b pg_catalog.int4) RETURNS pg_catalog.int4
    LANGUAGE plpgsql VOLATILE
    AS $b$ BEGIN PERFORM public.sd_sp_hit('%1$s.max(integer)'); RETURN pg_catalog.greatest(a, b); END $b$$f$, s);
  EXECUTE format('CREATE AGGREGATE %1$s.max(pg_catalog.int4) (SFUNC = %1$s.sd_sp_max_step, STYPE = pg_catalog.int4)', s);
  EXECUTE format($f$CREATE FUNCTION %1$s.hashtext(v pg_catalog.text) RETURNS pg_catalog.int4 LANGUAGE plpgsql VOLATILE
    AS $b$ BEGIN PERFORM public.sd_sp_hit('%1$s.hashtext(text)'); RETURN pg_catalog.hashtext(v); END $b$$f$, s);
  EXECUTE format($f$CREATE FUNCTION %1$s.pg_notify(c pg_catalog.text, p pg_catalog.text) RETURNS void LANGUAGE plpgsql VOLATILE
    AS $b$ BEGIN PERFORM public.sd_sp_hit('%1$s.pg_notify(text, text)'); PERFORM pg_catalog.pg_notify(c, p); END $b$$f$, s);
  -- operators: each logs, then answers as pg_catalog's would
  FOR op IN SELECT * FROM (VALUES
      ('=', 'pg_catalog.int4', 'pg_catalog.int4', 'pg_catalog.bool'),
      ('<>', 'pg_catalog.int4', 'pg_catalog.int4', 'pg_catalog.bool'),
      ('>', 'pg_catalog.int4', 'pg_catalog.int4', 'pg_catalog.bool'),
      ('+', 'pg_catalog.int4', 'pg_catalog.int4', 'pg_catalog.int4'),
      ('=', 'pg_catalog.text', 'pg_catalog.text', 'pg_catalog.bool'),
      ('=', 'pg_catalog.varchar', 'pg_catalog.varchar', 'pg_catalog.bool'),
      ('=', 'pg_catalog.varchar', 'pg_catalog.text', 'pg_catalog.bool'),
      ('=', 'pg_catalog.name', 'pg_catalog.name', 'pg_catalog.bool'),
      ('=', 'pg_catalog.jsonb', 'pg_catalog.jsonb', 'pg_catalog.bool'),
      ('=', 'pg_catalog.bool', 'pg_catalog.bool', 'pg_catalog.bool'),
      ('<', 'pg_catalog.timestamptz', 'pg_catalog.timestamptz', 'pg_catalog.bool'),
      ('<=', 'pg_catalog.timestamptz', 'pg_catalog.timestamptz', 'pg_catalog.bool'),
      ('-', 'pg_catalog.timestamptz', 'pg_catalog.timestamptz', 'pg_catalog.interval'),
      ('||', 'pg_catalog.text', 'pg_catalog.text', 'pg_catalog.text'))
    AS o(sym, l, r, res) LOOP
    EXECUTE format($f$CREATE FUNCTION %1$s.sd_sp_op_%6$s(a %3$s, b %4$s) RETURNS %5$s LANGUAGE plpgsql VOLATILE
      AS $b$ BEGIN PERFORM public.sd_sp_hit('%1$s.%2$s(%3$s, %4$s)'); RETURN a OPERATOR(pg_catalog.%2$s) b; END $b$$f$,
      s, op.sym, op.l, op.r, op.res, pg_catalog.md5(op.sym || op.l || op.r));
    EXECUTE format('CREATE OPERATOR %1$s.%2$s (LEFTARG = %3$s, RIGHTARG = %4$s, FUNCTION = %1$s.sd_sp_op_%5$s)',
      s, op.sym, op.l, op.r, pg_catalog.md5(op.sym || op.l || op.r));
  END LOOP;
  -- domains named like the types our SQL names; their CHECK logs
  FOREACH t IN ARRAY ARRAY['text', 'jsonb', 'name', 'timestamptz', 'int4', 'bool', 'date', 'varchar'] LOOP
    EXECUTE format($f$CREATE DOMAIN %1$s.%2$I AS pg_catalog.%2$I CHECK (public.sd_sp_hit('%1$s.%2$s domain'))$f$, s, t);
  END LOOP;
  -- relations named like ours: reading them logs, writing them logs (INSTEAD OF)
  FOREACH t IN ARRAY ARRAY['users', 'calendars', 'workflows', 'slas', 'services', 'approvals',
                           'sla_tracking', 'sla_escalations', 'audit_logs'] LOOP
    EXECUTE format($f$CREATE VIEW %1$s.%2$I AS SELECT public.sd_sp_hit('%1$s.%2$s read') AS hit$f$, s, t);
    EXECUTE format('CREATE TRIGGER sd_sp_write INSTEAD OF INSERT OR UPDATE OR DELETE ON %1$s.%2$I
      FOR EACH ROW EXECUTE FUNCTION public.sd_sp_write()', s, t);
    EXECUTE format('GRANT ALL ON %1$s.%2$I TO PUBLIC', s, t);
  END LOOP;
END
$plant$;

-- plant_hit(): the counting function the malicious objects call.
CREATE FUNCTION pg_temp.plant_hit() RETURNS void LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $ph$
BEGIN
  CREATE FUNCTION public.sd_sp_hit(what text) RETURNS boolean LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp AS $b$
  BEGIN
    PERFORM pg_catalog.nextval('pg_temp.sp_hits');
    INSERT INTO pg_temp.sp_log VALUES (what, current_user,
      (SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname OPERATOR(pg_catalog.=) current_user));
    RETURN true;
  END $b$;
  CREATE FUNCTION public.sd_sp_write() RETURNS trigger LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $b$
  BEGIN
    PERFORM public.sd_sp_hit(TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME || ' ' || TG_OP);
    RETURN NULL;
  END $b$;
END
$ph$;

-- plant_all(): the objects in pg_temp, public and the attacker's schema.
CREATE FUNCTION pg_temp.plant_all() RETURNS void LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $pa$
BEGIN
  PERFORM pg_temp.plant_hit();
  PERFORM pg_temp.plant('pg_temp');
  PERFORM pg_temp.plant('public');
  PERFORM pg_temp.plant('sd_sp_evil');
  EXECUTE 'ALTER SCHEMA sd_sp_evil OWNER TO sd_sp_attacker';
END
$pa$;

-- The scenario: every function and trigger path. Statements name only
-- qualified objects and OPERATOR(pg_catalog.=), so the malicious objects can
-- be reached only through the extension's own code.
CREATE TEMP TABLE ops (n serial, label text, q text, expect text);
INSERT INTO ops (label, q, expect) VALUES
 ('current_actor() from the db_role mapping', $$SELECT servicedesk.current_actor()$$, 'ok: 1004'),
 ('current_actor() from the setting', $$SET LOCAL servicedesk.actor_id = 1003; SELECT servicedesk.current_actor()$$, 'ok: 1003'),
 ('INSERT users (audit)', $$INSERT INTO servicedesk.users (id, username, display_name, roles) VALUES (1801, 'sp_zoe', 'Zoë', '{agent,fin}') RETURNING username$$, 'ok: sp_zoe'),
 ('UPDATE users (audit diff)', $$UPDATE servicedesk.users SET roles = '{agent}', email = 'z@example.org' WHERE id OPERATOR(pg_catalog.=) 1801 RETURNING email$$, 'ok: z@example.org'),
 ('INSERT calendars (validation)', $$INSERT INTO servicedesk.calendars (id, name, timezone, working_hours) VALUES (882, 'sp-ny', 'America/New_York', '{"mon": [["08:00","12:00"],["12:00","16:00"]]}') RETURNING timezone$$, 'ok: America/New_York'),
 ('INSERT calendars refused (SD007)', $$INSERT INTO servicedesk.calendars (id, name, working_hours) VALUES (883, 'sp-bad', '{"mon": [["17:00","09:00"]]}') RETURNING id$$, 'SD007'),
 ('UPDATE calendars (cache invalidation)', $$UPDATE servicedesk.calendars SET holidays = '{2026-12-24}' WHERE id OPERATOR(pg_catalog.=) 882 RETURNING holidays[1]$$, 'ok: 2026-12-24'),
 ('INSERT slas (rule validation)', $$INSERT INTO servicedesk.slas (id, name, service_type, priority, response_time, resolution_time, calendar_id, escalation_rules) VALUES (883, 'sp-x', 'x', 'low', 10, 20, 882, '[{"target": "response", "at_percent": 100, "action": "notify"}]') RETURNING name$$, 'ok: sp-x'),
 ('INSERT slas refused (22023)', $$INSERT INTO servicedesk.slas (id, name, escalation_rules) VALUES (884, 'sp-bad', '[{"target": "response", "at_percent": 0, "action": "notify"}]') RETURNING id$$, '22023'),
 ('validate_workflow', $$SELECT pg_catalog.string_agg(path OPERATOR(pg_catalog.||) ': ' OPERATOR(pg_catalog.||) message, ' | ' ORDER BY path) FROM servicedesk.validate_workflow('[{"id": "a", "status": "submitted", "initial": true}, {"id": "b", "status": "nope"}]', '[{"from": "a", "to": "c"}]')$$, 'ok: stages[1].status: unknown status "nope" (allowed: submitted, in_progress, pending_approval, on_hold, resolved, closed, cancelled, rejected) | transitions[0].to: unknown stage "c"'),
 ('publish_workflow', $$SELECT servicedesk.publish_workflow('sp_flow', '[{"id": "a", "status": "submitted", "initial": true}, {"id": "z", "status": "closed", "terminal": true}]', '[{"from": "a", "to": "z"}]', 'sp', 'sp') IS NOT NULL$$, 'ok: true'),
 ('publish_workflow refused (SD001)', $$SELECT servicedesk.publish_workflow('sp_flow', '[]', '[]')$$, 'SD001'),
 ('INSERT workflows directly', $$INSERT INTO servicedesk.workflows (name, version, stages, transitions) VALUES ('sp_direct', 1, '[{"id": "a", "status": "submitted", "initial": true}]', '[]') RETURNING name$$, 'ok: sp_direct'),
 ('workflow_graph mermaid', format($$SELECT pg_catalog.md5(servicedesk.workflow_graph(%s))$$, :it_workflow), 'ok: 207ba8f416dc11656ddcfcfd34326212'),
 ('workflow_graph dot', format($$SELECT pg_catalog.md5(servicedesk.workflow_graph(%s, 'dot'))$$, :sp_quorum), 'ok: 62234209d78821223adc2d18711840ed'),
 ('INSERT services (workflow, SLA, clock, audit)', $$SET LOCAL servicedesk.actor_id = 1003; INSERT INTO servicedesk.services (id, title, service_type, priority, metadata) VALUES (7101, 'sp one', 'it', 'high', '{"k": "v"}') RETURNING current_stage_id$$, 'ok: new'),
 ('INSERT services refused (SD002)', $$INSERT INTO servicedesk.services (id, title, service_type, current_stage_id) VALUES (7199, 'sp bad', 'it', 'triage') RETURNING id$$, 'SD002'),
 ('available_transitions', $$SET LOCAL servicedesk.actor_id = 1001; SELECT pg_catalog.string_agg(to_stage OPERATOR(pg_catalog.||) '=' OPERATOR(pg_catalog.||) allowed::pg_catalog.text, ',' ORDER BY to_stage) FROM servicedesk.available_transitions(7101)$$, 'ok: cancelled=false,triage=true'),
 ('UPDATE current_stage_id (transition trigger)', $$SET LOCAL servicedesk.actor_id = 1001; UPDATE servicedesk.services SET current_stage_id = 'triage' WHERE id OPERATOR(pg_catalog.=) 7101 RETURNING status$$, 'ok: in_progress'),
 ('UPDATE priority (SLA re-match)', $$SET LOCAL servicedesk.actor_id = 1001; UPDATE servicedesk.services SET priority = 'critical', assignee_id = 1001 WHERE id OPERATOR(pg_catalog.=) 7101 RETURNING sla_id$$, 'ok: 881'),
 ('transition() refused: unknown stage (SD002)', $$SELECT (servicedesk.transition(7101, 'nowhere')).status$$, 'SD002'),
 ('transition() refused: not defined from triage (SD002)', $$SET LOCAL servicedesk.actor_id = 1001; SELECT (servicedesk.transition(7101, 'fulfilment')).status$$, 'SD002'),
 ('transition() into the approval stage (approvers by role)', $$SET LOCAL servicedesk.actor_id = 1001; SELECT (servicedesk.transition(7101, 'manager_approval', 'please')).status$$, 'ok: pending_approval'),
 ('pending_approvals view', $$SELECT pg_catalog.string_agg(approver, ',' ORDER BY approver) FROM servicedesk.pending_approvals WHERE service_id OPERATOR(pg_catalog.=) 7101$$, 'ok: adam,mona'),
 ('approve() by someone else refused (SD006)', $$SET LOCAL servicedesk.actor_id = 1001; SELECT (servicedesk.approve((SELECT a.id FROM servicedesk.approvals a WHERE a.service_id OPERATOR(pg_catalog.=) 7101 AND a.approver_id OPERATOR(pg_catalog.=) 1002))).status$$, 'SD006'),
 ('approve()', $$SET LOCAL servicedesk.actor_id = 1002; SELECT (servicedesk.approve((SELECT a.id FROM servicedesk.approvals a WHERE a.service_id OPERATOR(pg_catalog.=) 7101 AND a.approver_id OPERATOR(pg_catalog.=) 1002), 'ok')).status$$, 'ok: approved'),
 ('UPDATE approvals status (decision trigger, policy moves the request)', $$SET LOCAL servicedesk.actor_id = 1004; UPDATE servicedesk.approvals SET status = 'approved' WHERE service_id OPERATOR(pg_catalog.=) 7101 AND approver_id OPERATOR(pg_catalog.=) 1004 RETURNING status$$, 'ok: approved'),
 ('stage after the approvals', $$SELECT current_stage_id FROM servicedesk.services WHERE id OPERATOR(pg_catalog.=) 7101$$, 'ok: fulfilment'),
 ('status-only UPDATE (pause the clock)', $$SET LOCAL servicedesk.actor_id = 1001; UPDATE servicedesk.services SET status = 'on_hold' WHERE id OPERATOR(pg_catalog.=) 7101 RETURNING current_stage_id$$, 'ok: waiting_customer'),
 ('transition() out of the pause', $$SET LOCAL servicedesk.actor_id = 1001; SELECT (servicedesk.transition(7101, 'fulfilment')).status$$, 'ok: in_progress'),
 ('transition() refused: requires (SD004)', $$SET LOCAL servicedesk.actor_id = 1001; UPDATE servicedesk.services SET assignee_id = NULL WHERE id OPERATOR(pg_catalog.=) 7101; SELECT (servicedesk.transition(7101, 'resolved')).status$$, 'SD004'),
 ('transition() to resolved', $$SET LOCAL servicedesk.actor_id = 1001; SELECT (servicedesk.transition(7101, 'resolved', 'fixed')).status$$, 'ok: resolved'),
 ('reopen and resolve again', $$SET LOCAL servicedesk.actor_id = 1001; SELECT (servicedesk.transition(7101, 'fulfilment')).status; SELECT (servicedesk.transition(7101, 'resolved')).status$$, 'ok: resolved'),
 ('UPDATE workflow_id refused (SD008)', format($$UPDATE servicedesk.services SET workflow_id = %s WHERE id OPERATOR(pg_catalog.=) 7101 RETURNING id$$, :sp_quorum), 'SD008'),
 ('UPDATE a workflow in use refused (SD008)', format($$UPDATE servicedesk.workflows SET stages = '[]' WHERE id OPERATOR(pg_catalog.=) %s RETURNING id$$, :it_workflow), 'SD008'),
 ('second request: approvers by id, quorum', $$SET LOCAL servicedesk.actor_id = 1003; INSERT INTO servicedesk.services (id, title, service_type) VALUES (7102, 'sp two', 'hw') RETURNING sla_id$$, 'ok: 882'),
 ('second request into its approval stage', $$SET LOCAL servicedesk.actor_id = 1003; SELECT (servicedesk.transition(7102, 'vote')).status$$, 'ok: pending_approval'),
 ('reject()', $$SET LOCAL servicedesk.actor_id = 1002; SELECT (servicedesk.reject((SELECT a.id FROM servicedesk.approvals a WHERE a.service_id OPERATOR(pg_catalog.=) 7102 AND a.approver_id OPERATOR(pg_catalog.=) 1002), 'no')).status$$, 'ok: rejected'),
 ('reject() that decides the quorum', $$SET LOCAL servicedesk.actor_id = 1001; SELECT (servicedesk.reject((SELECT a.id FROM servicedesk.approvals a WHERE a.service_id OPERATOR(pg_catalog.=) 7102 AND a.approver_id OPERATOR(pg_catalog.=) 1001))).status; SELECT current_stage_id FROM servicedesk.services WHERE id OPERATOR(pg_catalog.=) 7102$$, 'ok: refused'),
 ('DELETE a decided approval', $$DELETE FROM servicedesk.approvals WHERE service_id OPERATOR(pg_catalog.=) 7102 AND approver_id OPERATOR(pg_catalog.=) 1002 RETURNING status$$, 'ok: rejected'),
 ('third request, cancelled by "*"', $$SET LOCAL servicedesk.actor_id = 1003; INSERT INTO servicedesk.services (id, title, service_type) VALUES (7103, 'sp three', 'it'); SELECT (servicedesk.transition(7103, 'cancelled')).status$$, 'ok: cancelled'),
 ('fourth request left running for the sweep', $$SET LOCAL servicedesk.actor_id = 1003; INSERT INTO servicedesk.services (id, title, service_type, created_at) VALUES (7104, 'sp four', 'it', '2026-11-02 08:00+01') RETURNING sla_id$$, 'ok: 881'),
 ('sla_sweep (escalate, reassign, breach, overdue approvals)', $$SELECT servicedesk.sla_sweep('2026-12-31 12:00+00')$$, 'ok: 5'),
 ('sla_sweep again (nothing new)', $$SELECT servicedesk.sla_sweep('2026-12-31 12:00+00')$$, 'ok: 0'),
 ('business_add on a calendar', $$SELECT servicedesk.business_add('2026-11-27 16:30+01', 90, 881)$$, 'ok: 2026-11-30 09:00:00+00'),
 ('business_add 24x7', $$SELECT servicedesk.business_add('2026-11-27 16:30+01', 90, NULL)$$, 'ok: 2026-11-27 17:00:00+00'),
 ('business_minutes on a calendar', $$SELECT servicedesk.business_minutes('2026-11-23 00:00+01', '2026-11-30 00:00+01', 881)$$, 'ok: 2340'),
 ('INSERT sla_tracking and sla_escalations directly (audit)', $$INSERT INTO servicedesk.sla_escalations (sla_tracking_id, rule_index, action, fired_at) SELECT t.id, 99, 'notify', '2026-12-01 00:00+00' FROM servicedesk.sla_tracking t WHERE t.service_id OPERATOR(pg_catalog.=) 7104 RETURNING rule_index$$, 'ok: 99'),
 ('UPDATE audit_logs refused (SD008)', $$UPDATE servicedesk.audit_logs SET action = 'x' WHERE entity_id OPERATOR(pg_catalog.=) 7101 RETURNING id$$, 'SD008'),
 ('TRUNCATE audit_logs refused (SD008)', $$TRUNCATE servicedesk.audit_logs$$, 'SD008'),
 ('DELETE users with history refused (23503)', $$DELETE FROM servicedesk.users WHERE id OPERATOR(pg_catalog.=) 1003 RETURNING id$$, '23503'),
 ('DELETE a fresh user (audit of a delete)', $$DELETE FROM servicedesk.users WHERE id OPERATOR(pg_catalog.=) 1801 RETURNING username$$, 'ok: sp_zoe');

-- run_ops(path, role): runs every op in its own subtransaction under that
-- search_path as that role; per op: the outcome ('ok: result' or the
-- SQLSTATE) and how many malicious calls it caused.
CREATE FUNCTION pg_temp.run_ops(path text, as_role text) RETURNS jsonb LANGUAGE plpgsql
  SET search_path = pg_catalog, pg_temp AS $run$
DECLARE
  r record;
  res text;
  outcome text;
  before bigint;
  out jsonb := '{}';
BEGIN
  FOR r IN SELECT * FROM pg_temp.ops ORDER BY n LOOP
    before := pg_temp.hits();
    BEGIN
      EXECUTE format('SET LOCAL ROLE %I; SET LOCAL search_path = %s; %s', as_role, path, r.q) INTO res;
      EXECUTE 'RESET ROLE; SET LOCAL search_path = pg_catalog, pg_temp';
      outcome := 'ok: ' || coalesce(res, 'NULL');
    EXCEPTION WHEN OTHERS THEN
      outcome := SQLSTATE;
    END;
    out := out || jsonb_build_object(r.n::text, jsonb_build_object('outcome', outcome, 'hits', pg_temp.hits() - before));
  END LOOP;
  RETURN out;
END
$run$;

-- fingerprint(): the state the scenario leaves, without serial ids.
CREATE TEMP TABLE mark AS SELECT coalesce(max(id), 0) AS audit_mark FROM servicedesk.audit_logs;
CREATE FUNCTION pg_temp.fingerprint() RETURNS text LANGUAGE sql SET search_path = pg_catalog, pg_temp AS $fp$
  SELECT jsonb_build_object(
    'services', (SELECT jsonb_agg(to_jsonb(s) - 'workflow_id' ORDER BY s.id) FROM servicedesk.services s WHERE s.id > 7100),
    'approvals', (SELECT jsonb_agg(to_jsonb(a) - 'id' ORDER BY a.id) FROM servicedesk.approvals a WHERE a.service_id > 7100),
    'tracking', (SELECT jsonb_agg(to_jsonb(t) - 'id' ORDER BY t.id) FROM servicedesk.sla_tracking t WHERE t.service_id > 7100),
    'escalations', (SELECT jsonb_agg(jsonb_build_object('service', t.service_id, 'rule', e.rule_index, 'action', e.action, 'at', e.fired_at)
                                     ORDER BY e.id) FROM servicedesk.sla_escalations e JOIN servicedesk.sla_tracking t ON t.id = e.sla_tracking_id
                    WHERE t.service_id > 7100),
    'users', (SELECT jsonb_agg(to_jsonb(u) - 'created_at' ORDER BY u.id) FROM servicedesk.users u),
    'calendars', (SELECT jsonb_agg(to_jsonb(c) ORDER BY c.id) FROM servicedesk.calendars c),
    'slas', (SELECT jsonb_agg(to_jsonb(x) ORDER BY x.id) FROM servicedesk.slas x),
    'workflows', (SELECT jsonb_agg(to_jsonb(w) - 'id' ORDER BY w.name, w.version) FROM servicedesk.workflows w),
    'audit', (SELECT jsonb_agg(jsonb_build_object('user', l.user_id, 'type', l.entity_type, 'action', l.action,
                                'entity', CASE WHEN l.entity_type IN ('services', 'users', 'calendars', 'slas') THEN l.entity_id END,
                                'old', l.old_values - 'id' - 'sla_tracking_id', 'new', l.new_values - 'id' - 'sla_tracking_id',
                                'ip', l.ip_address) ORDER BY l.id)
              FROM servicedesk.audit_logs l WHERE l.id > (SELECT audit_mark FROM pg_temp.mark)))::text
$fp$;

SELECT plan((SELECT count(*)::int * 5 + 12 FROM ops));

-- 1. baselines: no malicious object, the default path
SAVEPOINT scenario;
SELECT pg_temp.run_ops('"$user", public', 'sd_sp_attacker') AS base_a_out \gset
SELECT pg_temp.fingerprint() AS base_a_fp \gset
ROLLBACK TO SAVEPOINT scenario;
SELECT pg_temp.run_ops('"$user", public', 'postgres') AS base_s_out \gset
SELECT pg_temp.fingerprint() AS base_s_fp \gset
ROLLBACK TO SAVEPOINT scenario;

-- 2. pg_temp first, the attacker's schema, public, pg_catalog last; as the unprivileged role
SELECT pg_temp.plant_all();
SELECT pg_temp.run_ops('pg_temp, sd_sp_evil, public, pg_catalog', 'sd_sp_attacker') AS evil1_out \gset
SELECT pg_temp.fingerprint() AS evil1_fp \gset
SELECT coalesce(string_agg(DISTINCT format('%s (run as %s%s)', what, who, CASE WHEN superuser THEN ', a superuser' ELSE '' END), '; '), '')
  AS evil1_log FROM pg_temp.sp_log \gset
ROLLBACK TO SAVEPOINT scenario;

-- 3. public before pg_catalog, as a superuser (a DBA with a careless path)
SELECT pg_temp.plant_all();
SELECT pg_temp.run_ops('public, pg_catalog', 'postgres') AS evil2_out \gset
SELECT pg_temp.fingerprint() AS evil2_fp \gset
SELECT coalesce(string_agg(DISTINCT what, '; '), '') AS evil2_log FROM pg_temp.sp_log \gset
ROLLBACK TO SAVEPOINT scenario;

-- 4. the default path, where pg_temp is searched first for types and
-- relations; the unprivileged role plants in its own pg_temp (TEMP is granted
-- to PUBLIC: any role can do this)
SELECT pg_temp.plant_hit();
SET LOCAL ROLE sd_sp_attacker;
SELECT pg_temp.plant('pg_temp');
RESET ROLE;
SELECT pg_temp.run_ops('"$user", public', 'sd_sp_attacker') AS evil3_out \gset
SELECT pg_temp.fingerprint() AS evil3_fp \gset
SELECT coalesce(string_agg(DISTINCT format('%s (run as %s%s)', what, who, CASE WHEN superuser THEN ', a superuser' ELSE '' END), '; '), '')
  AS evil3_log FROM pg_temp.sp_log \gset
ROLLBACK TO SAVEPOINT scenario;

SELECT is((:'base_a_out'::jsonb -> n::text ->> 'outcome') || ' / ' || (:'base_a_out'::jsonb -> n::text ->> 'hits')
           || ' / ' || (:'base_s_out'::jsonb -> n::text ->> 'hits'), expect || ' / 0 / 0',
          format('baseline %s: %s (nothing planted)', n, label)) FROM ops ORDER BY n;
SELECT is((:'evil1_out'::jsonb -> n::text ->> 'hits'), '0',
          format('pg_temp, attacker schema, public first, as a plain role: %s calls nothing planted', label)) FROM ops ORDER BY n;
SELECT is((:'evil1_out'::jsonb -> n::text ->> 'outcome'), (:'base_a_out'::jsonb -> n::text ->> 'outcome'),
          format('pg_temp, attacker schema, public first: %s gives the same outcome', label)) FROM ops ORDER BY n;
SELECT is((:'evil2_out'::jsonb -> n::text ->> 'hits') || ' / ' || (:'evil2_out'::jsonb -> n::text ->> 'outcome'),
          '0 / ' || (:'base_s_out'::jsonb -> n::text ->> 'outcome'),
          format('public before pg_catalog, as a superuser: %s calls nothing planted, same outcome', label)) FROM ops ORDER BY n;
SELECT is((:'evil3_out'::jsonb -> n::text ->> 'hits') || ' / ' || (:'evil3_out'::jsonb -> n::text ->> 'outcome'),
          '0 / ' || (:'base_a_out'::jsonb -> n::text ->> 'outcome'),
          format('default path, pg_temp planted by the plain role itself: %s calls nothing planted, same outcome', label)) FROM ops ORDER BY n;
SELECT is(:'evil3_log'::text, '', 'no malicious object ran at all (default path, pg_temp planted by the plain role)');
SELECT is(:'evil3_fp'::text, :'base_a_fp', 'the state left behind is identical (default path, pg_temp planted by the plain role)');
SELECT is(:'evil1_log'::text, '', 'no malicious object ran at all (pg_temp, attacker schema, public first)');
SELECT is(:'evil2_log'::text, '', 'no malicious object ran at all (public before pg_catalog)');
SELECT is(:'evil1_fp'::text, :'base_a_fp', 'the state left behind is identical (pg_temp, attacker schema, public first)');
SELECT is(:'evil2_fp'::text, :'base_s_fp', 'the state left behind is identical (public before pg_catalog)');

-- 5. functions that run with their owner's rights must pin search_path
SELECT is((SELECT count(*)::int FROM pg_proc p WHERE p.pronamespace = 'servicedesk'::regnamespace AND p.prosecdef
             AND NOT EXISTS (SELECT 1 FROM unnest(p.proconfig) c WHERE c LIKE 'search_path=%')), 0,
          'every SECURITY DEFINER function pins search_path');
SELECT is((SELECT string_agg(p.proname, ', ' ORDER BY p.proname) FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
            WHERE p.pronamespace = 'servicedesk'::regnamespace AND l.lanname IN ('sql', 'plpgsql')
              AND NOT EXISTS (SELECT 1 FROM unnest(p.proconfig) c WHERE c = 'search_path=pg_catalog, pg_temp')), NULL,
          'every SQL and PL/pgSQL function pins search_path = pg_catalog, pg_temp');

-- 6. the install script under a hostile path binds nothing planted
-- catalog_fp(): how the extension's constraints, defaults, views, functions
-- and triggers are defined, printed with search_path = pg_catalog so that any
-- object outside pg_catalog would show schema-qualified.
CREATE FUNCTION pg_temp.catalog_fp() RETURNS text LANGUAGE sql SET search_path = pg_catalog, pg_temp AS $cf$
  SELECT string_agg(d, E'\n' ORDER BY d) FROM (
    SELECT format('constraint %s.%s %s', c.conrelid::regclass, c.conname, pg_get_constraintdef(c.oid)) AS d
      FROM pg_constraint c JOIN pg_class r ON r.oid = c.conrelid WHERE r.relnamespace = 'servicedesk'::regnamespace
    UNION ALL
    SELECT format('default %s.%s %s', a.adrelid::regclass, att.attname, pg_get_expr(a.adbin, a.adrelid))
      FROM pg_attrdef a JOIN pg_class r ON r.oid = a.adrelid
      JOIN pg_attribute att ON att.attrelid = a.adrelid AND att.attnum = a.adnum WHERE r.relnamespace = 'servicedesk'::regnamespace
    UNION ALL
    SELECT format('column %s.%s %s', r.oid::regclass, att.attname, format_type(att.atttypid, att.atttypmod))
      FROM pg_attribute att JOIN pg_class r ON r.oid = att.attrelid
     WHERE r.relnamespace = 'servicedesk'::regnamespace AND att.attnum > 0 AND NOT att.attisdropped
    UNION ALL
    SELECT format('view %s %s', v.oid::regclass, pg_get_viewdef(v.oid)) FROM pg_class v
     WHERE v.relnamespace = 'servicedesk'::regnamespace AND v.relkind = 'v'
    UNION ALL
    SELECT format('function %s %s %s', p.oid::regprocedure, pg_get_function_result(p.oid), coalesce(p.proconfig::text, '')) || ' ' || p.prosrc
      FROM pg_proc p WHERE p.pronamespace = 'servicedesk'::regnamespace
    UNION ALL
    SELECT format('trigger %s', pg_get_triggerdef(t.oid)) FROM pg_trigger t JOIN pg_class r ON r.oid = t.tgrelid
     WHERE r.relnamespace = 'servicedesk'::regnamespace AND NOT t.tgisinternal
    UNION ALL
    SELECT format('index %s', pg_get_indexdef(i.indexrelid)) FROM pg_index i JOIN pg_class r ON r.oid = i.indrelid
     WHERE r.relnamespace = 'servicedesk'::regnamespace) defs
$cf$;
-- (inside a savepoint: the planted objects go away before pgTAP runs again)
SAVEPOINT install;
DROP EXTENSION servicedesk CASCADE;
CREATE EXTENSION servicedesk;
SELECT pg_temp.catalog_fp() AS clean_catalog \gset
DROP EXTENSION servicedesk CASCADE;
SELECT pg_temp.plant_all();
SELECT pg_temp.hits() AS hits_before_install \gset
SET LOCAL search_path = pg_temp, sd_sp_evil, public, pg_catalog;
CREATE EXTENSION servicedesk;
SET LOCAL search_path = pg_catalog, pg_temp;
SELECT pg_temp.hits() - :hits_before_install AS install_hits \gset
SELECT count(*) AS install_deps FROM pg_depend d
  JOIN pg_namespace n ON n.oid = CASE d.refclassid
       WHEN 'pg_proc'::regclass THEN (SELECT pronamespace FROM pg_proc WHERE oid = d.refobjid)
       WHEN 'pg_operator'::regclass THEN (SELECT oprnamespace FROM pg_operator WHERE oid = d.refobjid)
       WHEN 'pg_type'::regclass THEN (SELECT typnamespace FROM pg_type WHERE oid = d.refobjid)
       WHEN 'pg_class'::regclass THEN (SELECT relnamespace FROM pg_class WHERE oid = d.refobjid) END
 WHERE (n.nspname IN ('public', 'sd_sp_evil') OR n.oid = pg_my_temp_schema())
   AND pg_describe_object(d.classid, d.objid, d.objsubid) LIKE '%servicedesk%' \gset
SELECT pg_temp.catalog_fp() AS hostile_catalog \gset
-- and it works: a request through an approval with the planted objects still in place
INSERT INTO servicedesk.users (id, username, roles) VALUES (1, 'req', '{}'), (2, 'boss', '{manager}');
SELECT servicedesk.publish_workflow('again', '[{"id": "a", "status": "submitted", "initial": true},
  {"id": "ok", "status": "pending_approval", "approval": {"approvers": {"role": "manager"}, "on_approved": "z", "on_rejected": "z"}},
  {"id": "z", "status": "closed", "terminal": true}]', '[{"from": "a", "to": "ok"}]') AS again_wf \gset
SELECT pg_temp.hits() AS hits_before_use \gset
SET LOCAL search_path = pg_temp, sd_sp_evil, public, pg_catalog;
SET LOCAL servicedesk.actor_id = 1;
INSERT INTO servicedesk.services (id, title) VALUES (1, 'after reinstall');
UPDATE servicedesk.services SET current_stage_id = 'ok' WHERE id OPERATOR(pg_catalog.=) 1;
SET LOCAL servicedesk.actor_id = 2;
UPDATE servicedesk.approvals SET status = 'approved' WHERE service_id OPERATOR(pg_catalog.=) 1;
SET LOCAL search_path = pg_catalog, pg_temp;
SELECT (SELECT current_stage_id::pg_catalog.text FROM servicedesk.services WHERE id OPERATOR(pg_catalog.=) 1)
       OPERATOR(pg_catalog.||) ' / ' OPERATOR(pg_catalog.||) (pg_temp.hits() - :hits_before_use) AS after_install \gset
ROLLBACK TO SAVEPOINT install;
SET LOCAL search_path = "$user", public;
SELECT is(:install_hits, 0, 'CREATE EXTENSION under a hostile search_path calls nothing planted');
SELECT is(:install_deps, 0, 'no object of the extension depends on a planted object');
SELECT is(:'hostile_catalog'::text, :'clean_catalog', 'the hostile-path install defines exactly what a clean install does');
SELECT is(:'after_install'::text, 'z / 0', 'the reinstalled extension works under the hostile path and calls nothing planted');
SELECT * FROM finish();
ROLLBACK;
