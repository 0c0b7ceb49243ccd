// _PG_init: settings, cache invalidation, the per-backend catalog.
#include "pg/module.hpp"
#include "pg/spi.hpp"

#include <array>
#include <cstdlib>
#include <cstring>

extern "C" {
PG_MODULE_MAGIC;
void _PG_init(void);
}

namespace servicedesk::pg {

char* guc_actor_id = nullptr;
char* guc_client_ip = nullptr;
int guc_workflow_cache_size = 256;
int guc_calendar_cache_size = 64;
int guc_sweep_interval = 60;
char* guc_sweep_databases = nullptr;
char* guc_trusted_role = nullptr;
char* guc_staff_roles = nullptr;

namespace {

Catalog g_catalog;
bool g_catalog_valid = false;
std::array<InvalidationHook, 8> g_hooks{};
int g_hook_count = 0;

void relcache_callback(Datum, Oid relid) {
  if (g_catalog_valid &&
      (relid == InvalidOid || relid == g_catalog.users || relid == g_catalog.calendars ||
       relid == g_catalog.workflows || relid == g_catalog.slas || relid == g_catalog.services ||
       relid == g_catalog.approvals || relid == g_catalog.sla_tracking ||
       relid == g_catalog.sla_escalations || relid == g_catalog.audit_logs)) {
    g_catalog_valid = false;
  }
  for (int i = 0; i < g_hook_count; ++i) g_hooks[i](relid);
}

// The schema's own invalidation (DROP SCHEMA) arrives as a syscache event.
void namespace_callback(Datum, int, uint32) { g_catalog_valid = false; }

Oid table_oid(Oid schema, const char* name) {
  Oid relid = get_relname_relid(name, schema);
  if (!OidIsValid(relid)) {
    ereport(ERROR, (errcode(ERRCODE_UNDEFINED_TABLE),
                    errmsg("servicedesk table \"servicedesk.%s\" does not exist", name),
                    errdetail("The servicedesk extension's objects are missing or damaged."),
                    errhint("Run DROP EXTENSION servicedesk CASCADE; CREATE EXTENSION servicedesk;")));
  }
  return relid;
}

bool check_client_ip(char** newval, void**, GucSource) {
  const char* s = *newval;
  if (s == nullptr || *s == '\0') return true;
  int n = 0;
  for (const char* p = s; *p != '\0'; ++p, ++n) {
    char c = *p;
    bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') ||
              c == '.' || c == ':' || c == '%' || c == '/';
    if (!ok || n >= 45) {
      GUC_check_errdetail("servicedesk.client_ip must be an IPv4 or IPv6 address of at most 45 characters.");
      return false;
    }
  }
  return true;
}

bool check_actor_id(char** newval, void**, GucSource) {
  const char* s = *newval;
  if (s == nullptr || *s == '\0') return true;
  const char* p = s;
  if (*p == '+') ++p;
  if (*p == '\0') goto bad;
  for (; *p != '\0'; ++p) {
    if (*p < '0' || *p > '9') goto bad;
  }
  if (std::strlen(s) > 10 || std::strtoll(s, nullptr, 10) > PG_INT32_MAX) goto bad;
  return true;
bad:
  GUC_check_errcode(MAKE_SQLSTATE('S', 'D', '0', '0', '9'));
  GUC_check_errdetail("servicedesk.actor_id must be the id of a servicedesk.users row (a positive integer), or empty.");
  return false;
}

}  // namespace

const Catalog& catalog() {
  if (g_catalog_valid) return g_catalog;
  Oid schema = get_namespace_oid("servicedesk", true);
  if (!OidIsValid(schema)) {
    ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
                    errmsg("extension \"servicedesk\" is not installed in database \"%s\"",
                           get_database_name(MyDatabaseId)),
                    errdetail("Schema \"servicedesk\" does not exist."),
                    errhint("Run CREATE EXTENSION servicedesk;")));
  }
  Catalog c;
  c.schema = schema;
  c.users = table_oid(schema, "users");
  c.calendars = table_oid(schema, "calendars");
  c.workflows = table_oid(schema, "workflows");
  c.slas = table_oid(schema, "slas");
  c.services = table_oid(schema, "services");
  c.approvals = table_oid(schema, "approvals");
  c.sla_tracking = table_oid(schema, "sla_tracking");
  c.sla_escalations = table_oid(schema, "sla_escalations");
  c.audit_logs = table_oid(schema, "audit_logs");
  HeapTuple tup = SearchSysCache1(RELOID, ObjectIdGetDatum(c.audit_logs));
  if (!HeapTupleIsValid(tup)) elog(ERROR, "cache lookup failed for relation %u", c.audit_logs);
  c.owner = ((Form_pg_class)GETSTRUCT(tup))->relowner;
  ReleaseSysCache(tup);
  Relation users = table_open(c.users, AccessShareLock);
  if (users->trigdesc != nullptr) {
    for (int i = 0; i < users->trigdesc->numtriggers; ++i) {
      if (std::strcmp(users->trigdesc->triggers[i].tgname, "users_invalidate") == 0) {
        c.users_broadcast = true;
      }
    }
  }
  table_close(users, AccessShareLock);
  g_catalog = c;
  g_catalog_valid = true;
  return g_catalog;
}

