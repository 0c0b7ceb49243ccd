#include "core/sla_clock.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "tz_test_provider.hpp"

namespace servicedesk {
namespace {

using testing::utc;

constexpr Micros kMin = kMicrosPerMinute;

// 2024-01-01 is a Monday. Office hours Mon-Fri 09:00-17:00 UTC.
Calendar office() {
  return Calendar::compile(R"({"mon": [["09:00", "17:00"]], "tue": [["09:00", "17:00"]],
    "wed": [["09:00", "17:00"]], "thu": [["09:00", "17:00"]], "fri": [["09:00", "17:00"]]})",
                           {}, std::make_shared<FixedOffsetZone>(0));
}

SlaTargets targets(std::optional<std::int64_t> response, std::optional<std::int64_t> resolution) {
  SlaTargets t;
  t.response_minutes = response;
  t.resolution_minutes = resolution;
  return t;
}

std::vector<EscalationRule> rules(const std::string& json) {
  std::vector<EscalationRule> out;
  std::vector<Problem> problems = parse_escalation_rules(json, out);
  EXPECT_TRUE(problems.empty()) << (problems.empty()
                                        ? ""
                                        : problems[0].path + ": " + problems[0].message);
  return out;
}

// ------------------------------------------------------------ names

TEST(SlaClockNames, StatusRoundTrip) {
  for (ClockStatus s : {ClockStatus::kActive, ClockStatus::kPaused, ClockStatus::kCompleted,
                        ClockStatus::kCancelled}) {
    EXPECT_EQ(parse_clock_status(clock_status_name(s)), s);
  }
  EXPECT_EQ(clock_status_name(ClockStatus::kPaused), "paused");
  EXPECT_FALSE(parse_clock_status("Active").has_value());
  EXPECT_FALSE(parse_clock_status("").has_value());
  EXPECT_EQ(rule_action_name(RuleAction::kNotify), "notify");
  EXPECT_EQ(rule_action_name(RuleAction::kSetPriority), "set_priority");
  EXPECT_EQ(rule_action_name(RuleAction::kReassign), "reassign");
}

// ------------------------------------------------------------ start_clock

TEST(SlaClockStart, AlwaysOpenDeadlinesAreElapsedTime) {
  const Calendar cal = Calendar::always_open();
  const Micros t0 = utc(2024, 1, 6, 10);  // a Saturday: 24x7 does not care
  SlaClock c = start_clock(cal, targets(60, 600), t0, StageKind::kRunning);
  EXPECT_EQ(c.status, ClockStatus::kActive);
  EXPECT_EQ(c.started_at, t0);
  EXPECT_EQ(c.response_deadline, utc(2024, 1, 6, 11));
  EXPECT_EQ(c.resolution_deadline, utc(2024, 1, 6, 20));
  EXPECT_FALSE(c.responded_at || c.resolved_at || c.paused_at);
  EXPECT_EQ(c.paused_work, 0);
  EXPECT_FALSE(c.breached());
}

TEST(SlaClockStart, OfficeDeadlinesAreBusinessTime) {
  const Calendar cal = office();
  SlaClock c = start_clock(cal, targets(60, 480), utc(2024, 1, 5, 16), StageKind::kRunning);
  EXPECT_EQ(c.response_deadline, utc(2024, 1, 5, 17));    // Fri 16:00 + 1 h = closing time
  EXPECT_EQ(c.resolution_deadline, utc(2024, 1, 8, 16));  // 1 h Friday + 7 h Monday
}

TEST(SlaClockStart, MissingTargetsHaveNoDeadline) {
  SlaClock c =
      start_clock(office(), targets(std::nullopt, 30), utc(2024, 1, 8, 9), StageKind::kRunning);
  EXPECT_FALSE(c.response_deadline.has_value());
  EXPECT_EQ(c.resolution_deadline, utc(2024, 1, 8, 9, 30));
}

