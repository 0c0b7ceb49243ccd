-- sla_sweep benchmark data (issue 4): :ntrack requests with an active SLA
-- tracking row each, 1% of them due at :'at' (response deadline passed, not
-- yet flagged). Creating that many requests through the triggers would take
-- minutes, so the rows are loaded directly with the triggers off
-- (session_replication_role = replica), filled the way the extension fills
-- them: the clock started at created_at, deadlines = business_add(start,
-- target, calendar), next_check_at = the earliest unmet deadline (the SLA
-- has no escalation rules).
--   due     (id % 100 = 0): started 5 days before :'at' -> response deadline
--                           passed, resolution deadline still ahead;
--   not due (the rest):     started 0-4 h before :'at' -> nothing passed.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
INSERT INTO servicedesk.slas (name, service_type, response_time, resolution_time, calendar_id)
SELECT 'bench_sweep', 'sweep', 480, 4800, id FROM servicedesk.calendars WHERE name = 'bench_berlin';

SET session_replication_role = replica;
CREATE TEMP TABLE sweep_src AS
SELECT g AS n,
       CASE WHEN g % 100 = 0
            THEN :'at'::timestamptz - interval '5 days' - (g % 960) * interval '1 minute'
            ELSE :'at'::timestamptz - (g % 240) * interval '1 minute' END AS started
  FROM generate_series(1, :ntrack) g;

SELECT (SELECT id FROM servicedesk.workflows WHERE name = 'bench_flip') AS wf,
       (SELECT id FROM servicedesk.slas WHERE name = 'bench_sweep') AS sla,
       (SELECT calendar_id FROM servicedesk.slas WHERE name = 'bench_sweep') AS cal,
       (SELECT coalesce(max(id), 0) FROM servicedesk.services) AS base \gset

INSERT INTO servicedesk.services (id, title, service_type, priority, status, workflow_id,
                                  current_stage_id, sla_id, created_at, updated_at)
SELECT :base + n, 'sweep ' || n, 'sweep', 'medium', 'in_progress', :wf, 'a', :sla, started, started
  FROM sweep_src;
SELECT setval('servicedesk.services_id_seq', (SELECT max(id) FROM servicedesk.services));

INSERT INTO servicedesk.sla_tracking (service_id, sla_id, status, started_at, created_at,
                                      response_deadline, resolution_deadline, next_check_at)
SELECT :base + n, :sla, 'active', started, started, rd, sd, rd
  FROM (SELECT n, started,
               servicedesk.business_add(started, 480, :cal) AS rd,
               servicedesk.business_add(started, 4800, :cal) AS sd
          FROM sweep_src) s
 ORDER BY n;
RESET session_replication_role;
DROP TABLE sweep_src;
VACUUM ANALYZE servicedesk.services;
VACUUM ANALYZE servicedesk.sla_tracking;
SELECT count(*) AS tracking_rows,
       count(*) FILTER (WHERE next_check_at <= :'at') AS due,
       count(*) FILTER (WHERE next_check_at <= :'at' AND response_deadline < :'at'
                          AND resolution_deadline > :'at') AS due_consistent
  FROM servicedesk.sla_tracking WHERE status = 'active' AND sla_id = :sla;
