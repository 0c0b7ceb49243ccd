// Approvals (SPEC section 5): approvers resolved on entering an approval
// stage, one pending row each, decisions only by the approver and only once,
// the policy evaluated under a lock on the request, the outcome applied as a
// system move.
#include <cstring>
#include <string>
#include <vector>

#include "core/row_diff.hpp"
#include "pg/audit.hpp"
#include "pg/calendars.hpp"
#include "pg/effects.hpp"
#include "pg/module.hpp"
#include "pg/services.hpp"
#include "pg/rows.hpp"
#include "pg/spi.hpp"

namespace servicedesk::pg {

namespace {

bool g_engine_writes = false;  // approvals written by the engine itself
std::int32_t g_deciding = 0;   // the approval approve()/reject() is deciding

class Deciding {
 public:
  explicit Deciding(std::int32_t id) : saved_(g_deciding) { g_deciding = id; }
  ~Deciding() { g_deciding = saved_; }
  Deciding(const Deciding&) = delete;
  Deciding& operator=(const Deciding&) = delete;

 private:
  std::int32_t saved_;
};

class EngineWrites {
 public:
  EngineWrites() : saved_(g_engine_writes) { g_engine_writes = true; }
  ~EngineWrites() { g_engine_writes = saved_; }
  EngineWrites(const EngineWrites&) = delete;
  EngineWrites& operator=(const EngineWrites&) = delete;