TEST(SlaClockStart, InitialStageKinds) {
  const Calendar cal = Calendar::always_open();
  const Micros t0 = utc(2024, 1, 8, 9);
  SlaClock paused = start_clock(cal, targets(60, 600), t0, StageKind::kPause);
  EXPECT_EQ(paused.status, ClockStatus::kPaused);
  EXPECT_EQ(paused.paused_at, t0);

  SlaClock ended = start_clock(cal, targets(60, 600), t0, StageKind::kEnded);
  EXPECT_EQ(ended.status, ClockStatus::kCancelled);
  EXPECT_FALSE(ended.responded_at.has_value());

  SlaClock done = start_clock(cal, targets(60, 600), t0, StageKind::kResolved);
  EXPECT_EQ(done.status, ClockStatus::kCompleted);
  EXPECT_EQ(done.responded_at, t0);
  EXPECT_EQ(done.resolved_at, t0);
  EXPECT_EQ(done.response_time, 0);
  EXPECT_EQ(done.resolution_time, 0);
  EXPECT_FALSE(done.breached());
}

TEST(SlaClockStart, TargetBeyondTheTimestampRangeIs22008) {
  const Calendar tiny = Calendar::compile(R"({"mon": [["09:00", "09:01"]]})", {},
                                          std::make_shared<FixedOffsetZone>(0));
  try {
    (void)start_clock(tiny, targets(2'000'000'000, std::nullopt), utc(2024, 1, 1),
                      StageKind::kRunning);
    FAIL() << "expected 22008";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), sqlstate::kDatetimeOverflow);
  }
  try {
    (void)start_clock(Calendar::always_open(), targets(std::int64_t{1} << 50, std::nullopt),
                      utc(2024, 1, 1), StageKind::kRunning);
    FAIL() << "expected 22008";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), sqlstate::kDatetimeOverflow);
  }
}

// ------------------------------------------------------------ move_clock

TEST(SlaClockMove, FirstMoveOutOfInitialMeetsResponse) {
  const Calendar cal = Calendar::always_open();
  const Micros t0 = utc(2024, 1, 8, 9);
  SlaClock c = start_clock(cal, targets(60, 600), t0, StageKind::kRunning);
  move_clock(c, cal, StageKind::kRunning, true, StageKind::kRunning, t0 + 25 * kMin + 59'000'000);
  EXPECT_EQ(c.responded_at, t0 + 25 * kMin + 59'000'000);
  EXPECT_EQ(c.response_time, 25);  // floored
  EXPECT_FALSE(c.response_breached);
  EXPECT_EQ(c.status, ClockStatus::kActive);
  // A later move does not meet it again.
  move_clock(c, cal, StageKind::kRunning, false, StageKind::kRunning, t0 + 300 * kMin);
  EXPECT_EQ(c.response_time, 25);
}

TEST(SlaClockMove, ResponseExactlyAtDeadlineIsNotBreached) {
  const Calendar cal = Calendar::always_open();
  const Micros t0 = utc(2024, 1, 8, 9);
  SlaClock on_time = start_clock(cal, targets(60, 600), t0, StageKind::kRunning);
  move_clock(on_time, cal, StageKind::kRunning, true, StageKind::kRunning, t0 + 60 * kMin);
  EXPECT_FALSE(on_time.response_breached);

  SlaClock late = start_clock(cal, targets(60, 600), t0, StageKind::kRunning);
  move_clock(late, cal, StageKind::kRunning, true, StageKind::kRunning, t0 + 60 * kMin + 1);
  EXPECT_TRUE(late.response_breached);
  EXPECT_FALSE(late.resolution_breached);
  EXPECT_TRUE(late.breached());
  EXPECT_EQ(late.response_time, 60);
}

TEST(SlaClockMove, CancelFromInitialIsNotAResponse) {
  const Calendar cal = Calendar::always_open();
  const Micros t0 = utc(2024, 1, 8, 9);
  SlaClock c = start_clock(cal, targets(60, 600), t0, StageKind::kRunning);
  move_clock(c, cal, StageKind::kRunning, true, StageKind::kEnded, t0 + 5 * 60 * kMin);
  EXPECT_EQ(c.status, ClockStatus::kCancelled);
  EXPECT_FALSE(c.responded_at.has_value());
  EXPECT_FALSE(c.breached());
  // A cancelled clock ignores every later move.
  move_clock(c, cal, StageKind::kEnded, false, StageKind::kRunning, t0 + 6 * 60 * kMin);
  EXPECT_EQ(c.status, ClockStatus::kCancelled);
  EXPECT_FALSE(c.responded_at.has_value());
}

