#include "pg/spi.hpp"

#include <string>

#include "pg/module.hpp"

namespace servicedesk::pg {

namespace {

constexpr const char* kSafeSearchPath = "pg_catalog, pg_temp";

// The search_path is pinned lazily, by the first statement a session runs, so
// a session that runs no SQL (cache hits) costs nothing. Bookkeeping is by
// nesting depth, not by pointers to session objects, so nothing can dangle:
// g_pin_nest[d] is the GUC nest level pinned on behalf of the session at
// depth d (0 if none). Transaction abort restores the GUCs and resets this.
constexpr int kMaxDepth = 64;
int g_depth = 0;
int g_pin_nest[kMaxDepth + 1] = {0};

// C-style: called under pg_call.
void pin_search_path() {
  if (namespace_search_path != nullptr && strcmp(namespace_search_path, kSafeSearchPath) == 0) {
    return;  // pinned by this or an enclosing session
  }
  int nest = NewGUCNestLevel();
  (void)set_config_option("search_path", kSafeSearchPath, PGC_USERSET, PGC_S_SESSION,
                          GUC_ACTION_SAVE, true, 0, false);
  // Deeper than the table (never in practice): the pin then lasts until the
  // session at depth kMaxDepth finishes, or the transaction ends.
  int d = g_depth < kMaxDepth ? g_depth : kMaxDepth;
  if (g_pin_nest[d] == 0) g_pin_nest[d] = nest;
}

void on_xact_abort(XactEvent event, void*) {
  if (event == XACT_EVENT_ABORT || event == XACT_EVENT_PARALLEL_ABORT) {
    g_depth = 0;
    for (int& n : g_pin_nest) n = 0;
  }
}

// C-style: called under pg_call.
void prepare_plan(Plan& p) {
  SPIPlanPtr plan = SPI_prepare(p.sql, p.nargs, const_cast<Oid*>(p.argtypes));
  if (plan == nullptr) {
    elog(ERROR, "servicedesk: SPI_prepare failed (%s) for: %s", SPI_result_code_string(SPI_result),
         p.sql);
  }
  if (SPI_keepplan(plan) != 0) elog(ERROR, "servicedesk: SPI_keepplan failed");
  p.plan = plan;
}

}  // namespace

void spi_register_abort_callback() { RegisterXactCallback(on_xact_abort, nullptr); }

SpiSession::SpiSession() : caller_(CurrentMemoryContext) {
  pg_call([] {
    if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "servicedesk: SPI_connect failed");
  });
  connected_ = true;
  depth_ = ++g_depth;
  if (depth_ <= kMaxDepth) g_pin_nest[depth_] = 0;
}

void SpiSession::finish() {
  if (!connected_) return;
  connected_ = false;
  int nest = 0;
  if (depth_ <= kMaxDepth) {
    nest = g_pin_nest[depth_];
    g_pin_nest[depth_] = 0;
  }
  if (g_depth == depth_) --g_depth;
  pg_call([&] {
    if (nest > 0) AtEOXact_GUC(true, nest);  // the caller's search_path again
    SPI_finish();
  });
}

SpiSession::~SpiSession() {
  // Reached without finish() only through an exception: the error aborts the
  // (sub)transaction, which disconnects SPI and restores the search_path.
  if (connected_) {
    if (depth_ <= kMaxDepth) g_pin_nest[depth_] = 0;
    if (g_depth == depth_) --g_depth;
  }
}

std::uint64_t spi_run(Plan& p, const Datum* values, const char* nulls, bool read_only,
                      long max_rows) {
  if (p.nargs > static_cast<int>(sizeof(p.argtypes) / sizeof(p.argtypes[0]))) {
    throw Error(sqlstate::kInternal, "servicedesk: a plan has too many parameters",
                p.sql, "Report this as a bug in servicedesk.");
  }
  return pg_call([&]() -> std::uint64_t {
    pin_search_path();
    if (p.plan == nullptr) prepare_plan(p);
    int rc = SPI_execute_plan(p.plan, const_cast<Datum*>(values), nulls, read_only, max_rows);
    if (rc < 0) {
      elog(ERROR, "servicedesk: SPI_execute_plan failed (%s) for: %s", SPI_result_code_string(rc),
           p.sql);
    }
    return SPI_processed;
  });
}

std::uint64_t spi_run_as_owner(Plan& plan, const Datum* values, const char* nulls,
                               bool read_only, long max_rows) {
  AsOwner owner;
  return spi_run(plan, values, nulls, read_only, max_rows);
}

Datum text_datum(std::string_view s) {
  std::string copy(s);  // NUL-terminated
  const char* p = copy.c_str();
  return pg_call([&] { return PointerGetDatum(cstring_to_text(p)); });
}

Datum spi_value(std::uint64_t row, int col, bool* isnull) {
  return SPI_getbinval(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, col, isnull);
}

}  // namespace servicedesk::pg
