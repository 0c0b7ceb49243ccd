-- Puts the due 1% back (unflagged, next_check_at = response deadline) with
-- the triggers off, and vacuums, so every measured run starts from the same
-- state. Not measured.
SET session_replication_role = replica;
UPDATE servicedesk.sla_tracking
   SET breached = false, response_breached = false, next_check_at = response_deadline
 WHERE status = 'active' AND response_breached
   AND sla_id = (SELECT id FROM servicedesk.slas WHERE name = 'bench_sweep');
RESET session_replication_role;
VACUUM servicedesk.sla_tracking;
VACUUM servicedesk.services;
CHECKPOINT;
