-- Invariant checker for the soak and crash tests (issue 6), in plain SQL.
--
--   psql -X -At -d DB -f test/soak/invariants.sql
--
-- Defines temporary views and tables (this session only) and prints one row
-- per invariant: name|violations|up to three examples. Every count must be 0.
-- The table pg_temp.sd_violations holds every violating row
-- (check_name, entity, id, detail) for a closer look after `\i`.
--
-- It reads only the extension's tables, so it works on any servicedesk
-- database, whatever wrote it, as long as the audit trail is complete.
-- Requests are audited as entity_type 'services'; a stage change is an audit
-- row with action 'transition' whose old_values/new_values hold
-- current_stage_id.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
\pset footer off
-- One consistent snapshot for all checks (the workload may still be running).
BEGIN ISOLATION LEVEL REPEATABLE READ;

-- Stages of every workflow version.
CREATE TEMP TABLE sd_stages AS
SELECT w.id AS workflow_id, s.ord - 1 AS idx, s.st->>'id' AS stage_id, s.st->>'status' AS status,
       coalesce((s.st->>'initial')::boolean, false) AS initial,
       coalesce((s.st->>'terminal')::boolean, false) AS terminal,
       s.st->>'sla' = 'pause' AS pause,
       s.st->'approval' AS approval
  FROM servicedesk.workflows w,
       jsonb_array_elements(w.stages) WITH ORDINALITY AS s(st, ord);
ANALYZE sd_stages;

-- Edges a request may take: defined transitions ("*" = every non-terminal
-- stage; an array = each stage) and approval outcomes.
CREATE TEMP VIEW sd_edges AS
SELECT t.workflow_id, f.from_stage, t.to_stage, 'transition'::text AS kind
  FROM (SELECT w.id AS workflow_id, tr->'from' AS from_json, tr->>'to' AS to_stage
          FROM servicedesk.workflows w, jsonb_array_elements(w.transitions) tr) t
  CROSS JOIN LATERAL (
    SELECT x AS from_stage
      FROM jsonb_array_elements_text(CASE jsonb_typeof(t.from_json) WHEN 'array' THEN t.from_json
                                          ELSE jsonb_build_array(t.from_json) END) x
     WHERE x <> '*'
    UNION
    SELECT s.stage_id FROM sd_stages s
     WHERE t.from_json = '"*"' AND s.workflow_id = t.workflow_id AND NOT s.terminal) f
UNION ALL
SELECT s.workflow_id, s.stage_id, o.to_stage, o.kind
  FROM sd_stages s
  CROSS JOIN LATERAL (VALUES (s.approval->>'on_approved', 'approved'),
                             (s.approval->>'on_rejected', 'rejected')) o(to_stage, kind)
 WHERE s.approval IS NOT NULL;

-- Audit rows of requests, numbered per request.
CREATE TEMP VIEW sd_req_audit AS
SELECT a.id, a.entity_id AS service_id, a.action, a.old_values, a.new_values,
       a.old_values->>'current_stage_id' AS from_stage, a.new_values->>'current_stage_id' AS to_stage
  FROM servicedesk.audit_logs a
 WHERE a.entity_type = 'services';

-- The transitions of each request, in order, with the stage before and after.
CREATE TEMP TABLE sd_moves AS
SELECT m.*, s.workflow_id,
       lag(m.to_stage) OVER w AS prev_to, lag(m.id) OVER w AS prev_id,
       row_number() OVER w AS n,
       lead(m.id) OVER w AS next_id
  FROM sd_req_audit m
  JOIN servicedesk.services s ON s.id = m.service_id
 WHERE m.action = 'transition'
WINDOW w AS (PARTITION BY m.service_id ORDER BY m.id);
CREATE INDEX ON sd_moves (service_id, id);
ANALYZE sd_moves;

CREATE TEMP VIEW sd_inserts AS
SELECT DISTINCT ON (service_id) service_id, id, to_stage AS stage
  FROM sd_req_audit WHERE action = 'insert' ORDER BY service_id, id;

CREATE TEMP VIEW sd_last_move AS
SELECT DISTINCT ON (service_id) * FROM sd_moves ORDER BY service_id, id DESC;

-- Audit rows of approval decisions.
CREATE TEMP VIEW sd_decisions AS
SELECT a.id, a.entity_id AS approval_id, a.action
  FROM servicedesk.audit_logs a
 WHERE a.entity_type = 'approvals' AND a.action IN ('approve', 'reject');

