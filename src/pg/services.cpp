// servicedesk.services triggers: BEFORE INSERT picks the workflow and sets the
// initial stage; BEFORE UPDATE enforces transitions and sets updated_at; the
// AFTER row trigger (1.2: _services_after_row, audit row then effects; 1.0 and
// 1.1: _services_after, effects only) runs the effects of entering and
// leaving stages (events, SLA clock, approvals).
#include "pg/services.hpp"

#include <algorithm>
#include <cstring>

#include "core/row_diff.hpp"
#include "pg/audit.hpp"
#include "pg/effects.hpp"
#include "pg/module.hpp"
#include "pg/spi.hpp"

namespace servicedesk::pg {

namespace {

bool g_system_move = false;

Plan g_workflow_state = {
    "SELECT active, name::pg_catalog.text, version FROM servicedesk.workflows "
    "WHERE id OPERATOR(pg_catalog.=) $1",
    1, {INT4OID}};
Plan g_pick_by_type = {
    "SELECT id FROM servicedesk.workflows WHERE active AND service_type OPERATOR(pg_catalog.=) "
    "$1::pg_catalog.varchar ORDER BY version DESC, id DESC LIMIT 1",
    1, {TEXTOID}};
Plan g_pick_default = {
    "SELECT id FROM servicedesk.workflows WHERE active AND service_type IS NULL "
    "ORDER BY version DESC, id DESC LIMIT 1",
    0, {}};
Plan g_actor_roles = {
    "SELECT roles FROM servicedesk.users WHERE id OPERATOR(pg_catalog.=) $1", 1, {INT4OID}};

std::string quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

std::string workflow_label(const WorkflowVersion& wf) {
  return "workflow \"" + wf.name + "\" version " + std::to_string(wf.version);
}

std::string join(const std::vector<std::string>& v, const char* sep = ", ") {
  std::string out;
  for (const auto& s : v) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}


std::int32_t pick_workflow(const ServiceRow& r) {
  if (r.has_workflow) {
    Datum arg = Int32GetDatum(r.workflow_id);
    if (spi_run_as_owner(g_workflow_state, &arg, nullptr, true, 1) == 0) {
      throw Error(sqlstate::kNoWorkflowOrSla,
                  "workflow " + std::to_string(r.workflow_id) + " does not exist",
                  "The new request names workflow_id " + std::to_string(r.workflow_id) +
                      ", but servicedesk.workflows has no such row.",
                  "Leave workflow_id NULL to pick the active workflow of the service_type, or "
                  "name an active workflow version.");
    }
    bool isnull;
    if (!DatumGetBool(spi_value(0, 1, &isnull))) {
      char* name = pg_call([] {
        bool n;
        return TextDatumGetCString(spi_value(0, 2, &n));
      });
      std::int32_t version = DatumGetInt32(spi_value(0, 3, &isnull));
      throw Error(sqlstate::kNoWorkflowOrSla,
                  "workflow " + std::to_string(r.workflow_id) + " (\"" + name + "\" version " +
                      std::to_string(version) + ") is inactive",
                  "New requests can only start on an active workflow version.",
                  "Leave workflow_id NULL to pick the active version, or reactivate this one.");
    }
    return r.workflow_id;
  }
  if (r.service_type != nullptr) {
    Datum arg = pg_call([&] { return PointerGetDatum(cstring_to_text(r.service_type)); });
    if (spi_run_as_owner(g_pick_by_type, &arg, nullptr, true, 1) > 0) {
      bool isnull;
      return DatumGetInt32(spi_value(0, 1, &isnull));
    }
  }
  if (spi_run_as_owner(g_pick_default, nullptr, nullptr, true, 1) > 0) {
    bool isnull;
    return DatumGetInt32(spi_value(0, 1, &isnull));
  }
  std::string type = r.service_type != nullptr ? "\"" + std::string(r.service_type) + "\"" : "NULL";
  throw Error(sqlstate::kNoWorkflowOrSla, "no workflow for a request of service type " + type,
              "No active workflow has service_type " + type +
                  ", and no active workflow has service_type NULL (the fallback).",
              "Publish one with servicedesk.publish_workflow(name, stages, transitions, "
              "service_type => ...), or name workflow_id explicitly.");
}

// The trigger's result tuple, allocated in the caller's context: it must
// outlive SPI_finish().
HeapTuple modify(MemoryContext result_context, HeapTuple tuple, TupleDesc desc, int ncols,
                 int* cols, Datum* values, bool* nulls) {
  return pg_call([&] {
    MemoryContext old = MemoryContextSwitchTo(result_context);
    HeapTuple result = heap_modify_tuple_by_cols(tuple, desc, ncols, cols, values, nulls);
    MemoryContextSwitchTo(old);
    return result;
  });
}


HeapTuple before_insert(const SpiSession& spi, Relation rel, HeapTuple tuple,
                        const ServiceAttrs& a) {
  TupleDesc desc = RelationGetDescr(rel);
  ServiceRow row = pg_call([&] { return read_service(tuple, desc, a); });
  std::int32_t actor = resolve_actor();
  std::int32_t wf_id = pick_workflow(row);
  std::shared_ptr<const WorkflowVersion> wf = workflow_version(wf_id);
  const CompiledWorkflow& c = *wf->compiled;
  const Stage& initial = c.stages()[c.initial_stage()];
  if (row.stage != nullptr && initial.id != row.stage) {
    throw Error(sqlstate::kUndefinedTransition,
                "a new request must start at the initial stage \"" + initial.id + "\" of " +
                    workflow_label(*wf) + ", not at \"" + row.stage + "\"",
                "INSERT named current_stage_id \"" + std::string(row.stage) +
                    "\"; requests enter their workflow at its initial stage and move on by "
                    "transitions.",
                "Leave current_stage_id NULL (or set it to \"" + initial.id +
                    "\") on INSERT, then UPDATE it to move the request.");
  }
  if (row.has_workflow == false) row.workflow_id = wf_id;
  if (!row.has_requester && actor != 0) {
    row.has_requester = true;
    row.requester_id = actor;
  }
  std::optional<std::int32_t> sla = match_sla_for_insert(row);
  int cols[5] = {a.workflow_id, a.current_stage_id, a.status, a.requester_id, a.sla_id};
  Datum values[5] = {Int32GetDatum(wf_id), text_datum(initial.id),
                     text_datum(std::string(status_name(initial.status))),
                     Int32GetDatum(row.requester_id), Int32GetDatum(sla.value_or(0))};
  bool nulls[5] = {false, false, false, !row.has_requester, !sla.has_value()};
  if (initial.approval) {
    row.stage = nullptr;
    check_approvers_available(*wf, c.initial_stage(), row);
  }
  return modify(spi.caller_context(), tuple, desc, 5, cols, values, nulls);
}

bool same(const char* a, const char* b) {
  if (a == nullptr || b == nullptr) return a == b;
  return std::strcmp(a, b) == 0;
}

HeapTuple before_update(const SpiSession& spi, Relation rel, HeapTuple old_tuple,
                        HeapTuple new_tuple, const ServiceAttrs& a) {
  TupleDesc desc = RelationGetDescr(rel);
  ServiceRow old_row = pg_call([&] { return read_service(old_tuple, desc, a); });
  ServiceRow new_row = pg_call([&] { return read_service(new_tuple, desc, a); });
  if (old_row.id != new_row.id) {
    throw Error(sqlstate::kImmutable,
                "id of request " + std::to_string(old_row.id) + " cannot change",
                "A request keeps its id for life: its audit trail, approvals and SLA tracking "
                "refer to it.",
                "Create a new request instead.");
  }
  if (old_row.has_workflow != new_row.has_workflow ||
      old_row.workflow_id != new_row.workflow_id) {
    throw Error(sqlstate::kImmutable,
                "workflow_id of request " + std::to_string(old_row.id) + " cannot change",
                "Request " + std::to_string(old_row.id) + " runs on workflow " +
                    (old_row.has_workflow ? std::to_string(old_row.workflow_id) : "NULL") +
                    " for its whole life.",
                "Create a new request to use another workflow version.");
  }
  if (!old_row.has_workflow) {
    throw Error(sqlstate::kNoWorkflowOrSla,
                "request " + std::to_string(old_row.id) + " has no workflow",
                "The row was written without the servicedesk triggers (workflow_id is NULL).",
                "Re-create the request with INSERT so that a workflow is picked.");
  }
  std::shared_ptr<const WorkflowVersion> wf = workflow_version(old_row.workflow_id);
  const CompiledWorkflow& c = *wf->compiled;
  std::int32_t from = old_row.stage != nullptr ? c.find_stage(old_row.stage) : -1;
  if (from < 0) {
    throw Error(sqlstate::kUndefinedTransition,
                "request " + std::to_string(old_row.id) + " is at stage \"" +
                    (old_row.stage ? old_row.stage : "NULL") + "\", which " +
                    workflow_label(*wf) + " does not define",
                "The row was changed without the servicedesk triggers.",
                "Restore current_stage_id to a stage of the workflow.");
  }
  std::int32_t to = from;
  bool stage_changed = !same(old_row.stage, new_row.stage);
  bool outcome_move = false;  // an approval's outcome, applied by the engine
  if (stage_changed) {
    to = new_row.stage != nullptr ? c.find_stage(new_row.stage) : -1;
    const auto& approval = c.stages()[from].approval;
    outcome_move = g_system_move && to >= 0 && approval &&
                   (to == approval->on_approved || to == approval->on_rejected);
    if (new_row.stage == nullptr) {
      Refusal r = undefined_move(*wf, old_row.id, from, "");
      r.message = "current_stage_id of request " + std::to_string(old_row.id) + " cannot be NULL";
      r.detail = "A request is always at one stage of " + workflow_label(*wf) + ".";
      r.raise();
    }
    if (!outcome_move && (to < 0 || c.find_transition(from, to) == nullptr)) {
      undefined_move(*wf, old_row.id, from, new_row.stage).raise();
    }
  } else if (!same(old_row.status, new_row.status)) {
    std::vector<std::int32_t> matches;
    for (const Transition* t : c.moves_from(from)) {
      if (new_row.status != nullptr && status_name(c.stages()[t->to].status) == new_row.status) {
        matches.push_back(t->to);
      }
    }
    if (matches.size() != 1) {
      std::string wanted = new_row.status ? new_row.status : "NULL";
      std::vector<std::string> options;
      for (const Transition* t : c.moves_from(from)) {
        options.push_back(std::string(status_name(c.stages()[t->to].status)) + " (stage \"" +
                          c.stages()[t->to].id + "\")");
      }
      throw Error(
          sqlstate::kUndefinedTransition,
          "status \"" + wanted + "\" does not name one stage reachable from stage \"" +
              c.stages()[from].id + "\" of request " + std::to_string(old_row.id),
          matches.empty() ? "No transition from \"" + c.stages()[from].id +
                                "\" leads to a stage with status \"" + wanted + "\"."
                          : std::to_string(matches.size()) + " stages reachable from \"" +
                                c.stages()[from].id + "\" have status \"" + wanted + "\".",
          options.empty() ? "No transitions leave stage \"" + c.stages()[from].id + "\"."
                          : "Update current_stage_id instead; reachable: " + join(options) + ".");
    }
    to = matches.front();
  }
  if (to != from) {
    Actor actor(resolve_actor());
    // Roles and requires are checked against the row as it will be after the
    // UPDATE (SPEC section 10).
    ServiceRow after = new_row;
    if (!outcome_move) {
      if (auto refusal = check_move(*wf, from, to, after, new_tuple, desc, actor, g_system_move)) {
        refusal->raise();
      }
    }
    if (c.stages()[to].approval) check_approvers_available(*wf, to, after);
  }
  // A re-match yields the SLA to store, 0 meaning none matches any more.
  std::optional<std::int32_t> sla = rematch_sla_for_update(old_row, new_row);
  const Stage& target = c.stages()[to];
  // updated_at too, here rather than in a trigger of its own (1.2): one
  // trigger call and one tuple copy less per UPDATE.
  int cols[4] = {a.current_stage_id, a.status, a.updated_at, a.sla_id};
  Datum values[4] = {text_datum(target.id), text_datum(std::string(status_name(target.status))),
                     TimestampTzGetDatum(GetCurrentTransactionStartTimestamp()),
                     Int32GetDatum(sla.value_or(0))};
  bool nulls[4] = {false, false, false, !sla || *sla == 0};
  return modify(spi.caller_context(), new_tuple, desc, sla ? 4 : 3, cols, values, nulls);
}

TriggerData* require_trigger(FunctionCallInfo fcinfo, const char* name, bool before) {
  TriggerData* trig = trigger_data(fcinfo, name);
  if (!TRIGGER_FIRED_FOR_ROW(trig->tg_event) ||
      before != static_cast<bool>(TRIGGER_FIRED_BEFORE(trig->tg_event))) {
    throw Error("39P01", std::string(name) + "() fired in the wrong context",
                "It must be a row trigger fired " + std::string(before ? "BEFORE" : "AFTER") + ".",
                "Only the servicedesk triggers call it.");
  }
  return trig;
}

}  // namespace

const std::vector<std::string>& Actor::roles() {
  if (loaded_ || id_ == 0) return roles_;
  loaded_ = true;
  Datum arg = Int32GetDatum(id_);
  if (spi_run_as_owner(g_actor_roles, &arg, nullptr, true, 1) == 0) return roles_;
  bool isnull;
  Datum arr = spi_value(0, 1, &isnull);
  if (isnull) return roles_;
  Datum* elems = nullptr;
  bool* enulls = nullptr;
  int n = 0;
  pg_call([&] {
    deconstruct_array(DatumGetArrayTypeP(arr), TEXTOID, -1, false, TYPALIGN_INT, &elems, &enulls,
                      &n);
  });
  for (int i = 0; i < n; ++i) {
    if (enulls[i]) continue;
    char* s = pg_call([&] { return TextDatumGetCString(elems[i]); });
    roles_.emplace_back(s);
  }
  return roles_;
}

Refusal undefined_move(const WorkflowVersion& wf, std::int32_t service_id, std::int32_t from,
                       const std::string& to_text) {
  const CompiledWorkflow& c = *wf.compiled;
  const Stage& f = c.stages()[from];
  std::vector<std::string> targets;
  for (const Transition* t : c.moves_from(from)) targets.push_back(quoted(c.stages()[t->to].id));
  Refusal r{sqlstate::kUndefinedTransition, {}, {}, {}};
  bool known = c.find_stage(to_text) >= 0;
  r.message = "request " + std::to_string(service_id) + " cannot move from stage \"" + f.id +
              "\" to " + (known ? "stage " : "unknown stage ") + quoted(to_text);
  r.detail = known ? workflow_label(wf) + " defines no transition from \"" + f.id + "\" to \"" +
                         to_text + "\"."
                   : workflow_label(wf) + " has no stage \"" + to_text + "\".";
  r.hint = targets.empty() ? "Stage \"" + f.id + "\" is terminal: no transition leaves it."
                           : "Allowed targets from \"" + f.id + "\": " + join(targets) + ".";
  return r;
}

std::optional<Refusal> check_move(const WorkflowVersion& wf, std::int32_t from, std::int32_t to,
                                  const ServiceRow& row, HeapTuple tuple, TupleDesc desc,
                                  Actor& actor, bool system_move) {
  const CompiledWorkflow& c = *wf.compiled;
  const Transition* t = c.find_transition(from, to);
  const std::string& from_id = c.stages()[from].id;
  const std::string& to_id = c.stages()[to].id;
  std::string move = "request " + std::to_string(row.id) + " from \"" + from_id + "\" to \"" +
                     to_id + "\"";
  if (t == nullptr) return undefined_move(wf, row.id, from, to_id);
  if (!system_move && c.skips_approval(from, to)) {
    return Refusal{sqlstate::kApprovalBlocks, "cannot move " + move + " by hand",
                   "\"" + to_id + "\" is the on_approved stage of the approval at \"" + from_id +
                       "\"; only the approval's outcome moves the request there.",
                   "Decide the pending approvals with servicedesk.approve() or "
                   "servicedesk.reject()."};
  }
  if (!system_move && !t->roles.empty()) {
    bool ok = false;
    if (actor.id() != 0) {
      for (const std::string& role : t->roles) {
        if ((role == "requester" && row.has_requester && row.requester_id == actor.id()) ||
            (role == "assignee" && row.has_assignee && row.assignee_id == actor.id())) {
          ok = true;
          break;
        }
        const auto& held = actor.roles();
        if (std::find(held.begin(), held.end(), role) != held.end()) {
          ok = true;
          break;
        }
      }
    }
    if (!ok) {
      std::string roles = join(t->roles);
      if (actor.id() == 0) {
        return Refusal{sqlstate::kActorNotAllowed, "no acting user may move " + move,
                       "The transition is restricted to the roles " + roles +
                           ", and no actor is set.",
                       "SET LOCAL servicedesk.actor_id to a user holding one of: " + roles +
                           " (or map your database role in servicedesk.users.db_role)."};
      }
      const auto& held = actor.roles();
      return Refusal{sqlstate::kActorNotAllowed,
                     "user " + std::to_string(actor.id()) + " may not move " + move,
                     "The transition is restricted to the roles " + roles + "; user " +
                         std::to_string(actor.id()) + " holds " +
                         (held.empty() ? std::string("no roles") : join(held)) +
                         " and is neither a listed requester nor assignee.",
                     "Act as a user holding one of: " + roles + "."};
    }
  }
  for (const Requirement& req : t->requires_) {
    const char* column = req.column.c_str();
    const char* key = req.metadata_key ? req.metadata_key->c_str() : nullptr;
    bool empty = pg_call([&] { return column_is_empty(tuple, desc, column, key); });
    if (empty) {
      return Refusal{sqlstate::kRequirementFailed,
                     "cannot move " + move + ": requirement \"" + req.text + "\" is not met",
                     (key ? "services.metadata has no non-empty key \"" + *req.metadata_key + "\""
                          : "services." + req.column + " is empty") +
                         " (NULL, JSON null, blank text, [] and {} count as empty).",
                     "Set " + req.text + " in the same UPDATE or before the transition."};
    }
  }
  return std::nullopt;
}

SystemMove::SystemMove() : saved_(g_system_move) { g_system_move = true; }
SystemMove::~SystemMove() { g_system_move = saved_; }

// BEFORE INSERT OR UPDATE ON services.
Datum services_before(FunctionCallInfo fcinfo) {
  TriggerData* trig = require_trigger(fcinfo, "servicedesk._services_before", true);
  Relation rel = trig->tg_relation;
  ServiceAttrs a = pg_call([&] { return service_attrs(RelationGetDescr(rel)); });
  SpiSession spi;
  HeapTuple result;
  if (TRIGGER_FIRED_BY_INSERT(trig->tg_event)) {
    result = before_insert(spi, rel, trig->tg_trigtuple, a);
  } else if (TRIGGER_FIRED_BY_UPDATE(trig->tg_event)) {
    result = before_update(spi, rel, trig->tg_trigtuple, trig->tg_newtuple, a);
  } else {
    result = trig->tg_trigtuple;
  }
  spi.finish();
  return PointerGetDatum(result);
}

// The effects of an AFTER INSERT or UPDATE event on services: entering and
// leaving stages, SLA re-matching. Needs an SPI connection.
void services_effects(TriggerData* trig) {
  Relation rel = trig->tg_relation;
  TupleDesc desc = RelationGetDescr(rel);
  ServiceAttrs a = pg_call([&] { return service_attrs(desc); });
  if (TRIGGER_FIRED_BY_INSERT(trig->tg_event)) {
    ServiceRow row = pg_call([&] { return read_service(trig->tg_trigtuple, desc, a); });
    std::shared_ptr<const WorkflowVersion> wf = workflow_version(row.workflow_id);
    on_request_created(*wf, row);
  } else if (TRIGGER_FIRED_BY_UPDATE(trig->tg_event)) {
    ServiceRow old_row = pg_call([&] { return read_service(trig->tg_trigtuple, desc, a); });
    ServiceRow new_row = pg_call([&] { return read_service(trig->tg_newtuple, desc, a); });
    bool stage_changed = !same(old_row.stage, new_row.stage);
    bool sla_inputs_changed = !same(old_row.priority, new_row.priority) ||
                              !same(old_row.service_type, new_row.service_type) ||
                              old_row.has_sla != new_row.has_sla ||
                              old_row.sla_id != new_row.sla_id;
    if (!stage_changed && !sla_inputs_changed) return;
    std::shared_ptr<const WorkflowVersion> wf = workflow_version(new_row.workflow_id);
    const CompiledWorkflow& c = *wf->compiled;
    if (stage_changed) {
      on_stage_changed(*wf, old_row, new_row, c.find_stage(old_row.stage),
                       c.find_stage(new_row.stage));
    }
    if (sla_inputs_changed) on_sla_changed(*wf, old_row, new_row);
  }
}

// servicedesk._services_after() (1.0, 1.1): AFTER INSERT OR UPDATE, the
// effects alone; zz_audit wrote the audit row before it.
Datum services_after(FunctionCallInfo fcinfo) {
  TriggerData* trig = require_trigger(fcinfo, "servicedesk._services_after", false);
  SpiSession spi;
  services_effects(trig);
  spi.finish();
  return PointerGetDatum(nullptr);
}

// servicedesk._services_after_row() (1.2): AFTER INSERT OR UPDATE OR DELETE,
// the audit row and then the effects, in one trigger call, so a transition's
// audit row still precedes the rows it causes.
Datum services_after_row(FunctionCallInfo fcinfo) {
  TriggerData* trig = require_trigger(fcinfo, "servicedesk._services_after_row", false);
  SpiSession spi;
  audit_event(trig);
  if (!TRIGGER_FIRED_BY_DELETE(trig->tg_event)) services_effects(trig);
  spi.finish();
  return PointerGetDatum(nullptr);
}

}  // namespace servicedesk::pg

SD_FUNCTION(sd_services_before) { return servicedesk::pg::services_before(fcinfo); }
SD_FUNCTION(sd_services_after) { return servicedesk::pg::services_after(fcinfo); }
SD_FUNCTION(sd_services_after_row) { return servicedesk::pg::services_after_row(fcinfo); }
