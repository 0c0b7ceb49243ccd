// SLAs in the database: matching, the tracking row's clock on every move,
// re-matching, and sla_sweep(). The clock logic itself is in
// src/core/sla_clock.cpp; this file loads and stores its state.
#include <algorithm>
#include <cstring>
#include <limits>
#include <list>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/row_diff.hpp"
#include "core/sla_clock.hpp"
#include "pg/audit.hpp"
#include "pg/calendars.hpp"
#include "pg/effects.hpp"
#include "pg/module.hpp"
#include "pg/services.hpp"
#include "pg/rows.hpp"
#include "pg/spi.hpp"

namespace servicedesk::pg {

namespace {

// ---- SLA definitions, cached per backend ------------------------------------

struct SlaDef {
  std::int32_t id = 0;
  bool active = false;
  SlaTargets targets;
  bool has_calendar = false;
  std::int32_t calendar_id = 0;
  std::vector<EscalationRule> rules;
};

Plan g_sla_fetch = {
    "SELECT active, response_time, resolution_time, calendar_id, escalation_rules::text "
    "FROM servicedesk.slas WHERE id OPERATOR(pg_catalog.=) $1",
    1, {INT4OID}};

Plan g_sla_match = {
    "SELECT id FROM servicedesk.slas WHERE active "
    "AND (service_type OPERATOR(pg_catalog.=) $1::pg_catalog.varchar OR service_type IS NULL) "
    "AND (priority OPERATOR(pg_catalog.=) $2::pg_catalog.varchar OR priority IS NULL) "
    "ORDER BY service_type IS NULL, priority IS NULL, id LIMIT 1",
    2, {TEXTOID, TEXTOID}};

struct SlaCache {
  Oid table = InvalidOid;
  std::unordered_map<std::int32_t, std::shared_ptr<const SlaDef>> map;
};
SlaCache* g_slas = nullptr;

void invalidate_slas(Oid relid) {
  if (g_slas != nullptr && (relid == InvalidOid || relid == g_slas->table)) {
    g_slas->map.clear();
    g_slas->table = InvalidOid;
  }
}


std::shared_ptr<const SlaDef> sla_def(std::int32_t id, bool must_exist = true) {
  if (g_slas == nullptr) g_slas = new SlaCache();
  Oid table = pg_call([] { return catalog().slas; });
  if (g_slas->table != table) {
    g_slas->map.clear();
    g_slas->table = table;
  }
  auto it = g_slas->map.find(id);
  if (it != g_slas->map.end()) return it->second;
  Datum arg = Int32GetDatum(id);
  if (spi_run_as_owner(g_sla_fetch, &arg, nullptr, true, 1) == 0) {
    if (!must_exist) return nullptr;
    throw Error(sqlstate::kNoWorkflowOrSla, "SLA " + std::to_string(id) + " does not exist",
                "servicedesk.slas has no row with id " + std::to_string(id) + ".",
                "Leave sla_id NULL to match the SLA by service_type and priority, or name an "
                "active SLA.");
  }
  auto def = std::make_shared<SlaDef>();
  def->id = id;
  bool isnull;
  def->active = DatumGetBool(spi_value(0, 1, &isnull));
  Datum v = spi_value(0, 2, &isnull);
  if (!isnull) def->targets.response_minutes = DatumGetInt32(v);
  v = spi_value(0, 3, &isnull);
  if (!isnull) def->targets.resolution_minutes = DatumGetInt32(v);
  v = spi_value(0, 4, &isnull);
  def->has_calendar = !isnull;
  if (!isnull) def->calendar_id = DatumGetInt32(v);
  char* rules = pg_call([] {
    bool n;
    Datum d = spi_value(0, 5, &n);
    return n ? static_cast<char*>(nullptr) : TextDatumGetCString(d);
  });
  if (rules != nullptr) {
    std::vector<Problem> problems = parse_escalation_rules(rules, def->rules);
    if (!problems.empty()) def->rules.clear();  // rejected on write; never half-applied
  }
  g_slas->map.emplace(id, def);
  return def;
}

// ---- tracking rows ----------------------------------------------------------

Plan g_tracking_load = {
    "SELECT id, sla_id, status, started_at, response_deadline, resolution_deadline, "
    "responded_at, resolved_at, paused_at, response_time, resolution_time, response_breached, "
    "resolution_breached, paused_work, next_check_at, breached FROM servicedesk.sla_tracking "
    "WHERE service_id OPERATOR(pg_catalog.=) $1 ORDER BY id DESC LIMIT 1 FOR UPDATE",
    1, {INT4OID}};

Plan g_tracking_insert = {
    "INSERT INTO servicedesk.sla_tracking (service_id, sla_id, status, started_at, "
    "response_deadline, resolution_deadline, responded_at, resolved_at, paused_at, response_time, "
    "resolution_time, response_breached, resolution_breached, breached, paused_work, "
    "next_check_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, "
    "$12 OR $13, $14, $15, $4)",
    8 + 7,
    {}};

Plan g_tracking_update = {
    "UPDATE servicedesk.sla_tracking SET sla_id = $2, status = $3, started_at = $4, "
    "response_deadline = $5, resolution_deadline = $6, responded_at = $7, resolved_at = $8, "
    "paused_at = $9, response_time = $10, resolution_time = $11, response_breached = $12, "
    "resolution_breached = $13, breached = ($12 OR $13 OR breached), paused_work = $14, "
    "next_check_at = $15 WHERE id OPERATOR(pg_catalog.=) $1",
    15, {}};

Plan g_fired = {
    "SELECT rule_index FROM servicedesk.sla_escalations "
    "WHERE sla_tracking_id OPERATOR(pg_catalog.=) $1",
    1, {INT4OID}};

const Oid kTrackingTypes[15] = {INT4OID,        INT4OID,        TEXTOID,        TIMESTAMPTZOID,
                                TIMESTAMPTZOID, TIMESTAMPTZOID, TIMESTAMPTZOID, TIMESTAMPTZOID,
                                TIMESTAMPTZOID, INT4OID,        INT4OID,        BOOLOID,
                                BOOLOID,        INTERVALOID,    TIMESTAMPTZOID};

void init_plans() {
  if (g_tracking_insert.argtypes[0] == InvalidOid) {
    for (int i = 0; i < 15; ++i) {
      g_tracking_insert.argtypes[i] = kTrackingTypes[i];
      g_tracking_update.argtypes[i] = kTrackingTypes[i];
    }
  }
}

struct Tracking {
  std::int32_t id = 0;
  std::int32_t sla_id = 0;
  SlaClock clock;
  // The row as read, when it is in the clock's canonical form (rewriting it
  // from the clock would change no column the clock logic does not change):
  // store_tracking() and the sweep skip a write that would leave it as it is.
  // Absent for a row that is not canonical (a NULL or unknown status or
  // started_at, a paused_work with days or months): that one is rewritten.
  struct Stored {
    std::int32_t sla_id;
    SlaClock clock;
    std::optional<Micros> next_check_at;
    bool breached;
  };
  std::optional<Stored> stored;
};

std::optional<Micros> opt_ts(std::uint64_t row, int col) {
  bool isnull;
  Datum d = spi_value(row, col, &isnull);
  if (isnull) return std::nullopt;
  return DatumGetTimestampTz(d);
}

// Row `row` of the last SPI result, columns 1-16 as g_tracking_load and
// g_tracking_load_many select them.
Tracking read_tracking(std::uint64_t row) {
  Tracking t;
  bool isnull;
  bool plain = true;
  t.id = DatumGetInt32(spi_value(row, 1, &isnull));
  t.sla_id = DatumGetInt32(spi_value(row, 2, &isnull));
  char* status = pg_call([row] {
    bool n;
    Datum d = spi_value(row, 3, &n);
    return n ? static_cast<char*>(nullptr) : TextDatumGetCString(d);
  });
  std::optional<ClockStatus> parsed = parse_clock_status(status != nullptr ? status : "");
  if (!parsed) plain = false;  // NULL or unknown: rewritten as "active"
  t.clock.status = parsed.value_or(ClockStatus::kActive);
  std::optional<Micros> started = opt_ts(row, 4);
  if (!started) plain = false;
  t.clock.started_at = started.value_or(0);
  t.clock.response_deadline = opt_ts(row, 5);
  t.clock.resolution_deadline = opt_ts(row, 6);
  t.clock.responded_at = opt_ts(row, 7);
  t.clock.resolved_at = opt_ts(row, 8);
  t.clock.paused_at = opt_ts(row, 9);
  Datum v = spi_value(row, 10, &isnull);
  if (!isnull) t.clock.response_time = DatumGetInt32(v);
  v = spi_value(row, 11, &isnull);
  if (!isnull) t.clock.resolution_time = DatumGetInt32(v);
  v = spi_value(row, 12, &isnull);
  t.clock.response_breached = !isnull && DatumGetBool(v);
  v = spi_value(row, 13, &isnull);
  t.clock.resolution_breached = !isnull && DatumGetBool(v);
  v = spi_value(row, 14, &isnull);
  if (!isnull) {
    const Interval* iv = DatumGetIntervalP(v);
    // Saturating: a forged interval near its limit must not wrap around.
    __int128 work =
        static_cast<__int128>(iv->time) + static_cast<__int128>(iv->day) * kMicrosPerDay;
    work = std::clamp<__int128>(work, std::numeric_limits<Micros>::min(),
                                std::numeric_limits<Micros>::max());
    t.clock.paused_work = static_cast<Micros>(work);
    if (iv->day != 0 || iv->month != 0) plain = false;
  }
  if (plain) {
    v = spi_value(row, 16, &isnull);
    t.stored = Tracking::Stored{t.sla_id, t.clock, opt_ts(row, 15), !isnull && DatumGetBool(v)};
  }
  return t;
}

std::optional<Tracking> load_tracking(std::int32_t service_id) {
  Datum arg = Int32GetDatum(service_id);
  if (spi_run_as_owner(g_tracking_load, &arg, nullptr, false, 1) == 0) return std::nullopt;
  return read_tracking(0);
}

std::vector<std::int32_t> fired_rules(std::int32_t tracking_id) {
  Datum arg = Int32GetDatum(tracking_id);
  std::uint64_t n = spi_run_as_owner(g_fired, &arg, nullptr, true);
  std::vector<std::int32_t> out;
  for (std::uint64_t i = 0; i < n; ++i) {
    bool isnull;
    out.push_back(DatumGetInt32(spi_value(i, 1, &isnull)));
  }
  return out;
}

Datum interval_datum(Micros work) {
  return pg_call([&] {
    auto* iv = static_cast<Interval*>(palloc0(sizeof(Interval)));
    iv->time = work;
    return IntervalPGetDatum(iv);
  });
}


std::int32_t clamp_minutes(std::int64_t m) {
  return static_cast<std::int32_t>(std::min<std::int64_t>(m, PG_INT32_MAX));
}

// Writes the clock into the tracking row (insert when t.id == 0).
void store_tracking(std::int32_t service_id, Tracking& t, const SlaDef& def, const Calendar& cal,
                    const std::vector<std::int32_t>* fired) {
  init_plans();
  std::vector<std::int32_t> fired_now;
  if (fired == nullptr && !def.rules.empty() && t.id != 0) {
    fired_now = fired_rules(t.id);
    fired = &fired_now;
  }
  static const std::vector<std::int32_t> kNone;
  std::optional<Micros> next =
      next_check(t.clock, cal, def.targets, def.rules, fired != nullptr ? *fired : kNone);
  const SlaClock& c = t.clock;
  // A move between two running stages of a responded request, say, changes
  // nothing: leave the (locked) row alone rather than write an identical
  // version of it. The audit trigger would have written no row for it.
  if (t.id != 0 && t.stored && t.stored->sla_id == t.sla_id && t.stored->clock == c &&
      t.stored->next_check_at == next && t.stored->breached == (t.stored->breached || c.breached())) {
    return;
  }
  Datum v[15];
  char n[16] = "               ";
  auto ts = [&](int i, const std::optional<Micros>& x) {
    v[i] = x ? TimestampTzGetDatum(*x) : 0;
    if (!x) n[i] = 'n';
  };
  v[0] = Int32GetDatum(t.id != 0 ? t.id : service_id);
  v[1] = Int32GetDatum(t.sla_id);
  v[2] = text_datum(clock_status_name(c.status));
  v[3] = TimestampTzGetDatum(c.started_at);
  ts(4, c.response_deadline);
  ts(5, c.resolution_deadline);
  ts(6, c.responded_at);
  ts(7, c.resolved_at);
  ts(8, c.paused_at);
  v[9] = Int32GetDatum(clamp_minutes(c.response_time.value_or(0)));
  if (!c.response_time) n[9] = 'n';
  v[10] = Int32GetDatum(clamp_minutes(c.resolution_time.value_or(0)));
  if (!c.resolution_time) n[10] = 'n';
  v[11] = BoolGetDatum(c.response_breached);
  v[12] = BoolGetDatum(c.resolution_breached);
  v[13] = interval_datum(c.paused_work);
  ts(14, next);
  spi_run_as_owner(t.id != 0 ? g_tracking_update : g_tracking_insert, v, n, false);
}

StageKind kind_of(const Stage& s) {
  if (s.status == Status::kResolved || s.status == Status::kClosed) return StageKind::kResolved;
  if (s.status == Status::kCancelled || s.status == Status::kRejected) return StageKind::kEnded;
  if (s.sla_pause) return StageKind::kPause;
  return StageKind::kRunning;
}

Micros now_micros() { return GetCurrentTransactionStartTimestamp(); }

std::string sla_event(const char* event, std::int32_t service_id, std::int32_t tracking_id,
                      const char* extra_key, std::string_view extra_value, std::int32_t rule) {
  std::string p = std::string("{\"event\": \"") + event + "\", \"service_id\": " +
                  std::to_string(service_id) + ", \"sla_tracking_id\": " +
                  std::to_string(tracking_id);
  if (rule >= 0) p += ", \"rule_index\": " + std::to_string(rule);
  if (extra_key != nullptr) {
    p += std::string(", \"") + extra_key + "\": ";
    append_json_string(p, extra_value);
  }
  p += "}";
  return p;
}


}  // namespace

void sla_cache_init() { on_relcache_invalidation(invalidate_slas); }

std::optional<std::int32_t> match_sla(const char* service_type, const char* priority) {
  Datum args[2];
  char nulls[3] = "  ";
  if (service_type != nullptr) {
    args[0] = text_datum(service_type);
  } else {
    args[0] = 0;
    nulls[0] = 'n';
  }
  if (priority != nullptr) {
    args[1] = text_datum(priority);
  } else {
    args[1] = 0;
    nulls[1] = 'n';
  }
  if (spi_run_as_owner(g_sla_match, args, nulls, true, 1) == 0) return std::nullopt;
  bool isnull;
  return DatumGetInt32(spi_value(0, 1, &isnull));
}

void check_sla_usable(std::int32_t id) {
  std::shared_ptr<const SlaDef> def = sla_def(id);
  if (!def->active) {
    throw Error(sqlstate::kNoWorkflowOrSla, "SLA " + std::to_string(id) + " is inactive",
                "Requests can only be held to an active SLA.",
                "Leave sla_id NULL to match an active SLA by service_type and priority.");
  }
}

std::optional<std::int32_t> match_sla_for_insert(const ServiceRow& row) {
  if (row.has_sla) {
    check_sla_usable(row.sla_id);
    return row.sla_id;
  }
  return match_sla(row.service_type, row.priority);
}

std::optional<std::int32_t> rematch_sla_for_update(const ServiceRow& old_row,
                                                   const ServiceRow& new_row) {
  bool sla_changed = old_row.has_sla != new_row.has_sla || old_row.sla_id != new_row.sla_id;
  if (sla_changed) {
    if (new_row.has_sla) check_sla_usable(new_row.sla_id);
    return std::nullopt;  // keep what the UPDATE set
  }
  auto differs = [](const char* a, const char* b) {
    if (a == nullptr || b == nullptr) return a != b;
    return std::strcmp(a, b) != 0;
  };
  if (!differs(old_row.priority, new_row.priority) &&
      !differs(old_row.service_type, new_row.service_type)) {
    return std::nullopt;
  }
  std::optional<std::int32_t> m = match_sla(new_row.service_type, new_row.priority);
  // 0 means NULL for the caller: no SLA matches any more.
  return m.value_or(0);
}

void sla_on_created(const WorkflowVersion& wf, const ServiceRow& row) {
  if (!row.has_sla) return;
  std::shared_ptr<const SlaDef> def = sla_def(row.sla_id);
  std::shared_ptr<const Calendar> cal = calendar_for(def->has_calendar, def->calendar_id);
  const Stage& initial = wf.compiled->stages()[wf.compiled->initial_stage()];
  Micros start = row.has_created_at ? row.created_at : now_micros();
  Tracking t;
  t.sla_id = row.sla_id;
  t.clock = start_clock(*cal, def->targets, start, kind_of(initial));
  store_tracking(row.id, t, *def, *cal, nullptr);
}

void sla_on_moved(const WorkflowVersion& wf, const ServiceRow& row, std::int32_t from,
                  std::int32_t to) {
  if (!row.has_sla || from < 0 || to < 0) return;
  std::optional<Tracking> t = load_tracking(row.id);
  if (!t) return;
  std::shared_ptr<const SlaDef> def = sla_def(t->sla_id);
  std::shared_ptr<const Calendar> cal = calendar_for(def->has_calendar, def->calendar_id);
  const auto& stages = wf.compiled->stages();
  move_clock(t->clock, *cal, kind_of(stages[from]), from == wf.compiled->initial_stage(),
             kind_of(stages[to]), now_micros());
  store_tracking(row.id, *t, *def, *cal, nullptr);
}

void on_sla_changed(const WorkflowVersion& wf, const ServiceRow& old_row,
                    const ServiceRow& new_row) {
  if (old_row.has_sla == new_row.has_sla && old_row.sla_id == new_row.sla_id) return;
  std::optional<Tracking> t = load_tracking(new_row.id);
  if (!new_row.has_sla) {
    if (t && t->clock.status != ClockStatus::kCancelled) {
      std::shared_ptr<const SlaDef> def = sla_def(t->sla_id);
      std::shared_ptr<const Calendar> cal = calendar_for(def->has_calendar, def->calendar_id);
      t->clock.status = ClockStatus::kCancelled;
      store_tracking(new_row.id, *t, *def, *cal, nullptr);
    }
    return;
  }
  std::shared_ptr<const SlaDef> def = sla_def(new_row.sla_id);
  std::shared_ptr<const Calendar> cal = calendar_for(def->has_calendar, def->calendar_id);
  if (!t) {
    // A request that gets an SLA only now: its clock still starts at created_at.
    sla_on_created(wf, new_row);
    std::optional<Tracking> fresh = load_tracking(new_row.id);
    if (fresh) {
      std::int32_t at = wf.compiled->find_stage(new_row.stage ? new_row.stage : "");
      if (at >= 0 && at != wf.compiled->initial_stage()) {
        move_clock(fresh->clock, *cal, StageKind::kRunning, true,
                   kind_of(wf.compiled->stages()[at]), now_micros());
        store_tracking(new_row.id, *fresh, *def, *cal, nullptr);
      }
    }
    return;
  }
  t->sla_id = new_row.sla_id;
  std::int32_t at = -1;
  if (t->clock.status == ClockStatus::kCancelled) {
    at = wf.compiled->find_stage(new_row.stage ? new_row.stage : "");
    if (at >= 0 && kind_of(wf.compiled->stages()[at]) != StageKind::kEnded) {
      // Back on an SLA after a spell without one: the clock's fields tell the
      // state it was cancelled in (resolved, stopped, running); restore it,
      // then catch up below with the moves made meanwhile (the current stage
      // may pause it, resolve it or reopen it).
      t->clock.status = t->clock.resolved_at ? ClockStatus::kCompleted
                        : t->clock.paused_at ? ClockStatus::kPaused
                                             : ClockStatus::kActive;
    } else {
      at = -1;
    }
  }
  retarget_clock(t->clock, *cal, def->targets);
  if (at >= 0) {
    move_clock(t->clock, *cal, StageKind::kRunning, at != wf.compiled->initial_stage(),
               kind_of(wf.compiled->stages()[at]), now_micros());
  }
  store_tracking(new_row.id, *t, *def, *cal, nullptr);
}

// ---- the sweep ----------------------------------------------------------------
//
// Set-based: the due rows are taken in chunks; per chunk one statement locks
// the requests (SKIP LOCKED), one loads and locks their tracking rows, one
// reads the rules they have fired, one inserts the notify escalations, and
// one UPDATE per audit action ('breach', 'update') writes the flags and
// next_check_at of every row from arrays. Rows that fire a set_priority or
// reassign rule (which re-match the SLA through the services triggers) take
// the per-row path.

namespace {

Plan g_sweep_candidates = {
    "SELECT id, service_id FROM servicedesk.sla_tracking "
    "WHERE status OPERATOR(pg_catalog.=) 'active' AND next_check_at OPERATOR(pg_catalog.<=) $1 "
    "ORDER BY next_check_at",
    1, {TIMESTAMPTZOID}};

// Lock order: the request first, then its tracking row; a request someone
// else holds is left to the next sweep.
Plan g_lock_requests = {
    "SELECT id FROM servicedesk.services WHERE id OPERATOR(pg_catalog.=) ANY ($1) "
    "ORDER BY id FOR UPDATE SKIP LOCKED",
    1, {INT4ARRAYOID}};

// The latest tracking row of each request (as load_tracking picks it), locked.
Plan g_tracking_load_many = {
    "SELECT id, sla_id, status, started_at, response_deadline, resolution_deadline, "
    "responded_at, resolved_at, paused_at, response_time, resolution_time, response_breached, "
    "resolution_breached, paused_work, next_check_at, breached, service_id "
    "FROM servicedesk.sla_tracking WHERE id OPERATOR(pg_catalog.=) ANY (ARRAY("
    "SELECT DISTINCT ON (service_id) id FROM servicedesk.sla_tracking "
    "WHERE service_id OPERATOR(pg_catalog.=) ANY ($1) ORDER BY service_id, id DESC)) "
    "FOR UPDATE",
    1, {INT4ARRAYOID}};

Plan g_fired_many = {
    "SELECT sla_tracking_id, rule_index FROM servicedesk.sla_escalations "
    "WHERE sla_tracking_id OPERATOR(pg_catalog.=) ANY ($1)",
    1, {INT4ARRAYOID}};

Plan g_fire = {
    "INSERT INTO servicedesk.sla_escalations (sla_tracking_id, rule_index, action, fired_at) "
    "VALUES ($1, $2, $3, $4) ON CONFLICT (sla_tracking_id, rule_index) DO NOTHING RETURNING id",
    4, {INT4OID, INT4OID, TEXTOID, TIMESTAMPTZOID}};

Plan g_fire_many = {
    "INSERT INTO servicedesk.sla_escalations (sla_tracking_id, rule_index, action, fired_at) "
    "SELECT v.t, v.r, $3, $4 "
    "FROM ROWS FROM (pg_catalog.unnest($1), pg_catalog.unnest($2)) AS v(t, r) "
    "ON CONFLICT (sla_tracking_id, rule_index) DO NOTHING RETURNING sla_tracking_id, rule_index",
    4, {INT4ARRAYOID, INT4ARRAYOID, TEXTOID, TIMESTAMPTZOID}};

// Writes what a sweep changes in a tracking row: the flags and next_check_at.
Plan g_tracking_flags = {
    "UPDATE servicedesk.sla_tracking t SET response_breached = v.rb, "
    "resolution_breached = v.sb, breached = (t.breached OR v.rb OR v.sb), next_check_at = v.nc "
    "FROM ROWS FROM (pg_catalog.unnest($1), pg_catalog.unnest($2), pg_catalog.unnest($3), "
    "pg_catalog.unnest($4)) AS v(id, rb, sb, nc) "
    "WHERE t.id OPERATOR(pg_catalog.=) v.id",
    4, {INT4ARRAYOID, BOOLARRAYOID, BOOLARRAYOID, TIMESTAMPTZARRAYOID}};

Plan g_set_priority = {
    "UPDATE servicedesk.services SET priority = $2 WHERE id OPERATOR(pg_catalog.=) $1", 2,
    {INT4OID, TEXTOID}};

Plan g_active_user = {
    "SELECT 1 FROM servicedesk.users WHERE id OPERATOR(pg_catalog.=) $1 AND active", 1, {INT4OID}};

Plan g_reassign = {
    "UPDATE servicedesk.services SET assignee_id = $2 WHERE id OPERATOR(pg_catalog.=) $1", 2,
    {INT4OID, INT4OID}};

// Due rows per chunk: bounds the arrays and the SPI results held at once.
constexpr std::size_t kSweepChunk = 5000;

Datum int4_array(const std::vector<std::int32_t>& v) {
  const std::int32_t* p = v.data();
  int n = static_cast<int>(v.size());
  return pg_call([p, n] {
    auto* d = static_cast<Datum*>(palloc(sizeof(Datum) * (n > 0 ? n : 1)));
    for (int i = 0; i < n; ++i) d[i] = Int32GetDatum(p[i]);
    return PointerGetDatum(construct_array(d, n, INT4OID, sizeof(int32), true, TYPALIGN_INT));
  });
}

Datum bool_array(const std::vector<char>& v) {
  const char* p = v.data();
  int n = static_cast<int>(v.size());
  return pg_call([p, n] {
    auto* d = static_cast<Datum*>(palloc(sizeof(Datum) * (n > 0 ? n : 1)));
    for (int i = 0; i < n; ++i) d[i] = BoolGetDatum(p[i] != 0);
    return PointerGetDatum(construct_array(d, n, BOOLOID, sizeof(bool), true, TYPALIGN_CHAR));
  });
}

Datum timestamptz_array(const std::vector<std::optional<Micros>>& v) {
  const std::optional<Micros>* p = v.data();
  int n = static_cast<int>(v.size());
  return pg_call([p, n] {
    auto* d = static_cast<Datum*>(palloc(sizeof(Datum) * (n > 0 ? n : 1)));
    auto* nulls = static_cast<bool*>(palloc(sizeof(bool) * (n > 0 ? n : 1)));
    for (int i = 0; i < n; ++i) {
      nulls[i] = !p[i].has_value();
      d[i] = nulls[i] ? 0 : TimestampTzGetDatum(*p[i]);
    }
    int dims[1] = {n};
    int lbs[1] = {1};
    return PointerGetDatum(construct_md_array(d, nulls, 1, dims, lbs, TIMESTAMPTZOID,
                                              sizeof(TimestampTz), FLOAT8PASSBYVAL,
                                              TYPALIGN_DOUBLE));
  });
}

bool contains_rule(const std::vector<std::int32_t>& v, std::int32_t idx) {
  return std::find(v.begin(), v.end(), idx) != v.end();
}

// One due row of a chunk: its request is locked, its tracking row loaded.
struct Due {
  std::int32_t service_id = 0;
  Tracking t;  // t.stored: the row as read, absent when not canonical
  std::shared_ptr<const SlaDef> def;
  std::shared_ptr<const Calendar> cal;
  std::vector<std::int32_t> fired;
  SweepDecision d;
  std::vector<std::string> events;  // sent in candidate order
};

// The per-row path for a row that fires a set_priority or reassign rule (or
// whose stored row is not in the clock's canonical form): every rule on its
// own, then the clock re-read (an escalation may have re-matched the SLA) and
// the whole row stored.
int sweep_slow(Due& r, Micros at) {
  std::int32_t service_id = r.service_id;
  std::optional<Tracking> t = r.t;
  std::shared_ptr<const SlaDef> def = r.def;
  std::shared_ptr<const Calendar> cal = r.cal;
  std::vector<std::int32_t>& fired = r.fired;
  SweepDecision& d = r.d;
  // Events are queued and sent in candidate order by the caller.
  auto queue_event = [&r](std::string payload) { r.events.push_back(std::move(payload)); };
  int count = 0;
  Oid escalations = pg_call([] { return catalog().sla_escalations; });
  Oid tracking_rel = pg_call([] { return catalog().sla_tracking; });
  for (std::int32_t idx : d.fire) {
    const EscalationRule& rule = def->rules[idx];
    Datum v[4] = {Int32GetDatum(t->id), Int32GetDatum(idx), text_datum(rule_action_name(rule.action)),
                  TimestampTzGetDatum(at)};
    std::uint64_t inserted;
    {
      ActionOverride audit_as(escalations, "escalate");
      inserted = spi_run_as_owner(g_fire, v, nullptr, false);
    }
    if (inserted == 0) continue;  // another sweep fired it first
    fired.push_back(idx);
    ++count;
    if (rule.action == RuleAction::kNotify) {
      queue_event(sla_event("sla_warning", service_id, t->id, "target",
                     rule.target == RuleTarget::kResponse ? "response" : "resolution", idx));
    } else if (rule.action == RuleAction::kSetPriority) {
      Datum args[2] = {Int32GetDatum(service_id), text_datum(rule.priority)};
      spi_run_as_owner(g_set_priority, args, nullptr, false);
    } else {
      // The rule was checked when the SLA was written, but the user may have
      // been deactivated or deleted since: then the escalation is recorded
      // and reported, and the assignee left alone, rather than failing the
      // sweep for every request after this one.
      Datum user = Int32GetDatum(*rule.assignee_id);
      if (spi_run_as_owner(g_active_user, &user, nullptr, true, 1) == 1) {
        Datum args[2] = {Int32GetDatum(service_id), user};
        spi_run_as_owner(g_reassign, args, nullptr, false);
      } else {
        queue_event(sla_event("escalation", service_id, t->id, "skipped",
                       "reassign: user " + std::to_string(*rule.assignee_id) +
                           " is unknown or inactive",
                       idx));
        continue;
      }
    }
    queue_event(sla_event("escalation", service_id, t->id, "action", rule_action_name(rule.action), idx));
  }
  // An escalation may have re-matched the SLA: continue from the stored state.
  if (!d.fire.empty()) {
    t = load_tracking(service_id);
    if (!t) return count;
    def = sla_def(t->sla_id);
    cal = calendar_for(def->has_calendar, def->calendar_id);
    SweepDecision again = evaluate_sweep(t->clock, *cal, def->targets, def->rules, fired, at);
    d.breach_response = again.breach_response;
    d.breach_resolution = again.breach_resolution;
  }
  if (d.breach_response) {
    t->clock.response_breached = true;
    ++count;
    queue_event(sla_event("sla_breach", service_id, t->id, "target", "response", -1));
  }
  if (d.breach_resolution) {
    t->clock.resolution_breached = true;
    ++count;
    queue_event(sla_event("sla_breach", service_id, t->id, "target", "resolution", -1));
  }
  if (d.breach_response || d.breach_resolution) {
    ActionOverride audit_as(tracking_rel, "breach");
    store_tracking(service_id, *t, *def, *cal, &fired);
  } else {
    store_tracking(service_id, *t, *def, *cal, &fired);
  }
  return count;
}

// The flag/next_check_at writes of one audit action, as arrays.
struct FlagBatch {
  std::vector<std::int32_t> ids;
  std::vector<char> rb;
  std::vector<char> sb;
  std::vector<std::optional<Micros>> nc;

