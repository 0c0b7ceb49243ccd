-- Shared setup for every benchmark case (run once on a fresh database by
-- bench/run.sh). Creates:
--   * calendar 'bench_berlin': Mon-Fri 09:00-17:00 Europe/Berlin with the
--     Berlin public holidays 2024-2030;
--   * workflow 'bench_flip' (service_type 'flip'): stages a <-> b, both
--     in_progress, transitions a->b and b->a with no roles;
--   * workflow 'bench_flip_sla' (service_type 'flip_sla'): the same, and an
--     SLA (480 / 4800 business minutes on the calendar) for that type;
--   * schema floor: a trigger-less copy of the tables (same columns, defaults,
--     CHECK constraints, indexes and foreign keys, own sequences).
\set ON_ERROR_STOP on
SET client_min_messages = warning;

CREATE EXTENSION IF NOT EXISTS servicedesk;

-- Berlin public holidays from the Easter dates of 2024-2030.
INSERT INTO servicedesk.calendars (name, timezone, working_hours, holidays)
SELECT 'bench_berlin', 'Europe/Berlin',
       '{"mon": [["09:00", "17:00"]], "tue": [["09:00", "17:00"]], "wed": [["09:00", "17:00"]],
         "thu": [["09:00", "17:00"]], "fri": [["09:00", "17:00"]]}',
       (SELECT array_agg(DISTINCT d ORDER BY d) FROM (
          SELECT make_date(y, m, dd) AS d
            FROM generate_series(2024, 2030) y,
                 (VALUES (1, 1), (3, 8), (5, 1), (10, 3), (12, 25), (12, 26)) f(m, dd)
          UNION ALL
          SELECT e + o
            FROM unnest('{2024-03-31,2025-04-20,2026-04-05,2027-03-28,2028-04-16,2029-04-01,2030-04-21}'::date[]) e,
                 unnest('{-2,1,39,50}'::int[]) o) h);

SELECT servicedesk.publish_workflow('bench_flip',
  '[{"id": "a", "status": "in_progress", "initial": true}, {"id": "b", "status": "in_progress"}]',
  '[{"from": "a", "to": "b"}, {"from": "b", "to": "a"}]', service_type => 'flip') IS NOT NULL AS flip;
SELECT servicedesk.publish_workflow('bench_flip_sla',
  '[{"id": "a", "status": "in_progress", "initial": true}, {"id": "b", "status": "in_progress"}]',
  '[{"from": "a", "to": "b"}, {"from": "b", "to": "a"}]', service_type => 'flip_sla') IS NOT NULL AS flip_sla;
INSERT INTO servicedesk.slas (name, service_type, response_time, resolution_time, calendar_id)
SELECT 'bench_flip_sla', 'flip_sla', 480, 4800, id FROM servicedesk.calendars WHERE name = 'bench_berlin';

-- The floor: identical tables without any trigger.
CREATE SCHEMA floor;
DO $$
DECLARE
  t text;
  c record;
BEGIN
  FOREACH t IN ARRAY ARRAY['users', 'calendars', 'workflows', 'slas', 'services', 'approvals',
                           'sla_tracking', 'sla_escalations', 'audit_logs'] LOOP
    EXECUTE format('CREATE TABLE floor.%I (LIKE servicedesk.%I INCLUDING ALL)', t, t);
    EXECUTE format('CREATE SEQUENCE floor.%I OWNED BY floor.%I.id', t || '_id_seq', t);
    EXECUTE format('ALTER TABLE floor.%I ALTER id SET DEFAULT nextval(%L)', t, 'floor.' || t || '_id_seq');
  END LOOP;
  FOR c IN SELECT conrelid::regclass AS rel, conname, pg_get_constraintdef(oid) AS def
             FROM pg_constraint
            WHERE contype = 'f' AND connamespace = 'servicedesk'::regnamespace LOOP
    EXECUTE format('ALTER TABLE floor.%s ADD CONSTRAINT %I %s',
                   split_part(c.rel::text, '.', 2), c.conname,
                   replace(c.def, 'servicedesk.', 'floor.'));
  END LOOP;
END
$$;
SELECT count(*) AS floor_user_triggers FROM pg_trigger WHERE NOT tgisinternal AND tgrelid IN
  (SELECT oid FROM pg_class WHERE relnamespace = 'floor'::regnamespace);
