// servicedesk.workflows triggers and the workflow functions of SPEC section 8:
// validate_workflow, workflow_graph, transition, available_transitions.
#include <cstring>
#include <string>
#include <vector>

#include "core/workflow.hpp"
#include "pg/audit.hpp"
#include "pg/calendars.hpp"
#include "pg/effects.hpp"
#include "pg/module.hpp"
#include "pg/services.hpp"
#include "pg/rows.hpp"
#include "pg/spi.hpp"
#include "pg/workflow_cache.hpp"

namespace servicedesk::pg {

namespace {

Plan g_in_use = {
    "SELECT 1 FROM servicedesk.services WHERE workflow_id OPERATOR(pg_catalog.=) $1 LIMIT 1", 1,
    {INT4OID}};
Plan g_service_for_transition = {
    "SELECT workflow_id, current_stage_id::pg_catalog.text FROM servicedesk.services "
    "WHERE id OPERATOR(pg_catalog.=) $1",
    1, {INT4OID}};
Plan g_transition = {
    "UPDATE servicedesk.services SET current_stage_id = $2 WHERE id OPERATOR(pg_catalog.=) $1 "
    "RETURNING *",
    2, {INT4OID, TEXTOID}};
Plan g_service_row = {
    "SELECT * FROM servicedesk.services WHERE id OPERATOR(pg_catalog.=) $1", 1, {INT4OID}};


struct Definition {
  char* stages;
  char* transitions;
};

Definition definition_of(HeapTuple t, TupleDesc d) {
  Definition def{nullptr, nullptr};
  bool isnull;
  Datum v = heap_getattr(t, SPI_fnumber(d, "stages"), d, &isnull);
  if (!isnull) def.stages = DatumGetCString(DirectFunctionCall1(jsonb_out, v));
  v = heap_getattr(t, SPI_fnumber(d, "transitions"), d, &isnull);
  if (!isnull) def.transitions = DatumGetCString(DirectFunctionCall1(jsonb_out, v));
  return def;
}

bool column_changed(HeapTuple a, HeapTuple b, TupleDesc d, const char* name) {
  int att = SPI_fnumber(d, name);
  if (att <= 0) return false;
  bool na, nb;
  Datum va = heap_getattr(a, att, d, &na);
  Datum vb = heap_getattr(b, att, d, &nb);
  if (na != nb) return true;
  if (na) return false;
  Form_pg_attribute f = TupleDescAttr(d, att - 1);
  return !datum_image_eq(va, vb, f->attbyval, f->attlen);
}

[[noreturn]] void no_service(std::int32_t id) {
  throw Error("P0002", "request " + std::to_string(id) + " does not exist",
              "servicedesk.services has no row with id " + std::to_string(id) + ".",
              "Pass the id of an existing request.");
}

}  // namespace

void register_caches() {
  static bool done = false;
  if (done) return;
  done = true;
  workflow_cache_init();
  calendar_cache_init();
  sla_cache_init();
  actor_cache_init();
}

}  // namespace servicedesk::pg

using namespace servicedesk::pg;
using servicedesk::CompiledWorkflow;
using servicedesk::Error;

// BEFORE INSERT OR UPDATE ON workflows.
SD_FUNCTION(sd_workflows_before) {
  TriggerData* trig = trigger_data(fcinfo, "servicedesk._workflows_before");
  TupleDesc desc = RelationGetDescr(trig->tg_relation);
  if (TRIGGER_FIRED_BY_UPDATE(trig->tg_event)) {
    HeapTuple o = trig->tg_trigtuple;
    HeapTuple n = trig->tg_newtuple;
    bool definition_changed = pg_call([&] {
      return column_changed(o, n, desc, "stages") || column_changed(o, n, desc, "transitions") ||
             column_changed(o, n, desc, "version") || column_changed(o, n, desc, "id");
    });
    if (!definition_changed) return PointerGetDatum(n);
    bool isnull;
    std::int32_t id = DatumGetInt32(pg_call([&] {
      return heap_getattr(o, SPI_fnumber(desc, "id"), desc, &isnull);
    }));
    SpiSession spi;
    Datum arg = Int32GetDatum(id);
    if (spi_run_as_owner(g_in_use, &arg, nullptr, true, 1) > 0) {
      throw Error(servicedesk::sqlstate::kImmutable,
                  "workflow " + std::to_string(id) + " is in use and cannot change",
                  "Requests run on this version; its id, stages, transitions and version are "
                  "frozen. Only name, description, service_type and active may change.",
                  "Publish a new version with servicedesk.publish_workflow(name, stages, "
                  "transitions).");
    }
    spi.finish();
    Definition def = pg_call([&] { return definition_of(n, desc); });
    if (def.stages != nullptr && def.transitions != nullptr) {
      CompiledWorkflow::compile(def.stages, def.transitions);
    }
    return PointerGetDatum(n);
  }
  HeapTuple t = trig->tg_trigtuple;
  Definition def = pg_call([&] { return definition_of(t, desc); });
  if (def.stages != nullptr && def.transitions != nullptr) {
    CompiledWorkflow::compile(def.stages, def.transitions);  // SD001 with every problem
  }
  return PointerGetDatum(t);
}

