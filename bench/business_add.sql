-- business_add benchmark (issue 4). 1M calls over start instants one minute
-- apart (2024-01-01 .. 2025-11-26 UTC) on the 'bench_berlin' calendar
-- (Mon-Fri 09:00-17:00 Europe/Berlin, Berlin holidays). Every case computes
-- the same start expression over the same generate_series; the floor adds a
-- plain interval instead of business minutes.
--   floor    count(t + make_interval(mins => 4800))
--   two_week business_add(t, 4800, cal)     (10 working days)
--   one_day  business_add(t, 480, cal)      (1 working day)
--   one_year business_add(t, 120000, cal)   (250 working days)
-- A warm-up call, then five rounds; run.sh keeps the best time of each.
\set ON_ERROR_STOP on
SELECT id AS cal FROM servicedesk.calendars WHERE name = 'bench_berlin' \gset
SELECT servicedesk.business_add('2024-01-01 00:00+00', 4800, :cal) IS NOT NULL AS warm;
\o /dev/null
\timing on
-- psql has no loop: five identical rounds
\ir business_add_round.sql
\ir business_add_round.sql
\ir business_add_round.sql
\ir business_add_round.sql
\ir business_add_round.sql