-- For each approval: the transition into its stage that opened its round
-- (the last move into the stage before the approval's insert audit row) and
-- the move that closed the round (the next move out of the stage).
CREATE TEMP VIEW sd_rounds AS
SELECT ap.id AS approval_id, ap.service_id, ap.workflow_stage_id, ap.status, ap.round,
       ins.id AS insert_audit_id, entry.id AS entry_id, exit.id AS exit_id, exit.to_stage AS exit_to
  FROM servicedesk.approvals ap
  LEFT JOIN LATERAL (SELECT a.id FROM servicedesk.audit_logs a
                      WHERE a.entity_type = 'approvals' AND a.entity_id = ap.id AND a.action = 'insert'
                      ORDER BY a.id LIMIT 1) ins ON true
  LEFT JOIN LATERAL (SELECT m.id FROM sd_moves m
                      WHERE m.service_id = ap.service_id AND m.to_stage = ap.workflow_stage_id
                        AND m.id < ins.id
                      ORDER BY m.id DESC LIMIT 1) entry ON true
  LEFT JOIN LATERAL (SELECT m.id, m.to_stage FROM sd_moves m
                      WHERE m.service_id = ap.service_id AND m.id > entry.id
                      ORDER BY m.id LIMIT 1) exit ON true;

-- Latest audited value of every column of every row, per table.
CREATE TEMP VIEW sd_last_values AS
SELECT DISTINCT ON (a.entity_type, a.entity_id, kv.key)
       a.entity_type, a.entity_id, kv.key, kv.value, a.id AS audit_id
  FROM servicedesk.audit_logs a, jsonb_each(a.new_values) kv
 WHERE a.entity_type IN ('services', 'approvals', 'sla_tracking', 'sla_escalations')
   AND a.action <> 'delete'
 ORDER BY a.entity_type, a.entity_id, kv.key, a.id DESC;

CREATE TEMP VIEW sd_rows AS
SELECT 'services'::text AS entity_type, x.id, to_jsonb(x) AS j FROM servicedesk.services x
UNION ALL SELECT 'approvals', x.id, to_jsonb(x) FROM servicedesk.approvals x
UNION ALL SELECT 'sla_tracking', x.id, to_jsonb(x) FROM servicedesk.sla_tracking x
UNION ALL SELECT 'sla_escalations', x.id, to_jsonb(x) FROM servicedesk.sla_escalations x;

CREATE TEMP TABLE sd_violations (check_name text, entity text, id integer, detail text);
-- 1. Every request's current stage exists in its workflow version.
INSERT INTO sd_violations
SELECT 'stage exists in its workflow version', 'services', s.id,
       format('stage %s not in workflow %s', s.current_stage_id, s.workflow_id)
  FROM servicedesk.services s
 WHERE NOT EXISTS (SELECT FROM sd_stages st WHERE st.workflow_id = s.workflow_id AND st.stage_id = s.current_stage_id);
-- 2. The status is the stage's status.
INSERT INTO sd_violations
SELECT 'status derived from the stage', 'services', s.id,
       format('status %s at stage %s (%s)', s.status, s.current_stage_id, st.status)
  FROM servicedesk.services s
  JOIN sd_stages st ON st.workflow_id = s.workflow_id AND st.stage_id = s.current_stage_id
 WHERE s.status IS DISTINCT FROM st.status;
-- 3. Exactly one insert audit row per request, at the workflow's initial stage.
INSERT INTO sd_violations
SELECT 'one insert audit row per request', 'services', s.id,
       format('%s insert rows', (SELECT count(*) FROM sd_req_audit r WHERE r.service_id = s.id AND r.action = 'insert'))
  FROM servicedesk.services s
 WHERE (SELECT count(*) FROM sd_req_audit r WHERE r.service_id = s.id AND r.action = 'insert') <> 1;
INSERT INTO sd_violations
SELECT 'insert audit row for an existing request', 'services', r.service_id, format('audit %s', r.id)
  FROM sd_req_audit r
 WHERE r.action = 'insert' AND NOT EXISTS (SELECT FROM servicedesk.services s WHERE s.id = r.service_id);
INSERT INTO sd_violations
SELECT 'replay starts at the initial stage', 'services', s.id,
       format('inserted at %s', i.stage)
  FROM servicedesk.services s
  JOIN sd_inserts i ON i.service_id = s.id
 WHERE NOT EXISTS (SELECT FROM sd_stages st WHERE st.workflow_id = s.workflow_id AND st.initial AND st.stage_id = i.stage);
-- 4. Replaying the transitions: each starts where the previous one ended
-- (the first where the insert put the request) ...
INSERT INTO sd_violations
SELECT 'replay: each transition starts where the previous ended', 'services', m.service_id,
       format('audit %s moves %s -> %s, but the request was at %s', m.id, m.from_stage, m.to_stage,
              coalesce(m.prev_to, i.stage))
  FROM sd_moves m
  LEFT JOIN sd_inserts i ON i.service_id = m.service_id
 WHERE m.from_stage IS DISTINCT FROM coalesce(m.prev_to, i.stage) OR m.from_stage = m.to_stage;
-- ... and ends at the current stage.
INSERT INTO sd_violations
SELECT 'replay ends at the current stage', 'services', s.id,
       format('current %s, replay gives %s', s.current_stage_id, coalesce(l.to_stage, i.stage))
  FROM servicedesk.services s
  LEFT JOIN sd_inserts i ON i.service_id = s.id
  LEFT JOIN sd_last_move l ON l.service_id = s.id
 WHERE s.current_stage_id IS DISTINCT FROM coalesce(l.to_stage, i.stage);
-- 5. Every step is a defined transition or an approval outcome edge.
INSERT INTO sd_violations
SELECT 'every step is a defined transition or approval outcome', 'services', m.service_id,
       format('audit %s: %s -> %s not in workflow %s', m.id, m.from_stage, m.to_stage, m.workflow_id)
  FROM sd_moves m
 WHERE NOT EXISTS (SELECT FROM sd_edges e WHERE e.workflow_id = m.workflow_id
                      AND e.from_stage = m.from_stage AND e.to_stage = m.to_stage);
-- 6. Leaving an approval stage for its on_approved stage happens only as the
-- outcome of an approval decided in that round (never a manual skip).
INSERT INTO sd_violations
SELECT 'approval stage left for on_approved only after an approval', 'services', m.service_id,
       format('audit %s: %s -> %s with no approve decision since audit %s', m.id, m.from_stage, m.to_stage, m.prev_id)
  FROM sd_moves m
  JOIN sd_stages st ON st.workflow_id = m.workflow_id AND st.stage_id = m.from_stage
 WHERE st.approval IS NOT NULL AND m.to_stage = st.approval->>'on_approved'
   AND NOT EXISTS (SELECT FROM sd_decisions d JOIN servicedesk.approvals ap ON ap.id = d.approval_id
                    WHERE ap.service_id = m.service_id AND ap.workflow_stage_id = m.from_stage
                      AND d.action = 'approve' AND d.id < m.id AND d.id > coalesce(m.prev_id, 0));
-- 7. No 'update' audit row of a request hides a stage change.
INSERT INTO sd_violations
SELECT 'stage changes are audited as transitions', 'services', r.service_id, format('audit %s (%s)', r.id, r.action)
  FROM sd_req_audit r
 WHERE r.action NOT IN ('insert', 'transition') AND r.new_values ? 'current_stage_id';
-- 8. No approval decided twice; decided rows have decision_at and exactly one
-- decision audit row that matches their status; others have none.
INSERT INTO sd_violations
SELECT 'no approval decided twice', 'approvals', d.approval_id, format('%s decision rows', count(*))
  FROM sd_decisions d GROUP BY d.approval_id HAVING count(*) > 1;
INSERT INTO sd_violations
SELECT 'decided approvals have decision_at and their decision audited', 'approvals', ap.id,
       format('status %s, decision_at %s, audited %s', ap.status, ap.decision_at,
              (SELECT string_agg(d.action, ',') FROM sd_decisions d WHERE d.approval_id = ap.id))
  FROM servicedesk.approvals ap
 WHERE (ap.status IN ('approved', 'rejected')) IS DISTINCT FROM (ap.decision_at IS NOT NULL)
    OR coalesce((SELECT string_agg(d.action, ',') FROM sd_decisions d WHERE d.approval_id = ap.id), '')
       <> CASE ap.status WHEN 'approved' THEN 'approve' WHEN 'rejected' THEN 'reject' ELSE '' END;
-- 9. Approvals belong to the round they were created for: no decision after
-- the round closed; pending rows only while the request waits in that round;
-- a request waiting at an approval stage has pending rows; the requester never
-- approves; approvers are the stage's (by role or by list).
INSERT INTO sd_violations
SELECT 'no decision after the round closed', 'approvals', r.approval_id,
       format('decision audit %s after the move %s that left %s', d.id, r.exit_id, r.workflow_stage_id)
  FROM sd_rounds r JOIN sd_decisions d ON d.approval_id = r.approval_id
 WHERE r.exit_id IS NOT NULL AND d.id > r.exit_id;
INSERT INTO sd_violations
SELECT 'approval rows created on entering their stage', 'approvals', r.approval_id,
       format('insert audit %s, entry move %s', r.insert_audit_id, r.entry_id)
  FROM sd_rounds r
 WHERE r.insert_audit_id IS NULL OR r.entry_id IS NULL;
INSERT INTO sd_violations
SELECT 'pending approvals only while the request waits in that round', 'approvals', r.approval_id,
       format('pending, but the round was closed by audit %s (-> %s)', r.exit_id, r.exit_to)
  FROM sd_rounds r
 WHERE r.status = 'pending' AND r.exit_id IS NOT NULL;
INSERT INTO sd_violations
SELECT 'a request at an approval stage has pending approvals', 'services', s.id,
       format('at %s with no pending approval', s.current_stage_id)
  FROM servicedesk.services s
  JOIN sd_stages st ON st.workflow_id = s.workflow_id AND st.stage_id = s.current_stage_id
 WHERE st.approval IS NOT NULL
   AND NOT EXISTS (SELECT FROM servicedesk.approvals ap WHERE ap.service_id = s.id
                      AND ap.workflow_stage_id = s.current_stage_id AND ap.status = 'pending');
INSERT INTO sd_violations
SELECT 'approvers are the stage''s, never the requester', 'approvals', ap.id,
       format('approver %s, requester %s, approvers %s', ap.approver_id, s.requester_id, st.approval->'approvers')
  FROM servicedesk.approvals ap
  JOIN servicedesk.services s ON s.id = ap.service_id
  JOIN sd_stages st ON st.workflow_id = s.workflow_id AND st.stage_id = ap.workflow_stage_id
  LEFT JOIN servicedesk.users u ON u.id = ap.approver_id
 WHERE ap.approver_id IS NOT DISTINCT FROM s.requester_id
    OR st.approval IS NULL
    OR CASE jsonb_typeof(st.approval->'approvers')
         WHEN 'array' THEN NOT (st.approval->'approvers' @> to_jsonb(ap.approver_id))
         ELSE NOT coalesce(u.roles @> ARRAY[st.approval->'approvers'->>'role'], false) END;
-- 10. No escalation fired twice, each audited once as 'escalate'; none
-- after the request was cancelled or rejected.
INSERT INTO sd_violations
SELECT 'no escalation fired twice', 'sla_escalations', min(e.id),
       format('tracking %s rule %s fired %s times', e.sla_tracking_id, e.rule_index, count(*))
  FROM servicedesk.sla_escalations e GROUP BY e.sla_tracking_id, e.rule_index HAVING count(*) > 1;
INSERT INTO sd_violations
SELECT 'each escalation audited once as escalate', 'sla_escalations', e.id,
       format('%s escalate rows', (SELECT count(*) FROM servicedesk.audit_logs a
                                    WHERE a.entity_type = 'sla_escalations' AND a.entity_id = e.id AND a.action = 'escalate'))
  FROM servicedesk.sla_escalations e
 WHERE (SELECT count(*) FROM servicedesk.audit_logs a
         WHERE a.entity_type = 'sla_escalations' AND a.entity_id = e.id AND a.action = 'escalate') <> 1;
INSERT INTO sd_violations
SELECT 'escalate audit rows = sla_escalations rows', 'sla_escalations', NULL,
       format('%s escalate rows, %s escalations',
              (SELECT count(*) FROM servicedesk.audit_logs a WHERE a.action = 'escalate'),
              (SELECT count(*) FROM servicedesk.sla_escalations))
 WHERE (SELECT count(*) FROM servicedesk.audit_logs a WHERE a.action = 'escalate')
       <> (SELECT count(*) FROM servicedesk.sla_escalations);
INSERT INTO sd_violations
SELECT 'no escalation or breach after cancellation', 'sla_tracking', t.id,
       format('audit %s (%s) after the move %s to %s', a.id, a.action, m.id, m.to_stage)
  FROM servicedesk.sla_tracking t
  JOIN sd_moves m ON m.service_id = t.service_id
  JOIN sd_stages st ON st.workflow_id = m.workflow_id AND st.stage_id = m.to_stage
                   AND st.status IN ('cancelled', 'rejected')
  JOIN (SELECT a.id, a.entity_id AS tracking_id, a.action FROM servicedesk.audit_logs a
         WHERE a.entity_type = 'sla_tracking' AND a.action = 'breach'
        UNION ALL
        SELECT a.id, (a.new_values->>'sla_tracking_id')::integer, a.action FROM servicedesk.audit_logs a
         WHERE a.entity_type = 'sla_escalations' AND a.action = 'escalate') a
    ON a.tracking_id = t.id AND a.id > m.id;
-- 11. Every tracking row agrees with its request's history.
INSERT INTO sd_violations
SELECT 'one tracking row per request with an SLA, on the same SLA', 'services', s.id,
       format('sla %s, tracking rows %s', s.sla_id,
              (SELECT string_agg(t.id || ':' || t.sla_id || ':' || t.status, ',') FROM servicedesk.sla_tracking t
                WHERE t.service_id = s.id))
  FROM servicedesk.services s
 WHERE (s.sla_id IS NOT NULL AND (SELECT count(*) FROM servicedesk.sla_tracking t
                                    WHERE t.service_id = s.id AND t.sla_id = s.sla_id) <> 1)
    OR (SELECT count(*) FROM servicedesk.sla_tracking t WHERE t.service_id = s.id) > 1
    OR (s.sla_id IS NULL AND EXISTS (SELECT FROM servicedesk.sla_tracking t
                                       WHERE t.service_id = s.id AND t.status <> 'cancelled'));
INSERT INTO sd_violations
SELECT 'tracking status follows the stage', 'sla_tracking', t.id,
       format('tracking %s, request at %s (%s)%s', t.status, s.current_stage_id, st.status,
              CASE WHEN st.pause THEN ', a pause stage' ELSE '' END)
  FROM servicedesk.sla_tracking t
  JOIN servicedesk.services s ON s.id = t.service_id
  JOIN sd_stages st ON st.workflow_id = s.workflow_id AND st.stage_id = s.current_stage_id
 WHERE s.sla_id IS NOT NULL
   AND t.status IS DISTINCT FROM CASE WHEN st.status IN ('cancelled', 'rejected') THEN 'cancelled'
                                      WHEN st.status IN ('resolved', 'closed') THEN 'completed'
                                      WHEN st.pause THEN 'paused'
                                      ELSE 'active' END;
INSERT INTO sd_violations
SELECT 'responded_at set iff the request left its initial stage (not straight to cancelled/rejected)',
       'sla_tracking', t.id,
       format('responded_at %s, first move %s', t.responded_at, fm.from_stage || ' -> ' || fm.to_stage)
  FROM servicedesk.sla_tracking t
  JOIN servicedesk.services s ON s.id = t.service_id
  LEFT JOIN sd_moves fm ON fm.service_id = s.id AND fm.n = 1
  LEFT JOIN sd_stages fst ON fst.workflow_id = s.workflow_id AND fst.stage_id = fm.to_stage
 WHERE s.sla_id IS NOT NULL AND t.status <> 'cancelled'
   AND (t.responded_at IS NOT NULL) <> (fm.id IS NOT NULL AND fst.status NOT IN ('cancelled', 'rejected'));
INSERT INTO sd_violations
SELECT 'resolved_at set when at a resolved/closed stage; paused_at when paused', 'sla_tracking', t.id,
       format('status %s, resolved_at %s, paused_at %s, request at %s', t.status, t.resolved_at, t.paused_at,
              s.current_stage_id)
  FROM servicedesk.sla_tracking t
  JOIN servicedesk.services s ON s.id = t.service_id
 WHERE (t.status = 'completed' AND (t.resolved_at IS NULL OR t.paused_at IS NULL))
    OR (t.status = 'paused' AND t.paused_at IS NULL)
    OR (t.status = 'active' AND t.paused_at IS NOT NULL)
    OR (NOT EXISTS (SELECT FROM sd_moves m JOIN sd_stages st ON st.workflow_id = m.workflow_id AND st.stage_id = m.to_stage
                     WHERE m.service_id = s.id AND st.status IN ('resolved', 'closed'))
        AND t.resolved_at IS NOT NULL);
INSERT INTO sd_violations
SELECT 'breached = response_breached or resolution_breached', 'sla_tracking', t.id,
       format('breached %s, response %s, resolution %s', t.breached, t.response_breached, t.resolution_breached)
  FROM servicedesk.sla_tracking t
 WHERE t.breached IS DISTINCT FROM (t.response_breached OR t.resolution_breached);
-- 12. Every committed change is audited: for every row of services,
-- approvals, sla_tracking and sla_escalations, each column's latest audited
-- value (insert: whole row; update/transition/...: changed columns) is the
-- row's value now (updated_at is never in a diff).
INSERT INTO sd_violations
SELECT 'latest audited value of every column = the row', r.entity_type, r.id,
       format('%s: row %s, audited %s (audit %s)', kv.key, kv.value, lv.value, lv.audit_id)
  FROM sd_rows r
  CROSS JOIN LATERAL jsonb_each(r.j) kv
  LEFT JOIN sd_last_values lv ON lv.entity_type = r.entity_type AND lv.entity_id = r.id AND lv.key = kv.key
 WHERE kv.key <> 'updated_at' AND lv.value IS DISTINCT FROM kv.value;
INSERT INTO sd_violations
SELECT 'audit rows name existing rows', a.entity_type, a.entity_id, format('audit %s (%s)', a.id, a.action)
  FROM servicedesk.audit_logs a
 WHERE a.entity_type IN ('services', 'approvals', 'sla_tracking', 'sla_escalations')
   AND a.action <> 'delete'
   AND NOT EXISTS (SELECT FROM sd_rows r WHERE r.entity_type = a.entity_type AND r.id = a.entity_id);
INSERT INTO sd_violations
SELECT 'audit insert rows for services = services rows', 'services', NULL,
       format('%s insert rows, %s requests',
              (SELECT count(*) FROM sd_req_audit WHERE action = 'insert'), (SELECT count(*) FROM servicedesk.services))
 WHERE (SELECT count(*) FROM sd_req_audit WHERE action = 'insert') <> (SELECT count(*) FROM servicedesk.services);

-- The report: every invariant, with its count (0 when it holds).
SELECT c.check_name, count(v.check_name) AS violations,
       coalesce(string_agg(v.entity || ' ' || coalesce(v.id::text, '') || ': ' || v.detail, ' | ')
                  FILTER (WHERE v.rn <= 3), '') AS examples
  FROM unnest(ARRAY[
         'stage exists in its workflow version',
         'status derived from the stage',
         'one insert audit row per request',
         'insert audit row for an existing request',
         'replay starts at the initial stage',
         'replay: each transition starts where the previous ended',
         'replay ends at the current stage',
         'every step is a defined transition or approval outcome',
         'approval stage left for on_approved only after an approval',
         'stage changes are audited as transitions',
         'no approval decided twice',
         'decided approvals have decision_at and their decision audited',
         'no decision after the round closed',
         'approval rows created on entering their stage',
         'pending approvals only while the request waits in that round',
         'a request at an approval stage has pending approvals',
         'approvers are the stage''s, never the requester',
         'no escalation fired twice',
         'each escalation audited once as escalate',
         'escalate audit rows = sla_escalations rows',
         'no escalation or breach after cancellation',
         'one tracking row per request with an SLA, on the same SLA',
         'tracking status follows the stage',
         'responded_at set iff the request left its initial stage (not straight to cancelled/rejected)',
         'resolved_at set when at a resolved/closed stage; paused_at when paused',
         'breached = response_breached or resolution_breached',
         'latest audited value of every column = the row',
         'audit rows name existing rows',
         'audit insert rows for services = services rows']) WITH ORDINALITY AS c(check_name, ord)
  LEFT JOIN (SELECT v.*, row_number() OVER (PARTITION BY v.check_name ORDER BY v.id) AS rn
               FROM sd_violations v) v ON v.check_name = c.check_name
 GROUP BY c.check_name, c.ord
 ORDER BY c.ord;
COMMIT;
