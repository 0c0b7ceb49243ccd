-- servicedesk 1.0 -> 1.1: forgery-proof audit trail, row-level security policies,
-- actor memo invalidation, effects trigger only on relevant changes.
-- Every name is schema-qualified; the script runs with a search_path that
-- holds nothing an unprivileged user could have planted.
\echo Use "ALTER EXTENSION servicedesk UPDATE TO '1.1'" to load this file. \quit

SET LOCAL search_path = pg_catalog, pg_temp;

-------------------------------------------------------------------------------
-- Security (1.1): forgery-proof audit trail, row-level security policies
-------------------------------------------------------------------------------

CREATE FUNCTION servicedesk._audit_logs_insert_guard() RETURNS trigger
  LANGUAGE c AS 'MODULE_PATHNAME', 'sd_audit_logs_insert_guard';
COMMENT ON FUNCTION servicedesk._audit_logs_insert_guard() IS
  'Refuses INSERT into audit_logs except by the servicedesk audit writer (SD008): audit rows cannot be forged.';
CREATE TRIGGER audit_logs_insert_guard BEFORE INSERT ON servicedesk.audit_logs
  FOR EACH ROW EXECUTE FUNCTION servicedesk._audit_logs_insert_guard();

-- SECURITY DEFINER so that policies can consult users and approvals whatever
-- the caller may read; search_path pinned, every name qualified.
CREATE FUNCTION servicedesk.request_visible(requester_id integer, assignee_id integer, service_id integer)
  RETURNS boolean
  LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
AS $$
  SELECT a.id IS NOT NULL AND (
           a.id OPERATOR(pg_catalog.=) requester_id
        OR a.id OPERATOR(pg_catalog.=) assignee_id
        OR EXISTS (SELECT 1 FROM servicedesk.users u
                    WHERE u.id OPERATOR(pg_catalog.=) a.id
                      AND u.roles OPERATOR(pg_catalog.&&)
                          pg_catalog.string_to_array(pg_catalog.current_setting('servicedesk.staff_roles'), ','))
        OR EXISTS (SELECT 1 FROM servicedesk.approvals p
                    WHERE p.service_id OPERATOR(pg_catalog.=) request_visible.service_id
                      AND p.approver_id OPERATOR(pg_catalog.=) a.id))
    FROM (SELECT servicedesk.current_actor() AS id) a
$$;
COMMENT ON FUNCTION servicedesk.request_visible(integer, integer, integer) IS
  'Row-level security: the current actor sees a request they requested, are assigned to or are asked to approve, or every request when they hold a role in servicedesk.staff_roles.';
-- Policies call it with the querying role's privileges, so PUBLIC keeps EXECUTE;
-- it answers only for the current actor.

-- Created, not enabled: ALTER TABLE servicedesk.services ENABLE ROW LEVEL SECURITY;
CREATE POLICY requests_visible ON servicedesk.services
  USING (servicedesk.request_visible(requester_id, assignee_id, id));
COMMENT ON POLICY requests_visible ON servicedesk.services IS
  'When the DBA enables row-level security: requesters see (and change) only their own requests; staff see all.';

-------------------------------------------------------------------------------
-- Hot path (1.1): the acting user is remembered across statements, which
-- needs every backend told when users change; the effects trigger fires only
-- when something it acts on changed.
-------------------------------------------------------------------------------

CREATE TRIGGER users_invalidate AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON servicedesk.users
  FOR EACH STATEMENT EXECUTE FUNCTION servicedesk._invalidate_caches();

DROP TRIGGER zzz_effects ON servicedesk.services;
CREATE TRIGGER zzz_effects AFTER INSERT ON servicedesk.services
  FOR EACH ROW EXECUTE FUNCTION servicedesk._services_after();
CREATE TRIGGER zzz_effects_update AFTER UPDATE ON servicedesk.services
  FOR EACH ROW
  WHEN (OLD.current_stage_id IS DISTINCT FROM NEW.current_stage_id
        OR OLD.priority IS DISTINCT FROM NEW.priority
        OR OLD.service_type IS DISTINCT FROM NEW.service_type
        OR OLD.sla_id IS DISTINCT FROM NEW.sla_id)
  EXECUTE FUNCTION servicedesk._services_after();