// AFTER ... FOR EACH STATEMENT on workflows, calendars, slas: every backend
// drops its compiled copies (now for this one, at commit for the others).
SD_FUNCTION(sd_invalidate_caches) {
  TriggerData* trig = trigger_data(fcinfo, "servicedesk._invalidate_caches");
  Oid relid = RelationGetRelid(trig->tg_relation);
  pg_call([&] { CacheInvalidateRelcacheByRelid(relid); });
  return PointerGetDatum(nullptr);
}

// validate_workflow(stages jsonb, transitions jsonb) RETURNS TABLE(path, message)
SD_FUNCTION(sd_validate_workflow) {
  char* stages = PG_ARGISNULL(0) ? nullptr : pg_call([&] {
    return DatumGetCString(DirectFunctionCall1(jsonb_out, PG_GETARG_DATUM(0)));
  });
  char* transitions = PG_ARGISNULL(1) ? nullptr : pg_call([&] {
    return DatumGetCString(DirectFunctionCall1(jsonb_out, PG_GETARG_DATUM(1)));
  });
  std::vector<servicedesk::Problem> problems;
  if (stages == nullptr) problems.push_back({"stages", "must not be NULL"});
  if (transitions == nullptr) problems.push_back({"transitions", "must not be NULL"});
  if (problems.empty()) problems = servicedesk::validate_workflow(stages, transitions);
  pg_call([&] { InitMaterializedSRF(fcinfo, 0); });
  auto* rsinfo = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
  for (const auto& p : problems) {
    const char* path = p.path.c_str();
    const char* msg = p.message.c_str();
    pg_call([&] {
      Datum values[2] = {CStringGetTextDatum(path), CStringGetTextDatum(msg)};
      bool nulls[2] = {false, false};
      tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
    });
  }
  return (Datum)0;
}

// workflow_graph(workflow_id integer, format text DEFAULT 'mermaid') RETURNS text
SD_FUNCTION(sd_workflow_graph) {
  if (PG_ARGISNULL(0)) PG_RETURN_NULL();
  std::int32_t id = PG_GETARG_INT32(0);
  std::string format = PG_ARGISNULL(1) ? "mermaid" : pg_call([&] {
    return text_to_cstring(PG_GETARG_TEXT_PP(1));
  });
  servicedesk::GraphFormat f;
  if (format == "mermaid") {
    f = servicedesk::GraphFormat::kMermaid;
  } else if (format == "dot") {
    f = servicedesk::GraphFormat::kDot;
  } else {
    throw Error(servicedesk::sqlstate::kInvalidParameter,
                "unknown graph format \"" + format + "\"",
                "workflow_graph renders Mermaid or Graphviz DOT.",
                "Pass 'mermaid' (the default) or 'dot'.");
  }
  SpiSession spi;
  std::shared_ptr<const WorkflowVersion> wf = workflow_version(id);
  spi.finish();
  std::string out = wf->compiled->graph(f);
  const char* p = out.c_str();
  text* result = pg_call([&] { return cstring_to_text(p); });
  PG_RETURN_TEXT_P(result);
}

