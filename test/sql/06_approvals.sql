-- Approvals (SPEC sections 3, 5, 7 and 10): approver resolution, the three
-- policies, SD005 when nobody can approve, SD006 for every forbidden change,
-- due dates in business time, cancellation, rounds, approve()/reject(), the
-- automatic move and its audit trail, the pending_approvals view.
\set QUIET 1
\set ON_ERROR_STOP 1
\pset format unaligned
\pset tuples_only true
\pset pager off
BEGIN;
SELECT plan(125);
\ir ../fixtures.sql

-- more approvers: role fin (fay, gus, hal active; ida inactive) -------------------------
INSERT INTO servicedesk.users (id, username, roles) VALUES
  (2001, 'fay', '{fin}'), (2002, 'gus', '{fin}'), (2003, 'hal', '{fin}'), (2004, 'ida', '{fin}');
UPDATE servicedesk.users SET active = false WHERE id = 2004;

-- wf(name, service_type, approval): new -> appr (the approval) -> done / nope;
-- appr -> rework -> appr re-enters the stage; "*" -> cancelled.
CREATE FUNCTION pg_temp.wf(wname text, stype text, approval jsonb) RETURNS integer LANGUAGE sql AS $$
  SELECT servicedesk.publish_workflow(wname,
    jsonb_build_array(
      '{"id": "new", "status": "submitted", "initial": true}'::jsonb,
      jsonb_build_object('id', 'appr', 'status', 'pending_approval',
                         'approval', approval || '{"on_approved": "done", "on_rejected": "nope"}'::jsonb),
      '{"id": "rework", "status": "in_progress"}'::jsonb,
      '{"id": "done", "status": "resolved"}'::jsonb,
      '{"id": "nope", "status": "rejected", "terminal": true}'::jsonb,
      '{"id": "cancelled", "status": "cancelled", "terminal": true}'::jsonb),
    '[{"from": "new", "to": "appr"}, {"from": "appr", "to": "rework"}, {"from": "rework", "to": "appr"},
      {"from": "*", "to": "cancelled"}]'::jsonb,
    NULL, stype)
$$;
-- open(service_type, requester): a new request, moved into "appr".
CREATE FUNCTION pg_temp.open(stype text, requester integer) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE r integer;
BEGIN
  INSERT INTO servicedesk.services (title, service_type, requester_id) VALUES ('req ' || stype, stype, requester)
    RETURNING id INTO r;
  UPDATE servicedesk.services SET current_stage_id = 'appr' WHERE id = r;
  RETURN r;
END $$;
-- aid(request, approver): the approver's newest approval of the request.
CREATE FUNCTION pg_temp.aid(sid integer, approver integer) RETURNS integer LANGUAGE sql AS $$
  SELECT max(id) FROM servicedesk.approvals WHERE service_id = sid AND approver_id = approver
$$;
-- who(request, status): approver ids of the request's approvals with that status, any round.
CREATE FUNCTION pg_temp.who(sid integer, st text) RETURNS integer[] LANGUAGE sql AS $$
  SELECT coalesce(array_agg(approver_id ORDER BY approver_id), '{}') FROM servicedesk.approvals
   WHERE service_id = sid AND status = st
$$;
CREATE FUNCTION pg_temp.stage(sid integer) RETURNS text LANGUAGE sql AS $$
  SELECT current_stage_id::text FROM servicedesk.services WHERE id = sid
