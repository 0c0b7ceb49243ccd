// Module-wide state of the glue: settings, and the per-backend catalog
// information (schema and table oids, owner) with its invalidation.
#pragma once

#include "pg/pg_headers.hpp"

namespace servicedesk::pg {

// Settings (GUCs), defined in _PG_init.
extern char* guc_actor_id;
extern char* guc_client_ip;
extern int guc_workflow_cache_size;
extern int guc_calendar_cache_size;
extern int guc_sweep_interval;
extern char* guc_sweep_databases;
extern char* guc_trusted_role;
extern char* guc_staff_roles;

// Oids of the extension's schema and tables in this database, looked up once
// and forgotten when any of them is invalidated (DROP/CREATE EXTENSION).
struct Catalog {
  Oid schema = InvalidOid;
  Oid owner = InvalidOid;  // owner of the extension's tables; internal writes run as it
  Oid users = InvalidOid;
  Oid calendars = InvalidOid;
  Oid workflows = InvalidOid;
  Oid slas = InvalidOid;
  Oid services = InvalidOid;
  Oid approvals = InvalidOid;
  Oid sla_tracking = InvalidOid;
  Oid sla_escalations = InvalidOid;
  Oid audit_logs = InvalidOid;
  // 1.1 added a statement trigger on users that broadcasts invalidations;
  // only then may the acting user be remembered across statements.
  bool users_broadcast = false;
};

// The catalog of the installed extension; raises an error if it is not
// installed in this database. May raise PostgreSQL errors: call via pg_call
// when C++ objects are alive.
const Catalog& catalog();

// Registers a function called with the relation oid (InvalidOid: everything)
// whenever a relcache invalidation arrives; caches hook in here.
using InvalidationHook = void (*)(Oid relid);
void on_relcache_invalidation(InvalidationHook hook);

// Runs internal reads and writes as the owner of the extension's tables, with
// SECURITY_LOCAL_USERID_CHANGE, the way referential-integrity triggers do.
// Restored by the destructor, and by transaction abort on error.
class AsOwner {
 public:
  AsOwner();
  ~AsOwner();
  AsOwner(const AsOwner&) = delete;
  AsOwner& operator=(const AsOwner&) = delete;

 private:
  Oid saved_user_;
  int saved_sec_context_;
};

// Hooks every per-backend cache into relcache invalidation (workflows.cpp).
void register_caches();

}  // namespace servicedesk::pg