TEST(SlaClockMove, PauseAndResumeOnOfficeCalendar) {
  const Calendar cal = office();
  const Micros t0 = utc(2024, 1, 8, 9);  // Monday 09:00
  SlaClock c = start_clock(cal, targets(60, 480), t0, StageKind::kRunning);
  EXPECT_EQ(c.resolution_deadline, utc(2024, 1, 8, 17));
  move_clock(c, cal, StageKind::kRunning, true, StageKind::kRunning, utc(2024, 1, 8, 9, 30));
  EXPECT_EQ(c.response_time, 30);
  move_clock(c, cal, StageKind::kRunning, false, StageKind::kPause, utc(2024, 1, 8, 10));
  EXPECT_EQ(c.status, ClockStatus::kPaused);
  EXPECT_EQ(c.paused_at, utc(2024, 1, 8, 10));
  // Paused Mon 10:00 .. Tue 10:00: 7 h Monday + 1 h Tuesday of office time.
  move_clock(c, cal, StageKind::kPause, false, StageKind::kRunning, utc(2024, 1, 9, 10));
  EXPECT_EQ(c.status, ClockStatus::kActive);
  EXPECT_FALSE(c.paused_at.has_value());
  EXPECT_EQ(c.paused_work, 480 * kMin);
  EXPECT_EQ(c.resolution_deadline, utc(2024, 1, 9, 17));  // moved by 480 office minutes
  EXPECT_EQ(c.response_deadline, utc(2024, 1, 8, 10));    // met: not moved
  move_clock(c, cal, StageKind::kRunning, false, StageKind::kResolved, utc(2024, 1, 9, 11));
  EXPECT_EQ(c.status, ClockStatus::kCompleted);
  EXPECT_EQ(c.resolution_time, 120);  // 10 office hours less 8 paused
  EXPECT_FALSE(c.resolution_breached);
}

TEST(SlaClockMove, PauseOutsideOfficeHoursCostsNothing) {
  const Calendar cal = office();
  SlaClock c = start_clock(cal, targets(60, 480), utc(2024, 1, 5, 16), StageKind::kRunning);
  move_clock(c, cal, StageKind::kRunning, true, StageKind::kPause, utc(2024, 1, 5, 16, 30));
  EXPECT_EQ(c.response_time, 30);  // pausing straight from the initial stage is a response
  EXPECT_EQ(c.status, ClockStatus::kPaused);
  move_clock(c, cal, StageKind::kPause, false, StageKind::kRunning, utc(2024, 1, 8, 9));
  EXPECT_EQ(c.paused_work, 30 * kMin);  // Fri 16:30-17:00 only
  EXPECT_EQ(c.resolution_deadline, utc(2024, 1, 8, 16, 30));
}

TEST(SlaClockMove, ResolvingFromAPauseExcludesThePause) {
  const Calendar cal = Calendar::always_open();
  const Micros t0 = utc(2024, 1, 8, 9);
  SlaClock c = start_clock(cal, targets(60, 600), t0, StageKind::kRunning);
  move_clock(c, cal, StageKind::kRunning, true, StageKind::kPause, t0 + 10 * kMin);
  move_clock(c, cal, StageKind::kPause, false, StageKind::kResolved, t0 + 100 * kMin);
  EXPECT_EQ(c.status, ClockStatus::kCompleted);
  EXPECT_EQ(c.paused_work, 90 * kMin);
  EXPECT_EQ(c.resolution_time, 10);
  EXPECT_EQ(c.paused_at, t0 + 100 * kMin);  // the stop a reopen resumes from
}

TEST(SlaClockMove, ResolvingMeetsAnUnmetResponse) {
  const Calendar cal = Calendar::always_open();
  const Micros t0 = utc(2024, 1, 8, 9);
  SlaClock c = start_clock(cal, targets(60, 600), t0, StageKind::kRunning);
  move_clock(c, cal, StageKind::kRunning, true, StageKind::kResolved, t0 + 90 * kMin);
  EXPECT_EQ(c.responded_at, t0 + 90 * kMin);
  EXPECT_EQ(c.response_time, 90);
  EXPECT_TRUE(c.response_breached);
  EXPECT_EQ(c.resolved_at, t0 + 90 * kMin);
  EXPECT_FALSE(c.resolution_breached);
}