$$;
-- decide(approval, user, status): a plain UPDATE of status acting as user.
CREATE FUNCTION pg_temp.decide(a integer, u integer, st text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM set_config('servicedesk.actor_id', u::text, true);
  UPDATE servicedesk.approvals SET status = st WHERE id = a;
END $$;

SELECT pg_temp.wf('w_all', 'w_all', '{"approvers": {"role": "fin"}, "policy": "all", "due_minutes": 90}') AS w_all \gset
SELECT pg_temp.wf('w_any', 'w_any', '{"approvers": {"role": "fin"}, "policy": "any"}') AS w_any \gset
SELECT pg_temp.wf('w_q2', 'w_q2', '{"approvers": {"role": "fin"}, "policy": {"quorum": 2}}') AS w_q2 \gset
SELECT pg_temp.wf('w_ids', 'w_ids', '{"approvers": [2001, 2004, 987654, 2002], "policy": "all"}') AS w_ids \gset
SELECT pg_temp.wf('w_q3', 'w_q3', '{"approvers": [2001, 2002, 2004], "policy": {"quorum": 3}}') AS w_q3 \gset
SELECT pg_temp.wf('w_none', 'w_none', '{"approvers": {"role": "nobody"}}') AS w_none \gset
SELECT pg_temp.wf('w_one', 'w_one', '{"approvers": [2001]}') AS w_one \gset

-- role resolution, due dates, the view (SPEC workflow, role manager, policy all) ---------
SET LOCAL servicedesk.actor_id = 1003;
INSERT INTO servicedesk.services (title, service_type) VALUES ('Laptop', 'it') RETURNING id AS r1 \gset
SET LOCAL servicedesk.actor_id = 1001;
UPDATE servicedesk.services SET current_stage_id = 'triage' WHERE id = :r1;
UPDATE servicedesk.services SET current_stage_id = 'manager_approval' WHERE id = :r1;
SELECT is(pg_temp.who(:r1, 'pending'), '{1002,1004}',
  'role manager: one pending row per ACTIVE manager (inactive ivan excluded)');
SELECT is((SELECT count(*)::int FROM servicedesk.approvals WHERE service_id = :r1), 2, 'no other rows');
SELECT is((SELECT array_agg(DISTINCT (workflow_stage_id, round, decision_at IS NULL)::text) FROM servicedesk.approvals WHERE service_id = :r1),
  '{"(manager_approval,1,t)"}', 'rows name the stage, round 1, no decision yet');
SELECT is((SELECT (status, current_stage_id)::text FROM servicedesk.services WHERE id = :r1), '(pending_approval,manager_approval)',
  'the request waits at the approval stage');
SELECT is((SELECT array_agg(DISTINCT due_date) FROM servicedesk.approvals WHERE service_id = :r1),
  ARRAY[now() + interval '480 minutes'], 'no SLA: due_date = entry time + 480 minutes (24x7)');
SELECT is((SELECT array_agg(DISTINCT (action, user_id)::text) FROM servicedesk.audit_logs
            WHERE entity_type = 'approvals' AND entity_id IN (SELECT id FROM servicedesk.approvals WHERE service_id = :r1)),
  '{"(insert,1001)"}', 'the pending rows are audited as inserts by the actor who moved the request');
SELECT pg_temp.aid(:r1, 1002) AS a_mona, pg_temp.aid(:r1, 1004) AS a_adam \gset

SELECT results_eq(
  format($$SELECT approval_id, approver_id, approver::text, service_id, title::text, stage::text, age, due_date, overdue
             FROM servicedesk.pending_approvals WHERE service_id = %s ORDER BY approval_id$$, :r1),
  format($$VALUES (%s, 1002, 'mona', %s, 'Laptop', 'manager_approval', interval '0', now() + interval '480 minutes', false),
                  (%s, 1004, 'adam', %s, 'Laptop', 'manager_approval', interval '0', now() + interval '480 minutes', false)$$,
         :a_mona, :r1, :a_adam, :r1),
  'pending_approvals lists approver, request, stage, age and due date');

-- requester exclusion
SET LOCAL servicedesk.actor_id = 1004;
INSERT INTO servicedesk.services (title, service_type) VALUES ('Adam''s own', 'it') RETURNING id AS r_adam \gset
SET LOCAL servicedesk.actor_id = 1001;
UPDATE servicedesk.services SET current_stage_id = 'triage' WHERE id = :r_adam;
UPDATE servicedesk.services SET current_stage_id = 'manager_approval' WHERE id = :r_adam;
SELECT is(pg_temp.who(:r_adam, 'pending'), '{1002}', 'the requester holding the approver role gets no row');

-- policy all: approve() -----------------------------------------------------------------
SET LOCAL servicedesk.actor_id = 1002;
SELECT is((pg_temp.error_of(format('SELECT servicedesk.approve(%s)', :a_adam))).code, 'SD006',
  'approve() of somebody else''s approval: SD006');
SELECT matches((pg_temp.error_of(format('SELECT servicedesk.approve(%s)', :a_adam))).hint, 'approver',
  'SD006 HINT says who may decide');
SELECT is((pg_temp.error_of(format($$UPDATE servicedesk.approvals SET status = 'approved' WHERE id = %s$$, :a_adam))).code, 'SD006',
  'a plain UPDATE deciding somebody else''s approval: SD006');
SELECT is(pg_temp.who(:r1, 'pending'), '{1002,1004}', 'refused decisions change nothing');
SELECT servicedesk.approve(:a_mona, 'fine')::text AS approved_row \gset
SELECT is(:'approved_row', (SELECT a::text FROM servicedesk.approvals a WHERE id = :a_mona), 'approve() returns the updated row');
SELECT is((SELECT (status, comment, decision_at = now())::text FROM servicedesk.approvals WHERE id = :a_mona),
  '(approved,fine,t)', 'approve(): status approved, comment stored, decision_at set');
SELECT is(pg_temp.stage(:r1), 'manager_approval', 'policy all: one of two approvals does not move the request');
SELECT is((SELECT (action, user_id, new_values->>'status')::text FROM servicedesk.audit_logs
            WHERE entity_type = 'approvals' AND entity_id = :a_mona ORDER BY id DESC LIMIT 1),
  '(approve,1002,approved)', 'the decision is audited as approve by the approver');
SELECT is((pg_temp.error_of(format('SELECT servicedesk.approve(%s)', :a_mona))).code, 'SD006', 'deciding twice: SD006');
SELECT matches((pg_temp.error_of(format('SELECT servicedesk.approve(%s)', :a_mona))).message, 'already approved', 'SD006 says it is already approved');
SELECT is((pg_temp.error_of(format('SELECT servicedesk.reject(%s)', :a_mona))).code, 'SD006', 'rejecting after approving: SD006');
SELECT is((pg_temp.error_of(format($$UPDATE servicedesk.approvals SET comment = 'changed my mind' WHERE id = %s$$, :a_mona))).code, 'SD006',
  'the comment of a decided row is frozen: SD006');
SELECT is((pg_temp.error_of(format($$UPDATE servicedesk.approvals SET decision_at = now() - interval '1 day' WHERE id = %s$$, :a_mona))).code, 'SD006',
  'decision_at of a decided row is frozen: SD006');
SELECT is((pg_temp.error_of(format($$UPDATE servicedesk.approvals SET due_date = NULL WHERE id = %s$$, :a_mona))).code, 'SD006',
  'due_date of a decided row is frozen: SD006');
SELECT is((pg_temp.error_of(format($$UPDATE servicedesk.approvals SET status = 'pending' WHERE id = %s$$, :a_mona))).code, 'SD006',
  'a decided row cannot go back to pending: SD006');
SELECT lives_ok(format($$UPDATE servicedesk.approvals SET comment = comment WHERE id = %s$$, :a_mona),
  'an UPDATE that changes nothing on a decided row is fine');
SELECT is((SELECT (status, comment)::text FROM servicedesk.approvals WHERE id = :a_mona), '(approved,fine)', 'the decided row is unchanged');

SET LOCAL servicedesk.actor_id = 1004;
SELECT is((servicedesk.approve(:a_adam)).status::text, 'approved', 'the last approval');
SELECT is((SELECT (current_stage_id, status)::text FROM servicedesk.services WHERE id = :r1), '(fulfilment,in_progress)',
  'policy all: every approval -> on_approved');
SELECT is((SELECT comment FROM servicedesk.approvals WHERE id = :a_adam), NULL, 'approve() without a comment leaves it NULL');
SELECT is((SELECT (action, user_id, old_values->>'current_stage_id', new_values->>'current_stage_id')::text
             FROM servicedesk.audit_logs WHERE entity_type = 'services' AND entity_id = :r1 ORDER BY id DESC LIMIT 1),
  '(transition,1004,manager_approval,fulfilment)', 'the automatic move is audited as a transition by the deciding approver');
SELECT ok((SELECT max(id) FROM servicedesk.audit_logs WHERE entity_type = 'approvals' AND entity_id = :a_adam AND action = 'approve')
        < (SELECT max(id) FROM servicedesk.audit_logs WHERE entity_type = 'services' AND entity_id = :r1 AND action = 'transition'),
  'the decision is audited before the transition it causes');
SELECT is((SELECT count(*)::int FROM servicedesk.pending_approvals WHERE service_id = :r1), 0, 'nothing pending any more');

-- policy all: a rejection -----------------------------------------------------------------
SET LOCAL servicedesk.actor_id = 1001;
INSERT INTO servicedesk.services (title, service_type, requester_id) VALUES ('Phone', 'it', 1003) RETURNING id AS r2 \gset
UPDATE servicedesk.services SET current_stage_id = 'triage' WHERE id = :r2;
UPDATE servicedesk.services SET current_stage_id = 'manager_approval' WHERE id = :r2;
SET LOCAL servicedesk.actor_id = 1002;
SELECT servicedesk.reject(pg_temp.aid(:r2, 1002), 'no budget')::text AS rejected_row \gset
SELECT is(:'rejected_row', (SELECT a::text FROM servicedesk.approvals a WHERE id = pg_temp.aid(:r2, 1002)), 'reject() returns the updated row');
SELECT is((SELECT (status, comment, decision_at = now())::text FROM servicedesk.approvals WHERE id = pg_temp.aid(:r2, 1002)),
  '(rejected,"no budget",t)', 'reject(): status rejected, comment, decision_at');
SELECT is((SELECT (current_stage_id, status)::text FROM servicedesk.services WHERE id = :r2), '(rejected,rejected)',
  'policy all: any rejection -> on_rejected');
SELECT is(pg_temp.who(:r2, 'cancelled'), '{1004}', 'the remaining pending row is cancelled');
SELECT is((SELECT array_agg(action ORDER BY id)::text FROM servicedesk.audit_logs WHERE entity_type = 'approvals' AND entity_id = pg_temp.aid(:r2, 1002)),
  '{insert,reject}', 'the rejection is audited as reject');
SELECT is((SELECT (action, new_values->>'status')::text FROM servicedesk.audit_logs
            WHERE entity_type = 'approvals' AND entity_id = pg_temp.aid(:r2, 1004) ORDER BY id DESC LIMIT 1),
  '(update,cancelled)', 'the cancellation is audited as an update');
SET LOCAL servicedesk.actor_id = 1004;
SELECT is((pg_temp.error_of(format('SELECT servicedesk.approve(%s)', pg_temp.aid(:r2, 1004)))).code, 'SD006',
  'deciding a cancelled approval: SD006');
SELECT is((pg_temp.error_of(format($$UPDATE servicedesk.approvals SET status = 'approved' WHERE id = %s$$, pg_temp.aid(:r2, 1004)))).code, 'SD006',
  'a plain UPDATE deciding a cancelled approval: SD006');
SELECT is((pg_temp.error_of(format($$UPDATE servicedesk.approvals SET comment = 'late' WHERE id = %s$$, pg_temp.aid(:r2, 1004)))).code, 'SD006',
  'a cancelled row is frozen too');

-- policy all on role fin: plain UPDATEs decide, decision_at comes from the decision ----------
SET LOCAL servicedesk.actor_id = 1001;
SELECT pg_temp.open('w_all', 1003) AS ra \gset
SELECT is(pg_temp.who(:ra, 'pending'), '{2001,2002,2003}', 'role fin: fay, gus and hal (ida inactive)');
SET LOCAL servicedesk.actor_id = 2001;
UPDATE servicedesk.approvals SET status = 'approved', decision_at = '2000-01-01', comment = 'ok'
 WHERE id = pg_temp.aid(:ra, 2001);
SELECT is((SELECT (status, comment, decision_at = now())::text FROM servicedesk.approvals WHERE id = pg_temp.aid(:ra, 2001)),
  '(approved,ok,t)', 'a plain UPDATE of status decides; decision_at is the decision time, not the value given');
SELECT is((SELECT action FROM servicedesk.audit_logs WHERE entity_type = 'approvals' AND entity_id = pg_temp.aid(:ra, 2001) ORDER BY id DESC LIMIT 1),
  'approve', 'the plain UPDATE is audited as approve');
SET LOCAL servicedesk.actor_id = 2002;
UPDATE servicedesk.approvals SET comment = 'looking into it' WHERE id = pg_temp.aid(:ra, 2002);
SELECT is((SELECT (status, comment, decision_at)::text FROM servicedesk.approvals WHERE id = pg_temp.aid(:ra, 2002)),
  '(pending,"looking into it",)', 'the approver may comment on a pending approval without deciding');
SELECT is((pg_temp.error_of(format($$UPDATE servicedesk.approvals SET decision_at = now() WHERE id = %s$$, pg_temp.aid(:ra, 2002)))).code, 'SD006',
  'decision_at of a pending row cannot be set by hand: SD006');
SET LOCAL servicedesk.actor_id = 2003;
SELECT is((pg_temp.error_of(format($$UPDATE servicedesk.approvals SET comment = 'hijack' WHERE id = %s$$, pg_temp.aid(:ra, 2002)))).code, 'SD006',
  'somebody else cannot write the approver''s comment: SD006');
SET LOCAL servicedesk.actor_id = 2002;
SELECT is((pg_temp.error_of(format($$UPDATE servicedesk.approvals SET approver_id = 2003 WHERE id = %s$$, pg_temp.aid(:ra, 2002)))).code, 'SD006',
  'changing approver_id of a pending row: SD006');
SELECT is((pg_temp.error_of(format($$UPDATE servicedesk.approvals SET round = 7 WHERE id = %s$$, pg_temp.aid(:ra, 2002)))).code, 'SD006',
  'changing round of a pending row: SD006');
SELECT is((pg_temp.error_of(format($$UPDATE servicedesk.approvals SET service_id = %s WHERE id = %s$$, :r1, pg_temp.aid(:ra, 2002)))).code, 'SD006',
  'changing service_id of a pending row: SD006');
SELECT is((pg_temp.error_of(format($$UPDATE servicedesk.approvals SET status = 'cancelled' WHERE id = %s$$, pg_temp.aid(:ra, 2002)))).code, 'SD006',
  'setting status to cancelled by hand: SD006');
SELECT matches((pg_temp.error_of(format($$UPDATE servicedesk.approvals SET status = 'cancelled' WHERE id = %s$$, pg_temp.aid(:ra, 2002)))).message,
  'approval \d+ of request \d+', 'SD006 message names the approval and the request');
SELECT is((pg_temp.error_of(format($$DELETE FROM servicedesk.approvals WHERE id = %s$$, pg_temp.aid(:ra, 2002)))).code, 'SD006',
  'DELETE of a pending approval: SD006');
SELECT is((pg_temp.error_of(format($$INSERT INTO servicedesk.approvals (service_id, workflow_stage_id, approver_id) VALUES (%s, 'appr', 2002)$$, :ra))).code, 'SD006',
  'a direct INSERT into approvals: SD006');
SELECT is((pg_temp.error_of(format($$INSERT INTO servicedesk.approvals (service_id, workflow_stage_id, approver_id, status) VALUES (%s, 'appr', 2002, 'approved')$$, :ra))).code, 'SD006',
  'a direct INSERT of an approved row: SD006');
SET LOCAL servicedesk.actor_id = '';
SELECT is((pg_temp.error_of(format($$UPDATE servicedesk.approvals SET status = 'approved' WHERE id = %s$$, pg_temp.aid(:ra, 2002)))).code, 'SD006',
  'deciding with no acting user: SD006');
SELECT is((pg_temp.error_of('SELECT servicedesk.approve(NULL)')).code, 'SD006', 'approve(NULL): SD006');
SELECT is((pg_temp.error_of('SELECT servicedesk.approve(-1)')).code, 'SD006', 'approve(-1): SD006');
SELECT is((pg_temp.error_of('SELECT servicedesk.reject(-1, ''x'')')).code, 'SD006', 'reject(-1): SD006');
SELECT is((SELECT array_agg((status, comment)::text ORDER BY approver_id) FROM servicedesk.approvals WHERE service_id = :ra),
  '{"(approved,ok)","(pending,\"looking into it\")","(pending,)"}', 'every refused change left the rows as they were');
SELECT is((SELECT array_agg(DISTINCT due_date) FROM servicedesk.approvals WHERE service_id = :ra),
  ARRAY[now() + interval '90 minutes'], 'due_minutes 90 without SLA: now() + 90 minutes');
SELECT pg_temp.decide(pg_temp.aid(:ra, 2002), 2002, 'approved');
SELECT is(pg_temp.stage(:ra), 'appr', 'policy all: two of three approvals do not move the request');

-- leaving the stage by hand cancels; re-entering starts round 2 -------------------------------
SET LOCAL servicedesk.actor_id = 1001;
UPDATE servicedesk.services SET current_stage_id = 'rework' WHERE id = :ra;
SELECT is(pg_temp.who(:ra, 'cancelled'), '{2003}', 'leaving the approval stage by hand cancels its pending rows');
SELECT is(pg_temp.who(:ra, 'approved'), '{2001,2002}', 'decided rows stay as they were');
SELECT is((SELECT (action, user_id)::text FROM servicedesk.audit_logs WHERE entity_type = 'approvals' AND entity_id = pg_temp.aid(:ra, 2003) ORDER BY id DESC LIMIT 1),
  '(update,1001)', 'the cancellation is audited as an update by the actor who moved the request');
SELECT pg_temp.aid(:ra, 2003) AS a_hal_round1 \gset
UPDATE servicedesk.services SET current_stage_id = 'appr' WHERE id = :ra;
SELECT is((SELECT array_agg(approver_id ORDER BY approver_id) FROM servicedesk.approvals WHERE service_id = :ra AND round = 2 AND status = 'pending'),
  '{2001,2002,2003}', 're-entering the stage creates round 2 for every approver');
SELECT is((SELECT count(*)::int FROM servicedesk.pending_approvals WHERE service_id = :ra), 3, 'the view shows only the round 2 rows');
SET LOCAL servicedesk.actor_id = 2003;
SELECT is((pg_temp.error_of(format('SELECT servicedesk.approve(%s)', :a_hal_round1))).code, 'SD006',
  'the cancelled round 1 approval cannot be decided');
SELECT pg_temp.decide(pg_temp.aid(:ra, 2001), 2001, 'approved');
SELECT pg_temp.decide(pg_temp.aid(:ra, 2002), 2002, 'approved');
SELECT is(pg_temp.stage(:ra), 'appr', 'round 2: round 1 approvals do not count');
SELECT pg_temp.decide(pg_temp.aid(:ra, 2003), 2003, 'approved');
SELECT is((SELECT (current_stage_id, status)::text FROM servicedesk.services WHERE id = :ra), '(done,resolved)',
  'round 2 complete: on_approved');
SELECT is((SELECT array_agg(round ORDER BY round) FROM servicedesk.approvals WHERE service_id = :ra AND status = 'approved'),
  '{1,1,2,2,2}', 'both rounds are kept');

-- round 2 of policy all: a rejection in round 1 does not count
SET LOCAL servicedesk.actor_id = 1001;
SELECT pg_temp.open('w_all', 1003) AS rb \gset
SELECT pg_temp.decide(pg_temp.aid(:rb, 2001), 2001, 'approved');
SET LOCAL servicedesk.actor_id = 1001;
UPDATE servicedesk.services SET current_stage_id = 'rework' WHERE id = :rb;
UPDATE servicedesk.services SET current_stage_id = 'appr' WHERE id = :rb;
SELECT pg_temp.decide(pg_temp.aid(:rb, 2001), 2001, 'rejected');
SELECT is((SELECT (current_stage_id, (SELECT array_agg((round, status)::text ORDER BY round) FROM servicedesk.approvals WHERE service_id = :rb AND approver_id = 2001))::text
             FROM servicedesk.services WHERE id = :rb),
  '(nope,"{""(1,approved)"",""(2,rejected)""}")', 'an approver may decide differently in the new round');

-- policy any ---------------------------------------------------------------------------
SET LOCAL servicedesk.actor_id = 1001;
SELECT pg_temp.open('w_any', 1003) AS rn1 \gset
SELECT is((SELECT (count(*), bool_and(due_date IS NULL))::text FROM servicedesk.approvals WHERE service_id = :rn1),
  '(3,t)', 'no due_minutes: due_date is NULL');
SELECT is((SELECT (due_date IS NULL, overdue IS NULL)::text FROM servicedesk.pending_approvals WHERE service_id = :rn1 LIMIT 1),
  '(t,t)', 'the view shows no due date and no overdue flag');
SELECT pg_temp.decide(pg_temp.aid(:rn1, 2001), 2001, 'rejected');
SELECT is(pg_temp.stage(:rn1), 'appr', 'policy any: one rejection of three does not decide');
SELECT pg_temp.decide(pg_temp.aid(:rn1, 2002), 2002, 'approved');
SELECT is(pg_temp.stage(:rn1), 'done', 'policy any: the first approval -> on_approved');
SELECT is(pg_temp.who(:rn1, 'cancelled'), '{2003}', 'policy any: the rest is cancelled');

SET LOCAL servicedesk.actor_id = 1001;
SELECT pg_temp.open('w_any', 1003) AS rn2 \gset
SELECT pg_temp.decide(pg_temp.aid(:rn2, 2001), 2001, 'rejected');
SELECT pg_temp.decide(pg_temp.aid(:rn2, 2003), 2003, 'rejected');
SELECT is(pg_temp.stage(:rn2), 'appr', 'policy any: two rejections of three do not decide');
SET LOCAL servicedesk.actor_id = 2002;
SELECT servicedesk.reject(pg_temp.aid(:rn2, 2002));
SELECT is(pg_temp.stage(:rn2), 'nope', 'policy any: all rejected -> on_rejected');
SELECT is(pg_temp.who(:rn2, 'rejected'), '{2001,2002,2003}', 'policy any: nothing cancelled when all decided');

-- policy quorum 2 of 3 -----------------------------------------------------------------------
SET LOCAL servicedesk.actor_id = 1001;
SELECT pg_temp.open('w_q2', 1003) AS rq1 \gset
SELECT pg_temp.decide(pg_temp.aid(:rq1, 2001), 2001, 'approved');
SELECT is(pg_temp.stage(:rq1), 'appr', 'quorum 2: one approval is not enough');
SELECT is((pg_temp.error_of(format($$DELETE FROM servicedesk.approvals WHERE id = %s$$, pg_temp.aid(:rq1, 2001)))).code, 'SD006',
  'DELETE of a decision that still counts (request at the stage): SD006');
SELECT pg_temp.decide(pg_temp.aid(:rq1, 2003), 2003, 'approved');
SELECT is(pg_temp.stage(:rq1), 'done', 'quorum 2: two approvals -> on_approved');
SELECT is(pg_temp.who(:rq1, 'cancelled'), '{2002}', 'quorum 2: the remaining row is cancelled');
SELECT lives_ok(format($$DELETE FROM servicedesk.approvals WHERE id = %s$$, pg_temp.aid(:rq1, 2001)),
  'once the request has moved on, a decided approval can be deleted');

SET LOCAL servicedesk.actor_id = 1001;
SELECT pg_temp.open('w_q2', 1003) AS rq2 \gset
SELECT pg_temp.decide(pg_temp.aid(:rq2, 2001), 2001, 'rejected');
SELECT is(pg_temp.stage(:rq2), 'appr', 'quorum 2: one rejection, 2 still reachable');
SELECT pg_temp.decide(pg_temp.aid(:rq2, 2002), 2002, 'rejected');
SELECT is(pg_temp.stage(:rq2), 'nope', 'quorum 2: two rejections of three -> on_rejected at once');
SELECT is(pg_temp.who(:rq2, 'cancelled'), '{2003}', 'quorum 2: the undecided row is cancelled');

SET LOCAL servicedesk.actor_id = 1001;
SELECT pg_temp.open('w_q2', 1003) AS rq3 \gset
SELECT pg_temp.decide(pg_temp.aid(:rq3, 2001), 2001, 'approved');
SELECT pg_temp.decide(pg_temp.aid(:rq3, 2002), 2002, 'rejected');
SELECT is(pg_temp.stage(:rq3), 'appr', 'quorum 2: one approval, one rejection, one pending: undecided');
SELECT pg_temp.decide(pg_temp.aid(:rq3, 2003), 2003, 'rejected');
SELECT is(pg_temp.stage(:rq3), 'nope', 'quorum 2: 1 approval and nobody left -> on_rejected');

-- explicit approver ids ---------------------------------------------------------------------------
SET LOCAL servicedesk.actor_id = 1001;
SELECT pg_temp.open('w_ids', 1003) AS ri1 \gset
SELECT is(pg_temp.who(:ri1, 'pending'), '{2001,2002}', 'listed ids: the inactive and the unknown id are ignored');
SELECT pg_temp.open('w_ids', 2002) AS ri2 \gset
SELECT is(pg_temp.who(:ri2, 'pending'), '{2001}', 'listed ids: the requester is left out');
SELECT pg_temp.decide(pg_temp.aid(:ri2, 2001), 2001, 'approved');
SELECT is(pg_temp.stage(:ri2), 'done', 'policy all over the resolved approvers only');

-- SD005: nobody (or too few) can approve ---------------------------------------------------------
SET LOCAL servicedesk.actor_id = 1001;
INSERT INTO servicedesk.services (title, service_type, requester_id) VALUES ('none', 'w_none', 1003) RETURNING id AS rx1 \gset
SELECT is((pg_temp.error_of(format($$UPDATE servicedesk.services SET current_stage_id = 'appr' WHERE id = %s$$, :rx1))).code, 'SD005',
  'a role nobody holds: SD005');
SELECT matches((pg_temp.error_of(format($$UPDATE servicedesk.services SET current_stage_id = 'appr' WHERE id = %s$$, :rx1))).message,
  'nobody can approve', 'SD005 message says nobody can approve');
SELECT isnt((pg_temp.error_of(format($$UPDATE servicedesk.services SET current_stage_id = 'appr' WHERE id = %s$$, :rx1))).hint, NULL,
  'SD005 has a HINT');
SELECT matches((pg_temp.error_of(format($$UPDATE servicedesk.services SET current_stage_id = 'appr' WHERE id = %s$$, :rx1))).detail,
  'nobody', 'SD005 DETAIL names the approvers rule');
SELECT is((pg_temp.error_of(format($$SELECT servicedesk.transition(%s, 'appr')$$, :rx1))).code, 'SD005',
  'transition() into it: SD005 as well');
SELECT is((SELECT (current_stage_id, status)::text FROM servicedesk.services WHERE id = :rx1), '(new,submitted)', 'the stage is unchanged');
SELECT is((SELECT count(*)::int FROM servicedesk.approvals WHERE service_id = :rx1), 0, 'no approvals rows');
SELECT is((SELECT count(*)::int FROM servicedesk.audit_logs WHERE entity_type = 'services' AND entity_id = :rx1 AND action = 'transition'), 0,
  'no transition audited');

INSERT INTO servicedesk.services (title, service_type, requester_id) VALUES ('q3', 'w_q3', 1003) RETURNING id AS rx2 \gset
SELECT is((pg_temp.error_of(format($$UPDATE servicedesk.services SET current_stage_id = 'appr' WHERE id = %s$$, :rx2))).code, 'SD005',
  'quorum 3 with 2 active listed approvers: SD005');
SELECT matches((pg_temp.error_of(format($$UPDATE servicedesk.services SET current_stage_id = 'appr' WHERE id = %s$$, :rx2))).message,
  'too few approvers \(2 of 3', 'SD005 message gives the count');
SELECT is((SELECT (pg_temp.stage(:rx2), (SELECT count(*) FROM servicedesk.approvals WHERE service_id = :rx2))::text), '(new,0)',
  'nothing changed');
UPDATE servicedesk.users SET active = true WHERE id = 2004;
UPDATE servicedesk.services SET current_stage_id = 'appr' WHERE id = :rx2;
SELECT is(pg_temp.who(:rx2, 'pending'), '{2001,2002,2004}', 'once a third approver is active the move works');
UPDATE servicedesk.users SET active = false WHERE id = 2004;

INSERT INTO servicedesk.services (title, service_type, requester_id) VALUES ('own', 'w_one', 2001) RETURNING id AS rx3 \gset
SELECT is((pg_temp.error_of(format($$UPDATE servicedesk.services SET current_stage_id = 'appr' WHERE id = %s$$, :rx3))).code, 'SD005',
  'the only listed approver is the requester: SD005');
SET LOCAL servicedesk.actor_id = 2001;
UPDATE servicedesk.users SET roles = '{}' WHERE id IN (2002, 2003);
INSERT INTO servicedesk.services (title, service_type) VALUES ('fin', 'w_q2') RETURNING id AS rx4 \gset
SELECT is((pg_temp.error_of(format($$UPDATE servicedesk.services SET current_stage_id = 'appr' WHERE id = %s$$, :rx4))).code, 'SD005',
  'role fin with one active holder who is the requester, quorum 2: SD005');
UPDATE servicedesk.users SET roles = '{fin}' WHERE id IN (2002, 2003);
SET LOCAL servicedesk.actor_id = 1001;
INSERT INTO servicedesk.services (title, service_type, requester_id) VALUES ('Adam again', 'it', 1004) RETURNING id AS r_adam2 \gset
UPDATE servicedesk.services SET current_stage_id = 'triage' WHERE id = :r_adam2;
UPDATE servicedesk.users SET active = false WHERE id = 1002;
SELECT is((pg_temp.error_of(format($$UPDATE servicedesk.services SET current_stage_id = 'manager_approval' WHERE id = %s$$, :r_adam2))).code, 'SD005',
  'SPEC workflow: the requester is the only active manager: SD005 (checked on entry)');
UPDATE servicedesk.users SET active = true WHERE id = 1002;

-- an approval stage as the initial stage ------------------------------------------------------
SELECT servicedesk.publish_workflow('w_init',
  '[{"id": "ask", "status": "pending_approval", "initial": true,
     "approval": {"approvers": {"role": "fin"}, "policy": "any", "on_approved": "ok", "on_rejected": "no"}},
    {"id": "ok", "status": "in_progress"}, {"id": "no", "status": "rejected", "terminal": true}]',
  '[]', NULL, 'w_init') AS w_init \gset
