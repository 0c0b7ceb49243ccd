-- One round of bench/sweep.sql (each case's "Time:" line follows its label).
\o /dev/null
\ir sweep_reset.sql
\o
\echo case sweep
\timing on
SELECT servicedesk.sla_sweep(:'at') AS recorded;
\timing off
\o /dev/null
\ir sweep_reset.sql
\o
\echo case floor_audit
\timing on
UPDATE servicedesk.sla_tracking
   SET breached = true, response_breached = true, next_check_at = resolution_deadline
 WHERE status = 'active' AND next_check_at <= :'at';
\timing off
\o /dev/null
\ir sweep_reset.sql
SET session_replication_role = replica;
\o
\echo case floor_plain
\timing on
UPDATE servicedesk.sla_tracking
   SET breached = true, response_breached = true, next_check_at = resolution_deadline
 WHERE status = 'active' AND next_check_at <= :'at';
\timing off
RESET session_replication_role;