TEST(SlaClockMove, ClosedAfterResolvedChangesNothing) {
  const Calendar cal = Calendar::always_open();
  const Micros t0 = utc(2024, 1, 8, 9);
  SlaClock c = start_clock(cal, targets(60, 600), t0, StageKind::kRunning);
  move_clock(c, cal, StageKind::kRunning, true, StageKind::kResolved, t0 + 30 * kMin);
  move_clock(c, cal, StageKind::kResolved, false, StageKind::kResolved, t0 + 900 * kMin);
  EXPECT_EQ(c.status, ClockStatus::kCompleted);
  EXPECT_EQ(c.resolved_at, t0 + 30 * kMin);
  EXPECT_EQ(c.resolution_time, 30);
  EXPECT_FALSE(c.resolution_breached);
  EXPECT_EQ(c.paused_at, t0 + 30 * kMin);
}

TEST(SlaClockMove, ReopenResumesAsIfPausedWhileResolved) {
  const Calendar cal = Calendar::always_open();
  const Micros t0 = utc(2024, 1, 8, 9);
  SlaClock c = start_clock(cal, targets(60, 600), t0, StageKind::kRunning);
  move_clock(c, cal, StageKind::kRunning, true, StageKind::kResolved, t0 + 100 * kMin);
  move_clock(c, cal, StageKind::kResolved, false, StageKind::kRunning, t0 + 190 * kMin);
  EXPECT_EQ(c.status, ClockStatus::kActive);
  EXPECT_FALSE(c.resolved_at.has_value());
  EXPECT_FALSE(c.resolution_time.has_value());
  EXPECT_EQ(c.paused_work, 90 * kMin);
  EXPECT_EQ(c.resolution_deadline, t0 + 690 * kMin);
  EXPECT_EQ(c.responded_at, t0 + 100 * kMin);  // the response stays met
  move_clock(c, cal, StageKind::kRunning, false, StageKind::kResolved, t0 + 210 * kMin);
  EXPECT_EQ(c.resolution_time, 120);  // 210 less 90 resolved
}

TEST(SlaClockMove, ReopenIntoAPauseStageStaysStopped) {
  const Calendar cal = Calendar::always_open();
  const Micros t0 = utc(2024, 1, 8, 9);
  SlaClock c = start_clock(cal, targets(60, 600), t0, StageKind::kRunning);
  move_clock(c, cal, StageKind::kRunning, true, StageKind::kResolved, t0 + 100 * kMin);
  move_clock(c, cal, StageKind::kResolved, false, StageKind::kPause, t0 + 150 * kMin);
  EXPECT_EQ(c.status, ClockStatus::kPaused);
  EXPECT_FALSE(c.resolved_at.has_value());
  EXPECT_EQ(c.paused_at, t0 + 100 * kMin);  // still stopped since the resolution
  move_clock(c, cal, StageKind::kPause, false, StageKind::kRunning, t0 + 200 * kMin);
  EXPECT_EQ(c.paused_work, 100 * kMin);
  EXPECT_EQ(c.resolution_deadline, t0 + 700 * kMin);
}

TEST(SlaClockMove, EndingAfterAResponseCancels) {
  const Calendar cal = Calendar::always_open();
  const Micros t0 = utc(2024, 1, 8, 9);
  SlaClock c = start_clock(cal, targets(60, 600), t0, StageKind::kRunning);
  move_clock(c, cal, StageKind::kRunning, true, StageKind::kRunning, t0 + 10 * kMin);
  move_clock(c, cal, StageKind::kRunning, false, StageKind::kEnded, t0 + 900 * kMin);
  EXPECT_EQ(c.status, ClockStatus::kCancelled);
  EXPECT_FALSE(c.resolution_breached);  // a cancelled request breaches nothing
  EXPECT_EQ(c.responded_at, t0 + 10 * kMin);
}

// ------------------------------------------------------------ retarget_clock

