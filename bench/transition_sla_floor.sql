-- The floor for a transition of a request with an SLA: as
-- transition_floor.sql, plus the update of the request's SLA tracking row
-- (the extension rewrites it on every move; between two running stages of a
-- responded request its values do not change, so its audit trigger writes
-- no row, and neither does the floor).
\set id random(:lo, :hi)
WITH u AS (
  UPDATE floor.services
     SET current_stage_id = CASE current_stage_id WHEN 'a' THEN 'b' ELSE 'a' END,
         updated_at = now()
   WHERE id = :id
  RETURNING id, current_stage_id),
t AS (
  UPDATE floor.sla_tracking SET next_check_at = next_check_at
   WHERE service_id = :id)
INSERT INTO floor.audit_logs (user_id, entity_type, entity_id, action, old_values, new_values, ip_address)
SELECT NULL, 'services', u.id, 'transition',
       jsonb_build_object('current_stage_id', CASE u.current_stage_id WHEN 'a' THEN 'b' ELSE 'a' END),
       jsonb_build_object('current_stage_id', u.current_stage_id),
       host(inet_client_addr())
  FROM u;