void on_relcache_invalidation(InvalidationHook hook) {
  if (g_hook_count < static_cast<int>(g_hooks.size())) g_hooks[g_hook_count++] = hook;
}

AsOwner::AsOwner() {
  GetUserIdAndSecContext(&saved_user_, &saved_sec_context_);
  Oid owner = catalog().owner;
  SetUserIdAndSecContext(owner, saved_sec_context_ | SECURITY_LOCAL_USERID_CHANGE);
}

AsOwner::~AsOwner() { SetUserIdAndSecContext(saved_user_, saved_sec_context_); }

void define_settings() {
  DefineCustomStringVariable(
      "servicedesk.actor_id", "The servicedesk.users id acting in this session or transaction.",
      "Set it with SET LOCAL from an application; empty means: use the users row whose "
      "db_role is the current role.",
      &guc_actor_id, "", PGC_USERSET, 0, check_actor_id, nullptr, nullptr);
  DefineCustomStringVariable(
      "servicedesk.client_ip", "Client address written to audit_logs.ip_address.",
      "Empty means: the address of the connection.", &guc_client_ip, "", PGC_USERSET, 0,
      check_client_ip, nullptr, nullptr);
  DefineCustomIntVariable("servicedesk.workflow_cache_size",
                          "Compiled workflow versions kept per backend.", nullptr,
                          &guc_workflow_cache_size, 256, 1, 100000, PGC_USERSET, 0, nullptr,
                          nullptr, nullptr);
  DefineCustomIntVariable("servicedesk.calendar_cache_size",
                          "Compiled calendars kept per backend.", nullptr,
                          &guc_calendar_cache_size, 64, 1, 100000, PGC_USERSET, 0, nullptr,
                          nullptr, nullptr);
  DefineCustomIntVariable("servicedesk.sweep_interval",
                          "Seconds between two SLA sweeps of the background worker.", nullptr,
                          &guc_sweep_interval, 60, 1, 86400, PGC_SIGHUP, GUC_UNIT_S, nullptr,
                          nullptr, nullptr);
  DefineCustomStringVariable("servicedesk.sweep_databases",
                             "Comma-separated databases the background worker sweeps.",
                             "Empty: the worker sweeps nothing.", &guc_sweep_databases, "",
                             PGC_SIGHUP, 0, nullptr, nullptr, nullptr);
  DefineCustomStringVariable(
      "servicedesk.trusted_role",
      "Database role whose members may set servicedesk.actor_id to any user.",
      "Sessions whose login role is a member of this role (or a superuser) may act as any "
      "user; others may only set their own id (the users row mapped to their role).",
      &guc_trusted_role, "servicedesk_app", PGC_SUSET, 0, nullptr, nullptr, nullptr);
  DefineCustomStringVariable(
      "servicedesk.staff_roles",
      "users.roles that see every request when row-level security is enabled.",
      "Comma-separated; everyone else sees the requests they requested, are assigned to or "
      "are asked to approve.",
      &guc_staff_roles, "agent,manager,admin", PGC_SUSET, 0, nullptr, nullptr, nullptr);
  MarkGUCPrefixReserved("servicedesk");
}

void register_sweep_launcher();  // sweep_worker.cpp

}  // namespace servicedesk::pg

extern "C" void _PG_init(void) {
  servicedesk::pg::define_settings();
  CacheRegisterRelcacheCallback(servicedesk::pg::relcache_callback, 0);
  CacheRegisterSyscacheCallback(NAMESPACEOID, servicedesk::pg::namespace_callback, 0);
  servicedesk::pg::register_caches();
  servicedesk::pg::spi_register_abort_callback();
  // The sweeper needs shared memory slots reserved at server start: only a
  // preloaded library may register it.
  if (process_shared_preload_libraries_in_progress) servicedesk::pg::register_sweep_launcher();
}