TEST(SlaClockRetarget, OpenDeadlinesFromTheStartPlusPausedWork) {
  const Calendar cal = office();
  const Micros t0 = utc(2024, 1, 8, 9);
  SlaClock c = start_clock(cal, targets(60, 480), t0, StageKind::kRunning);
  move_clock(c, cal, StageKind::kRunning, true, StageKind::kPause, utc(2024, 1, 8, 10));
  move_clock(c, cal, StageKind::kPause, false, StageKind::kRunning, utc(2024, 1, 8, 12));
  ASSERT_EQ(c.paused_work, 120 * kMin);
  retarget_clock(c, cal, targets(30, 960));
  EXPECT_EQ(c.response_deadline, utc(2024, 1, 8, 10));  // met: kept
  // 960 + 120 office minutes from Mon 09:00: Mon 8 h, Tue 8 h, Wed 2 h.
  EXPECT_EQ(c.resolution_deadline, utc(2024, 1, 10, 11));
  retarget_clock(c, cal, targets(30, std::nullopt));
  EXPECT_FALSE(c.resolution_deadline.has_value());
  EXPECT_EQ(c.status, ClockStatus::kActive);
  EXPECT_EQ(c.paused_work, 120 * kMin);
}

TEST(SlaClockRetarget, UnmetResponseIsRecomputed) {
  const Calendar cal = Calendar::always_open();
  const Micros t0 = utc(2024, 1, 8, 9);
  SlaClock c = start_clock(cal, targets(60, 600), t0, StageKind::kRunning);
  retarget_clock(c, cal, targets(15, 90));
  EXPECT_EQ(c.response_deadline, t0 + 15 * kMin);
  EXPECT_EQ(c.resolution_deadline, t0 + 90 * kMin);
}

// ------------------------------------------------------------ elapsed_work

TEST(SlaClockElapsed, RunningPausedAndCompleted) {
  const Calendar cal = office();
  const Micros t0 = utc(2024, 1, 5, 16);  // Friday 16:00
  SlaClock c = start_clock(cal, targets(60, 480), t0, StageKind::kRunning);
  EXPECT_EQ(elapsed_work(c, cal, t0 - kMin), 0);
  EXPECT_EQ(elapsed_work(c, cal, utc(2024, 1, 8, 10)), 120 * kMin);
  move_clock(c, cal, StageKind::kRunning, true, StageKind::kPause, utc(2024, 1, 8, 10));
  EXPECT_EQ(elapsed_work(c, cal, utc(2024, 1, 9, 16)), 120 * kMin);  // frozen while paused
  move_clock(c, cal, StageKind::kPause, false, StageKind::kRunning, utc(2024, 1, 8, 11));
  EXPECT_EQ(elapsed_work(c, cal, utc(2024, 1, 8, 12)), 180 * kMin);  // 4 h less 1 h paused
  move_clock(c, cal, StageKind::kRunning, false, StageKind::kResolved, utc(2024, 1, 8, 12));
  EXPECT_EQ(elapsed_work(c, cal, utc(2024, 1, 10, 12)), 180 * kMin);  // frozen once resolved
}

// ------------------------------------------------------------ evaluate_sweep

TEST(SlaClockSweep, RuleFiresWhenElapsedReachesThePercentage) {
  const Calendar cal = Calendar::always_open();
  const Micros t0 = utc(2024, 1, 8, 9);
  SlaTargets tg = targets(100, 1000);
  SlaClock c = start_clock(cal, tg, t0, StageKind::kRunning);
  auto r = rules(R"([{"target": "response", "at_percent": 50, "action": "notify"},
                     {"target": "resolution", "at_percent": 10, "action": "set_priority", "priority": "high"}])");
  EXPECT_TRUE(evaluate_sweep(c, cal, tg, r, {}, t0 + 50 * kMin - 1).fire.empty());
  EXPECT_EQ(evaluate_sweep(c, cal, tg, r, {}, t0 + 50 * kMin).fire, std::vector<std::int32_t>{0});
  EXPECT_EQ(evaluate_sweep(c, cal, tg, r, {}, t0 + 100 * kMin).fire,
            (std::vector<std::int32_t>{0, 1}));
  EXPECT_EQ(evaluate_sweep(c, cal, tg, r, {0}, t0 + 100 * kMin).fire, std::vector<std::int32_t>{1});
  EXPECT_TRUE(evaluate_sweep(c, cal, tg, r, {0, 1}, t0 + 100 * kMin).fire.empty());
}

