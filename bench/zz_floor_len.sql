\set id random(:lo, :hi)
WITH u AS (
  UPDATE floor.services
     SET current_stage_id = CASE current_stage_id WHEN 'a' THEN 'b' ELSE 'a' END,
         updated_at = now()
   WHERE id = :id
  RETURNING id, current_stage_id)
SELECT length('{"event": "transition", "service_id": ' || id || ', "from": "a", "to": "b", "status": "open"}') FROM u;
