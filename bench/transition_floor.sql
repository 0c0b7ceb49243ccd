-- The floor for transition_sd.sql: the same UPDATE on a trigger-less copy of
-- the table (updated_at set by hand) plus a hand-written audit row with the
-- same content the extension writes (action 'transition', only the changed
-- column in old_values/new_values, the client address). One statement, so
-- the floor pays a single client round trip like the servicedesk case.
\set id random(:lo, :hi)
WITH u AS (
  UPDATE floor.services
     SET current_stage_id = CASE current_stage_id WHEN 'a' THEN 'b' ELSE 'a' END,
         updated_at = now()
   WHERE id = :id
  RETURNING id, current_stage_id)
INSERT INTO floor.audit_logs (user_id, entity_type, entity_id, action, old_values, new_values, ip_address)
SELECT NULL, 'services', u.id, 'transition',
       jsonb_build_object('current_stage_id', CASE u.current_stage_id WHEN 'a' THEN 'b' ELSE 'a' END),
       jsonb_build_object('current_stage_id', u.current_stage_id),
       host(inet_client_addr())
  FROM u;
