#include "pg/spi.hpp"

namespace servicedesk::pg {

namespace {

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

constexpr const char* kSafeSearchPath = "pg_catalog, pg_temp";

SpiSession::SpiSession() : caller_(CurrentMemoryContext) {
  guc_nest_ = pg_call([] {
    if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "servicedesk: SPI_connect failed");
    // Already pinned by an enclosing session: nothing to do.
    if (namespace_search_path != nullptr && strcmp(namespace_search_path, kSafeSearchPath) == 0) {
      return 0;
    }
    int nest = NewGUCNestLevel();
    (void)set_config_option("search_path", kSafeSearchPath, PGC_USERSET, PGC_S_SESSION,
                            GUC_ACTION_SAVE, true, 0, false);
    return nest;
  });
  connected_ = true;
}

void SpiSession::finish() {
  if (!connected_) return;
  connected_ = false;
  int nest = guc_nest_;
  guc_nest_ = 0;
  pg_call([&] {
    if (nest > 0) AtEOXact_GUC(true, nest);  // the caller's search_path again
    SPI_finish();
  });
}

SpiSession::~SpiSession() {
  // Reached on the normal path without finish() only through an exception:
  // then the error will abort the transaction, which disconnects SPI.
}

std::uint64_t spi_run(Plan& p, const Datum* values, const char* nulls, bool read_only,
                      long max_rows) {
  return pg_call([&]() -> std::uint64_t {
    // Only ever run inside a SpiSession, which pins the search_path.
    Assert(namespace_search_path != nullptr && strcmp(namespace_search_path, kSafeSearchPath) == 0);
    if (p.plan == nullptr) prepare_plan(p);
    int rc = SPI_execute_plan(p.plan, const_cast<Datum*>(values), nulls, read_only, max_rows);
    if (rc < 0) {
      elog(ERROR, "servicedesk: SPI_execute_plan failed (%s) for: %s", SPI_result_code_string(rc),
           p.sql);
    }
    return SPI_processed;
  });
}

Datum spi_value(std::uint64_t row, int col, bool* isnull) {
  return SPI_getbinval(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, col, isnull);
}

}  // namespace servicedesk::pg
