// Audit trail: one audit_logs row per INSERT, UPDATE and DELETE on the
// extension's tables, written by a C++ row trigger; updated_at maintenance;
// audit_logs append-only; current_actor().
#include "pg/audit.hpp"

#include <cstring>
#include <unordered_map>
#include <string>
#include <string_view>
#include <vector>

#include "core/row_diff.hpp"
#include "pg/module.hpp"
#include "pg/rows.hpp"
#include "pg/spi.hpp"


namespace servicedesk::pg {

namespace {

Plan g_insert_audit = {
    "INSERT INTO servicedesk.audit_logs (user_id, entity_type, entity_id, action, old_values, "
    "new_values, ip_address) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    7,
    {INT4OID, TEXTOID, INT4OID, TEXTOID, JSONBOID, JSONBOID, TEXTOID}};

Plan g_actor_by_id = {
    "SELECT active FROM servicedesk.users WHERE id OPERATOR(pg_catalog.=) $1", 1, {INT4OID}};

Plan g_actor_by_role = {
    "SELECT id, active FROM servicedesk.users WHERE db_role OPERATOR(pg_catalog.=) $1", 1,
    {NAMEOID}};

// Per-statement memo of the actor: key is the transaction, statement start,
// role and setting; the users trigger resets it.
// The acting user, remembered for as long as nothing it depends on changes:
// the setting, the roles, servicedesk.trusted_role, the users table (whose
// statement trigger broadcasts an invalidation) and role memberships. On a
// 1.0 schema, without that broadcast, it is kept for one statement only.
struct ActorMemo {
  bool valid = false;
  bool per_statement = true;
  LocalTransactionId lxid = InvalidLocalTransactionId;
  TimestampTz statement = 0;
  Oid user = InvalidOid;
  Oid session = InvalidOid;
  Oid users_rel = InvalidOid;
  char setting[16] = {0};
  char trusted[NAMEDATALEN] = {0};
  std::int32_t actor = 0;
} g_actor_memo;

void actor_relcache_hook(Oid relid) {
  if (relid == InvalidOid || relid == g_actor_memo.users_rel) g_actor_memo.valid = false;
}

void actor_syscache_hook(Datum, int, uint32) { g_actor_memo.valid = false; }

struct PendingComment {
  std::int32_t service_id = 0;
  char* comment = nullptr;  // in TopTransactionContext
  LocalTransactionId lxid = InvalidLocalTransactionId;
} g_pending_comment;

// Set only while write_audit() inserts: the audit_logs insert guard lets
// nothing else in.
bool g_writing_audit = false;

Oid g_override_table = InvalidOid;
const char* g_override_action = nullptr;

[[noreturn]] void unknown_actor(const std::string& what, const std::string& detail) {
  throw Error(sqlstate::kUnknownActor, what, detail,
              "Set servicedesk.actor_id to the id of an active servicedesk.users row, or RESET it "
              "to act as the users row whose db_role is your database role.");
}

// The users row mapped to `role` through users.db_role, or 0. Sets *active.
std::int32_t mapped_user(Oid role, bool* active) {
  NameData name;
  pg_call([&] { namestrcpy(&name, GetUserNameFromId(role, false)); });
  Datum arg = NameGetDatum(&name);
  std::uint64_t n = spi_run_as_owner(g_actor_by_role, &arg, nullptr, true, 1);
  if (n == 0) return 0;
  bool isnull;
  std::int32_t id = DatumGetInt32(spi_value(0, 1, &isnull));
  *active = DatumGetBool(spi_value(0, 2, &isnull));
  return id;
}

// May this session act as user `id` through servicedesk.actor_id? Yes when
// its login role is a superuser or a member of servicedesk.trusted_role (an
// application that authenticates its users itself), or when `id` is the
// session's own mapped user. The login role is what counts, so neither SET
// ROLE nor a SECURITY DEFINER function lends someone else's trust.
bool may_act_as(std::int32_t id) {
  Oid session = GetSessionUserId();
  if (superuser_arg(session)) return true;
  const char* trusted = guc_trusted_role;
  if (trusted != nullptr && trusted[0] != '\0') {
    Oid role = pg_call([&] { return get_role_oid(trusted, true); });
    if (OidIsValid(role) && pg_call([&] { return has_privs_of_role(session, role); })) return true;
  }
  bool active = false;
  return mapped_user(session, &active) == id ||
         (GetUserId() != session && mapped_user(GetUserId(), &active) == id);
}

std::int32_t lookup_actor() {
  const char* setting = guc_actor_id;
  if (setting != nullptr && setting[0] != '\0') {
    long id = std::strtol(setting, nullptr, 10);
    if (!may_act_as(static_cast<std::int32_t>(id))) {
      char* login = pg_call([] { return GetUserNameFromId(GetSessionUserId(), false); });
      throw Error(sqlstate::kUnknownActor,
                  "role \"" + std::string(login) + "\" may not act as servicedesk user " +
                      std::to_string(id),
                  "servicedesk.actor_id names another user; only superusers and members of the "
                  "role named by servicedesk.trusted_role (\"" +
                      std::string(guc_trusted_role ? guc_trusted_role : "") +
                      "\") may act for others.",
                  "GRANT the trusted role to the application's login role, or RESET "
                  "servicedesk.actor_id to act as the users row mapped to your role.");
    }
    Datum arg = Int32GetDatum(static_cast<std::int32_t>(id));
    std::uint64_t n = spi_run_as_owner(g_actor_by_id, &arg, nullptr, true, 1);
    if (n == 0) {
      unknown_actor("servicedesk actor " + std::to_string(id) + " does not exist",
                    "servicedesk.actor_id is " + std::string(setting) +
                        ", but servicedesk.users has no row with that id.");
    }
    bool isnull;
    Datum active = spi_value(0, 1, &isnull);
    if (isnull || !DatumGetBool(active)) {
      unknown_actor("servicedesk actor " + std::to_string(id) + " is inactive",
                    "servicedesk.users row " + std::to_string(id) + " has active = false.");
    }
    return static_cast<std::int32_t>(id);
  }
  // The db_role mapping: current_user first, then session_user.
  Oid roles[2] = {GetUserId(), GetSessionUserId()};
  for (int i = 0; i < 2; ++i) {
    if (i == 1 && roles[1] == roles[0]) break;
    bool active = false;
    std::int32_t id = mapped_user(roles[i], &active);
    if (id == 0) continue;
    if (!active) {
      char* name = pg_call([&] { return GetUserNameFromId(roles[i], false); });
      unknown_actor("servicedesk actor " + std::to_string(id) + " (database role \"" + name +
                        "\") is inactive",
                    "servicedesk.users row " + std::to_string(id) + " has active = false.");
    }
    return id;
  }
  return 0;
}

// The client address: servicedesk.client_ip, else host(inet_client_addr()),
// else NULL (a Unix-socket connection). C-style: called under pg_call.
char* client_address() {
  if (guc_client_ip != nullptr && guc_client_ip[0] != '\0') return pstrdup(guc_client_ip);
  LOCAL_FCINFO(call, 0);
  InitFunctionCallInfoData(*call, nullptr, 0, InvalidOid, nullptr, nullptr);
  Datum addr = inet_client_addr(call);
  if (call->isnull) return nullptr;
  return text_to_cstring(DatumGetTextPP(DirectFunctionCall1(network_host, addr)));
}

// How each column of a table is rendered as JSON, looked up once per table
// (output functions resolved, type categories decided) and dropped when the
// table's relcache entry is invalidated (ALTER TABLE, DROP EXTENSION).
enum class Kind : char { kBool, kInteger, kFloat, kJson, kDateTime, kArray, kText };
struct RenderColumn {
  bool dropped;
  Kind kind;
  Oid base;
  FmgrInfo out;
};
struct RenderPlan {
  MemoryContext context;  // holds the plan itself; deleted when it is dropped
  int natts;
  RenderColumn* cols;
};

MemoryContext g_plan_context = nullptr;
std::unordered_map<Oid, RenderPlan*>* g_render_plans = nullptr;

void render_plans_hook(Oid relid) {
  if (g_render_plans == nullptr) return;
  if (relid == InvalidOid) {
    g_render_plans->clear();
    MemoryContextReset(g_plan_context);
  } else {
    auto it = g_render_plans->find(relid);
    if (it != g_render_plans->end()) {
      MemoryContextDelete(it->second->context);
      g_render_plans->erase(it);
    }
  }
}

// C-style: called under pg_call.
RenderPlan* build_render_plan(TupleDesc desc) {
  if (g_plan_context == nullptr) {
    g_plan_context = AllocSetContextCreate(CacheMemoryContext, "servicedesk audit render plans",
                                           ALLOCSET_SMALL_SIZES);
  }
  MemoryContext context =
      AllocSetContextCreate(g_plan_context, "servicedesk audit render plan", ALLOCSET_SMALL_SIZES);
  MemoryContext old = MemoryContextSwitchTo(context);
  auto* plan = static_cast<RenderPlan*>(palloc0(sizeof(RenderPlan)));
  plan->context = context;
  plan->natts = desc->natts;
  plan->cols = static_cast<RenderColumn*>(palloc0(sizeof(RenderColumn) * (desc->natts + 1)));
  for (int i = 0; i < desc->natts; ++i) {
    Form_pg_attribute att = TupleDescAttr(desc, i);
    RenderColumn& c = plan->cols[i];
    c.dropped = att->attisdropped;
    if (c.dropped) continue;
    c.base = getBaseType(att->atttypid);
    switch (c.base) {
      case BOOLOID: c.kind = Kind::kBool; break;
      case INT2OID: case INT4OID: case INT8OID: case OIDOID: c.kind = Kind::kInteger; break;
      case NUMERICOID: case FLOAT4OID: case FLOAT8OID: c.kind = Kind::kFloat; break;
      case JSONOID: case JSONBOID: c.kind = Kind::kJson; break;
      case DATEOID: case TIMESTAMPOID: case TIMESTAMPTZOID: case TIMEOID: case TIMETZOID:
        c.kind = Kind::kDateTime;
        break;
      default:
        c.kind = OidIsValid(get_element_type(c.base)) ? Kind::kArray : Kind::kText;
    }
    Oid out;
    bool varlena;
    getTypeOutputInfo(c.base, &out, &varlena);
    fmgr_info_cxt(out, &c.out, context);
  }
  MemoryContextSwitchTo(old);
  return plan;
}

// Renders one column value as a JSON fragment the way to_jsonb would.
// C-style on purpose: may raise PostgreSQL errors; called under pg_call.
char* render_value(Datum value, RenderColumn& c) {
  switch (c.kind) {
    case Kind::kBool:
      return pstrdup(DatumGetBool(value) ? "true" : "false");
    case Kind::kInteger:
    case Kind::kJson:
      return OutputFunctionCall(&c.out, value);
    case Kind::kFloat: {
      char* s = OutputFunctionCall(&c.out, value);
      // NaN and infinities are not JSON numbers: quote them, as to_jsonb does.
      if (strspn(s, "0123456789+-.eE") != strlen(s)) {
        StringInfoData buf;
        initStringInfo(&buf);
        escape_json(&buf, s);
        return buf.data;
      }
      return s;
    }
    case Kind::kDateTime: {
      char buf[MAXDATELEN + 1];
      JsonEncodeDateTime(buf, value, c.base, nullptr);
      StringInfoData out;
      initStringInfo(&out);
      escape_json(&out, buf);
      return out.data;
    }
    case Kind::kArray:
      return text_to_cstring(DatumGetTextPP(DirectFunctionCall1(array_to_json, value)));
    case Kind::kText:
      break;
  }
  StringInfoData buf;
  initStringInfo(&buf);
  escape_json(&buf, OutputFunctionCall(&c.out, value));
  return buf.data;
}

// Renders the live columns of a row (NULL entries are SQL NULLs). With
// `other`, only the columns whose value differs from `other`'s are rendered;
// the others are left NULL in the result and flagged in `same`.
char** render_row(HeapTuple tuple, TupleDesc desc, RenderPlan* plan, HeapTuple other,
                  bool* same) {
  char** out = static_cast<char**>(palloc0(sizeof(char*) * (desc->natts + 1)));
  for (int i = 0; i < desc->natts; ++i) {
    RenderColumn& c = plan->cols[i];
    if (c.dropped) continue;
    bool isnull;
    Datum v = heap_getattr(tuple, i + 1, desc, &isnull);
    if (other != nullptr) {
      bool other_null;
      Datum o = heap_getattr(other, i + 1, desc, &other_null);
      Form_pg_attribute att = TupleDescAttr(desc, i);
      same[i] = isnull == other_null &&
                (isnull || datum_image_eq(v, o, att->attbyval, att->attlen));
      if (same[i]) continue;
    }
    out[i] = isnull ? nullptr : render_value(v, c);
  }
  return out;
}

RenderPlan* render_plan_for(Oid relid, TupleDesc desc) {
  if (g_render_plans == nullptr) g_render_plans = new std::unordered_map<Oid, RenderPlan*>();
  auto it = g_render_plans->find(relid);
  if (it != g_render_plans->end()) {
    if (it->second->natts == desc->natts) return it->second;
    MemoryContextDelete(it->second->context);
    g_render_plans->erase(it);
  }
  RenderPlan* plan = pg_call([&] { return build_render_plan(desc); });
  (*g_render_plans)[relid] = plan;
  return plan;
}

std::vector<Field> fields_of(TupleDesc desc, char** rendered, const bool* skip = nullptr) {
  std::vector<Field> fields;
  fields.reserve(desc->natts);
  for (int i = 0; i < desc->natts; ++i) {
    Form_pg_attribute att = TupleDescAttr(desc, i);
    if (att->attisdropped || (skip != nullptr && skip[i])) continue;
    Field f{NameStr(att->attname), std::nullopt};
    if (rendered[i] != nullptr) f.json = std::string_view(rendered[i]);
    fields.push_back(f);
  }
  return fields;
}

// The text of column `name` of `tuple`, or "" when NULL or missing.
std::string_view column_json(const std::vector<Field>& fields, std::string_view name) {
  for (const Field& f : fields) {
    if (f.name == name) return f.json ? *f.json : std::string_view();
  }
  return {};
}

void write_audit(std::int32_t actor, const char* entity, std::int32_t entity_id, bool has_id,
                 const char* action, const std::string* old_values,
                 const std::string* new_values) {
  const char* ip = pg_call([] { return client_address(); });
  Datum values[7];
  char nulls[8] = "       ";
  values[0] = Int32GetDatum(actor);
  if (actor == 0) nulls[0] = 'n';
  values[1] = pg_call([&] { return PointerGetDatum(cstring_to_text(entity)); });
  values[2] = Int32GetDatum(entity_id);
  if (!has_id) nulls[2] = 'n';
  values[3] = pg_call([&] { return PointerGetDatum(cstring_to_text(action)); });
  if (old_values != nullptr) {
    const char* s = old_values->c_str();
    values[4] = pg_call([&] { return DirectFunctionCall1(jsonb_in, CStringGetDatum(s)); });
  } else {
    values[4] = 0;
    nulls[4] = 'n';
  }
  if (new_values != nullptr) {
    const char* s = new_values->c_str();
    values[5] = pg_call([&] { return DirectFunctionCall1(jsonb_in, CStringGetDatum(s)); });
  } else {
    values[5] = 0;
    nulls[5] = 'n';
  }
  if (ip != nullptr) {
    values[6] = pg_call([&] { return PointerGetDatum(cstring_to_text(ip)); });
  } else {
    values[6] = 0;
    nulls[6] = 'n';
  }
  AsOwner owner;
  g_writing_audit = true;
  try {
    spi_run(g_insert_audit, values, nulls, false);
  } catch (...) {
    g_writing_audit = false;
    throw;
  }
  g_writing_audit = false;
}

const std::string_view kIgnoredColumns[] = {"updated_at"};

}  // namespace

void audit_event(TriggerData* trig) {
  Relation rel = trig->tg_relation;
  TupleDesc desc = RelationGetDescr(rel);
  const char* table = RelationGetRelationName(rel);
  const Catalog& cat = *pg_call([] { return &catalog(); });
  Oid relid = RelationGetRelid(rel);
  if (relid == cat.users) reset_actor_cache();

  std::int32_t actor = resolve_actor();

  HeapTuple old_tuple = nullptr;
  HeapTuple new_tuple = nullptr;
  const char* action;
  if (TRIGGER_FIRED_BY_INSERT(trig->tg_event)) {
    new_tuple = trig->tg_trigtuple;
    action = "insert";
  } else if (TRIGGER_FIRED_BY_DELETE(trig->tg_event)) {
    old_tuple = trig->tg_trigtuple;
    action = "delete";
  } else if (TRIGGER_FIRED_BY_UPDATE(trig->tg_event)) {
    old_tuple = trig->tg_trigtuple;
    new_tuple = trig->tg_newtuple;
    action = "update";
  } else {
    throw Error("39P01", "servicedesk._audit_row() fired for an unsupported event",
                "Only INSERT, UPDATE and DELETE are audited.",
                "Use CREATE TRIGGER ... AFTER INSERT OR UPDATE OR DELETE ... FOR EACH ROW.");
  }

  RenderPlan* plan = render_plan_for(relid, desc);
  // On UPDATE only the columns whose values differ are rendered at all.
  bool* same = nullptr;
  if (old_tuple != nullptr && new_tuple != nullptr) {
    same = pg_call([&] { return static_cast<bool*>(palloc0(sizeof(bool) * (desc->natts + 1))); });
  }
  char** old_rendered =
      old_tuple ? pg_call([&] { return render_row(old_tuple, desc, plan, new_tuple, same); }) : nullptr;
  char** new_rendered =
      new_tuple ? pg_call([&] { return render_row(new_tuple, desc, plan, old_tuple, same); }) : nullptr;
  std::vector<Field> old_fields = old_rendered ? fields_of(desc, old_rendered, same) : std::vector<Field>{};
  std::vector<Field> new_fields = new_rendered ? fields_of(desc, new_rendered, same) : std::vector<Field>{};

  HeapTuple any_tuple = new_tuple ? new_tuple : old_tuple;
  struct EntityId {
    bool present;
    std::int32_t value;
  };
  EntityId eid = pg_call([&] {
    EntityId e{false, 0};
    int att = SPI_fnumber(desc, "id");
    if (att > 0 && getBaseType(TupleDescAttr(desc, att - 1)->atttypid) == INT4OID) {
      bool isnull;
      Datum v = heap_getattr(any_tuple, att, desc, &isnull);
      if (!isnull) e = EntityId{true, DatumGetInt32(v)};
    }
    return e;
  });
  std::int32_t entity_id = eid.value;
  bool has_id = eid.present;

  std::string old_values;
  std::string new_values;
  const std::string* old_ptr = nullptr;
  const std::string* new_ptr = nullptr;
  if (old_tuple != nullptr && new_tuple != nullptr) {
    RowDiff diff = row_diff(old_fields, new_fields, kIgnoredColumns);
    if (diff.empty) return;
    old_values = std::move(diff.old_values);
    new_values = std::move(diff.new_values);
    if (relid == cat.services &&
        column_json(old_fields, "current_stage_id") != column_json(new_fields, "current_stage_id")) {
      action = "transition";
      if (g_pending_comment.comment != nullptr && g_pending_comment.service_id == entity_id &&
          g_pending_comment.lxid == MyProc->lxid) {
        new_values.pop_back();  // the closing brace
        new_values += ", \"comment\": ";
        append_json_string(new_values, g_pending_comment.comment);
        new_values += "}";
        g_pending_comment.comment = nullptr;
      }
    } else if (relid == cat.approvals &&
               column_json(old_fields, "status") != column_json(new_fields, "status")) {
      std::string_view st = column_json(new_fields, "status");
      if (st == "\"approved\"") action = "approve";
      if (st == "\"rejected\"") action = "reject";
    }
    if (g_override_action != nullptr && g_override_table == relid) action = g_override_action;
    old_ptr = &old_values;
    new_ptr = &new_values;
  } else if (new_tuple != nullptr) {
    new_values = row_object(new_fields);
    new_ptr = &new_values;
    if (g_override_action != nullptr && g_override_table == relid) action = g_override_action;
  } else {
    old_values = row_object(old_fields);
    old_ptr = &old_values;
  }
  write_audit(actor, table, entity_id, has_id, action, old_ptr, new_ptr);
}

namespace {

Datum audit_row(FunctionCallInfo fcinfo) {
  TriggerData* trig = trigger_data(fcinfo, "servicedesk._audit_row");
  if (!TRIGGER_FIRED_FOR_ROW(trig->tg_event) || !TRIGGER_FIRED_AFTER(trig->tg_event)) {
    throw Error("39P01", "servicedesk._audit_row() must be an AFTER ROW trigger",
                "It was fired as a statement or BEFORE trigger.",
                "Use CREATE TRIGGER ... AFTER INSERT OR UPDATE OR DELETE ... FOR EACH ROW.");
  }
  SpiSession spi;
  audit_event(trig);
  spi.finish();
  return PointerGetDatum(nullptr);
}

}  // namespace

std::int32_t resolve_actor() {
  Oid user = GetUserId();
  Oid session = GetSessionUserId();
  const char* setting = guc_actor_id != nullptr ? guc_actor_id : "";
  const char* trusted = guc_trusted_role != nullptr ? guc_trusted_role : "";
  LocalTransactionId lxid = MyProc->lxid;
  TimestampTz stmt = GetCurrentStatementStartTimestamp();
  ActorMemo& m = g_actor_memo;
  if (m.valid && m.user == user && m.session == session &&
      std::strncmp(m.setting, setting, sizeof(m.setting)) == 0 &&
      std::strncmp(m.trusted, trusted, sizeof(m.trusted)) == 0 &&
      (!m.per_statement || (m.lxid == lxid && m.statement == stmt))) {
    return m.actor;
  }
  m.valid = false;
  std::int32_t actor = lookup_actor();
  const Catalog& cat = *pg_call([] { return &catalog(); });
  m.per_statement = !cat.users_broadcast;
  m.users_rel = cat.users;
  m.lxid = lxid;
  m.statement = stmt;
  m.user = user;
  m.session = session;
  std::strncpy(m.setting, setting, sizeof(m.setting) - 1);
  m.setting[sizeof(m.setting) - 1] = '\0';
  std::strncpy(m.trusted, trusted, sizeof(m.trusted) - 1);
  m.trusted[sizeof(m.trusted) - 1] = '\0';
  m.actor = actor;
  m.valid = true;
  return actor;
}

void actor_cache_init() {
  on_relcache_invalidation(actor_relcache_hook);
  on_relcache_invalidation(render_plans_hook);
  CacheRegisterSyscacheCallback(AUTHMEMROLEMEM, actor_syscache_hook, 0);
  CacheRegisterSyscacheCallback(AUTHOID, actor_syscache_hook, 0);
}

void reset_actor_cache() { g_actor_memo.valid = false; }

void set_transition_comment(std::int32_t service_id, const char* comment) {
  g_pending_comment.comment =
      comment == nullptr ? nullptr : MemoryContextStrdup(TopTransactionContext, comment);
  g_pending_comment.service_id = service_id;
  g_pending_comment.lxid = MyProc->lxid;
}

ActionOverride::ActionOverride(Oid table, const char* action)
    : saved_table_(g_override_table), saved_action_(g_override_action) {
  g_override_table = table;
  g_override_action = action;
}

ActionOverride::~ActionOverride() {
  g_override_table = saved_table_;
  g_override_action = saved_action_;
}

}  // namespace servicedesk::pg

