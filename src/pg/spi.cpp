#include "pg/spi.hpp"

namespace servicedesk::pg {

namespace {

void prepare_plan(Plan& p) {
  int nest = NewGUCNestLevel();
  (void)set_config_option("search_path", "pg_catalog, pg_temp", PGC_USERSET, PGC_S_SESSION,
                          GUC_ACTION_SAVE, true, 0, false);
  SPIPlanPtr plan = SPI_prepare(p.sql, p.nargs, const_cast<Oid*>(p.argtypes));
  if (plan == nullptr) {
    elog(ERROR, "servicedesk: SPI_prepare failed (%s) for: %s", SPI_result_code_string(SPI_result),
         p.sql);
  }
  if (SPI_keepplan(plan) != 0) elog(ERROR, "servicedesk: SPI_keepplan failed");
  AtEOXact_GUC(true, nest);
  p.plan = plan;
}

}  // namespace

SpiSession::SpiSession() : caller_(CurrentMemoryContext) {
  pg_call([] {
    if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "servicedesk: SPI_connect failed");
  });
  connected_ = true;
}

void SpiSession::finish() {
  if (!connected_) return;
  connected_ = false;
  pg_call([] { SPI_finish(); });
}

SpiSession::~SpiSession() {
  // Reached on the normal path without finish() only through an exception:
  // then the error will abort the transaction, which disconnects SPI.
}

std::uint64_t spi_run(Plan& p, const Datum* values, const char* nulls, bool read_only,
                      long max_rows) {
  return pg_call([&]() -> std::uint64_t {
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
