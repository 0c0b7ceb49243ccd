#include "pg/guard.hpp"

#include <cstring>

namespace servicedesk::pg {

namespace {

// Copies at most `limit` bytes of `s` into memory PostgreSQL owns, without
// ever raising an error (MCXT_ALLOC_NO_OOM): this runs inside a catch block,
// where a longjmp would skip the exception's cleanup.
char* copy_out(const char* s, std::size_t limit = 16384) noexcept {
  if (s == nullptr) return nullptr;
  std::size_t n = std::strlen(s);
  if (n > limit) n = limit;
  auto* p = static_cast<char*>(palloc_extended(n + 1, MCXT_ALLOC_NO_OOM));
  if (p == nullptr) return nullptr;
  std::memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

char* copy_out(const std::string& s) noexcept {
  return s.empty() ? nullptr : copy_out(s.c_str());
}

}  // namespace

void raise_error(const char* code, const char* message, const char* detail, const char* hint) {
  int sqlstate = ERRCODE_INTERNAL_ERROR;
  if (code != nullptr && std::strlen(code) == 5) {
    sqlstate = MAKE_SQLSTATE(code[0], code[1], code[2], code[3], code[4]);
  }
  ereport(ERROR, (errcode(sqlstate),
                  errmsg_internal("%s", message != nullptr ? message : "servicedesk error"),
                  detail != nullptr ? errdetail_internal("%s", detail) : 0,
                  hint != nullptr ? errhint("%s", hint) : 0));
  pg_unreachable();
}

Datum guard(Datum (*body)(FunctionCallInfo), FunctionCallInfo fcinfo) {
  ErrorData* pg_error = nullptr;
  char code[6] = "XX000";
  char* message = nullptr;
  char* detail = nullptr;
  char* hint = nullptr;
  try {
    return body(fcinfo);
  } catch (const PgError& e) {
    pg_error = e.edata();
  } catch (const Error& e) {
    std::strncpy(code, e.code().c_str(), 5);
    code[5] = '\0';
    message = copy_out(e.message());
    detail = copy_out(e.detail());
    hint = copy_out(e.hint());
  } catch (const std::bad_alloc&) {
    std::strcpy(code, "53200");  // out_of_memory
    message = copy_out("servicedesk: out of memory");
  } catch (const std::exception& e) {
    message = copy_out(e.what());
    detail = copy_out("An unexpected C++ exception reached the servicedesk error boundary.");
  } catch (...) {
    message = copy_out("servicedesk: unknown C++ exception");
  }
  // Outside every catch block: no exception is in flight any more.
  if (pg_error != nullptr) ReThrowError(pg_error);
  raise_error(code, message != nullptr ? message : "servicedesk: internal error", detail, hint);
}

}  // namespace servicedesk::pg