  void add(std::int32_t id, const SlaClock& c, std::optional<Micros> next) {
    ids.push_back(id);
    rb.push_back(c.response_breached ? 1 : 0);
    sb.push_back(c.resolution_breached ? 1 : 0);
    nc.push_back(next);
  }
  // In id order, so the UPDATE visits the table's pages in physical order.
  void write() const {
    if (ids.empty()) return;
    std::vector<std::size_t> order(ids.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(),
              [this](std::size_t a, std::size_t b) { return ids[a] < ids[b]; });
    FlagBatch s;
    for (std::size_t i : order) {
      s.ids.push_back(ids[i]);
      s.rb.push_back(rb[i]);
      s.sb.push_back(sb[i]);
      s.nc.push_back(nc[i]);
    }
    Datum v[4] = {int4_array(s.ids), bool_array(s.rb), bool_array(s.sb), timestamptz_array(s.nc)};
    spi_run_as_owner(g_tracking_flags, v, nullptr, false);
  }
};

// Sweeps the due requests `sids` (distinct, in candidate order).
int sweep_chunk(const std::vector<std::int32_t>& sids, Micros at) {
  // 1. Lock the requests, skipping those someone else holds.
  Datum arg = int4_array(sids);
  std::uint64_t n = spi_run_as_owner(g_lock_requests, &arg, nullptr, false);
  if (n == 0) return 0;
  std::vector<std::int32_t> locked;
  locked.reserve(n);
  for (std::uint64_t i = 0; i < n; ++i) {
    bool isnull;
    locked.push_back(DatumGetInt32(spi_value(i, 1, &isnull)));
  }
  // 2. Their latest tracking rows, locked.
  arg = int4_array(locked);
  n = spi_run_as_owner(g_tracking_load_many, &arg, nullptr, false);
  std::unordered_map<std::int32_t, Due> by_service;
  by_service.reserve(n);
  for (std::uint64_t i = 0; i < n; ++i) {
    Due r;
    r.t = read_tracking(i);
    bool isnull;
    r.service_id = DatumGetInt32(spi_value(i, 17, &isnull));
    by_service.emplace(r.service_id, std::move(r));
  }
  // Active rows in candidate order, with their SLA and calendar.
  std::vector<Due*> rows;
  rows.reserve(by_service.size());
  std::vector<std::int32_t> with_rules;
  for (std::int32_t sid : sids) {
    auto it = by_service.find(sid);
    if (it == by_service.end() || it->second.t.clock.status != ClockStatus::kActive) continue;
    Due& r = it->second;
    r.def = sla_def(r.t.sla_id);
    r.cal = calendar_for(r.def->has_calendar, r.def->calendar_id);
    if (!r.def->rules.empty()) with_rules.push_back(r.t.id);
    rows.push_back(&r);
  }
  // 3. The rules they have fired (only rows whose SLA has rules can have any).
  if (!with_rules.empty()) {
    std::unordered_map<std::int32_t, Due*> by_tracking;
    for (Due* r : rows) by_tracking.emplace(r->t.id, r);
    arg = int4_array(with_rules);
    n = spi_run_as_owner(g_fired_many, &arg, nullptr, true);
    for (std::uint64_t i = 0; i < n; ++i) {
      bool isnull;
      std::int32_t tid = DatumGetInt32(spi_value(i, 1, &isnull));
      std::int32_t idx = DatumGetInt32(spi_value(i, 2, &isnull));
      auto it = by_tracking.find(tid);
      if (it != by_tracking.end()) it->second->fired.push_back(idx);
    }
  }
  // 4. Decide; rows with set_priority / reassign rules to fire go one by one.
  int count = 0;
  std::vector<Due*> fast;
  fast.reserve(rows.size());
  std::vector<std::int32_t> fire_t;
  std::vector<std::int32_t> fire_r;
  for (Due* r : rows) {
    r->d = evaluate_sweep(r->t.clock, *r->cal, r->def->targets, r->def->rules, r->fired, at);
    bool slow = !r->t.stored;
    for (std::int32_t idx : r->d.fire) {
      if (r->def->rules[idx].action != RuleAction::kNotify) slow = true;
    }
    if (slow) {
      count += sweep_slow(*r, at);
      continue;
    }
    for (std::int32_t idx : r->d.fire) {
      fire_t.push_back(r->t.id);
      fire_r.push_back(idx);
    }
    fast.push_back(r);
  }
  // 5. The notify escalations of the other rows, in one INSERT.
  std::unordered_map<std::int32_t, std::vector<std::int32_t>> inserted;
  if (!fire_t.empty()) {
    Oid escalations = pg_call([] { return catalog().sla_escalations; });
    Datum v[4] = {int4_array(fire_t), int4_array(fire_r),
                  text_datum(rule_action_name(RuleAction::kNotify)), TimestampTzGetDatum(at)};
    {
      ActionOverride audit_as(escalations, "escalate");
      n = spi_run_as_owner(g_fire_many, v, nullptr, false);
    }
    for (std::uint64_t i = 0; i < n; ++i) {
      bool isnull;
      std::int32_t tid = DatumGetInt32(spi_value(i, 1, &isnull));
      inserted[tid].push_back(DatumGetInt32(spi_value(i, 2, &isnull)));
    }
  }
  // 6. Events, flags and next_check_at of the other rows.
  FlagBatch breach;
  FlagBatch update;
  for (Due* r : fast) {
    SlaClock& c = r->t.clock;
    std::int32_t tid = r->t.id;
    if (!r->d.fire.empty()) {
      auto it = inserted.find(tid);
      for (std::int32_t idx : r->d.fire) {
        if (it == inserted.end() || !contains_rule(it->second, idx)) continue;  // fired first
        r->fired.push_back(idx);
        ++count;
        const EscalationRule& rule = r->def->rules[idx];
        r->events.push_back(
            sla_event("sla_warning", r->service_id, tid, "target",
                      rule.target == RuleTarget::kResponse ? "response" : "resolution", idx));
        r->events.push_back(sla_event("escalation", r->service_id, tid, "action",
                                      rule_action_name(rule.action), idx));
      }
    }
    if (r->d.breach_response) {
      c.response_breached = true;
      ++count;
      r->events.push_back(sla_event("sla_breach", r->service_id, tid, "target", "response", -1));
    }
    if (r->d.breach_resolution) {
      c.resolution_breached = true;
      ++count;
      r->events.push_back(sla_event("sla_breach", r->service_id, tid, "target", "resolution", -1));
    }
    std::optional<Micros> next = next_check(c, *r->cal, r->def->targets, r->def->rules, r->fired);
    if (r->d.breach_response || r->d.breach_resolution) {
      breach.add(tid, c, next);
    } else if (next != r->t.stored->next_check_at || (c.breached() && !r->t.stored->breached)) {
      update.add(tid, c, next);
    }  // else the row would not change at all
  }
  Oid tracking_rel = pg_call([] { return catalog().sla_tracking; });
  {
    ActionOverride audit_as(tracking_rel, "breach");
    breach.write();
  }
  update.write();
  // pg_notify queues them for commit, in candidate order.
  for (Due* r : rows) {
    for (const std::string& e : r->events) send_event(e);
  }
  return count;
}

}  // namespace

}  // namespace servicedesk::pg