using servicedesk::Error;
using servicedesk::pg::guard;

SD_FUNCTION(sd_audit_row) { return servicedesk::pg::audit_row(fcinfo); }

SD_FUNCTION(sd_current_actor) {
  servicedesk::pg::SpiSession spi;
  std::int32_t actor = servicedesk::pg::resolve_actor();
  spi.finish();
  if (actor == 0) PG_RETURN_NULL();
  PG_RETURN_INT32(actor);
}

// BEFORE UPDATE: NEW.updated_at := now(). Plain C style: no C++ objects.
SD_FUNCTION(sd_touch_updated_at) {
  TriggerData* trig = servicedesk::pg::trigger_data(fcinfo, "servicedesk._touch_updated_at");
  if (!TRIGGER_FIRED_FOR_ROW(trig->tg_event) || !TRIGGER_FIRED_BEFORE(trig->tg_event) ||
      !TRIGGER_FIRED_BY_UPDATE(trig->tg_event)) {
    throw Error("39P01", "servicedesk._touch_updated_at() must be a BEFORE UPDATE row trigger",
                "It was fired for another event.", "Use CREATE TRIGGER ... BEFORE UPDATE ... FOR EACH ROW.");
  }
  Relation rel = trig->tg_relation;
  HeapTuple tuple = trig->tg_newtuple;
  return servicedesk::pg::pg_call([&] {
    TupleDesc desc = RelationGetDescr(rel);
    int attnum = SPI_fnumber(desc, "updated_at");
    if (attnum <= 0) return PointerGetDatum(tuple);
    int cols[1] = {attnum};
    Datum vals[1] = {TimestampTzGetDatum(GetCurrentTransactionStartTimestamp())};
    bool nulls[1] = {false};
    return PointerGetDatum(heap_modify_tuple_by_cols(tuple, desc, 1, cols, vals, nulls));
  });
}

