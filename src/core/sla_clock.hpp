// The SLA clock of one request (SPEC section 6 and 10) and escalation rules:
// a plain state machine over business time, driven by the glue on every move
// and by the sweep. Plain C++20, no PostgreSQL header.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/calendar.hpp"
#include "core/error.hpp"

namespace servicedesk {

enum class ClockStatus : std::uint8_t { kActive, kPaused, kCompleted, kCancelled };
std::string_view clock_status_name(ClockStatus s) noexcept;
std::optional<ClockStatus> parse_clock_status(std::string_view s) noexcept;

// What a stage means for the clock.
enum class StageKind : std::uint8_t {
  kRunning,   // the clock runs
  kPause,     // "sla": "pause"
  kResolved,  // status resolved or closed: resolution met, clock stopped
  kEnded,     // status cancelled or rejected: tracking cancelled
};

struct SlaTargets {
  std::optional<std::int64_t> response_minutes;    // NULL target: never due
  std::optional<std::int64_t> resolution_minutes;
};

struct SlaClock {
  ClockStatus status = ClockStatus::kActive;
  Micros started_at = 0;
  std::optional<Micros> response_deadline;
  std::optional<Micros> resolution_deadline;
  std::optional<Micros> responded_at;
  std::optional<Micros> resolved_at;
  std::optional<Micros> paused_at;
  std::optional<std::int64_t> response_time;    // business minutes taken, less paused time
  std::optional<std::int64_t> resolution_time;
  bool response_breached = false;
  bool resolution_breached = false;
  Micros paused_work = 0;  // working time spent paused so far

  bool breached() const noexcept { return response_breached || resolution_breached; }
  bool operator==(const SlaClock&) const = default;
};

// A new request's clock: deadlines from `created_at`; paused or stopped at
// once when the initial stage says so.
SlaClock start_clock(const Calendar& cal, const SlaTargets& targets, Micros created_at,
                     StageKind initial);

// A move at `now` from a stage of kind `from` (the initial stage when
// `from_initial`) to one of kind `to`.
void move_clock(SlaClock& clock, const Calendar& cal, StageKind from, bool from_initial,
                StageKind to, Micros now);

// A re-matched SLA: deadlines recomputed from the start, paused time kept.
void retarget_clock(SlaClock& clock, const Calendar& cal, const SlaTargets& targets);

// --- escalation rules ----------------------------------------------------------

enum class RuleTarget : std::uint8_t { kResponse, kResolution };
enum class RuleAction : std::uint8_t { kNotify, kSetPriority, kReassign };
std::string_view rule_action_name(RuleAction a) noexcept;

struct EscalationRule {
  RuleTarget target = RuleTarget::kResponse;
  std::int32_t at_percent = 100;  // 1..1000
  RuleAction action = RuleAction::kNotify;
  std::string priority;                   // for kSetPriority
  std::optional<std::int32_t> assignee_id;  // for kReassign
};

// Every problem of an escalation_rules value (JSON array or null), located by
// path ("escalation_rules[1].at_percent"). Never throws for bad input.
std::vector<Problem> parse_escalation_rules(std::string_view json, std::vector<EscalationRule>& out);

struct SweepDecision {
  std::vector<std::int32_t> fire;  // rule indexes reached and not fired yet
  bool breach_response = false;    // newly breached at this sweep
  bool breach_resolution = false;
};

// Working time the request has used on the clock at `at` (paused time excluded).
Micros elapsed_work(const SlaClock& clock, const Calendar& cal, Micros at);

// What a sweep at `at` must do for an active clock. `fired` lists the rule
// indexes already fired for this clock.
SweepDecision evaluate_sweep(const SlaClock& clock, const Calendar& cal, const SlaTargets& targets,
                             const std::vector<EscalationRule>& rules,
                             const std::vector<std::int32_t>& fired, Micros at);

// The earliest instant at which a sweep has something to do for this clock,
// or nothing (not active, or nothing left to fire or breach).
std::optional<Micros> next_check(const SlaClock& clock, const Calendar& cal,
                                 const SlaTargets& targets,
                                 const std::vector<EscalationRule>& rules,
                                 const std::vector<std::int32_t>& fired);

}  // namespace servicedesk
