-- Schema: every seed column and index with a compatible type, SPEC additions,
-- value-set CHECKs, dump configuration, comments.
\set QUIET 1
\set ON_ERROR_STOP 1
\pset format unaligned
\pset tuples_only true
\pset pager off
BEGIN;
SELECT plan(230);
SELECT has_table('servicedesk', 'services', 'table servicedesk.services exists');
SELECT col_is_pk('servicedesk', 'services', 'id', 'services.id is the primary key');
SELECT has_column('servicedesk', 'services', 'id', 'services.id exists');
SELECT col_type_is('servicedesk', 'services', 'id', 'integer', 'services.id is integer');
SELECT has_column('servicedesk', 'services', 'title', 'services.title exists');
SELECT col_type_is('servicedesk', 'services', 'title', 'character varying(255)', 'services.title is character varying(255)');
SELECT has_column('servicedesk', 'services', 'description', 'services.description exists');
SELECT col_type_is('servicedesk', 'services', 'description', 'text', 'services.description is text');
SELECT has_column('servicedesk', 'services', 'service_type', 'services.service_type exists');
SELECT col_type_is('servicedesk', 'services', 'service_type', 'character varying(100)', 'services.service_type is character varying(100)');
SELECT has_column('servicedesk', 'services', 'priority', 'services.priority exists');
SELECT col_type_is('servicedesk', 'services', 'priority', 'character varying(50)', 'services.priority is character varying(50)');
SELECT has_column('servicedesk', 'services', 'status', 'services.status exists');
SELECT col_type_is('servicedesk', 'services', 'status', 'character varying(50)', 'services.status is character varying(50)');
SELECT has_column('servicedesk', 'services', 'workflow_id', 'services.workflow_id exists');
SELECT col_type_is('servicedesk', 'services', 'workflow_id', 'integer', 'services.workflow_id is integer');
SELECT has_column('servicedesk', 'services', 'requester_id', 'services.requester_id exists');
SELECT col_type_is('servicedesk', 'services', 'requester_id', 'integer', 'services.requester_id is integer');
SELECT has_column('servicedesk', 'services', 'assignee_id', 'services.assignee_id exists');
SELECT col_type_is('servicedesk', 'services', 'assignee_id', 'integer', 'services.assignee_id is integer');
SELECT has_column('servicedesk', 'services', 'current_stage_id', 'services.current_stage_id exists');
SELECT col_type_is('servicedesk', 'services', 'current_stage_id', 'character varying(100)', 'services.current_stage_id is character varying(100)');
SELECT has_column('servicedesk', 'services', 'sla_id', 'services.sla_id exists');
SELECT col_type_is('servicedesk', 'services', 'sla_id', 'integer', 'services.sla_id is integer');
SELECT has_column('servicedesk', 'services', 'metadata', 'services.metadata exists');
SELECT col_type_is('servicedesk', 'services', 'metadata', 'jsonb', 'services.metadata is jsonb');
SELECT has_column('servicedesk', 'services', 'created_at', 'services.created_at exists');
SELECT col_type_is('servicedesk', 'services', 'created_at', 'timestamp with time zone', 'services.created_at is timestamp with time zone');
SELECT has_column('servicedesk', 'services', 'updated_at', 'services.updated_at exists');
SELECT col_type_is('servicedesk', 'services', 'updated_at', 'timestamp with time zone', 'services.updated_at is timestamp with time zone');
SELECT ok(obj_description('servicedesk.services'::regclass, 'pg_class') IS NOT NULL, 'services has a comment');
SELECT has_table('servicedesk', 'workflows', 'table servicedesk.workflows exists');
SELECT col_is_pk('servicedesk', 'workflows', 'id', 'workflows.id is the primary key');
SELECT has_column('servicedesk', 'workflows', 'id', 'workflows.id exists');
SELECT col_type_is('servicedesk', 'workflows', 'id', 'integer', 'workflows.id is integer');
SELECT has_column('servicedesk', 'workflows', 'name', 'workflows.name exists');
SELECT col_type_is('servicedesk', 'workflows', 'name', 'character varying(255)', 'workflows.name is character varying(255)');
SELECT has_column('servicedesk', 'workflows', 'description', 'workflows.description exists');
SELECT col_type_is('servicedesk', 'workflows', 'description', 'text', 'workflows.description is text');
SELECT has_column('servicedesk', 'workflows', 'stages', 'workflows.stages exists');
SELECT col_type_is('servicedesk', 'workflows', 'stages', 'jsonb', 'workflows.stages is jsonb');
SELECT has_column('servicedesk', 'workflows', 'transitions', 'workflows.transitions exists');
SELECT col_type_is('servicedesk', 'workflows', 'transitions', 'jsonb', 'workflows.transitions is jsonb');
SELECT has_column('servicedesk', 'workflows', 'version', 'workflows.version exists');
SELECT col_type_is('servicedesk', 'workflows', 'version', 'integer', 'workflows.version is integer');
SELECT has_column('servicedesk', 'workflows', 'active', 'workflows.active exists');
SELECT col_type_is('servicedesk', 'workflows', 'active', 'boolean', 'workflows.active is boolean');
SELECT has_column('servicedesk', 'workflows', 'created_at', 'workflows.created_at exists');
SELECT col_type_is('servicedesk', 'workflows', 'created_at', 'timestamp with time zone', 'workflows.created_at is timestamp with time zone');
SELECT has_column('servicedesk', 'workflows', 'updated_at', 'workflows.updated_at exists');
SELECT col_type_is('servicedesk', 'workflows', 'updated_at', 'timestamp with time zone', 'workflows.updated_at is timestamp with time zone');
SELECT has_column('servicedesk', 'workflows', 'service_type', 'workflows.service_type exists');
SELECT col_type_is('servicedesk', 'workflows', 'service_type', 'character varying(100)', 'workflows.service_type is character varying(100)');
SELECT ok(obj_description('servicedesk.workflows'::regclass, 'pg_class') IS NOT NULL, 'workflows has a comment');
SELECT has_table('servicedesk', 'approvals', 'table servicedesk.approvals exists');
SELECT col_is_pk('servicedesk', 'approvals', 'id', 'approvals.id is the primary key');
SELECT has_column('servicedesk', 'approvals', 'id', 'approvals.id exists');
SELECT col_type_is('servicedesk', 'approvals', 'id', 'integer', 'approvals.id is integer');
SELECT has_column('servicedesk', 'approvals', 'service_id', 'approvals.service_id exists');
SELECT col_type_is('servicedesk', 'approvals', 'service_id', 'integer', 'approvals.service_id is integer');
SELECT has_column('servicedesk', 'approvals', 'workflow_stage_id', 'approvals.workflow_stage_id exists');
SELECT col_type_is('servicedesk', 'approvals', 'workflow_stage_id', 'character varying(100)', 'approvals.workflow_stage_id is character varying(100)');
SELECT has_column('servicedesk', 'approvals', 'approver_id', 'approvals.approver_id exists');
SELECT col_type_is('servicedesk', 'approvals', 'approver_id', 'integer', 'approvals.approver_id is integer');
SELECT has_column('servicedesk', 'approvals', 'status', 'approvals.status exists');
SELECT col_type_is('servicedesk', 'approvals', 'status', 'character varying(50)', 'approvals.status is character varying(50)');
SELECT has_column('servicedesk', 'approvals', 'comment', 'approvals.comment exists');
SELECT col_type_is('servicedesk', 'approvals', 'comment', 'text', 'approvals.comment is text');
SELECT has_column('servicedesk', 'approvals', 'decision_at', 'approvals.decision_at exists');
SELECT col_type_is('servicedesk', 'approvals', 'decision_at', 'timestamp with time zone', 'approvals.decision_at is timestamp with time zone');
SELECT has_column('servicedesk', 'approvals', 'due_date', 'approvals.due_date exists');
SELECT col_type_is('servicedesk', 'approvals', 'due_date', 'timestamp with time zone', 'approvals.due_date is timestamp with time zone');
SELECT has_column('servicedesk', 'approvals', 'created_at', 'approvals.created_at exists');
SELECT col_type_is('servicedesk', 'approvals', 'created_at', 'timestamp with time zone', 'approvals.created_at is timestamp with time zone');
SELECT ok(obj_description('servicedesk.approvals'::regclass, 'pg_class') IS NOT NULL, 'approvals has a comment');
SELECT has_table('servicedesk', 'slas', 'table servicedesk.slas exists');
SELECT col_is_pk('servicedesk', 'slas', 'id', 'slas.id is the primary key');
SELECT has_column('servicedesk', 'slas', 'id', 'slas.id exists');
SELECT col_type_is('servicedesk', 'slas', 'id', 'integer', 'slas.id is integer');
SELECT has_column('servicedesk', 'slas', 'name', 'slas.name exists');
SELECT col_type_is('servicedesk', 'slas', 'name', 'character varying(255)', 'slas.name is character varying(255)');
SELECT has_column('servicedesk', 'slas', 'description', 'slas.description exists');
SELECT col_type_is('servicedesk', 'slas', 'description', 'text', 'slas.description is text');
SELECT has_column('servicedesk', 'slas', 'service_type', 'slas.service_type exists');
SELECT col_type_is('servicedesk', 'slas', 'service_type', 'character varying(100)', 'slas.service_type is character varying(100)');
SELECT has_column('servicedesk', 'slas', 'response_time', 'slas.response_time exists');
SELECT col_type_is('servicedesk', 'slas', 'response_time', 'integer', 'slas.response_time is integer');
SELECT has_column('servicedesk', 'slas', 'resolution_time', 'slas.resolution_time exists');
SELECT col_type_is('servicedesk', 'slas', 'resolution_time', 'integer', 'slas.resolution_time is integer');
SELECT has_column('servicedesk', 'slas', 'escalation_rules', 'slas.escalation_rules exists');
SELECT col_type_is('servicedesk', 'slas', 'escalation_rules', 'jsonb', 'slas.escalation_rules is jsonb');
SELECT has_column('servicedesk', 'slas', 'active', 'slas.active exists');
SELECT col_type_is('servicedesk', 'slas', 'active', 'boolean', 'slas.active is boolean');
SELECT has_column('servicedesk', 'slas', 'created_at', 'slas.created_at exists');
SELECT col_type_is('servicedesk', 'slas', 'created_at', 'timestamp with time zone', 'slas.created_at is timestamp with time zone');
SELECT has_column('servicedesk', 'slas', 'priority', 'slas.priority exists');
SELECT col_type_is('servicedesk', 'slas', 'priority', 'character varying(50)', 'slas.priority is character varying(50)');
SELECT has_column('servicedesk', 'slas', 'calendar_id', 'slas.calendar_id exists');
SELECT col_type_is('servicedesk', 'slas', 'calendar_id', 'integer', 'slas.calendar_id is integer');
SELECT ok(obj_description('servicedesk.slas'::regclass, 'pg_class') IS NOT NULL, 'slas has a comment');
SELECT has_table('servicedesk', 'sla_tracking', 'table servicedesk.sla_tracking exists');
SELECT col_is_pk('servicedesk', 'sla_tracking', 'id', 'sla_tracking.id is the primary key');
SELECT has_column('servicedesk', 'sla_tracking', 'id', 'sla_tracking.id exists');
SELECT col_type_is('servicedesk', 'sla_tracking', 'id', 'integer', 'sla_tracking.id is integer');
SELECT has_column('servicedesk', 'sla_tracking', 'service_id', 'sla_tracking.service_id exists');
SELECT col_type_is('servicedesk', 'sla_tracking', 'service_id', 'integer', 'sla_tracking.service_id is integer');
SELECT has_column('servicedesk', 'sla_tracking', 'sla_id', 'sla_tracking.sla_id exists');
SELECT col_type_is('servicedesk', 'sla_tracking', 'sla_id', 'integer', 'sla_tracking.sla_id is integer');
SELECT has_column('servicedesk', 'sla_tracking', 'response_deadline', 'sla_tracking.response_deadline exists');
SELECT col_type_is('servicedesk', 'sla_tracking', 'response_deadline', 'timestamp with time zone', 'sla_tracking.response_deadline is timestamp with time zone');
SELECT has_column('servicedesk', 'sla_tracking', 'resolution_deadline', 'sla_tracking.resolution_deadline exists');
SELECT col_type_is('servicedesk', 'sla_tracking', 'resolution_deadline', 'timestamp with time zone', 'sla_tracking.resolution_deadline is timestamp with time zone');
SELECT has_column('servicedesk', 'sla_tracking', 'response_time', 'sla_tracking.response_time exists');
SELECT col_type_is('servicedesk', 'sla_tracking', 'response_time', 'integer', 'sla_tracking.response_time is integer');
SELECT has_column('servicedesk', 'sla_tracking', 'resolution_time', 'sla_tracking.resolution_time exists');
SELECT col_type_is('servicedesk', 'sla_tracking', 'resolution_time', 'integer', 'sla_tracking.resolution_time is integer');
SELECT has_column('servicedesk', 'sla_tracking', 'status', 'sla_tracking.status exists');
SELECT col_type_is('servicedesk', 'sla_tracking', 'status', 'character varying(50)', 'sla_tracking.status is character varying(50)');
SELECT has_column('servicedesk', 'sla_tracking', 'breached', 'sla_tracking.breached exists');
SELECT col_type_is('servicedesk', 'sla_tracking', 'breached', 'boolean', 'sla_tracking.breached is boolean');
SELECT has_column('servicedesk', 'sla_tracking', 'created_at', 'sla_tracking.created_at exists');
SELECT col_type_is('servicedesk', 'sla_tracking', 'created_at', 'timestamp with time zone', 'sla_tracking.created_at is timestamp with time zone');
SELECT has_column('servicedesk', 'sla_tracking', 'responded_at', 'sla_tracking.responded_at exists');
SELECT col_type_is('servicedesk', 'sla_tracking', 'responded_at', 'timestamp with time zone', 'sla_tracking.responded_at is timestamp with time zone');
SELECT has_column('servicedesk', 'sla_tracking', 'resolved_at', 'sla_tracking.resolved_at exists');
SELECT col_type_is('servicedesk', 'sla_tracking', 'resolved_at', 'timestamp with time zone', 'sla_tracking.resolved_at is timestamp with time zone');
SELECT has_column('servicedesk', 'sla_tracking', 'paused_at', 'sla_tracking.paused_at exists');
SELECT col_type_is('servicedesk', 'sla_tracking', 'paused_at', 'timestamp with time zone', 'sla_tracking.paused_at is timestamp with time zone');
SELECT has_column('servicedesk', 'sla_tracking', 'response_breached', 'sla_tracking.response_breached exists');
SELECT col_type_is('servicedesk', 'sla_tracking', 'response_breached', 'boolean', 'sla_tracking.response_breached is boolean');
SELECT has_column('servicedesk', 'sla_tracking', 'resolution_breached', 'sla_tracking.resolution_breached exists');
SELECT col_type_is('servicedesk', 'sla_tracking', 'resolution_breached', 'boolean', 'sla_tracking.resolution_breached is boolean');
SELECT ok(obj_description('servicedesk.sla_tracking'::regclass, 'pg_class') IS NOT NULL, 'sla_tracking has a comment');
SELECT has_table('servicedesk', 'audit_logs', 'table servicedesk.audit_logs exists');
SELECT col_is_pk('servicedesk', 'audit_logs', 'id', 'audit_logs.id is the primary key');
SELECT has_column('servicedesk', 'audit_logs', 'id', 'audit_logs.id exists');
SELECT col_type_is('servicedesk', 'audit_logs', 'id', 'integer', 'audit_logs.id is integer');
SELECT has_column('servicedesk', 'audit_logs', 'user_id', 'audit_logs.user_id exists');
SELECT col_type_is('servicedesk', 'audit_logs', 'user_id', 'integer', 'audit_logs.user_id is integer');
SELECT has_column('servicedesk', 'audit_logs', 'entity_type', 'audit_logs.entity_type exists');
SELECT col_type_is('servicedesk', 'audit_logs', 'entity_type', 'character varying(50)', 'audit_logs.entity_type is character varying(50)');
SELECT has_column('servicedesk', 'audit_logs', 'entity_id', 'audit_logs.entity_id exists');
SELECT col_type_is('servicedesk', 'audit_logs', 'entity_id', 'integer', 'audit_logs.entity_id is integer');
SELECT has_column('servicedesk', 'audit_logs', 'action', 'audit_logs.action exists');
SELECT col_type_is('servicedesk', 'audit_logs', 'action', 'character varying(50)', 'audit_logs.action is character varying(50)');
SELECT has_column('servicedesk', 'audit_logs', 'old_values', 'audit_logs.old_values exists');
SELECT col_type_is('servicedesk', 'audit_logs', 'old_values', 'jsonb', 'audit_logs.old_values is jsonb');
SELECT has_column('servicedesk', 'audit_logs', 'new_values', 'audit_logs.new_values exists');
SELECT col_type_is('servicedesk', 'audit_logs', 'new_values', 'jsonb', 'audit_logs.new_values is jsonb');
SELECT has_column('servicedesk', 'audit_logs', 'ip_address', 'audit_logs.ip_address exists');
SELECT col_type_is('servicedesk', 'audit_logs', 'ip_address', 'character varying(45)', 'audit_logs.ip_address is character varying(45)');
SELECT has_column('servicedesk', 'audit_logs', 'created_at', 'audit_logs.created_at exists');
SELECT col_type_is('servicedesk', 'audit_logs', 'created_at', 'timestamp with time zone', 'audit_logs.created_at is timestamp with time zone');
SELECT ok(obj_description('servicedesk.audit_logs'::regclass, 'pg_class') IS NOT NULL, 'audit_logs has a comment');
SELECT has_table('servicedesk', 'users', 'table servicedesk.users exists');
SELECT col_is_pk('servicedesk', 'users', 'id', 'users.id is the primary key');
SELECT has_column('servicedesk', 'users', 'id', 'users.id exists');
SELECT col_type_is('servicedesk', 'users', 'id', 'integer', 'users.id is integer');
SELECT has_column('servicedesk', 'users', 'username', 'users.username exists');
SELECT col_type_is('servicedesk', 'users', 'username', 'character varying(100)', 'users.username is character varying(100)');
SELECT has_column('servicedesk', 'users', 'display_name', 'users.display_name exists');
SELECT has_column('servicedesk', 'users', 'email', 'users.email exists');
SELECT has_column('servicedesk', 'users', 'roles', 'users.roles exists');
SELECT col_type_is('servicedesk', 'users', 'roles', 'text[]', 'users.roles is text[]');
SELECT has_column('servicedesk', 'users', 'db_role', 'users.db_role exists');
SELECT col_type_is('servicedesk', 'users', 'db_role', 'name', 'users.db_role is name');
SELECT has_column('servicedesk', 'users', 'active', 'users.active exists');
SELECT col_type_is('servicedesk', 'users', 'active', 'boolean', 'users.active is boolean');
SELECT has_column('servicedesk', 'users', 'created_at', 'users.created_at exists');
SELECT col_type_is('servicedesk', 'users', 'created_at', 'timestamp with time zone', 'users.created_at is timestamp with time zone');
SELECT ok(obj_description('servicedesk.users'::regclass, 'pg_class') IS NOT NULL, 'users has a comment');
SELECT has_table('servicedesk', 'calendars', 'table servicedesk.calendars exists');
SELECT col_is_pk('servicedesk', 'calendars', 'id', 'calendars.id is the primary key');
SELECT has_column('servicedesk', 'calendars', 'id', 'calendars.id exists');
SELECT col_type_is('servicedesk', 'calendars', 'id', 'integer', 'calendars.id is integer');
SELECT has_column('servicedesk', 'calendars', 'name', 'calendars.name exists');
SELECT col_type_is('servicedesk', 'calendars', 'name', 'character varying(255)', 'calendars.name is character varying(255)');
SELECT has_column('servicedesk', 'calendars', 'timezone', 'calendars.timezone exists');
SELECT col_type_is('servicedesk', 'calendars', 'timezone', 'text', 'calendars.timezone is text');
SELECT has_column('servicedesk', 'calendars', 'working_hours', 'calendars.working_hours exists');
SELECT col_type_is('servicedesk', 'calendars', 'working_hours', 'jsonb', 'calendars.working_hours is jsonb');
SELECT has_column('servicedesk', 'calendars', 'holidays', 'calendars.holidays exists');
SELECT col_type_is('servicedesk', 'calendars', 'holidays', 'date[]', 'calendars.holidays is date[]');
SELECT has_column('servicedesk', 'calendars', 'created_at', 'calendars.created_at exists');
SELECT col_type_is('servicedesk', 'calendars', 'created_at', 'timestamp with time zone', 'calendars.created_at is timestamp with time zone');
SELECT ok(obj_description('servicedesk.calendars'::regclass, 'pg_class') IS NOT NULL, 'calendars has a comment');
SELECT has_table('servicedesk', 'sla_escalations', 'table servicedesk.sla_escalations exists');
SELECT col_is_pk('servicedesk', 'sla_escalations', 'id', 'sla_escalations.id is the primary key');
SELECT has_column('servicedesk', 'sla_escalations', 'id', 'sla_escalations.id exists');
SELECT col_type_is('servicedesk', 'sla_escalations', 'id', 'integer', 'sla_escalations.id is integer');
SELECT has_column('servicedesk', 'sla_escalations', 'sla_tracking_id', 'sla_escalations.sla_tracking_id exists');
SELECT col_type_is('servicedesk', 'sla_escalations', 'sla_tracking_id', 'integer', 'sla_escalations.sla_tracking_id is integer');
SELECT has_column('servicedesk', 'sla_escalations', 'rule_index', 'sla_escalations.rule_index exists');
SELECT col_type_is('servicedesk', 'sla_escalations', 'rule_index', 'integer', 'sla_escalations.rule_index is integer');
SELECT has_column('servicedesk', 'sla_escalations', 'action', 'sla_escalations.action exists');
SELECT col_type_is('servicedesk', 'sla_escalations', 'action', 'text', 'sla_escalations.action is text');
SELECT has_column('servicedesk', 'sla_escalations', 'fired_at', 'sla_escalations.fired_at exists');
SELECT col_type_is('servicedesk', 'sla_escalations', 'fired_at', 'timestamp with time zone', 'sla_escalations.fired_at is timestamp with time zone');
SELECT ok(obj_description('servicedesk.sla_escalations'::regclass, 'pg_class') IS NOT NULL, 'sla_escalations has a comment');
SELECT has_index('servicedesk', 'services', 'idx_services_status', ARRAY['status'], 'seed index idx_services_status');
SELECT has_index('servicedesk', 'services', 'idx_services_workflow', ARRAY['workflow_id'], 'seed index idx_services_workflow');
SELECT has_index('servicedesk', 'services', 'idx_services_requester', ARRAY['requester_id'], 'seed index idx_services_requester');
SELECT has_index('servicedesk', 'approvals', 'idx_approvals_service', ARRAY['service_id'], 'seed index idx_approvals_service');
SELECT has_index('servicedesk', 'approvals', 'idx_approvals_status', ARRAY['status'], 'seed index idx_approvals_status');
SELECT has_index('servicedesk', 'sla_tracking', 'idx_sla_tracking_service', ARRAY['service_id'], 'seed index idx_sla_tracking_service');
SELECT has_index('servicedesk', 'audit_logs', 'idx_audit_logs_entity', ARRAY['entity_type','entity_id'], 'seed index idx_audit_logs_entity');
SELECT fk_ok('servicedesk', 'services', 'workflow_id', 'servicedesk', 'workflows', 'id');
SELECT fk_ok('servicedesk', 'services', 'requester_id', 'servicedesk', 'users', 'id');
SELECT fk_ok('servicedesk', 'services', 'assignee_id', 'servicedesk', 'users', 'id');
SELECT fk_ok('servicedesk', 'services', 'sla_id', 'servicedesk', 'slas', 'id');
SELECT fk_ok('servicedesk', 'approvals', 'service_id', 'servicedesk', 'services', 'id');
SELECT fk_ok('servicedesk', 'approvals', 'approver_id', 'servicedesk', 'users', 'id');
SELECT fk_ok('servicedesk', 'sla_tracking', 'service_id', 'servicedesk', 'services', 'id');
SELECT fk_ok('servicedesk', 'sla_tracking', 'sla_id', 'servicedesk', 'slas', 'id');
SELECT fk_ok('servicedesk', 'audit_logs', 'user_id', 'servicedesk', 'users', 'id');
SELECT fk_ok('servicedesk', 'slas', 'calendar_id', 'servicedesk', 'calendars', 'id');
SELECT fk_ok('servicedesk', 'sla_escalations', 'sla_tracking_id', 'servicedesk', 'sla_tracking', 'id');

