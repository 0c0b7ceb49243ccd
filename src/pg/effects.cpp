// Effects of a request's creation and moves, in a fixed order: approvals of
// the stage left, the SLA clock, approvals of the stage entered, the event.
#include "pg/effects.hpp"

#include <string>

#include "core/row_diff.hpp"
#include "pg/audit.hpp"

namespace servicedesk::pg {

namespace {

void send_transition_event(const ServiceRow& old_row, const ServiceRow& new_row) {
  std::string payload = "{\"event\": \"transition\", \"service_id\": " + std::to_string(new_row.id) +
                        ", \"from\": ";
  append_json_string(payload, old_row.stage ? old_row.stage : "");
  payload += ", \"to\": ";
  append_json_string(payload, new_row.stage ? new_row.stage : "");
  payload += ", \"status\": ";
  append_json_string(payload, new_row.status ? new_row.status : "");
  payload += "}";
  send_event(payload);
}

}  // namespace

void on_request_created(const WorkflowVersion& wf, const ServiceRow& row) {
  sla_on_created(wf, row);
  std::int32_t stage = wf.compiled->initial_stage();
  if (wf.compiled->stages()[stage].approval) approvals_on_entered(wf, row, stage);
}

void on_stage_changed(const WorkflowVersion& wf, const ServiceRow& old_row,
                      const ServiceRow& new_row, std::int32_t from, std::int32_t to) {
  const auto& stages = wf.compiled->stages();
  if (from >= 0 && stages[from].approval) approvals_on_left(wf, new_row, from);
  sla_on_moved(wf, new_row, from, to);
  if (to >= 0 && stages[to].approval) approvals_on_entered(wf, new_row, to);
  send_transition_event(old_row, new_row);
}

}  // namespace servicedesk::pg
