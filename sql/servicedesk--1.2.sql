-- servicedesk 1.2 install script (the source of truth for new installs).
-- Every name is schema-qualified; the script runs with a search_path that
-- holds nothing an unprivileged user could have planted.
\echo Use "CREATE EXTENSION servicedesk" to load this file. \quit

SET LOCAL search_path = pg_catalog, pg_temp;

-- Created here, not by the control file, so that it belongs to the extension
-- (DROP EXTENSION removes it) and installation fails rather than reuse a
-- schema someone else created.
CREATE SCHEMA servicedesk;
COMMENT ON SCHEMA servicedesk IS 'servicedesk: service requests, workflows, approvals, SLAs and their audit trail.';
REVOKE ALL ON SCHEMA servicedesk FROM PUBLIC;

-------------------------------------------------------------------------------
-- Tables
-------------------------------------------------------------------------------

CREATE TABLE servicedesk.users (
  id           serial PRIMARY KEY,
  username     varchar(100) NOT NULL UNIQUE,
  display_name varchar(255),
  email        varchar(255),
  roles        text[] NOT NULL DEFAULT '{}',
  db_role      name UNIQUE,
  active       boolean NOT NULL DEFAULT true,
  created_at   timestamptz NOT NULL DEFAULT pg_catalog.now(),
  CONSTRAINT users_roles_no_nulls CHECK (pg_catalog.array_position(roles, NULL) IS NULL)
);
COMMENT ON TABLE servicedesk.users IS 'People who request, work on and approve service requests.';
COMMENT ON COLUMN servicedesk.users.id IS 'User id; referenced by requests, approvals and audit rows.';
COMMENT ON COLUMN servicedesk.users.username IS 'Unique login-style name.';
COMMENT ON COLUMN servicedesk.users.display_name IS 'Name shown to people.';
COMMENT ON COLUMN servicedesk.users.email IS 'Contact address.';
COMMENT ON COLUMN servicedesk.users.roles IS 'Roles held (e.g. agent, manager, admin); matched by workflow transition roles and approval approvers.';
COMMENT ON COLUMN servicedesk.users.db_role IS 'Database role that acts as this user when servicedesk.actor_id is not set.';
COMMENT ON COLUMN servicedesk.users.active IS 'Inactive users cannot act, and are not resolved as approvers.';
COMMENT ON COLUMN servicedesk.users.created_at IS 'When the user was created.';

CREATE TABLE servicedesk.calendars (
  id            serial PRIMARY KEY,
  name          varchar(255) NOT NULL UNIQUE,
  timezone      text NOT NULL DEFAULT 'UTC',
  working_hours jsonb NOT NULL,
  holidays      date[] NOT NULL DEFAULT '{}',
  created_at    timestamptz NOT NULL DEFAULT pg_catalog.now()
);
COMMENT ON TABLE servicedesk.calendars IS 'Business hours for SLA clocks and approval due dates.';
COMMENT ON COLUMN servicedesk.calendars.id IS 'Calendar id; referenced by slas.calendar_id.';
COMMENT ON COLUMN servicedesk.calendars.name IS 'Unique calendar name.';
COMMENT ON COLUMN servicedesk.calendars.timezone IS 'Time zone of the working hours and holidays (any name PostgreSQL accepts).';
COMMENT ON COLUMN servicedesk.calendars.working_hours IS 'Weekly hours: {"mon": [["09:00","17:00"]], ...}; keys mon..sun, a missing key is a closed day.';
COMMENT ON COLUMN servicedesk.calendars.holidays IS 'Local dates closed all day.';
COMMENT ON COLUMN servicedesk.calendars.created_at IS 'When the calendar was created.';

