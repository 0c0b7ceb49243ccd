// libFuzzer target for the SLA clock: parse_escalation_rules on arbitrary
// text, then a fuzzer-chosen clock (start, moves, retargets) on a 24x7 or a
// fuzzer-built weekly calendar, checked by evaluate_sweep / next_check
// against each other.
//
// Input layout (FuzzedDataProvider): the escalation_rules text first, up to a
// "\" + other byte terminator; the parameters are taken from the rest.
// Seeds: test/fuzz/corpus/fuzz_escalation/.
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/sla_clock.hpp"

namespace sd = servicedesk;

namespace {

using Wide = __int128;

void check(bool ok) {
  if (!ok) __builtin_trap();
}

// Instants around the present, where real requests live (1900..2200).
constexpr sd::Micros kLow = -100LL * 365 * sd::kMicrosPerDay;
constexpr sd::Micros kHigh = 200LL * 365 * sd::kMicrosPerDay;

std::optional<std::int64_t> pick_target(FuzzedDataProvider& fdp) {
  switch (fdp.ConsumeIntegralInRange<int>(0, 4)) {
    case 0:
      return std::nullopt;
    case 1:
      return fdp.ConsumeIntegralInRange<std::int64_t>(0, 3);
    case 2:
      return fdp.ConsumeIntegralInRange<std::int64_t>(0, 2000);
    case 3:
      return fdp.ConsumeIntegralInRange<std::int64_t>(0, 2147483647);  // slas columns are integer
    default:
      return fdp.ConsumeIntegralInRange<std::int64_t>(0, 600000);
  }
}

sd::StageKind pick_kind(FuzzedDataProvider& fdp) {
  return static_cast<sd::StageKind>(fdp.ConsumeIntegralInRange<int>(0, 3));
}

sd::Calendar pick_calendar(FuzzedDataProvider& fdp) {
  if (fdp.ConsumeBool()) return sd::Calendar::always_open();
  sd::WeekSchedule week;
  for (auto& day : week) {
    int n = fdp.ConsumeIntegralInRange<int>(0, 2);
    int at = 0;
    for (int i = 0; i < n && at < 1440; ++i) {
      int start = fdp.ConsumeIntegralInRange<int>(at, 1439);
      int end = fdp.ConsumeIntegralInRange<int>(start + 1, 1440);
      day.push_back({start, end});
      at = end + 1;
    }
  }
  std::vector<sd::Day> holidays;
  int nh = fdp.ConsumeIntegralInRange<int>(0, 4);
  for (int i = 0; i < nh; ++i) holidays.push_back(fdp.ConsumeIntegralInRange<sd::Day>(-400, 20000));
  try {
    return sd::Calendar::from_schedule(
        week, holidays,
        std::make_shared<sd::FixedOffsetZone>(fdp.ConsumeIntegralInRange<int>(-50400, 50400)));
  } catch (const sd::Error& e) {
    check(e.code() == sd::sqlstate::kInvalidCalendar);  // an empty week
    return sd::Calendar::always_open();
  }
}

void check_clock(const sd::SlaClock& c) {
  check(c.paused_work >= 0);
  switch (c.status) {
    case sd::ClockStatus::kActive:
      check(!c.paused_at.has_value());
      break;
    case sd::ClockStatus::kPaused:
      check(c.paused_at.has_value());
      break;
    case sd::ClockStatus::kCompleted:
      check(c.resolved_at.has_value() && c.paused_at.has_value() && c.responded_at.has_value());
      break;
    case sd::ClockStatus::kCancelled:
      break;
  }
  check(c.responded_at.has_value() == c.response_time.has_value());
  check(c.resolved_at.has_value() == c.resolution_time.has_value());
  if (c.response_time) check(*c.response_time >= 0);
  if (c.resolution_time) check(*c.resolution_time >= 0);
}

// The sweep and next_check agree: nothing to do before next_check, something
// to do just after it.
void check_sweep(const sd::SlaClock& c, const sd::Calendar& cal, const sd::SlaTargets& tg,
                 const std::vector<sd::EscalationRule>& rules,
                 const std::vector<std::int32_t>& fired, sd::Micros at) {
  sd::SweepDecision d = sd::evaluate_sweep(c, cal, tg, rules, fired, at);
  std::int32_t prev = -1;
  for (std::int32_t i : d.fire) {
    check(i > prev && i < static_cast<std::int32_t>(rules.size()));
    check(std::find(fired.begin(), fired.end(), i) == fired.end());
    prev = i;
  }
  if (c.status != sd::ClockStatus::kActive) {
    check(d.fire.empty() && !d.breach_response && !d.breach_resolution);
  }
  if (d.breach_response) check(!c.responded_at && !c.response_breached);
  if (d.breach_resolution) check(!c.resolved_at && !c.resolution_breached);

  std::optional<sd::Micros> next = sd::next_check(c, cal, tg, rules, fired);
  if (c.status != sd::ClockStatus::kActive) check(!next.has_value());
  if (!next) return;
  // A rule on a 0-minute target is reached at any instant (elapsed >= 0), even
  // before next_check names it; only rules on real targets have a first instant.
  bool zero_rule = false;
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const bool response = rules[i].target == sd::RuleTarget::kResponse;
    const auto& minutes = response ? tg.response_minutes : tg.resolution_minutes;
    const bool open = response ? !c.responded_at : !c.resolved_at;
    if (open && minutes == 0 &&
        std::find(fired.begin(), fired.end(), static_cast<std::int32_t>(i)) == fired.end()) {
      zero_rule = true;
    }
  }
  if (!zero_rule && *next > sd::kMinTimestamp && *next - 1 >= c.started_at) {
    sd::SweepDecision before = sd::evaluate_sweep(c, cal, tg, rules, fired, *next - 1);
    check(before.fire.empty() && !before.breach_response && !before.breach_resolution);
  }
  if (*next < sd::kEndTimestamp - 2) {
    sd::SweepDecision after = sd::evaluate_sweep(c, cal, tg, rules, fired, *next + 1);
    check(!after.fire.empty() || after.breach_response || after.breach_resolution);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider fdp(data, size);
  const std::string json = fdp.ConsumeRandomLengthString(1 << 16);

  std::vector<sd::EscalationRule> rules;
  const std::vector<sd::Problem> problems = sd::parse_escalation_rules(json, rules);
  for (const sd::Problem& p : problems) {
    check(p.path.rfind("escalation_rules", 0) == 0 && !p.message.empty());
  }
  if (!problems.empty()) check(rules.empty());
  for (const sd::EscalationRule& r : rules) {
    check(r.at_percent >= 1 && r.at_percent <= 1000);
    if (r.action == sd::RuleAction::kSetPriority) {
      check(r.priority == "low" || r.priority == "medium" || r.priority == "high" ||
            r.priority == "critical");
    }
    if (r.action == sd::RuleAction::kReassign) check(r.assignee_id && *r.assignee_id >= 1);
  }
  if (!problems.empty() || fdp.ConsumeIntegralInRange<int>(0, 3) == 0) {
    // Exercise the clock with generated rules too.
    rules.clear();
    int n = fdp.ConsumeIntegralInRange<int>(0, 5);
    for (int i = 0; i < n; ++i) {
      sd::EscalationRule r;
      r.target = fdp.ConsumeBool() ? sd::RuleTarget::kResponse : sd::RuleTarget::kResolution;
      r.at_percent = fdp.ConsumeIntegralInRange<std::int32_t>(1, 1000);
      rules.push_back(r);
    }
  }

  const sd::Calendar cal = pick_calendar(fdp);
  sd::SlaTargets tg;
  tg.response_minutes = pick_target(fdp);
  tg.resolution_minutes = pick_target(fdp);
  sd::Micros now = fdp.ConsumeIntegralInRange<sd::Micros>(kLow, kHigh);

  sd::SlaClock clock;
  try {
    clock = sd::start_clock(cal, tg, now, pick_kind(fdp));
  } catch (const sd::Error& e) {
    check(e.code() == sd::sqlstate::kDatetimeOverflow);
    return 0;
  }
  check(clock.started_at == now);
  check_clock(clock);

  std::vector<std::int32_t> fired;
  sd::StageKind stage = sd::StageKind::kRunning;
  bool at_initial = true;
  for (int step = 0; step < 12 && fdp.remaining_bytes() > 0; ++step) {
    // Time moves forward by up to ~3 weeks, sometimes not at all.
    now += fdp.ConsumeIntegralInRange<sd::Micros>(0, 21 * sd::kMicrosPerDay);
    try {
      switch (fdp.ConsumeIntegralInRange<int>(0, 3)) {
        case 0:
        case 1: {
          sd::StageKind to = pick_kind(fdp);
          const sd::SlaClock before = clock;
          sd::move_clock(clock, cal, stage, at_initial, to, now);
          if (before.status == sd::ClockStatus::kCancelled) {
            check(clock.status == sd::ClockStatus::kCancelled);
          }
          if (to == sd::StageKind::kEnded) check(clock.status == sd::ClockStatus::kCancelled);
          if (before.responded_at) check(clock.responded_at == before.responded_at);
          check(clock.paused_work >= before.paused_work);
          stage = to;
          at_initial = false;
          break;
        }
        case 2: {
          sd::SlaTargets nt;
          nt.response_minutes = pick_target(fdp);
          nt.resolution_minutes = pick_target(fdp);
          const sd::SlaClock before = clock;
          sd::retarget_clock(clock, cal, nt);
          if (before.responded_at) check(clock.response_deadline == before.response_deadline);
          if (!clock.resolved_at && nt.resolution_minutes) {
            check(clock.resolution_deadline ==
                  cal.add_work(clock.started_at,
                               *nt.resolution_minutes * sd::kMicrosPerMinute + clock.paused_work));
          }
          tg = nt;
          break;
        }
        default: {
          // A sweep at `now`: record what fired and what breached.
          sd::SweepDecision d = sd::evaluate_sweep(clock, cal, tg, rules, fired, now);
          fired.insert(fired.end(), d.fire.begin(), d.fire.end());
          if (d.breach_response) clock.response_breached = true;
          if (d.breach_resolution) clock.resolution_breached = true;
          break;
        }
      }
    } catch (const sd::Error& e) {
      check(e.code() == sd::sqlstate::kDatetimeOverflow);
      return 0;
    }
    check_clock(clock);
    check(sd::elapsed_work(clock, cal, now) >= 0);
    try {
      check_sweep(clock, cal, tg, rules, fired,
                  now + fdp.ConsumeIntegralInRange<sd::Micros>(0, 30 * sd::kMicrosPerDay));
    } catch (const sd::Error& e) {
      check(e.code() == sd::sqlstate::kDatetimeOverflow);
      return 0;
    }
  }
  return 0;
}