TEST(SlaClockSweep, FractionalThresholdsRoundUpToTheMicrosecond) {
  const Calendar cal = Calendar::always_open();
  const Micros t0 = utc(2024, 1, 8, 9);
  SlaTargets tg = targets(7, std::nullopt);
  SlaClock c = start_clock(cal, tg, t0, StageKind::kRunning);
  auto r = rules(R"([{"target": "response", "at_percent": 33, "action": "notify"}])");
  // 33% of 7 minutes is 138.6 s.
  EXPECT_TRUE(evaluate_sweep(c, cal, tg, r, {}, t0 + 138'599'999).fire.empty());
  EXPECT_EQ(evaluate_sweep(c, cal, tg, r, {}, t0 + 138'600'000).fire.size(), 1u);
}

TEST(SlaClockSweep, BreachIsStrictlyAfterTheDeadline) {
  const Calendar cal = Calendar::always_open();
  const Micros t0 = utc(2024, 1, 8, 9);
  SlaTargets tg = targets(60, 600);
  SlaClock c = start_clock(cal, tg, t0, StageKind::kRunning);
  SweepDecision at = evaluate_sweep(c, cal, tg, {}, {}, t0 + 60 * kMin);
  EXPECT_FALSE(at.breach_response);
  SweepDecision after = evaluate_sweep(c, cal, tg, {}, {}, t0 + 60 * kMin + 1);
  EXPECT_TRUE(after.breach_response);
  EXPECT_FALSE(after.breach_resolution);
  SweepDecision both = evaluate_sweep(c, cal, tg, {}, {}, t0 + 601 * kMin);
  EXPECT_TRUE(both.breach_response && both.breach_resolution);
  c.response_breached = true;  // already flagged: not again
  SweepDecision again = evaluate_sweep(c, cal, tg, {}, {}, t0 + 601 * kMin);
  EXPECT_FALSE(again.breach_response);
  EXPECT_TRUE(again.breach_resolution);
}

TEST(SlaClockSweep, MetTargetsAndMissingTargetsNeverFire) {
  const Calendar cal = Calendar::always_open();
  const Micros t0 = utc(2024, 1, 8, 9);
  SlaTargets tg = targets(std::nullopt, 600);
  SlaClock c = start_clock(cal, tg, t0, StageKind::kRunning);
  auto r = rules(R"([{"target": "response", "at_percent": 1, "action": "notify"},
                     {"target": "resolution", "at_percent": 1, "action": "notify"}])");
  EXPECT_EQ(evaluate_sweep(c, cal, tg, r, {}, t0 + 60 * kMin).fire, std::vector<std::int32_t>{1});
  SlaTargets tg2 = targets(60, 600);
  SlaClock d = start_clock(cal, tg2, t0, StageKind::kRunning);
  move_clock(d, cal, StageKind::kRunning, true, StageKind::kRunning, t0 + kMin);
  SweepDecision s = evaluate_sweep(d, cal, tg2, r, {}, t0 + 120 * kMin);
  EXPECT_EQ(s.fire, std::vector<std::int32_t>{1});  // the response rule: met
  EXPECT_FALSE(s.breach_response);
}

TEST(SlaClockSweep, OnlyActiveClocksAreSwept) {
  const Calendar cal = Calendar::always_open();
  const Micros t0 = utc(2024, 1, 8, 9);
  SlaTargets tg = targets(60, 600);
  auto r = rules(R"([{"target": "resolution", "at_percent": 1, "action": "notify"}])");
  for (StageKind k : {StageKind::kPause, StageKind::kEnded, StageKind::kResolved}) {
    SlaClock c = start_clock(cal, tg, t0, StageKind::kRunning);
    move_clock(c, cal, StageKind::kRunning, false, k, t0 + kMin);
    SweepDecision d = evaluate_sweep(c, cal, tg, r, {}, t0 + 10000 * kMin);
    EXPECT_TRUE(d.fire.empty());
    EXPECT_FALSE(d.breach_response || d.breach_resolution);
    EXPECT_FALSE(next_check(c, cal, tg, r, {}).has_value());
  }
}

TEST(SlaClockSweep, PausedTimeDoesNotCount) {
  const Calendar cal = Calendar::always_open();
  const Micros t0 = utc(2024, 1, 8, 9);
  SlaTargets tg = targets(std::nullopt, 100);
  SlaClock c = start_clock(cal, tg, t0, StageKind::kRunning);
  move_clock(c, cal, StageKind::kRunning, true, StageKind::kPause, t0 + 10 * kMin);
  move_clock(c, cal, StageKind::kPause, false, StageKind::kRunning, t0 + 70 * kMin);
  auto r = rules(R"([{"target": "resolution", "at_percent": 50, "action": "notify"}])");
  EXPECT_TRUE(evaluate_sweep(c, cal, tg, r, {}, t0 + 110 * kMin - 1).fire.empty());
  EXPECT_EQ(evaluate_sweep(c, cal, tg, r, {}, t0 + 110 * kMin).fire.size(), 1u);
  EXPECT_EQ(next_check(c, cal, tg, r, {}), t0 + 110 * kMin);
}