CREATE TABLE servicedesk.workflows (
  id           serial PRIMARY KEY,
  name         varchar(255) NOT NULL,
  description  text,
  stages       jsonb NOT NULL,
  transitions  jsonb NOT NULL,
  version      integer DEFAULT 1,
  active       boolean DEFAULT true,
  created_at   timestamptz DEFAULT CURRENT_TIMESTAMP,
  updated_at   timestamptz DEFAULT CURRENT_TIMESTAMP,
  service_type varchar(100),
  CONSTRAINT workflows_name_version_key UNIQUE (name, version),
  CONSTRAINT workflows_version_check CHECK (version >= 1)
);
COMMENT ON TABLE servicedesk.workflows IS 'Versioned workflow definitions; a version used by any request is immutable.';
COMMENT ON COLUMN servicedesk.workflows.id IS 'Workflow version id.';
COMMENT ON COLUMN servicedesk.workflows.name IS 'Workflow name, shared by all its versions.';
COMMENT ON COLUMN servicedesk.workflows.description IS 'Free text.';
COMMENT ON COLUMN servicedesk.workflows.stages IS 'JSON array of stages (SPEC section 3).';
COMMENT ON COLUMN servicedesk.workflows.transitions IS 'JSON array of transitions (SPEC section 3).';
COMMENT ON COLUMN servicedesk.workflows.version IS 'Version number within the name; publish_workflow adds the next one.';
COMMENT ON COLUMN servicedesk.workflows.active IS 'Only active versions are picked for new requests.';
COMMENT ON COLUMN servicedesk.workflows.created_at IS 'When this version was created.';
COMMENT ON COLUMN servicedesk.workflows.updated_at IS 'Last change, maintained by trigger.';
COMMENT ON COLUMN servicedesk.workflows.service_type IS 'Requests of this service_type get this workflow by default (NULL: the fallback workflow).';

CREATE TABLE servicedesk.slas (
  id               serial PRIMARY KEY,
  name             varchar(255) NOT NULL,
  description      text,
  service_type     varchar(100),
  response_time    integer,
  resolution_time  integer,
  escalation_rules jsonb,
  active           boolean DEFAULT true,
  created_at       timestamptz DEFAULT CURRENT_TIMESTAMP,
  priority         varchar(50),
  calendar_id      integer REFERENCES servicedesk.calendars (id),
  CONSTRAINT slas_priority_check CHECK (priority IN ('low', 'medium', 'high', 'critical')),
  CONSTRAINT slas_response_time_check CHECK (response_time >= 0),
  CONSTRAINT slas_resolution_time_check CHECK (resolution_time >= 0)
);
COMMENT ON TABLE servicedesk.slas IS 'SLA targets per service type and priority, in business minutes.';
COMMENT ON COLUMN servicedesk.slas.id IS 'SLA id.';
COMMENT ON COLUMN servicedesk.slas.name IS 'SLA name.';
COMMENT ON COLUMN servicedesk.slas.description IS 'Free text.';
COMMENT ON COLUMN servicedesk.slas.service_type IS 'Service type it applies to (NULL: any).';
COMMENT ON COLUMN servicedesk.slas.response_time IS 'Response target in business minutes.';
COMMENT ON COLUMN servicedesk.slas.resolution_time IS 'Resolution target in business minutes.';
COMMENT ON COLUMN servicedesk.slas.escalation_rules IS 'JSON array of {"target","at_percent","action",...} rules fired by sla_sweep.';
COMMENT ON COLUMN servicedesk.slas.active IS 'Only active SLAs are matched to new requests.';
COMMENT ON COLUMN servicedesk.slas.created_at IS 'When the SLA was created.';
COMMENT ON COLUMN servicedesk.slas.priority IS 'Priority it applies to (NULL: any).';
COMMENT ON COLUMN servicedesk.slas.calendar_id IS 'Business calendar of its clock (NULL: 24x7).';

CREATE TABLE servicedesk.services (
  id               serial PRIMARY KEY,
  title            varchar(255) NOT NULL,
  description      text,
  service_type     varchar(100),
  priority         varchar(50) DEFAULT 'medium',
  status           varchar(50) DEFAULT 'submitted',
  workflow_id      integer REFERENCES servicedesk.workflows (id),
  requester_id     integer REFERENCES servicedesk.users (id),
  assignee_id      integer REFERENCES servicedesk.users (id),
  current_stage_id varchar(100),
  sla_id           integer REFERENCES servicedesk.slas (id),
  metadata         jsonb,
  created_at       timestamptz DEFAULT CURRENT_TIMESTAMP,
  updated_at       timestamptz DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT services_priority_check CHECK (priority IN ('low', 'medium', 'high', 'critical')),
  CONSTRAINT services_status_check CHECK (status IN ('submitted', 'in_progress', 'pending_approval',
    'on_hold', 'resolved', 'closed', 'cancelled', 'rejected'))
);
COMMENT ON TABLE servicedesk.services IS 'Service requests; every INSERT and UPDATE is checked against the request''s workflow version.';
COMMENT ON COLUMN servicedesk.services.id IS 'Request id.';
COMMENT ON COLUMN servicedesk.services.title IS 'Short summary.';
COMMENT ON COLUMN servicedesk.services.description IS 'Free text.';
COMMENT ON COLUMN servicedesk.services.service_type IS 'Kind of request; picks the default workflow and SLA.';
COMMENT ON COLUMN servicedesk.services.priority IS 'low, medium, high or critical; picks the SLA.';
COMMENT ON COLUMN servicedesk.services.status IS 'Derived from the current stage.';
COMMENT ON COLUMN servicedesk.services.workflow_id IS 'Workflow version the request runs on; never changes.';
COMMENT ON COLUMN servicedesk.services.requester_id IS 'Who asked (defaults to the current actor).';
COMMENT ON COLUMN servicedesk.services.assignee_id IS 'Who works on it.';
COMMENT ON COLUMN servicedesk.services.current_stage_id IS 'Stage id in the workflow; changing it is a transition.';
COMMENT ON COLUMN servicedesk.services.sla_id IS 'SLA the request is held to (NULL: none).';
COMMENT ON COLUMN servicedesk.services.metadata IS 'Free-form JSON; "metadata.KEY" requirements look here.';
COMMENT ON COLUMN servicedesk.services.created_at IS 'When the request was made; the SLA clock starts here.';
COMMENT ON COLUMN servicedesk.services.updated_at IS 'Last change, maintained by trigger.';

