-- The floor for a transition of a request with an SLA: as
-- transition_floor.sql, plus what the extension does to the request's SLA
-- tracking row on such a move: it locks and reads it (SELECT ... FOR UPDATE).
-- Between two running stages of a responded request the clock does not
-- change, so the extension writes no new version of the row and no audit row
-- for it, and neither does the floor.
\set id random(:lo, :hi)
WITH u AS (
  UPDATE floor.services
     SET current_stage_id = CASE current_stage_id WHEN 'a' THEN 'b' ELSE 'a' END,
         updated_at = now()
   WHERE id = :id
  RETURNING id, current_stage_id),
t AS (
  SELECT id FROM floor.sla_tracking
   WHERE service_id = :id ORDER BY id DESC LIMIT 1 FOR UPDATE)
INSERT INTO floor.audit_logs (user_id, entity_type, entity_id, action, old_values, new_values, ip_address)
SELECT NULL, 'services', u.id, 'transition',
       jsonb_build_object('current_stage_id', CASE u.current_stage_id WHEN 'a' THEN 'b' ELSE 'a' END),
       jsonb_build_object('current_stage_id', u.current_stage_id),
       host(inet_client_addr())
  FROM u, (SELECT count(*) FROM t) AS locked;