INSERT INTO servicedesk.services (title, service_type, requester_id) VALUES ('init', 'w_init', 1003) RETURNING id AS rinit \gset
SELECT is(pg_temp.who(:rinit, 'pending'), '{2001,2002,2003}', 'an initial approval stage requests approvals on INSERT');
UPDATE servicedesk.users SET roles = '{}' WHERE id IN (2001, 2002, 2003);
SELECT is((pg_temp.error_of($$INSERT INTO servicedesk.services (title, service_type, requester_id) VALUES ('init2', 'w_init', 1003)$$)).code, 'SD005',
  'INSERT into an initial approval stage nobody can approve: SD005');
SELECT is((SELECT count(*)::int FROM servicedesk.services WHERE title = 'init2'), 0, 'no request was created');
UPDATE servicedesk.users SET roles = '{fin}' WHERE id IN (2001, 2002, 2003);

-- due dates on the SLA calendar -------------------------------------------------------------
INSERT INTO servicedesk.calendars (name, timezone, working_hours) VALUES ('office', 'Europe/Berlin',
  '{"mon": [["09:00", "17:00"]], "tue": [["09:00", "17:00"]], "wed": [["09:00", "17:00"]],
    "thu": [["09:00", "17:00"]], "fri": [["09:00", "17:00"]]}') RETURNING id AS cal \gset