// transition(service_id integer, to_stage text, comment text DEFAULT NULL)
//   RETURNS servicedesk.services
SD_FUNCTION(sd_transition) {
  if (PG_ARGISNULL(0) || PG_ARGISNULL(1)) {
    throw Error(servicedesk::sqlstate::kUndefinedTransition,
                "transition() needs a request id and a target stage",
                std::string(PG_ARGISNULL(0) ? "service_id" : "to_stage") + " is NULL.",
                "See servicedesk.available_transitions(service_id) for the allowed targets.");
  }
  std::int32_t id = PG_GETARG_INT32(0);
  text* to = PG_GETARG_TEXT_PP(1);
  char* to_stage = pg_call([&] { return text_to_cstring(to); });
  char* comment = PG_ARGISNULL(2) ? nullptr : pg_call([&] {
    return text_to_cstring(PG_GETARG_TEXT_PP(2));
  });
  SpiSession spi;
  Datum arg = Int32GetDatum(id);
  if (spi_run_as_owner(g_service_for_transition, &arg, nullptr, true, 1) == 0) no_service(id);
  bool isnull;
  std::int32_t wf_id = DatumGetInt32(spi_value(0, 1, &isnull));
  char* current = pg_call([] {
    bool n;
    Datum d = spi_value(0, 2, &n);
    return n ? pstrdup("") : TextDatumGetCString(d);
  });
  if (std::strcmp(current, to_stage) == 0) {
    std::shared_ptr<const WorkflowVersion> wf = workflow_version(wf_id);
    std::int32_t from = wf->compiled->find_stage(current);
    Refusal r = undefined_move(*wf, id, from < 0 ? 0 : from, to_stage);
    r.message = "request " + std::to_string(id) + " is already at stage \"" + to_stage + "\"";
    r.detail = "A transition must change the stage.";
    r.raise();
  }
  set_transition_comment(id, comment);
  Datum args[2] = {arg, PointerGetDatum(to)};
  std::uint64_t n = spi_run(g_transition, args, nullptr, false);
  if (n == 0) no_service(id);
  HeapTuple tuple = SPI_tuptable->vals[0];
  TupleDesc desc = SPI_tuptable->tupdesc;
  // Copied into the caller's memory context, so it outlives SPI_finish().
  Datum result = PointerGetDatum(pg_call([&] { return SPI_returntuple(tuple, desc); }));
  spi.finish();
  return result;
}

// available_transitions(service_id integer)
//   RETURNS TABLE(to_stage text, name text, allowed boolean, reason text)
SD_FUNCTION(sd_available_transitions) {
  if (PG_ARGISNULL(0)) PG_RETURN_NULL();
  std::int32_t id = PG_GETARG_INT32(0);
  SpiSession spi;
  Datum arg = Int32GetDatum(id);
  if (spi_run_as_owner(g_service_row, &arg, nullptr, true, 1) == 0) no_service(id);
  HeapTuple tuple = pg_call([] { return SPI_copytuple(SPI_tuptable->vals[0]); });
  TupleDesc desc = pg_call([] { return CreateTupleDescCopy(SPI_tuptable->tupdesc); });
  ServiceAttrs a = pg_call([&] { return service_attrs(desc); });
  ServiceRow row = pg_call([&] { return read_service(tuple, desc, a); });
  std::shared_ptr<const WorkflowVersion> wf = workflow_version(row.workflow_id);
  const CompiledWorkflow& c = *wf->compiled;
  std::int32_t from = row.stage ? c.find_stage(row.stage) : -1;
  Actor actor(resolve_actor());
  pg_call([&] { InitMaterializedSRF(fcinfo, 0); });
  auto* rsinfo = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
  if (from >= 0) {
    for (const servicedesk::Transition* t : c.moves_from(from)) {
      const servicedesk::Stage& target = c.stages()[t->to];
      std::optional<Refusal> r = check_move(*wf, from, t->to, row, tuple, desc, actor, false);
      if (!r && target.approval) {
        try {
          check_approvers_available(*wf, t->to, row);
        } catch (const Error& e) {
          r = Refusal{e.code(), e.message(), e.detail(), e.hint()};
        }
      }
      std::string reason = r ? r->message + ": " + r->detail : std::string();
      const char* to_s = target.id.c_str();
      const char* name = t->name.c_str();
      bool has_name = !t->name.empty();
      bool allowed = !r.has_value();
      const char* why = reason.c_str();
      pg_call([&] {
        Datum values[4] = {CStringGetTextDatum(to_s), has_name ? CStringGetTextDatum(name) : 0,
                           BoolGetDatum(allowed), allowed ? 0 : CStringGetTextDatum(why)};
        bool nulls[4] = {false, !has_name, false, allowed};
        tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
      });
    }
  }
  spi.finish();
  return (Datum)0;
}
