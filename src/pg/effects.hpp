// What happens around a request's moves: SLA matching and the SLA clock
// (sla.cpp), approvals (approvals.cpp) and events. Called by the services
// triggers with an SPI connection open.
#pragma once

#include <cstdint>
#include <optional>

#include "pg/rows.hpp"
#include "pg/workflow_cache.hpp"

namespace servicedesk::pg {

// --- sla.cpp ---------------------------------------------------------------
void sla_cache_init();
// The SLA of a new request: the explicit sla_id (SD010 when unknown or
// inactive) or the most specific active match; nothing when none matches.
std::optional<std::int32_t> match_sla_for_insert(const ServiceRow& row);
// On UPDATE: a changed sla_id is checked; a changed priority or service_type
// re-matches. Returns the sla_id to store, or nothing to leave it as it is.
std::optional<std::int32_t> rematch_sla_for_update(const ServiceRow& old_row,
                                                   const ServiceRow& new_row);
// Tracking row creation for a new request.
void sla_on_created(const WorkflowVersion& wf, const ServiceRow& row);
// The SLA clock on a move from stage `from` to stage `to` (indexes).
void sla_on_moved(const WorkflowVersion& wf, const ServiceRow& row, std::int32_t from,
                  std::int32_t to);
// The request's SLA changed (re-match): deadlines recomputed from the start,
// elapsed business time kept.
void on_sla_changed(const WorkflowVersion& wf, const ServiceRow& old_row,
                    const ServiceRow& new_row);

// --- approvals.cpp -----------------------------------------------------------
// SD005 unless the approval at stage `stage` has enough resolvable approvers
// for request `row`.
void check_approvers_available(const WorkflowVersion& wf, std::int32_t stage,
                               const ServiceRow& row);
// Creates the pending approvals of an approval stage just entered.
void approvals_on_entered(const WorkflowVersion& wf, const ServiceRow& row, std::int32_t stage);
// Cancels the pending approvals of a stage just left.
void approvals_on_left(const WorkflowVersion& wf, const ServiceRow& row, std::int32_t stage);
// Sends approval_overdue once for each pending approval whose due_date < at.
void report_overdue_approvals(TimestampTz at);

// --- services.cpp / effects.cpp -----------------------------------------------
void on_request_created(const WorkflowVersion& wf, const ServiceRow& row);
void on_stage_changed(const WorkflowVersion& wf, const ServiceRow& old_row,
                      const ServiceRow& new_row, std::int32_t from, std::int32_t to);

}  // namespace servicedesk::pg