INSERT INTO servicedesk.slas (name, service_type, response_time, resolution_time, calendar_id)
  VALUES ('w_all office', 'w_all', 60, 960, :cal) RETURNING id AS sla \gset
SET LOCAL servicedesk.actor_id = 1001;
SELECT pg_temp.open('w_all', 1003) AS rc \gset
SELECT is((SELECT sla_id FROM servicedesk.services WHERE id = :rc), :sla, 'the request runs on the office SLA');
SELECT is((SELECT array_agg(DISTINCT due_date) FROM servicedesk.approvals WHERE service_id = :rc),
  ARRAY[servicedesk.business_add(now(), 90, :cal)], 'due_date = business_add(entry time, due_minutes, SLA calendar)');
SELECT ok((SELECT bool_and(servicedesk.business_minutes(now(), due_date, :cal) = 90) FROM servicedesk.approvals WHERE service_id = :rc),
  'exactly 90 working minutes until the due date');
SELECT is((SELECT due_date FROM servicedesk.pending_approvals WHERE service_id = :rc LIMIT 1),
  servicedesk.business_add(now(), 90, :cal), 'the view shows the business-time due date');

-- cancelling the request via "*" ---------------------------------------------------------------
SET LOCAL servicedesk.actor_id = 1003;
INSERT INTO servicedesk.services (title, service_type) VALUES ('Monitor', 'it') RETURNING id AS r3 \gset
SET LOCAL servicedesk.actor_id = 1001;
UPDATE servicedesk.services SET current_stage_id = 'triage' WHERE id = :r3;
UPDATE servicedesk.services SET current_stage_id = 'manager_approval' WHERE id = :r3;
SET LOCAL servicedesk.actor_id = 1002;
SELECT servicedesk.approve(pg_temp.aid(:r3, 1002));
SET LOCAL servicedesk.actor_id = 1003;
SELECT is((servicedesk.transition(:r3, 'cancelled')).status::text, 'cancelled', 'the requester cancels a request awaiting approval');
SELECT is((SELECT array_agg((approver_id, status)::text ORDER BY approver_id) FROM servicedesk.approvals WHERE service_id = :r3),
  '{"(1002,approved)","(1004,cancelled)"}', 'cancelling via "*" cancels the pending rows, keeps the decided ones');