-- value sets are enforced by CHECK constraints
SELECT throws_ok($$INSERT INTO servicedesk.slas (name, priority) VALUES ('x', 'urgent')$$, '23514', NULL, 'slas.priority outside the value set is refused');
SELECT throws_ok($$INSERT INTO servicedesk.sla_tracking (status) VALUES ('running')$$, '23514', NULL, 'sla_tracking.status outside the value set is refused');
SET LOCAL session_replication_role = replica;  -- past the engine's triggers, to the constraint
SELECT throws_ok($$INSERT INTO servicedesk.approvals (status) VALUES ('maybe')$$, '23514', NULL, 'approvals.status outside the value set is refused');
SET LOCAL session_replication_role = origin;
SELECT ok(EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'servicedesk.services'::regclass AND contype = 'c' AND pg_get_constraintdef(oid) LIKE '%submitted%'), 'services.status has a CHECK of the value set');
SELECT ok(EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'servicedesk.services'::regclass AND contype = 'c' AND pg_get_constraintdef(oid) LIKE '%critical%'), 'services.priority has a CHECK of the value set');
SELECT col_has_default('servicedesk', 'services', 'priority', 'services.priority has a default');
SELECT col_default_is('servicedesk', 'users', 'roles', '{}'::text[], 'users.roles defaults to {}');
-- every table and sequence is dumped by pg_dump
SELECT set_eq(
  $$SELECT c.relname::text FROM pg_extension e, unnest(e.extconfig) AS x(oid) JOIN pg_class c ON c.oid = x.oid WHERE e.extname = 'servicedesk'$$,
  $$SELECT c.relname::text FROM pg_class c WHERE c.relnamespace = 'servicedesk'::regnamespace AND c.relkind IN ('r', 'S')$$,
  'pg_extension_config_dump covers every table and sequence');
