-- servicedesk 1.1 -> 1.2: fewer trigger calls per request UPDATE.
--   * services.updated_at is set by services_enforce; the services_updated_at
--     trigger goes.
--   * One AFTER trigger, zz_audit_effects, writes the audit row and then runs
--     the effects (SLA clock, approvals, events), replacing zz_audit,
--     zzz_effects and zzz_effects_update (whose WHEN clause was re-read for
--     every statement). The order is unchanged: audit row first.
-- Every name is schema-qualified; the script runs with a search_path that
-- holds nothing an unprivileged user could have planted.
\echo Use "ALTER EXTENSION servicedesk UPDATE TO '1.2'" to load this file. \quit

SET LOCAL search_path = pg_catalog, pg_temp;

DROP TRIGGER services_updated_at ON servicedesk.services;
DROP TRIGGER zz_audit ON servicedesk.services;
DROP TRIGGER zzz_effects ON servicedesk.services;
DROP TRIGGER zzz_effects_update ON servicedesk.services;
DROP FUNCTION servicedesk._services_after();

COMMENT ON FUNCTION servicedesk._services_before() IS
  'Picks the workflow and SLA of a new request; on UPDATE enforces transitions (SD002-SD005, SD008, SD010) and sets updated_at.';

CREATE FUNCTION servicedesk._services_after_row() RETURNS trigger
  LANGUAGE c AS 'MODULE_PATHNAME', 'sd_services_after_row';
COMMENT ON FUNCTION servicedesk._services_after_row() IS
  'The audit row of a request''s INSERT, UPDATE or DELETE, then the effects of creating and moving it: SLA clock, approvals, events.';

CREATE TRIGGER zz_audit_effects AFTER INSERT OR UPDATE OR DELETE ON servicedesk.services
  FOR EACH ROW EXECUTE FUNCTION servicedesk._services_after_row();
