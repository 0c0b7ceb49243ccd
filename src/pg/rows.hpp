// Reading the extension's rows from trigger tuples: plain values, C-style
// helpers called under pg_call.
#pragma once

#include <cstdint>
#include <string>

#include "pg/guard.hpp"

namespace servicedesk::pg {

// A services row, as plain values (strings palloc'd in the current context).
struct ServiceRow {
  std::int32_t id = 0;
  char* title = nullptr;
  char* service_type = nullptr;
  char* priority = nullptr;
  char* status = nullptr;
  bool has_workflow = false;
  std::int32_t workflow_id = 0;
  bool has_requester = false;
  std::int32_t requester_id = 0;
  bool has_assignee = false;
  std::int32_t assignee_id = 0;
  char* stage = nullptr;
  bool has_sla = false;
  std::int32_t sla_id = 0;
  TimestampTz created_at = 0;
  bool has_created_at = false;
};

// The trigger data of a call, or Error(39P01, trigger protocol violated)
// naming `function` when it was called as a plain function.
TriggerData* trigger_data(FunctionCallInfo fcinfo, const char* function);

// Attribute numbers of the services columns in `desc` (by name, so a dropped
// and re-added column or a changed layout is still found).
struct ServiceAttrs {
  int id, title, service_type, priority, status, workflow_id, requester_id, assignee_id,
      current_stage_id, sla_id, metadata, created_at, updated_at;
};
ServiceAttrs service_attrs(TupleDesc desc);

ServiceRow read_service(HeapTuple tuple, TupleDesc desc, const ServiceAttrs& a);

// True when column `column` of the row is empty in the sense of `requires`:
// NULL, JSON null, '' after trimming, [] or {}. With `key`, the column must be
// jsonb and the key of its top-level object is tested instead.
bool column_is_empty(HeapTuple tuple, TupleDesc desc, const char* column, const char* key);

// Sends a notification on channel "servicedesk". C-style: call under pg_call,
// or use send_event.
void notify(const char* payload);
// The same from C++ (a JSON payload).
void send_event(const std::string& payload);

}  // namespace servicedesk::pg