using namespace servicedesk::pg;

// sla_sweep(at timestamptz DEFAULT now()) RETURNS integer
SD_FUNCTION(sd_sla_sweep) {
  if (PG_ARGISNULL(0)) PG_RETURN_NULL();
  TimestampTz at = PG_GETARG_TIMESTAMPTZ(0);
  if (TIMESTAMP_NOT_FINITE(at)) {
    throw servicedesk::Error(servicedesk::sqlstate::kDatetimeOverflow,
                             "sla_sweep needs a finite instant",
                             "at was infinity or -infinity.", "Pass now() or a finite timestamp.");
  }
  SpiSession spi;
  Datum arg = TimestampTzGetDatum(at);
  std::uint64_t n = spi_run_as_owner(g_sweep_candidates, &arg, nullptr, true);
  // Each request once (a request may have several due tracking rows; the
  // sweep handles its latest), in next_check_at order.
  std::vector<std::int32_t> services;
  services.reserve(n);
  {
    std::unordered_set<std::int32_t> seen;
    seen.reserve(n);
    for (std::uint64_t i = 0; i < n; ++i) {
      bool isnull;
      std::int32_t sid = DatumGetInt32(spi_value(i, 2, &isnull));
      if (seen.insert(sid).second) services.push_back(sid);
    }
  }
  int total = 0;
  std::vector<std::int32_t> chunk;
  for (std::size_t from = 0; from < services.size(); from += kSweepChunk) {
    std::size_t to = std::min(services.size(), from + kSweepChunk);
    chunk.assign(services.begin() + static_cast<std::ptrdiff_t>(from),
                 services.begin() + static_cast<std::ptrdiff_t>(to));
    total += sweep_chunk(chunk, at);
  }
  // Approvals that became overdue since the previous sweep's horizon.
  report_overdue_approvals(at);
  spi.finish();
  PG_RETURN_INT32(total);
}