CREATE TABLE servicedesk.approvals (
  id                serial PRIMARY KEY,
  service_id        integer REFERENCES servicedesk.services (id),
  workflow_stage_id varchar(100),
  approver_id       integer REFERENCES servicedesk.users (id),
  status            varchar(50) DEFAULT 'pending',
  comment           text,
  decision_at       timestamptz,
  due_date          timestamptz,
  created_at        timestamptz DEFAULT CURRENT_TIMESTAMP,
  round             integer NOT NULL DEFAULT 1,
  overdue_reported_at timestamptz,
  CONSTRAINT approvals_status_check CHECK (status IN ('pending', 'approved', 'rejected', 'cancelled'))
);
COMMENT ON TABLE servicedesk.approvals IS 'One row per approver of a request at an approval stage.';
COMMENT ON COLUMN servicedesk.approvals.id IS 'Approval id.';
COMMENT ON COLUMN servicedesk.approvals.service_id IS 'The request.';
COMMENT ON COLUMN servicedesk.approvals.workflow_stage_id IS 'The approval stage.';
COMMENT ON COLUMN servicedesk.approvals.approver_id IS 'Who decides.';
COMMENT ON COLUMN servicedesk.approvals.status IS 'pending, approved, rejected or cancelled.';
COMMENT ON COLUMN servicedesk.approvals.comment IS 'The approver''s comment.';
COMMENT ON COLUMN servicedesk.approvals.decision_at IS 'When the decision was made.';
COMMENT ON COLUMN servicedesk.approvals.due_date IS 'Deadline in business time (NULL: none).';
COMMENT ON COLUMN servicedesk.approvals.created_at IS 'When the approval was requested.';
COMMENT ON COLUMN servicedesk.approvals.round IS 'Which entry into the stage this approval belongs to (1 for the first); the policy counts the latest round.';
COMMENT ON COLUMN servicedesk.approvals.overdue_reported_at IS 'When sla_sweep reported it overdue (approval_overdue event).';