 private:
  bool saved_;
};

Plan g_by_ids = {
    "SELECT u.id FROM servicedesk.users u WHERE u.id OPERATOR(pg_catalog.=) ANY ($1) AND u.active "
    "AND (u.id OPERATOR(pg_catalog.=) $2) IS NOT TRUE ORDER BY u.id",
    2, {INT4ARRAYOID, INT4OID}};
Plan g_by_role = {
    "SELECT u.id FROM servicedesk.users u WHERE u.active AND $1 OPERATOR(pg_catalog.=) ANY "
    "(u.roles) AND (u.id OPERATOR(pg_catalog.=) $2) IS NOT TRUE ORDER BY u.id",
    2, {TEXTOID, INT4OID}};
Plan g_next_round = {
    "SELECT COALESCE(pg_catalog.max(round), 0) OPERATOR(pg_catalog.+) 1 FROM servicedesk.approvals "
    "WHERE service_id OPERATOR(pg_catalog.=) $1 AND workflow_stage_id OPERATOR(pg_catalog.=) "
    "$2::pg_catalog.varchar",
    2, {INT4OID, TEXTOID}};
Plan g_insert = {
    "INSERT INTO servicedesk.approvals (service_id, workflow_stage_id, approver_id, status, "
    "due_date, round) VALUES ($1, $2, $3, 'pending', $4, $5) RETURNING id",
    5, {INT4OID, TEXTOID, INT4OID, TIMESTAMPTZOID, INT4OID}};
Plan g_cancel = {
    "UPDATE servicedesk.approvals SET status = 'cancelled' "
    "WHERE service_id OPERATOR(pg_catalog.=) $1 AND workflow_stage_id OPERATOR(pg_catalog.=) "
    "$2::pg_catalog.varchar AND status OPERATOR(pg_catalog.=) 'pending'",
    2, {INT4OID, TEXTOID}};
Plan g_sla_calendar = {
    "SELECT calendar_id FROM servicedesk.slas WHERE id OPERATOR(pg_catalog.=) $1", 1, {INT4OID}};
Plan g_lock_service = {
    "SELECT workflow_id, current_stage_id::pg_catalog.text FROM servicedesk.services "
    "WHERE id OPERATOR(pg_catalog.=) $1 FOR UPDATE",
    1, {INT4OID}};
// Row-locking read of the round: it sees decisions committed meanwhile
// (READ COMMITTED follows the update chain; REPEATABLE READ and SERIALIZABLE
// raise a serialization failure instead of counting a stale view).
Plan g_tally = {
    "SELECT status::pg_catalog.text FROM servicedesk.approvals WHERE service_id OPERATOR(pg_catalog.=) $1 "
    "AND workflow_stage_id OPERATOR(pg_catalog.=) $2::pg_catalog.varchar "
    "AND round OPERATOR(pg_catalog.=) $3 FOR SHARE",
    3, {INT4OID, TEXTOID, INT4OID}};
Plan g_move = {
    "UPDATE servicedesk.services SET current_stage_id = $2 WHERE id OPERATOR(pg_catalog.=) $1", 2,
    {INT4OID, TEXTOID}};
Plan g_requester = {
    "SELECT requester_id FROM servicedesk.services WHERE id OPERATOR(pg_catalog.=) $1", 1,
    {INT4OID}};
Plan g_approval_service = {
    "SELECT service_id FROM servicedesk.approvals WHERE id OPERATOR(pg_catalog.=) $1", 1,
    {INT4OID}};
Plan g_decide = {
    "UPDATE servicedesk.approvals SET status = $2, comment = COALESCE($3, comment) "
    "WHERE id OPERATOR(pg_catalog.=) $1 RETURNING *",
    3, {INT4OID, TEXTOID, TEXTOID}};
// Whether an approval belongs to the live round: the request is at its stage
// and no later round exists.
Plan g_live_round = {
    "SELECT 1 FROM servicedesk.services s WHERE s.id OPERATOR(pg_catalog.=) $1 "
    "AND s.current_stage_id OPERATOR(pg_catalog.=) $2::pg_catalog.varchar AND NOT EXISTS ("
    "SELECT 1 FROM servicedesk.approvals a WHERE a.service_id OPERATOR(pg_catalog.=) $1 "
    "AND a.workflow_stage_id OPERATOR(pg_catalog.=) $2::pg_catalog.varchar "
    "AND a.round OPERATOR(pg_catalog.>) $3)",
    3, {INT4OID, TEXTOID, INT4OID}};
// Rows someone else holds are skipped (reported by the next sweep): the sweep
// must never wait on an approval row, because decisions lock the request
// first and the approval second, and waiting here in the other order could
// deadlock with them.
Plan g_overdue = {
    "UPDATE servicedesk.approvals a SET overdue_reported_at = $1 "
    "WHERE a.id OPERATOR(pg_catalog.=) ANY (ARRAY("
    "SELECT o.id FROM servicedesk.approvals o WHERE o.status OPERATOR(pg_catalog.=) 'pending' "
    "AND o.due_date OPERATOR(pg_catalog.<) $1 AND o.overdue_reported_at IS NULL "
    "ORDER BY o.id FOR UPDATE SKIP LOCKED)) "
    "RETURNING a.id, a.service_id, a.approver_id, a.workflow_stage_id::pg_catalog.text",
    1, {TIMESTAMPTZOID}};

std::vector<std::int32_t> resolve_approvers(const ApprovalConfig& cfg, const ServiceRow& row) {
  Datum args[2];
  char nulls[3] = "  ";
  args[1] = Int32GetDatum(row.requester_id);
  if (!row.has_requester) nulls[1] = 'n';
  std::uint64_t n;
  if (cfg.role) {
    args[0] = text_datum(*cfg.role);
    n = spi_run_as_owner(g_by_role, args, nulls, true);
  } else {
    const std::vector<std::int32_t>& ids = cfg.approver_ids;
    args[0] = pg_call([&] {
      Datum* elems = static_cast<Datum*>(palloc(sizeof(Datum) * (ids.size() + 1)));
      for (std::size_t i = 0; i < ids.size(); ++i) elems[i] = Int32GetDatum(ids[i]);
      return PointerGetDatum(
          construct_array(elems, static_cast<int>(ids.size()), INT4OID, 4, true, TYPALIGN_INT));
    });
    n = spi_run_as_owner(g_by_ids, args, nulls, true);
  }
  std::vector<std::int32_t> out;
  for (std::uint64_t i = 0; i < n; ++i) {
    bool isnull;
    out.push_back(DatumGetInt32(spi_value(i, 1, &isnull)));
  }
  return out;
}

std::int32_t needed(const ApprovalConfig& cfg) {
  return cfg.policy == ApprovalPolicy::kQuorum ? cfg.quorum : 1;
}

std::string policy_text(const ApprovalConfig& cfg) {
  switch (cfg.policy) {
    case ApprovalPolicy::kAll: return "all";
    case ApprovalPolicy::kAny: return "any";
    case ApprovalPolicy::kQuorum: return "quorum " + std::to_string(cfg.quorum);
  }
  return "all";
}

std::string approvers_text(const ApprovalConfig& cfg) {
  if (cfg.role) return "every active user with role \"" + *cfg.role + "\"";
  std::string s = "users ";
  for (std::size_t i = 0; i < cfg.approver_ids.size(); ++i) {
    if (i) s += ", ";
    s += std::to_string(cfg.approver_ids[i]);
  }
  return s;
}

// The calendar of the request's SLA (24x7 without one).
std::shared_ptr<const Calendar> request_calendar(const ServiceRow& row) {
  if (!row.has_sla) return calendar_for(false, 0);
  Datum arg = Int32GetDatum(row.sla_id);
  if (spi_run_as_owner(g_sla_calendar, &arg, nullptr, true, 1) == 0) return calendar_for(false, 0);
  bool isnull;
  Datum cal = spi_value(0, 1, &isnull);
  return calendar_for(!isnull, isnull ? 0 : DatumGetInt32(cal));
}


}  // namespace

void check_approvers_available(const WorkflowVersion& wf, std::int32_t stage,
                               const ServiceRow& row) {
  const Stage& s = wf.compiled->stages()[stage];
  const ApprovalConfig& cfg = *s.approval;
  std::vector<std::int32_t> who = resolve_approvers(cfg, row);
  if (static_cast<std::int32_t>(who.size()) >= needed(cfg)) return;
  throw Error(sqlstate::kApprovalBlocks,
              "request " + std::to_string(row.id) + " cannot enter approval stage \"" + s.id +
                  "\": " + (who.empty() ? "nobody can approve it"
                                        : "too few approvers (" + std::to_string(who.size()) +
                                              " of " + std::to_string(needed(cfg)) + " needed)"),
              "The approvers are " + approvers_text(cfg) + " (policy " + policy_text(cfg) +
                  "); inactive users, unknown ids and the request's own requester do not count.",
              "Activate or add approvers (users.active, users.roles), or move the request "
              "elsewhere.");
}

void approvals_on_entered(const WorkflowVersion& wf, const ServiceRow& row, std::int32_t stage) {
  const Stage& s = wf.compiled->stages()[stage];
  const ApprovalConfig& cfg = *s.approval;
  std::vector<std::int32_t> who = resolve_approvers(cfg, row);
  if (static_cast<std::int32_t>(who.size()) < needed(cfg)) check_approvers_available(wf, stage, row);
  Datum round_args[2] = {Int32GetDatum(row.id), text_datum(s.id)};
  spi_run_as_owner(g_next_round, round_args, nullptr, true, 1);
  bool isnull;
  std::int32_t round = DatumGetInt32(spi_value(0, 1, &isnull));
  std::optional<Micros> due;
  if (cfg.due_minutes) {
    std::shared_ptr<const Calendar> cal = request_calendar(row);
    due = cal->add(GetCurrentTransactionStartTimestamp(), *cfg.due_minutes);
  }
  EngineWrites engine;
  for (std::int32_t approver : who) {
    Datum v[5] = {Int32GetDatum(row.id), text_datum(s.id), Int32GetDatum(approver),
                  TimestampTzGetDatum(due.value_or(0)), Int32GetDatum(round)};
    char n[6] = "     ";
    if (!due) n[3] = 'n';
    spi_run_as_owner(g_insert, v, n, false);
    std::int32_t approval_id = DatumGetInt32(spi_value(0, 1, &isnull));
    std::string p = "{\"event\": \"approval_requested\", \"service_id\": " + std::to_string(row.id) +
                    ", \"approval_id\": " + std::to_string(approval_id) +
                    ", \"approver_id\": " + std::to_string(approver) + ", \"stage\": ";
    append_json_string(p, s.id);
    p += "}";
    send_event(p);
  }
}

void approvals_on_left(const WorkflowVersion& wf, const ServiceRow& row, std::int32_t stage) {
  const Stage& s = wf.compiled->stages()[stage];
  Datum v[2] = {Int32GetDatum(row.id), text_datum(s.id)};
  EngineWrites engine;
  spi_run_as_owner(g_cancel, v, nullptr, false);
}

void report_overdue_approvals(TimestampTz at) {
  Datum arg = TimestampTzGetDatum(at);
  std::uint64_t n;
  {
    EngineWrites engine;
    n = spi_run_as_owner(g_overdue, &arg, nullptr, false);
  }
  for (std::uint64_t i = 0; i < n; ++i) {
    bool isnull;
    std::int32_t id = DatumGetInt32(spi_value(i, 1, &isnull));
    std::int32_t service = DatumGetInt32(spi_value(i, 2, &isnull));
    std::int32_t approver = DatumGetInt32(spi_value(i, 3, &isnull));
    char* stage = pg_call([&] { return TextDatumGetCString(spi_value(i, 4, &isnull)); });
    std::string p = "{\"event\": \"approval_overdue\", \"service_id\": " + std::to_string(service) +
                    ", \"approval_id\": " + std::to_string(id) +
                    ", \"approver_id\": " + std::to_string(approver) + ", \"stage\": ";
    append_json_string(p, stage);
    p += "}";
    send_event(p);
  }
}

namespace {

struct ApprovalRow {
  std::int32_t id = 0;
  bool has_service = false;
  std::int32_t service_id = 0;
  char* stage = nullptr;
  bool has_approver = false;
  std::int32_t approver_id = 0;
  char* status = nullptr;
  char* comment = nullptr;
  std::int32_t round = 0;
};

ApprovalRow read_approval(HeapTuple t, TupleDesc d) {
  ApprovalRow r;
  bool isnull;
  Datum v = heap_getattr(t, SPI_fnumber(d, "id"), d, &isnull);
  if (!isnull) r.id = DatumGetInt32(v);
  v = heap_getattr(t, SPI_fnumber(d, "service_id"), d, &isnull);
  r.has_service = !isnull;
  if (!isnull) r.service_id = DatumGetInt32(v);
  v = heap_getattr(t, SPI_fnumber(d, "workflow_stage_id"), d, &isnull);
  if (!isnull) r.stage = TextDatumGetCString(v);
  v = heap_getattr(t, SPI_fnumber(d, "approver_id"), d, &isnull);
  r.has_approver = !isnull;
  if (!isnull) r.approver_id = DatumGetInt32(v);
  v = heap_getattr(t, SPI_fnumber(d, "status"), d, &isnull);
  if (!isnull) r.status = TextDatumGetCString(v);
  v = heap_getattr(t, SPI_fnumber(d, "comment"), d, &isnull);
  if (!isnull) r.comment = TextDatumGetCString(v);
  v = heap_getattr(t, SPI_fnumber(d, "round"), d, &isnull);
  if (!isnull) r.round = DatumGetInt32(v);
  return r;
}

bool eq(const char* a, const char* b) {
  if (a == nullptr || b == nullptr) return a == b;
  return std::strcmp(a, b) == 0;
}

// Columns other than those listed that differ between two images.
bool only_changed(HeapTuple a, HeapTuple b, TupleDesc d, std::initializer_list<const char*> allowed) {
  for (int i = 0; i < d->natts; ++i) {
    Form_pg_attribute att = TupleDescAttr(d, i);
    if (att->attisdropped) continue;
    bool skip = false;
    for (const char* name : allowed) {
      if (std::strcmp(NameStr(att->attname), name) == 0) skip = true;
    }
    if (skip) continue;
    bool na, nb;
    Datum va = heap_getattr(a, i + 1, d, &na);
    Datum vb = heap_getattr(b, i + 1, d, &nb);
    if (na != nb) return false;
    if (!na && !datumIsEqual(va, vb, att->attbyval, att->attlen)) return false;
  }
  return true;
}

[[noreturn]] void refuse(const ApprovalRow& r, const std::string& what, const std::string& detail,
                         const std::string& hint) {
  throw Error(sqlstate::kDecisionNotAllowed,
              "approval " + std::to_string(r.id) + " of request " + std::to_string(r.service_id) +
                  ": " + what,
              detail, hint);
}

HeapTuple approvals_before(const SpiSession& spi, TriggerData* trig) {
  Relation rel = trig->tg_relation;
  TupleDesc desc = RelationGetDescr(rel);
  if (TRIGGER_FIRED_BY_INSERT(trig->tg_event)) {
    if (!g_engine_writes) {
      ApprovalRow r = pg_call([&] { return read_approval(trig->tg_trigtuple, desc); });
      refuse(r, "approvals are created by the workflow engine",
             "A pending approval row is created for each approver when a request enters an "
             "approval stage; rows cannot be added by hand.",
             "Move the request into its approval stage to request approvals.");
    }
    return trig->tg_trigtuple;
  }
  if (TRIGGER_FIRED_BY_DELETE(trig->tg_event)) {
    ApprovalRow r = pg_call([&] { return read_approval(trig->tg_trigtuple, desc); });
    if (eq(r.status, "pending")) {
      refuse(r, "a pending approval cannot be deleted",
             "Deleting it would change the outcome of the approval policy.",
             "Move the request out of the approval stage (which cancels pending approvals), "
             "then delete.");
    }
    // A decision of the live round still counts towards the policy.
    if (!g_engine_writes && r.has_service && r.stage != nullptr &&
        (eq(r.status, "approved") || eq(r.status, "rejected"))) {
      Datum v[3] = {Int32GetDatum(r.service_id), text_datum(r.stage), Int32GetDatum(r.round)};
      if (spi_run_as_owner(g_live_round, v, nullptr, true, 1) > 0) {
        refuse(r, std::string("a decision of the current round cannot be deleted"),
               "Request " + std::to_string(r.service_id) + " is still at stage \"" + r.stage +
                   "\"; deleting the decision would change the outcome of the approval policy.",
               "Move the request out of the approval stage, then delete.");
      }
    }
    return trig->tg_trigtuple;
  }
  HeapTuple old_tuple = trig->tg_trigtuple;
  HeapTuple new_tuple = trig->tg_newtuple;
  ApprovalRow o = pg_call([&] { return read_approval(old_tuple, desc); });
  ApprovalRow n = pg_call([&] { return read_approval(new_tuple, desc); });
  if (g_engine_writes) return new_tuple;  // cancellation, overdue reports
  if (!eq(o.status, "pending")) {
    // A no-op UPDATE is harmless, but approve()/reject() is a second decision.
    bool same = pg_call([&] { return only_changed(old_tuple, new_tuple, desc, {}); });
    if (same && g_deciding != o.id) return new_tuple;
    refuse(o, std::string("it is already ") + (o.status ? o.status : "decided"),
           "A decided or cancelled approval is frozen: none of its columns can change.",
           "Each approver decides once; a new round of approvals starts when the request "
           "enters the approval stage again.");
  }
  bool identity_kept = pg_call([&] {
    return only_changed(old_tuple, new_tuple, desc,
                        {"status", "comment", "decision_at", "due_date"});
  });
  if (!identity_kept) {
    refuse(o, "only status, comment and due_date of a pending approval can change",
           "service_id, workflow_stage_id, approver_id, round and created_at are fixed when the "
           "approval is requested.",
           "Decide with servicedesk.approve(id) or servicedesk.reject(id).");
  }
  bool deciding = !eq(o.status, n.status);
  if (!deciding) {
    bool undecided = pg_call([&] {
      return only_changed(old_tuple, new_tuple, desc, {"status", "comment", "due_date"});
    });
    if (!undecided) {
      refuse(o, "decision_at of a pending approval cannot be set",
             "decision_at is set to the time of the decision when the approver decides.",
             "Decide with servicedesk.approve(id) or servicedesk.reject(id).");
    }
    if (eq(o.comment, n.comment)) return new_tuple;  // due_date, or nothing
    // The comment is the approver's: checked like a decision below.
  } else if (!eq(n.status, "approved") && !eq(n.status, "rejected")) {
    refuse(o, std::string("status cannot be set to \"") + (n.status ? n.status : "NULL") + "\"",
           "A decision sets status to approved or rejected; pending approvals are cancelled "
           "only by the request leaving the stage.",
           "Use servicedesk.approve(id) or servicedesk.reject(id).");
  }
  std::int32_t actor = resolve_actor();
  if (actor == 0 || !o.has_approver || actor != o.approver_id) {
    refuse(o, actor == 0 ? "no acting user" : "user " + std::to_string(actor) + " is not its approver",
           "Only user " + std::to_string(o.approver_id) + " may decide or comment on approval " +
               std::to_string(o.id) + ".",
           "Act as the approver (SET LOCAL servicedesk.actor_id), or ask them to decide.");
  }
  if (!deciding) return new_tuple;
  // Approvers are resolved on entering the stage without the requester; a
  // requester changed since then still never decides their own request.
  Datum sid = Int32GetDatum(o.service_id);
  if (o.has_service && spi_run_as_owner(g_requester, &sid, nullptr, true, 1) == 1) {
    bool null_requester;
    Datum requester = spi_value(0, 1, &null_requester);
    if (!null_requester && DatumGetInt32(requester) == actor) {
      refuse(o, "user " + std::to_string(actor) + " is the request's requester",
             "The requester of a request never approves it, even when they were assigned as an "
             "approver before becoming its requester.",
             "Another approver must decide; or move the request out of the stage and back to "
             "start a new round without the requester.");
    }
  }
  int col = pg_call([&] { return SPI_fnumber(desc, "decision_at"); });
  Datum now = TimestampTzGetDatum(GetCurrentTransactionStartTimestamp());
  bool isnull = false;
  // Allocated in the caller's context: the result must outlive SPI_finish().
  MemoryContext result_context = spi.caller_context();
  return pg_call([&] {
    MemoryContext old = MemoryContextSwitchTo(result_context);
    HeapTuple result = heap_modify_tuple_by_cols(new_tuple, desc, 1, &col, &now, &isnull);
    MemoryContextSwitchTo(old);
    return result;
  });
}

void approvals_after(TriggerData* trig) {
  if (!TRIGGER_FIRED_BY_UPDATE(trig->tg_event)) return;
  TupleDesc desc = RelationGetDescr(trig->tg_relation);
  ApprovalRow o = pg_call([&] { return read_approval(trig->tg_trigtuple, desc); });
  ApprovalRow n = pg_call([&] { return read_approval(trig->tg_newtuple, desc); });
  if (!eq(o.status, "pending") || (!eq(n.status, "approved") && !eq(n.status, "rejected"))) return;
  // The policy is evaluated under a lock on the request, so concurrent
  // decisions are counted one after the other and produce one outcome.
  Datum sid = Int32GetDatum(n.service_id);
  if (spi_run_as_owner(g_lock_service, &sid, nullptr, false, 1) == 0) return;
  bool isnull;
  std::int32_t workflow_id = DatumGetInt32(spi_value(0, 1, &isnull));
  char* stage = pg_call([&] {
    bool nn;
    Datum d = spi_value(0, 2, &nn);
    return nn ? static_cast<char*>(nullptr) : TextDatumGetCString(d);
  });
  std::string p = "{\"event\": \"approval_decided\", \"service_id\": " +
                  std::to_string(n.service_id) + ", \"approval_id\": " + std::to_string(n.id) +
                  ", \"approver_id\": " + std::to_string(n.approver_id) + ", \"decision\": ";
  append_json_string(p, n.status);
  p += "}";
  send_event(p);
  if (!eq(stage, n.stage)) {
    refuse(n, "the request is no longer at stage \"" + std::string(n.stage ? n.stage : "") + "\"",
           "Request " + std::to_string(n.service_id) + " has moved on; this approval is void.",
           "Nothing to decide.");
  }
  std::shared_ptr<const WorkflowVersion> wf = workflow_version(workflow_id);
  std::int32_t at = wf->compiled->find_stage(n.stage);
  if (at < 0 || !wf->compiled->stages()[at].approval) return;
  const ApprovalConfig& cfg = *wf->compiled->stages()[at].approval;
  Datum tally_args[3] = {sid, text_datum(n.stage), Int32GetDatum(n.round)};
  std::uint64_t rows = spi_run_as_owner(g_tally, tally_args, nullptr, false);
  std::int64_t approved = 0, rejected = 0, pending = 0;
  for (std::uint64_t i = 0; i < rows; ++i) {
    char* st = pg_call([&] { return TextDatumGetCString(spi_value(i, 1, &isnull)); });
    if (std::strcmp(st, "approved") == 0) ++approved;
    else if (std::strcmp(st, "rejected") == 0) ++rejected;
    else if (std::strcmp(st, "pending") == 0) ++pending;
  }
  std::int64_t total = approved + rejected + pending;
  std::optional<bool> outcome;
  switch (cfg.policy) {
    case ApprovalPolicy::kAll:
      if (rejected > 0) outcome = false;
      else if (approved == total) outcome = true;
      break;
    case ApprovalPolicy::kAny:
      if (approved > 0) outcome = true;
      else if (rejected == total) outcome = false;
      break;
    case ApprovalPolicy::kQuorum:
      if (approved >= cfg.quorum) outcome = true;
      else if (approved + pending < cfg.quorum) outcome = false;
      break;
  }
  if (!outcome) return;
  const std::string& target =
      wf->compiled->stages()[*outcome ? cfg.on_approved : cfg.on_rejected].id;
  Datum move_args[2] = {sid, text_datum(target)};
  SystemMove system;
  spi_run_as_owner(g_move, move_args, nullptr, false);
}

}  // namespace

}  // namespace servicedesk::pg