// ------------------------------------------------------------ next_check

TEST(SlaClockNextCheck, EarliestOfDeadlinesAndRules) {
  const Calendar cal = Calendar::always_open();
  const Micros t0 = utc(2024, 1, 8, 9);
  SlaTargets tg = targets(100, 1000);
  SlaClock c = start_clock(cal, tg, t0, StageKind::kRunning);
  auto r = rules(R"([{"target": "resolution", "at_percent": 20, "action": "notify"},
                     {"target": "response", "at_percent": 50, "action": "notify"}])");
  EXPECT_EQ(next_check(c, cal, tg, {}, {}), t0 + 100 * kMin);
  EXPECT_EQ(next_check(c, cal, tg, r, {}), t0 + 50 * kMin);
  EXPECT_EQ(next_check(c, cal, tg, r, {1}), t0 + 100 * kMin);
  c.response_breached = true;
  EXPECT_EQ(next_check(c, cal, tg, r, {1}), t0 + 200 * kMin);
  EXPECT_EQ(next_check(c, cal, tg, r, {0, 1}), t0 + 1000 * kMin);
  c.resolution_breached = true;
  EXPECT_FALSE(next_check(c, cal, tg, r, {0, 1}).has_value());
}

TEST(SlaClockNextCheck, OfficeCalendarRuleInstant) {
  const Calendar cal = office();
  SlaTargets tg = targets(std::nullopt, 480);
  SlaClock c = start_clock(cal, tg, utc(2024, 1, 5, 15), StageKind::kRunning);
  auto r = rules(R"([{"target": "resolution", "at_percent": 50, "action": "notify"}])");
  EXPECT_EQ(next_check(c, cal, tg, r, {}), utc(2024, 1, 8, 11));  // Fri 2 h + Mon 2 h
}

TEST(SlaClockNextCheck, RulesBeyondTheRangeAreIgnored) {
  const Calendar tiny = Calendar::compile(R"({"mon": [["09:00", "09:01"]]})", {},
                                          std::make_shared<FixedOffsetZone>(0));
  SlaTargets tg = targets(std::nullopt, 10);
  SlaClock c = start_clock(tiny, tg, utc(2024, 1, 1), StageKind::kRunning);
  // A huge target: the deadline itself would overflow, so give the clock one by hand.
  SlaTargets huge = targets(std::nullopt, 2'000'000'000);
  auto r = rules(R"([{"target": "resolution", "at_percent": 1000, "action": "notify"}])");
  EXPECT_EQ(next_check(c, tiny, huge, r, {}), c.resolution_deadline);
  c.resolution_deadline.reset();
  EXPECT_FALSE(next_check(c, tiny, huge, r, {}).has_value());
}

// ------------------------------------------------------------ parse_escalation_rules

TEST(EscalationRules, ParsesEveryAction) {
  std::vector<EscalationRule> out;
  auto problems = parse_escalation_rules(
      R"([{"target": "response", "at_percent": 50, "action": "notify"},
          {"target": "resolution", "at_percent": 1000, "action": "set_priority", "priority": "critical"},
          {"target": "resolution", "at_percent": 1, "action": "reassign", "assignee_id": 2147483647}])",
      out);
  ASSERT_TRUE(problems.empty());
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].target, RuleTarget::kResponse);
  EXPECT_EQ(out[0].at_percent, 50);
  EXPECT_EQ(out[0].action, RuleAction::kNotify);
  EXPECT_EQ(out[1].target, RuleTarget::kResolution);
  EXPECT_EQ(out[1].action, RuleAction::kSetPriority);
  EXPECT_EQ(out[1].priority, "critical");
  EXPECT_EQ(out[2].action, RuleAction::kReassign);
  EXPECT_EQ(out[2].assignee_id, 2147483647);
}

