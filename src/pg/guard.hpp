// The error boundary between PostgreSQL and C++ (docs/error-boundary.md).
//
// Direction 1, PostgreSQL calling C++: every SQL-callable function is defined
// with SD_FUNCTION, whose generated extern "C" entry point runs the body
// through guard(). guard() catches servicedesk::Error, PgError,
// std::exception and anything else, copies the message out without
// allocating in a way that can longjmp, leaves the catch block, and only then
// raises the PostgreSQL error, so no exception is in flight during the
// longjmp and the SQLSTATE, DETAIL and HINT survive the wall.
//
// Direction 2, C++ calling PostgreSQL: a PostgreSQL error longjmps, which
// would skip C++ destructors. Any PostgreSQL call made while a C++ object
// with a destructor is alive goes through pg_call(), which catches the
// longjmp with PG_TRY, restores the memory context, copies the ErrorData and
// throws it as PgError. The guard re-raises that ErrorData unchanged.
#pragma once

#include <exception>
#include <string>
#include <type_traits>
#include <utility>

#include "core/error.hpp"
#include "pg/pg_headers.hpp"

namespace servicedesk::pg {

// A PostgreSQL error caught by pg_call(), travelling as a C++ exception.
class PgError : public std::exception {
 public:
  explicit PgError(ErrorData* edata) noexcept : edata_(edata) {}
  const char* what() const noexcept override {
    return edata_ != nullptr && edata_->message != nullptr ? edata_->message : "PostgreSQL error";
  }
  ErrorData* edata() const noexcept { return edata_; }

 private:
  ErrorData* edata_;  // palloc'd by CopyErrorData in the caller's context
};

// Runs `f`, which calls into PostgreSQL; a PostgreSQL error becomes PgError.
// `f` must not itself create C++ objects with destructors (the longjmp would
// skip them): keep it to PostgreSQL calls on plain values.
template <typename F>
auto pg_call(F&& f) -> decltype(f()) {
  using R = decltype(f());
  MemoryContext ctx = CurrentMemoryContext;
  ErrorData* volatile edata = nullptr;
  if constexpr (std::is_void_v<R>) {
    PG_TRY();
    { f(); }
    PG_CATCH();
    {
      MemoryContextSwitchTo(ctx);
      edata = CopyErrorData();
      FlushErrorState();
    }
    PG_END_TRY();
    if (edata != nullptr) throw PgError(edata);
  } else {
    static_assert(std::is_trivially_copyable_v<R>, "pg_call returns plain values only");
    R result{};
    R* volatile out = &result;
    PG_TRY();
    { *out = f(); }
    PG_CATCH();
    {
      MemoryContextSwitchTo(ctx);
      edata = CopyErrorData();
      FlushErrorState();
    }
    PG_END_TRY();
    if (edata != nullptr) throw PgError(edata);
    return result;
  }
}

// Raises an ERROR from plain C strings. Call only from a frame with no live
// C++ objects (the guard does this after its catch blocks).
[[noreturn]] void raise_error(const char* code, const char* message, const char* detail,
                              const char* hint);

// Converts a servicedesk::Error or any exception in flight into PostgreSQL's
// error. Body type: Datum(FunctionCallInfo).
Datum guard(Datum (*body)(FunctionCallInfo), FunctionCallInfo fcinfo) noexcept(false);

}  // namespace servicedesk::pg

// Defines an SQL-callable function `name` whose body runs inside guard():
//   SD_FUNCTION(business_add) { ... return TimestampTzGetDatum(t); }
#define SD_FUNCTION(name)                                                      \
  static Datum name##_impl(FunctionCallInfo fcinfo);                           \
  extern "C" {                                                                 \
  PG_FUNCTION_INFO_V1(name);                                                   \
  }                                                                            \
  extern "C" Datum name(PG_FUNCTION_ARGS) {                                    \
    return ::servicedesk::pg::guard(name##_impl, fcinfo);                      \
  }                                                                            \
  static Datum name##_impl(FunctionCallInfo fcinfo)