using namespace servicedesk::pg;
using servicedesk::Error;

SD_FUNCTION(sd_approvals_trigger) {
  TriggerData* trig = trigger_data(fcinfo, "servicedesk._approvals_trigger");
  if (!TRIGGER_FIRED_FOR_ROW(trig->tg_event)) {
    throw Error("39P01", "servicedesk._approvals_trigger() must be a row trigger",
                "It was fired for a statement.", "Only the servicedesk triggers call it.");
  }
  SpiSession spi;
  Datum result = PointerGetDatum(nullptr);
  if (TRIGGER_FIRED_BEFORE(trig->tg_event)) {
    result = PointerGetDatum(approvals_before(spi, trig));
  } else {
    approvals_after(trig);
  }
  spi.finish();
  return result;
}

namespace {

Datum decide(FunctionCallInfo fcinfo, const char* decision) {
  if (PG_ARGISNULL(0)) {
    throw Error(servicedesk::sqlstate::kDecisionNotAllowed, "approval id must not be NULL",
                "approve() and reject() need the id of a pending approval.",
                "See servicedesk.pending_approvals for your pending approvals.");
  }
  std::int32_t id = PG_GETARG_INT32(0);
  text* comment = PG_ARGISNULL(1) ? nullptr : PG_GETARG_TEXT_PP(1);
  SpiSession spi;
  Datum arg = Int32GetDatum(id);
  if (spi_run_as_owner(g_approval_service, &arg, nullptr, true, 1) == 0) {
    throw Error(servicedesk::sqlstate::kDecisionNotAllowed,
                "approval " + std::to_string(id) + " does not exist",
                "servicedesk.approvals has no row with id " + std::to_string(id) + ".",
                "See servicedesk.pending_approvals for your pending approvals.");
  }
  bool isnull;
  Datum sid = spi_value(0, 1, &isnull);
  // Request first, approval second: the lock order of transitions too, so a
  // decision racing a cancel waits instead of deadlocking.
  if (!isnull) spi_run_as_owner(g_lock_service, &sid, nullptr, false, 1);
  Datum args[3] = {arg, text_datum(decision), PointerGetDatum(comment)};
  char nulls[4] = "   ";
  if (comment == nullptr) nulls[2] = 'n';
  std::uint64_t n;
  {
    Deciding deciding(id);
    n = spi_run(g_decide, args, nulls, false);
  }
  if (n == 0) {
    throw Error(servicedesk::sqlstate::kDecisionNotAllowed,
                "approval " + std::to_string(id) + " does not exist",
                "It may have been deleted meanwhile.", "Nothing to decide.");
  }
  HeapTuple tuple = SPI_tuptable->vals[0];
  TupleDesc desc = SPI_tuptable->tupdesc;
  // Copied into the caller's memory context, so it outlives SPI_finish().
  Datum result = PointerGetDatum(pg_call([&] { return SPI_returntuple(tuple, desc); }));
  spi.finish();
  return result;
}

}  // namespace

SD_FUNCTION(sd_approve) { return decide(fcinfo, "approved"); }
SD_FUNCTION(sd_reject) { return decide(fcinfo, "rejected"); }
