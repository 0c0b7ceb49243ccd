-- sla_sweep benchmark (issue 4), after bench/sweep_setup.sql. Five rounds;
-- each round resets the due rows before every case:
--   sweep        SELECT servicedesk.sla_sweep(:'at')  -- flags 1% as breached
--   floor_audit  the plain indexed UPDATE of the same rows to the same values
--                (breached, response_breached, next_check_at = the next
--                deadline), audit trigger on: the table's own trigger fires,
--                writing one audit row per row like the sweep's 'breach' row
--   floor_plain  the same UPDATE with the triggers off
--                (session_replication_role = replica): no audit row
-- run.sh keeps the best time of each case and checks both flagged 1%.
\set ON_ERROR_STOP on
\ir sweep_round.sql
\ir sweep_round.sql
\ir sweep_round.sql
\ir sweep_round.sql
\ir sweep_round.sql