SD_FUNCTION(sd_audit_logs_append_only) {
  const char* op = "modify";
  if (CALLED_AS_TRIGGER(fcinfo)) {
    auto* trig = reinterpret_cast<TriggerData*>(fcinfo->context);
    if (TRIGGER_FIRED_BY_UPDATE(trig->tg_event)) op = "UPDATE";
    if (TRIGGER_FIRED_BY_DELETE(trig->tg_event)) op = "DELETE";
    if (TRIGGER_FIRED_BY_TRUNCATE(trig->tg_event)) op = "TRUNCATE";
  }
  throw Error(servicedesk::sqlstate::kImmutable,
              std::string("cannot ") + op + " servicedesk.audit_logs: the audit trail is append-only",
              "Rows of servicedesk.audit_logs are written by the servicedesk triggers and never "
              "change or disappear.",
              "Only SELECT is allowed on servicedesk.audit_logs; archive old rows with a copy, not "
              "a DELETE.");
}

// BEFORE INSERT ON audit_logs: only the extension's own audit writer inserts.
SD_FUNCTION(sd_audit_logs_insert_guard) {
  TriggerData* trig =
      servicedesk::pg::trigger_data(fcinfo, "servicedesk._audit_logs_insert_guard");
  if (servicedesk::pg::g_writing_audit) return PointerGetDatum(trig->tg_trigtuple);
  throw Error(servicedesk::sqlstate::kImmutable,
              "cannot INSERT into servicedesk.audit_logs: audit rows are written by servicedesk",
              "Rows of servicedesk.audit_logs come only from the servicedesk triggers, so that "
              "none can be forged.",
              "Change the audited tables; their triggers write the audit trail.");
}