// BEFORE INSERT OR UPDATE ON slas: escalation_rules must parse.
SD_FUNCTION(sd_slas_validate) {
  TriggerData* trig = trigger_data(fcinfo, "servicedesk._slas_validate");
  HeapTuple tuple =
      TRIGGER_FIRED_BY_UPDATE(trig->tg_event) ? trig->tg_newtuple : trig->tg_trigtuple;
  TupleDesc desc = RelationGetDescr(trig->tg_relation);
  char* rules = pg_call([&] {
    bool isnull;
    Datum v = heap_getattr(tuple, SPI_fnumber(desc, "escalation_rules"), desc, &isnull);
    return isnull ? static_cast<char*>(nullptr) : DatumGetCString(DirectFunctionCall1(jsonb_out, v));
  });
  if (rules == nullptr) return PointerGetDatum(tuple);
  std::vector<servicedesk::EscalationRule> parsed;
  std::vector<servicedesk::Problem> problems = servicedesk::parse_escalation_rules(rules, parsed);
  if (problems.empty()) {
    // A reassign rule must name an active user when the SLA is written.
    SpiSession spi;
    for (std::size_t i = 0; i < parsed.size(); ++i) {
      if (parsed[i].action != servicedesk::RuleAction::kReassign) continue;
      Datum user = Int32GetDatum(*parsed[i].assignee_id);
      if (spi_run_as_owner(g_active_user, &user, nullptr, true, 1) == 0) {
        problems.push_back({"escalation_rules[" + std::to_string(i) + "].assignee_id",
                            "user " + std::to_string(*parsed[i].assignee_id) +
                                " is unknown or inactive"});
      }
    }
    spi.finish();
  }
  if (!problems.empty()) {
    std::string detail;
    for (const auto& p : problems) {
      if (!detail.empty()) detail += "\n";
      detail += p.path + ": " + p.message;
    }
    throw servicedesk::Error(
        servicedesk::sqlstate::kInvalidParameter,
        "invalid SLA escalation_rules: " + std::to_string(problems.size()) + " problem(s)", detail,
        "Each rule is {\"target\": \"response\"|\"resolution\", \"at_percent\": 1..1000, "
        "\"action\": \"notify\"|\"set_priority\"|\"reassign\"} with \"priority\" for set_priority "
        "and \"assignee_id\" for reassign.");
  }
  return PointerGetDatum(tuple);
}
