-- Transition benchmark data (issue 3). :nreq requests of each kind, created
-- through the extension's triggers, then copied into the floor schema:
--   ids 1 .. :nreq           type 'flip'      (no SLA)
--   ids :nreq+1 .. 2*:nreq   type 'flip_sla'  (SLA tracking row)
-- The SLA requests are moved a -> b once here, so the one-off "response
-- met" update is not part of the measured steady state.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
INSERT INTO servicedesk.services (title, service_type)
  SELECT 'flip ' || g, 'flip' FROM generate_series(1, :nreq) g;
INSERT INTO servicedesk.services (title, service_type)
  SELECT 'flip sla ' || g, 'flip_sla' FROM generate_series(1, :nreq) g;
UPDATE servicedesk.services SET current_stage_id = 'b' WHERE service_type = 'flip_sla';

INSERT INTO floor.calendars SELECT * FROM servicedesk.calendars;
INSERT INTO floor.workflows SELECT * FROM servicedesk.workflows;
INSERT INTO floor.slas SELECT * FROM servicedesk.slas;
INSERT INTO floor.services SELECT * FROM servicedesk.services;
INSERT INTO floor.sla_tracking SELECT * FROM servicedesk.sla_tracking;
SELECT setval('floor.services_id_seq', (SELECT max(id) FROM floor.services));
SELECT setval('floor.sla_tracking_id_seq', (SELECT max(id) FROM floor.sla_tracking));
VACUUM ANALYZE;
SELECT (SELECT count(*) FROM servicedesk.services) AS sd_requests,
       (SELECT count(*) FROM servicedesk.sla_tracking WHERE responded_at IS NOT NULL) AS sd_responded,
       (SELECT count(*) FROM floor.services) AS floor_requests,
       (SELECT count(*) FROM floor.sla_tracking) AS floor_tracking;