CREATE TABLE servicedesk.sla_tracking (
  id                  serial PRIMARY KEY,
  service_id          integer REFERENCES servicedesk.services (id),
  sla_id              integer REFERENCES servicedesk.slas (id),
  response_deadline   timestamptz,
  resolution_deadline timestamptz,
  response_time       integer,
  resolution_time     integer,
  status              varchar(50),
  breached            boolean DEFAULT false,
  created_at          timestamptz DEFAULT CURRENT_TIMESTAMP,
  responded_at        timestamptz,
  resolved_at         timestamptz,
  paused_at           timestamptz,
  response_breached   boolean NOT NULL DEFAULT false,
  resolution_breached boolean NOT NULL DEFAULT false,
  started_at          timestamptz,
  paused_work         interval NOT NULL DEFAULT '0',
  next_check_at       timestamptz,
  CONSTRAINT sla_tracking_status_check CHECK (status IN ('active', 'paused', 'completed', 'cancelled'))
);
COMMENT ON TABLE servicedesk.sla_tracking IS 'SLA clock state of a request.';
COMMENT ON COLUMN servicedesk.sla_tracking.id IS 'Tracking id.';
COMMENT ON COLUMN servicedesk.sla_tracking.service_id IS 'The request.';
COMMENT ON COLUMN servicedesk.sla_tracking.sla_id IS 'The SLA applied.';
COMMENT ON COLUMN servicedesk.sla_tracking.response_deadline IS 'When a response is due (moves with paused time).';
COMMENT ON COLUMN servicedesk.sla_tracking.resolution_deadline IS 'When resolution is due (moves with paused time).';
COMMENT ON COLUMN servicedesk.sla_tracking.response_time IS 'Business minutes taken to respond, less paused time.';
COMMENT ON COLUMN servicedesk.sla_tracking.resolution_time IS 'Business minutes taken to resolve, less paused time.';
COMMENT ON COLUMN servicedesk.sla_tracking.status IS 'active, paused, completed or cancelled.';
COMMENT ON COLUMN servicedesk.sla_tracking.breached IS 'Some target was breached.';
COMMENT ON COLUMN servicedesk.sla_tracking.created_at IS 'When tracking started.';
COMMENT ON COLUMN servicedesk.sla_tracking.responded_at IS 'When the response target was met.';
COMMENT ON COLUMN servicedesk.sla_tracking.resolved_at IS 'When the resolution target was met.';
COMMENT ON COLUMN servicedesk.sla_tracking.paused_at IS 'When the clock was paused (NULL: running).';
COMMENT ON COLUMN servicedesk.sla_tracking.response_breached IS 'The response deadline passed before a response.';
COMMENT ON COLUMN servicedesk.sla_tracking.resolution_breached IS 'The resolution deadline passed before resolution.';
COMMENT ON COLUMN servicedesk.sla_tracking.started_at IS 'When the clock started (the request''s created_at).';
COMMENT ON COLUMN servicedesk.sla_tracking.paused_work IS 'Working time spent paused (or resolved before a reopen) so far.';
COMMENT ON COLUMN servicedesk.sla_tracking.next_check_at IS 'Earliest instant sla_sweep has something to do for this row (NULL: nothing); indexed.';

CREATE TABLE servicedesk.sla_escalations (
  id              serial PRIMARY KEY,
  sla_tracking_id integer NOT NULL REFERENCES servicedesk.sla_tracking (id),
  rule_index      integer NOT NULL,
  action          text NOT NULL,
  fired_at        timestamptz NOT NULL DEFAULT pg_catalog.now(),
  CONSTRAINT sla_escalations_once UNIQUE (sla_tracking_id, rule_index)
);
COMMENT ON TABLE servicedesk.sla_escalations IS 'Escalation rules fired by sla_sweep, each at most once per tracking row.';
COMMENT ON COLUMN servicedesk.sla_escalations.id IS 'Escalation id.';
COMMENT ON COLUMN servicedesk.sla_escalations.sla_tracking_id IS 'The tracking row.';
COMMENT ON COLUMN servicedesk.sla_escalations.rule_index IS '0-based index of the rule in slas.escalation_rules.';
COMMENT ON COLUMN servicedesk.sla_escalations.action IS 'notify, set_priority or reassign.';
COMMENT ON COLUMN servicedesk.sla_escalations.fired_at IS 'The sweep instant that fired it.';

CREATE TABLE servicedesk.audit_logs (
  id          serial PRIMARY KEY,
  user_id     integer REFERENCES servicedesk.users (id),
  entity_type varchar(50) NOT NULL,
  entity_id   integer,
  action      varchar(50) NOT NULL,
  old_values  jsonb,
  new_values  jsonb,
  ip_address  varchar(45),
  created_at  timestamptz DEFAULT CURRENT_TIMESTAMP
);
COMMENT ON TABLE servicedesk.audit_logs IS 'Append-only audit trail written by the extension''s triggers.';
COMMENT ON COLUMN servicedesk.audit_logs.id IS 'Audit row id, increasing.';
COMMENT ON COLUMN servicedesk.audit_logs.user_id IS 'The acting user (servicedesk.actor_id, else the db_role mapping, else NULL).';
COMMENT ON COLUMN servicedesk.audit_logs.entity_type IS 'Table name of the changed row.';
COMMENT ON COLUMN servicedesk.audit_logs.entity_id IS 'id of the changed row.';
COMMENT ON COLUMN servicedesk.audit_logs.action IS 'insert, update, delete, transition, approve, reject, breach or escalate.';
COMMENT ON COLUMN servicedesk.audit_logs.old_values IS 'Whole row on delete; changed columns on update.';
COMMENT ON COLUMN servicedesk.audit_logs.new_values IS 'Whole row on insert; changed columns on update.';
COMMENT ON COLUMN servicedesk.audit_logs.ip_address IS 'servicedesk.client_ip, else the connection''s client address.';
COMMENT ON COLUMN servicedesk.audit_logs.created_at IS 'When the change was made (transaction time).';

-------------------------------------------------------------------------------
-- Indexes (the seed's, plus the ones the engine's lookups need)
-------------------------------------------------------------------------------