TEST(EscalationRules, NullAndEmptyAreNoRules) {
  std::vector<EscalationRule> out{EscalationRule{}};
  EXPECT_TRUE(parse_escalation_rules("null", out).empty());
  EXPECT_TRUE(out.empty());
  EXPECT_TRUE(parse_escalation_rules("[]", out).empty());
  EXPECT_TRUE(out.empty());
}

std::vector<Problem> problems_of(const std::string& json) {
  std::vector<EscalationRule> out;
  auto p = parse_escalation_rules(json, out);
  EXPECT_TRUE(out.empty()) << "rules must not be half-parsed";
  return p;
}

TEST(EscalationRules, EachProblemHasItsPath) {
  auto p = problems_of(R"([{"target": "respons", "at_percent": 0, "action": "page", "extra": 1},
                           "x",
                           {"target": "resolution", "at_percent": 50, "action": "set_priority", "priority": "urgent"},
                           {"target": "resolution", "at_percent": 50, "action": "reassign"},
                           {"target": "resolution", "at_percent": 50.5, "action": "notify"}])");
  std::vector<std::string> paths;
  for (const auto& x : p) paths.push_back(x.path);
  EXPECT_EQ(paths, (std::vector<std::string>{
                       "escalation_rules[0].extra", "escalation_rules[0].target",
                       "escalation_rules[0].at_percent", "escalation_rules[0].action",
                       "escalation_rules[1]", "escalation_rules[2].priority",
                       "escalation_rules[3].assignee_id", "escalation_rules[4].at_percent"}));
  for (const auto& x : p) EXPECT_FALSE(x.message.empty());
}

TEST(EscalationRules, Bounds) {
  EXPECT_EQ(
      problems_of(R"([{"target": "response", "at_percent": 1001, "action": "notify"}])").size(),
      1u);
  EXPECT_EQ(
      problems_of(R"([{"target": "response", "at_percent": "50", "action": "notify"}])").size(),
      1u);
  EXPECT_EQ(problems_of(R"([{"target": "response", "at_percent": -5, "action": "notify"}])").size(),
            1u);
  EXPECT_EQ(
      problems_of(
          R"([{"target": "response", "at_percent": 18446744073709551615, "action": "notify"}])")
          .size(),
      1u);
  EXPECT_EQ(
      problems_of(
          R"([{"target": "response", "at_percent": 5, "action": "reassign", "assignee_id": 0}])")
          .size(),
      1u);
  EXPECT_EQ(
      problems_of(
          R"([{"target": "response", "at_percent": 5, "action": "reassign", "assignee_id": 2147483648}])")
          .size(),
      1u);
  EXPECT_EQ(
      problems_of(
          R"([{"target": "response", "at_percent": 5, "action": "reassign", "assignee_id": "7"}])")
          .size(),
      1u);
  EXPECT_EQ(problems_of(R"([{"at_percent": 5, "action": "notify"}])")[0].path,
            "escalation_rules[0].target");
  EXPECT_EQ(problems_of(R"([{"target": "response", "at_percent": 5}])")[0].path,
            "escalation_rules[0].action");
}

TEST(EscalationRules, NotAnArrayOrNotJson) {
  auto obj = problems_of(R"({"target": "response"})");
  ASSERT_EQ(obj.size(), 1u);
  EXPECT_EQ(obj[0].path, "escalation_rules");
  auto bad = problems_of("[{");
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_EQ(bad[0].path, "escalation_rules");
  EXPECT_EQ(problems_of("").size(), 1u);
  EXPECT_EQ(problems_of("42").size(), 1u);
}

TEST(EscalationRules, DeepNestingIsRefusedWithoutRecursion) {
  std::string deep(100000, '[');
  deep += std::string(100000, ']');
  auto p = problems_of(deep);
  ASSERT_EQ(p.size(), 1u);
  EXPECT_NE(p[0].message.find("nested"), std::string::npos);
  // Brackets inside strings do not count.
  std::string in_string = R"([{"target": "response", "at_percent": 5, "action": "notify", "x": ")" +
                          std::string(100, '[') + R"("}])";
  auto q = problems_of(in_string);
  ASSERT_EQ(q.size(), 1u);
  EXPECT_EQ(q[0].path, "escalation_rules[0].x");
}

}  // namespace
}  // namespace servicedesk
