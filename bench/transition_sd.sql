-- Transition by plain UPDATE with full enforcement and audit (the
-- extension's triggers). pgbench -D lo=.. -D hi=.. picks the request range.
\set id random(:lo, :hi)
UPDATE servicedesk.services
   SET current_stage_id = CASE current_stage_id WHEN 'a' THEN 'b' ELSE 'a' END
 WHERE id = :id;