SELECT is((SELECT count(*)::int FROM servicedesk.pending_approvals WHERE service_id = :r3), 0, 'nothing pending for a cancelled request');
SET LOCAL servicedesk.actor_id = 1004;
SELECT is((pg_temp.error_of(format('SELECT servicedesk.approve(%s)', pg_temp.aid(:r3, 1004)))).code, 'SD006',
  'approving after the request was cancelled: SD006');
SELECT is(pg_temp.stage(:r3), 'cancelled', 'the request stays cancelled');
SELECT lives_ok(format($$DELETE FROM servicedesk.approvals WHERE id = %s$$, pg_temp.aid(:r3, 1004)),
  'a cancelled approval can be deleted');

-- the view lists exactly the pending rows --------------------------------------------------------
SELECT set_eq($$SELECT approval_id FROM servicedesk.pending_approvals$$,
              $$SELECT id FROM servicedesk.approvals WHERE status = 'pending'$$,
              'pending_approvals lists exactly the pending rows');
SELECT ok((SELECT count(*) FROM servicedesk.pending_approvals) > 0, 'and there are some');

-- a requester changed after the approvals were requested still never decides
SET LOCAL servicedesk.actor_id = 1001;
INSERT INTO servicedesk.services (title, service_type, requester_id) VALUES ('swap', 'it', 1003) RETURNING id AS r_swap \gset
UPDATE servicedesk.services SET current_stage_id = 'triage' WHERE id = :r_swap;
UPDATE servicedesk.services SET current_stage_id = 'manager_approval' WHERE id = :r_swap;
UPDATE servicedesk.services SET requester_id = 1002 WHERE id = :r_swap;
SET LOCAL servicedesk.actor_id = 1002;
SELECT is((pg_temp.error_of(format($$SELECT servicedesk.approve((SELECT id FROM servicedesk.approvals WHERE service_id = %s AND approver_id = 1002))$$, :r_swap))).code,
  'SD006', 'the request''s current requester cannot approve, even with a pending row');
SELECT matches((pg_temp.error_of(format($$SELECT servicedesk.approve((SELECT id FROM servicedesk.approvals WHERE service_id = %s AND approver_id = 1002))$$, :r_swap))).message,
  'is the request''s requester', 'the message says why');
SET LOCAL servicedesk.actor_id = 1004;
SELECT is((servicedesk.approve((SELECT id FROM servicedesk.approvals WHERE service_id = :r_swap AND approver_id = 1004))).status::text,
  'approved', 'another approver still decides');

SELECT * FROM finish();
ROLLBACK;