-- every column and function is commented
SELECT is_empty(
  $$SELECT c.relname || '.' || a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
     WHERE c.relnamespace = 'servicedesk'::regnamespace AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
       AND col_description(c.oid, a.attnum) IS NULL$$, 'every column has a comment');
SELECT is_empty(
  $$SELECT p.oid::regprocedure::text FROM pg_proc p WHERE p.pronamespace = 'servicedesk'::regnamespace
       AND obj_description(p.oid, 'pg_proc') IS NULL$$, 'every function has a comment');
-- the extension owns its schema and is not relocatable
SELECT is((SELECT extrelocatable FROM pg_extension WHERE extname = 'servicedesk'), false, 'not relocatable');
SELECT ok(EXISTS (SELECT 1 FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid
  WHERE e.extname = 'servicedesk' AND d.classid = 'pg_namespace'::regclass AND d.objid = 'servicedesk'::regnamespace AND d.deptype = 'e'),
  'schema servicedesk belongs to the extension');
SELECT is_empty(
  $$SELECT p.oid::regprocedure::text FROM pg_proc p WHERE p.pronamespace = 'servicedesk'::regnamespace
       AND p.prosecdef AND NOT EXISTS (SELECT 1 FROM unnest(p.proconfig) c WHERE c LIKE 'search_path=%')$$,
  'every SECURITY DEFINER function pins search_path');

SELECT * FROM finish();
ROLLBACK;