CREATE INDEX idx_services_status ON servicedesk.services (status);
CREATE INDEX idx_services_workflow ON servicedesk.services (workflow_id);
CREATE INDEX idx_services_requester ON servicedesk.services (requester_id);
CREATE INDEX idx_approvals_service ON servicedesk.approvals (service_id);
CREATE INDEX idx_approvals_status ON servicedesk.approvals (status);
CREATE INDEX idx_sla_tracking_service ON servicedesk.sla_tracking (service_id);
CREATE INDEX idx_audit_logs_entity ON servicedesk.audit_logs (entity_type, entity_id);
CREATE INDEX idx_services_assignee ON servicedesk.services (assignee_id);
CREATE INDEX idx_approvals_approver_pending ON servicedesk.approvals (approver_id) WHERE status = 'pending';
CREATE INDEX idx_workflows_name ON servicedesk.workflows (name, version);
CREATE INDEX idx_sla_tracking_due ON servicedesk.sla_tracking (next_check_at) WHERE status = 'active';

-------------------------------------------------------------------------------
-- pg_dump keeps the rows and sequence positions of every table
-------------------------------------------------------------------------------

SELECT pg_catalog.pg_extension_config_dump('servicedesk.users', '');
SELECT pg_catalog.pg_extension_config_dump('servicedesk.users_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('servicedesk.calendars', '');
SELECT pg_catalog.pg_extension_config_dump('servicedesk.calendars_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('servicedesk.workflows', '');
SELECT pg_catalog.pg_extension_config_dump('servicedesk.workflows_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('servicedesk.slas', '');
SELECT pg_catalog.pg_extension_config_dump('servicedesk.slas_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('servicedesk.services', '');
SELECT pg_catalog.pg_extension_config_dump('servicedesk.services_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('servicedesk.approvals', '');
SELECT pg_catalog.pg_extension_config_dump('servicedesk.approvals_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('servicedesk.sla_tracking', '');
SELECT pg_catalog.pg_extension_config_dump('servicedesk.sla_tracking_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('servicedesk.sla_escalations', '');
SELECT pg_catalog.pg_extension_config_dump('servicedesk.sla_escalations_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('servicedesk.audit_logs', '');
SELECT pg_catalog.pg_extension_config_dump('servicedesk.audit_logs_id_seq', '');

-------------------------------------------------------------------------------
-- Audit trail (C++: src/pg/audit.cpp)
-------------------------------------------------------------------------------

CREATE FUNCTION servicedesk.current_actor() RETURNS integer
  LANGUAGE c STABLE PARALLEL RESTRICTED
  AS 'MODULE_PATHNAME', 'sd_current_actor';
COMMENT ON FUNCTION servicedesk.current_actor() IS
  'The acting user: servicedesk.actor_id, else the users row whose db_role is current_user (then session_user), else NULL. SD009 for an unknown or inactive actor.';

CREATE FUNCTION servicedesk._audit_row() RETURNS trigger
  LANGUAGE c
  AS 'MODULE_PATHNAME', 'sd_audit_row';
COMMENT ON FUNCTION servicedesk._audit_row() IS
  'Row trigger: writes one audit_logs row per INSERT, UPDATE (changed columns only) and DELETE.';

CREATE FUNCTION servicedesk._touch_updated_at() RETURNS trigger
  LANGUAGE c
  AS 'MODULE_PATHNAME', 'sd_touch_updated_at';
COMMENT ON FUNCTION servicedesk._touch_updated_at() IS
  'BEFORE UPDATE row trigger: sets updated_at to the transaction time.';

CREATE FUNCTION servicedesk._audit_logs_append_only() RETURNS trigger
  LANGUAGE c
  AS 'MODULE_PATHNAME', 'sd_audit_logs_append_only';
COMMENT ON FUNCTION servicedesk._audit_logs_append_only() IS
  'Refuses UPDATE, DELETE and TRUNCATE of audit_logs (SD008).';

CREATE TRIGGER audit_logs_append_only BEFORE UPDATE OR DELETE ON servicedesk.audit_logs
  FOR EACH ROW EXECUTE FUNCTION servicedesk._audit_logs_append_only();
CREATE TRIGGER audit_logs_no_truncate BEFORE TRUNCATE ON servicedesk.audit_logs
  FOR EACH STATEMENT EXECUTE FUNCTION servicedesk._audit_logs_append_only();

-- services.updated_at is set by services_enforce (servicedesk._services_before).
CREATE TRIGGER workflows_updated_at BEFORE UPDATE ON servicedesk.workflows
  FOR EACH ROW EXECUTE FUNCTION servicedesk._touch_updated_at();

-- "zz" sorts the audit trigger after every other AFTER trigger of the table.
CREATE TRIGGER zz_audit AFTER INSERT OR UPDATE OR DELETE ON servicedesk.users
  FOR EACH ROW EXECUTE FUNCTION servicedesk._audit_row();
CREATE TRIGGER zz_audit AFTER INSERT OR UPDATE OR DELETE ON servicedesk.calendars
  FOR EACH ROW EXECUTE FUNCTION servicedesk._audit_row();
CREATE TRIGGER zz_audit AFTER INSERT OR UPDATE OR DELETE ON servicedesk.workflows
  FOR EACH ROW EXECUTE FUNCTION servicedesk._audit_row();
CREATE TRIGGER zz_audit AFTER INSERT OR UPDATE OR DELETE ON servicedesk.slas
  FOR EACH ROW EXECUTE FUNCTION servicedesk._audit_row();
-- services: zz_audit_effects below writes the audit row and then the effects.
CREATE TRIGGER zz_audit AFTER INSERT OR UPDATE OR DELETE ON servicedesk.approvals
  FOR EACH ROW EXECUTE FUNCTION servicedesk._audit_row();
CREATE TRIGGER zz_audit AFTER INSERT OR UPDATE OR DELETE ON servicedesk.sla_tracking
  FOR EACH ROW EXECUTE FUNCTION servicedesk._audit_row();
CREATE TRIGGER zz_audit AFTER INSERT OR UPDATE OR DELETE ON servicedesk.sla_escalations
  FOR EACH ROW EXECUTE FUNCTION servicedesk._audit_row();

-------------------------------------------------------------------------------
-- Workflows (C++: src/core/workflow.cpp, src/pg/workflows.cpp, services.cpp)
-------------------------------------------------------------------------------

CREATE FUNCTION servicedesk._workflows_before() RETURNS trigger
  LANGUAGE c AS 'MODULE_PATHNAME', 'sd_workflows_before';
COMMENT ON FUNCTION servicedesk._workflows_before() IS
  'Validates workflow definitions (SD001) and freezes versions in use (SD008).';

CREATE FUNCTION servicedesk._invalidate_caches() RETURNS trigger
  LANGUAGE c AS 'MODULE_PATHNAME', 'sd_invalidate_caches';
COMMENT ON FUNCTION servicedesk._invalidate_caches() IS
  'Statement trigger: every backend drops its compiled workflows, calendars and SLAs of this table.';

CREATE FUNCTION servicedesk._services_before() RETURNS trigger
  LANGUAGE c AS 'MODULE_PATHNAME', 'sd_services_before';
COMMENT ON FUNCTION servicedesk._services_before() IS
  'Picks the workflow and SLA of a new request; on UPDATE enforces transitions (SD002-SD005, SD008, SD010) and sets updated_at.';

CREATE FUNCTION servicedesk._services_after_row() RETURNS trigger
  LANGUAGE c AS 'MODULE_PATHNAME', 'sd_services_after_row';
COMMENT ON FUNCTION servicedesk._services_after_row() IS
  'The audit row of a request''s INSERT, UPDATE or DELETE, then the effects of creating and moving it: SLA clock, approvals, events.';

CREATE TRIGGER workflows_validate BEFORE INSERT OR UPDATE ON servicedesk.workflows
  FOR EACH ROW EXECUTE FUNCTION servicedesk._workflows_before();
CREATE TRIGGER workflows_invalidate AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON servicedesk.workflows
  FOR EACH STATEMENT EXECUTE FUNCTION servicedesk._invalidate_caches();
CREATE TRIGGER services_enforce BEFORE INSERT OR UPDATE ON servicedesk.services
  FOR EACH ROW EXECUTE FUNCTION servicedesk._services_before();
-- One AFTER trigger for the audit row and the effects (in that order, so a
-- transition's audit row precedes the rows it causes); "zz" sorts it after
-- every other AFTER trigger of the table.
CREATE TRIGGER zz_audit_effects AFTER INSERT OR UPDATE OR DELETE ON servicedesk.services
  FOR EACH ROW EXECUTE FUNCTION servicedesk._services_after_row();

CREATE FUNCTION servicedesk.validate_workflow(stages jsonb, transitions jsonb)
  RETURNS TABLE (path text, message text)
  LANGUAGE c IMMUTABLE PARALLEL SAFE
  AS 'MODULE_PATHNAME', 'sd_validate_workflow';
COMMENT ON FUNCTION servicedesk.validate_workflow(jsonb, jsonb) IS
  'Every problem of a workflow definition, each with its JSON path; no rows when valid.';

CREATE FUNCTION servicedesk.workflow_graph(workflow_id integer, format text DEFAULT 'mermaid')
  RETURNS text
  LANGUAGE c STABLE
  AS 'MODULE_PATHNAME', 'sd_workflow_graph';
COMMENT ON FUNCTION servicedesk.workflow_graph(integer, text) IS
  'The workflow version as a Mermaid state diagram or Graphviz DOT (format => ''dot'').';

CREATE FUNCTION servicedesk.transition(service_id integer, to_stage text, comment text DEFAULT NULL)
  RETURNS servicedesk.services
  LANGUAGE c VOLATILE
  AS 'MODULE_PATHNAME', 'sd_transition';
COMMENT ON FUNCTION servicedesk.transition(integer, text, text) IS
  'Moves a request to a stage (an UPDATE of current_stage_id, with the same checks); the comment goes into the audit row.';

CREATE FUNCTION servicedesk.available_transitions(service_id integer)
  RETURNS TABLE (to_stage text, name text, allowed boolean, reason text)
  LANGUAGE c STABLE
  AS 'MODULE_PATHNAME', 'sd_available_transitions';
COMMENT ON FUNCTION servicedesk.available_transitions(integer) IS
  'The moves defined from the request''s current stage, whether the current actor may take each, and why not.';

CREATE FUNCTION servicedesk.publish_workflow(name text, stages jsonb, transitions jsonb,
                                             description text DEFAULT NULL,
                                             service_type text DEFAULT NULL)
  RETURNS integer
  LANGUAGE plpgsql VOLATILE
  SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  next_version integer;
  new_id integer;
BEGIN
  IF name IS NULL THEN
    RAISE EXCEPTION 'workflow name must not be NULL' USING ERRCODE = 'SD001',
      DETAIL = 'publish_workflow adds the next version of a named workflow.',
      HINT = 'Pass a name, e.g. publish_workflow(''it_request'', stages, transitions).';
  END IF;
  -- One publisher per name at a time: versions are numbered without gaps.
  PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('servicedesk.workflow:' OPERATOR(pg_catalog.||) name));
  SELECT COALESCE(max(w.version), 0) OPERATOR(pg_catalog.+) 1 INTO next_version
    FROM servicedesk.workflows w WHERE w.name OPERATOR(pg_catalog.=) publish_workflow.name;
  INSERT INTO servicedesk.workflows (name, description, stages, transitions, version, active, service_type)
    VALUES (publish_workflow.name, publish_workflow.description, publish_workflow.stages,
            publish_workflow.transitions, next_version, true, publish_workflow.service_type)
    RETURNING id INTO new_id;
  UPDATE servicedesk.workflows w SET active = false
    WHERE w.name OPERATOR(pg_catalog.=) publish_workflow.name
      AND w.id OPERATOR(pg_catalog.<>) new_id AND w.active;
  RETURN new_id;
END
$$;
COMMENT ON FUNCTION servicedesk.publish_workflow(text, jsonb, jsonb, text, text) IS
  'Adds the next version of a named workflow (validated, SD001) and deactivates the older ones; running requests stay on their version.';

-------------------------------------------------------------------------------
-- Calendars and SLAs (C++: src/core/calendar.cpp, sla_clock.cpp, src/pg/calendars.cpp, sla.cpp)
-------------------------------------------------------------------------------

CREATE FUNCTION servicedesk._calendars_validate() RETURNS trigger
  LANGUAGE c AS 'MODULE_PATHNAME', 'sd_calendars_validate';
COMMENT ON FUNCTION servicedesk._calendars_validate() IS
  'Validates working_hours, timezone and holidays (SD007 with the JSON path).';

CREATE FUNCTION servicedesk._slas_validate() RETURNS trigger
  LANGUAGE c AS 'MODULE_PATHNAME', 'sd_slas_validate';
COMMENT ON FUNCTION servicedesk._slas_validate() IS
  'Validates escalation_rules (22023 with the JSON path).';

CREATE TRIGGER calendars_validate BEFORE INSERT OR UPDATE ON servicedesk.calendars
  FOR EACH ROW EXECUTE FUNCTION servicedesk._calendars_validate();
CREATE TRIGGER calendars_invalidate AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON servicedesk.calendars
  FOR EACH STATEMENT EXECUTE FUNCTION servicedesk._invalidate_caches();
CREATE TRIGGER slas_validate BEFORE INSERT OR UPDATE ON servicedesk.slas
  FOR EACH ROW EXECUTE FUNCTION servicedesk._slas_validate();
CREATE TRIGGER slas_invalidate AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON servicedesk.slas
  FOR EACH STATEMENT EXECUTE FUNCTION servicedesk._invalidate_caches();

CREATE FUNCTION servicedesk.business_add(start timestamptz, minutes integer, calendar_id integer)
  RETURNS timestamptz
  LANGUAGE c STABLE PARALLEL SAFE
  AS 'MODULE_PATHNAME', 'sd_business_add';
COMMENT ON FUNCTION servicedesk.business_add(timestamptz, integer, integer) IS
  'The earliest instant t >= start with minutes of working time in [start, t] on the calendar (NULL: 24x7).';

CREATE FUNCTION servicedesk.business_minutes(a timestamptz, b timestamptz, calendar_id integer)
  RETURNS integer
  LANGUAGE c STABLE PARALLEL SAFE
  AS 'MODULE_PATHNAME', 'sd_business_minutes';
COMMENT ON FUNCTION servicedesk.business_minutes(timestamptz, timestamptz, integer) IS
  'Working minutes in [a, b) on the calendar (NULL: 24x7), floored; negative when b < a.';

CREATE FUNCTION servicedesk.sla_sweep(at timestamptz DEFAULT pg_catalog.now())
  RETURNS integer
  LANGUAGE c VOLATILE
  AS 'MODULE_PATHNAME', 'sd_sla_sweep';
COMMENT ON FUNCTION servicedesk.sla_sweep(timestamptz) IS
  'Fires due escalation rules once, flags passed deadlines as breached, reports overdue approvals; returns escalations plus breaches recorded.';

-------------------------------------------------------------------------------
-- Approvals (C++: src/pg/approvals.cpp)
-------------------------------------------------------------------------------

CREATE FUNCTION servicedesk._approvals_trigger() RETURNS trigger
  LANGUAGE c AS 'MODULE_PATHNAME', 'sd_approvals_trigger';
COMMENT ON FUNCTION servicedesk._approvals_trigger() IS
  'Decisions only by the approver, once (SD006); the policy evaluated under a lock on the request.';

CREATE TRIGGER approvals_guard BEFORE INSERT OR UPDATE OR DELETE ON servicedesk.approvals
  FOR EACH ROW EXECUTE FUNCTION servicedesk._approvals_trigger();
-- After zz_audit, so a decision's audit row precedes the move it causes.
CREATE TRIGGER zzz_policy AFTER UPDATE ON servicedesk.approvals
  FOR EACH ROW EXECUTE FUNCTION servicedesk._approvals_trigger();

CREATE FUNCTION servicedesk.approve(approval_id integer, comment text DEFAULT NULL)
  RETURNS servicedesk.approvals
  LANGUAGE c VOLATILE
  AS 'MODULE_PATHNAME', 'sd_approve';
COMMENT ON FUNCTION servicedesk.approve(integer, text) IS
  'Approves as the current actor (who must be the approver); may move the request per the policy.';

CREATE FUNCTION servicedesk.reject(approval_id integer, comment text DEFAULT NULL)
  RETURNS servicedesk.approvals
  LANGUAGE c VOLATILE
  AS 'MODULE_PATHNAME', 'sd_reject';
COMMENT ON FUNCTION servicedesk.reject(integer, text) IS
  'Rejects as the current actor (who must be the approver); may move the request per the policy.';

CREATE VIEW servicedesk.pending_approvals AS
  SELECT a.id AS approval_id,
         a.approver_id,
         u.username AS approver,
         a.service_id,
         s.title,
         a.workflow_stage_id AS stage,
         a.created_at AS requested_at,
         pg_catalog.now() OPERATOR(pg_catalog.-) a.created_at AS age,
         a.due_date,
         a.due_date OPERATOR(pg_catalog.<) pg_catalog.now() AS overdue
    FROM servicedesk.approvals a
    JOIN servicedesk.services s ON s.id OPERATOR(pg_catalog.=) a.service_id
    LEFT JOIN servicedesk.users u ON u.id OPERATOR(pg_catalog.=) a.approver_id
   WHERE a.status OPERATOR(pg_catalog.=) 'pending';
COMMENT ON VIEW servicedesk.pending_approvals IS 'Approvers'' inbox: every pending approval with its request, age and due date.';

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

CREATE TRIGGER users_invalidate AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON servicedesk.users
  FOR EACH STATEMENT EXECUTE FUNCTION servicedesk._invalidate_caches();
