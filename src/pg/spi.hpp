// SPI with plans prepared once per backend. Every SPI session pins
// search_path = pg_catalog, pg_temp from its first statement until it
// finishes (as a function's SET clause would): the plan cache re-analyses a
// cached plan under the *current* search_path when it differs from the one it
// was prepared under, so pinning it only while preparing would not do. Nothing a caller
// puts on their search_path can shadow an object or operator our SQL names;
// every object in our SQL is schema-qualified as well.
#pragma once

#include <cstdint>
#include <string_view>

#include "pg/guard.hpp"

namespace servicedesk::pg {

struct Plan {
  const char* sql;
  int nargs;
  Oid argtypes[16];  // FUNC_MAX_ARGS-style fixed bound; nargs says how many are used
  SPIPlanPtr plan = nullptr;
};

// Connects to SPI for the lifetime of the object. Finish happens on the
// normal path only; after an error, transaction abort cleans SPI up.
class SpiSession {
 public:
  SpiSession();
  ~SpiSession();
  SpiSession(const SpiSession&) = delete;
  SpiSession& operator=(const SpiSession&) = delete;
  void finish();  // explicit SPI_finish (throws PgError on failure)
  // The memory context current before SPI_connect: whatever a trigger or
  // function returns must be allocated here, because SPI_finish frees the
  // procedure context SPI switched to.
  MemoryContext caller_context() const noexcept { return caller_; }

 private:
  bool connected_ = false;
  int depth_ = 0;  // this session's nesting depth (see spi.cpp)
  MemoryContext caller_ = nullptr;
};

// Executes a plan, preparing it first if needed; returns SPI_processed.
// nulls: SPI convention (' ' = not null, 'n' = null), may be nullptr.
// Throws PgError on any PostgreSQL error.
std::uint64_t spi_run(Plan& plan, const Datum* values, const char* nulls, bool read_only,
                      long max_rows = 0);

// spi_run as the owner of the extension's tables (see AsOwner): the engine's
// own reads and writes, whatever the caller may do.
std::uint64_t spi_run_as_owner(Plan& plan, const Datum* values, const char* nulls,
                               bool read_only, long max_rows = 0);

// A text Datum (palloc'd in the current context) holding `s`.
Datum text_datum(std::string_view s);

// Resets the session bookkeeping after an aborted transaction (spi.cpp).
void spi_register_abort_callback();

// Column `col` (1-based) of row `row` of the last result; *isnull set.
Datum spi_value(std::uint64_t row, int col, bool* isnull);

}  // namespace servicedesk::pg
