#include "core/calendar.hpp"

#include <gtest/gtest.h>
#include <time.h>

#include <chrono>
#include <cstdlib>
#include <random>
#include <set>
#include <string>

#include "tz_test_provider.hpp"

namespace servicedesk {
namespace {

using testing::date;
using testing::TransitionListZone;
using testing::utc;
using testing::ZoneinfoZone;

constexpr const char* kMonFri = R"({"mon": [["09:00", "17:00"]], "tue": [["09:00", "17:00"]],
  "wed": [["09:00", "17:00"]], "thu": [["09:00", "17:00"]], "fri": [["09:00", "17:00"]]})";
constexpr const char* kDaily = R"({"mon": [["00:00", "24:00"]], "tue": [["00:00", "24:00"]],
  "wed": [["00:00", "24:00"]], "thu": [["00:00", "24:00"]], "fri": [["00:00", "24:00"]],
  "sat": [["00:00", "24:00"]], "sun": [["00:00", "24:00"]]})";

std::string every_day(const std::string& intervals) {
  std::string s = "{";
  for (const char* d : {"mon", "tue", "wed", "thu", "fri", "sat", "sun"}) {
    if (s.size() > 1) s += ", ";
    s += std::string("\"") + d + "\": " + intervals;
  }
  return s + "}";
}

std::shared_ptr<const TimeZoneProvider> zone(const std::string& name) {
  return std::make_shared<ZoneinfoZone>(name);
}

std::shared_ptr<const TimeZoneProvider> utc_zone() { return std::make_shared<FixedOffsetZone>(0); }

Calendar make(const std::string& json, std::vector<Day> holidays = {},
              std::shared_ptr<const TimeZoneProvider> z = utc_zone()) {
  return Calendar::compile(json, std::move(holidays), std::move(z));
}

// ------------------------------------------------------------ hand-checked

// 2024-01-01 is a Monday.
TEST(CalendarAdd, FridayAfternoonRollsToMonday) {
  Calendar c = make(kMonFri);
  EXPECT_EQ(c.add(utc(2024, 1, 5, 16), 120), utc(2024, 1, 8, 10));
  EXPECT_EQ(c.minutes_between(utc(2024, 1, 5, 16), utc(2024, 1, 8, 10)), 120);
}

TEST(CalendarAdd, LunchBreak) {
  Calendar c = make(R"({"tue": [["09:00", "12:00"], ["13:00", "17:00"]]})");
  EXPECT_EQ(c.add(utc(2024, 1, 2, 11), 90), utc(2024, 1, 2, 13, 30));
  EXPECT_EQ(c.add(utc(2024, 1, 2, 9), 180), utc(2024, 1, 2, 12));  // closing, not 13:00
  EXPECT_EQ(c.add(utc(2024, 1, 2, 12, 30), 1), utc(2024, 1, 2, 13, 1));
  EXPECT_EQ(c.add(utc(2024, 1, 2, 16), 120), utc(2024, 1, 9, 10));  // next Tuesday
  EXPECT_EQ(c.minutes_between(utc(2024, 1, 2, 9), utc(2024, 1, 2, 17)), 420);
  EXPECT_EQ(c.minutes_between(utc(2024, 1, 2, 11, 30), utc(2024, 1, 2, 13, 30)), 60);
  EXPECT_EQ(c.minutes_between(utc(2024, 1, 1), utc(2024, 1, 15)), 840);
}

TEST(CalendarAdd, Holidays) {
  Calendar c = make(kMonFri, {date(2024, 1, 8), date(2024, 1, 8), date(2023, 12, 25)});
  EXPECT_EQ(c.add(utc(2024, 1, 5, 16), 120), utc(2024, 1, 9, 10));
  EXPECT_EQ(c.minutes_between(utc(2024, 1, 5), utc(2024, 1, 10)), 960);
  EXPECT_EQ(c.minutes_between(utc(2024, 1, 8, 10), utc(2024, 1, 8, 12)), 0);
  EXPECT_EQ(c.add(utc(2024, 1, 8, 10), 1), utc(2024, 1, 9, 9, 1));
  // Christmas Monday 2023 closed: Fri 22nd 17:00 .. Tue 26th 10:00 is 60 minutes.
  EXPECT_EQ(c.minutes_between(utc(2023, 12, 22, 17), utc(2023, 12, 26, 10)), 60);
}

TEST(CalendarAdd, ConsecutiveHolidays) {
  std::vector<Day> hol;
  for (int d = 1; d <= 31; ++d) hol.push_back(date(2024, 7, d));
  Calendar c = make(kMonFri, hol);
  // Fri 2024-06-28 16:00 + 120: an hour on Friday, then all of July closed;
  // Thu 2024-08-01 10:00.
  EXPECT_EQ(c.add(utc(2024, 6, 28, 16), 120), utc(2024, 8, 1, 10));
  EXPECT_EQ(c.minutes_between(utc(2024, 6, 28, 16), utc(2024, 8, 1, 10)), 120);
}

TEST(CalendarAdd, StartOutsideWorkingHours) {
  Calendar c = make(kMonFri);
  EXPECT_EQ(c.add(utc(2024, 1, 6, 10), 60), utc(2024, 1, 8, 10));     // Saturday
  EXPECT_EQ(c.add(utc(2024, 1, 8, 7), 30), utc(2024, 1, 8, 9, 30));   // before opening
  EXPECT_EQ(c.add(utc(2024, 1, 8, 18), 30), utc(2024, 1, 9, 9, 30));  // after closing
  EXPECT_EQ(c.add(utc(2024, 1, 8, 17), 30), utc(2024, 1, 9, 9, 30));  // at closing
}

TEST(CalendarAdd, EndingExactlyAtClosingReturnsClosing) {
  Calendar c = make(kMonFri);
  EXPECT_EQ(c.add(utc(2024, 1, 8, 16), 60), utc(2024, 1, 8, 17));
  EXPECT_EQ(c.add(utc(2024, 1, 8, 9), 480), utc(2024, 1, 8, 17));
  EXPECT_EQ(c.add(utc(2024, 1, 8, 9), 2400), utc(2024, 1, 12, 17));  // a whole week
  EXPECT_EQ(c.add(utc(2024, 1, 6), 480), utc(2024, 1, 8, 17));
}

TEST(CalendarAdd, ZeroMinutesReturnsStart) {
  Calendar c = make(kMonFri);
  EXPECT_EQ(c.add(utc(2024, 1, 6, 10, 11, 12, 13), 0), utc(2024, 1, 6, 10, 11, 12, 13));
}

TEST(CalendarAdd, SecondsAndMicroseconds) {
  Calendar c = make(kMonFri);
  EXPECT_EQ(c.add(utc(2024, 1, 8, 16, 59, 30, 500000), 1), utc(2024, 1, 9, 9, 0, 30, 500000));
  EXPECT_EQ(c.minutes_between(utc(2024, 1, 8, 9), utc(2024, 1, 8, 9, 1, 59, 999999)), 1);
  EXPECT_EQ(c.minutes_between(utc(2024, 1, 8, 9, 1, 59, 999999), utc(2024, 1, 8, 9)), -1);
  EXPECT_EQ(c.working_time(utc(2024, 1, 8, 8, 59, 59), utc(2024, 1, 8, 9, 0, 0, 1)), 1);
}

TEST(CalendarAdd, AddWorkInMicroseconds) {
  Calendar c = make(kMonFri);
  EXPECT_EQ(c.add_work(utc(2024, 1, 8, 16, 59, 30), 45 * kMicrosPerSecond),
            utc(2024, 1, 9, 9, 0, 15));
  EXPECT_EQ(c.add_work(utc(2024, 1, 8, 16), 60 * kMicrosPerMinute), utc(2024, 1, 8, 17));
  EXPECT_EQ(c.add_work(utc(2024, 1, 6), 0), utc(2024, 1, 6));
  EXPECT_EQ(c.add_work(utc(2024, 1, 6), 1), utc(2024, 1, 8, 9, 0, 0, 1));
  EXPECT_THROW(c.add_work(utc(2024, 1, 6), -1), Error);
}

TEST(CalendarAdd, Antisymmetric) {
  Calendar c = make(kMonFri);
  EXPECT_EQ(c.minutes_between(utc(2024, 1, 8, 10), utc(2024, 1, 5, 16)), -120);
  EXPECT_EQ(c.working_time(utc(2024, 1, 8, 10), utc(2024, 1, 5, 16)), -120 * kMicrosPerMinute);
}

TEST(CalendarAdd, FixedOffsetZone) {
  Calendar c = make(kMonFri, {}, std::make_shared<FixedOffsetZone>(5 * 3600 + 1800));
  EXPECT_EQ(c.add(utc(2024, 1, 8, 3, 30), 480), utc(2024, 1, 8, 11, 30));
  EXPECT_EQ(c.add(utc(2024, 1, 5, 11), 30), utc(2024, 1, 5, 11, 30));  // Fri 16:30 IST -> 17:00
  EXPECT_EQ(c.add(utc(2024, 1, 5, 11), 60), utc(2024, 1, 8, 4));       // -> Mon 09:30 IST
}

TEST(CalendarAdd, AlwaysOpen) {
  Calendar c = Calendar::always_open();
  EXPECT_TRUE(c.is_always_open());
  EXPECT_EQ(c.add(utc(2024, 1, 6, 10), 1440), utc(2024, 1, 7, 10));
  EXPECT_EQ(c.working_time(utc(2024, 1, 6), utc(2024, 1, 6, 0, 0, 1, 5)), 1'000'005);
  EXPECT_EQ(c.minutes_between(utc(2024, 3, 1), utc(2024, 2, 1)), -29 * 1440);
  EXPECT_EQ(c.add(kEndTimestamp - kMicrosPerMinute - 1, 1), kEndTimestamp - 1);
  EXPECT_EQ(c.minutes_between(kMinTimestamp, kEndTimestamp - 1),
            (kEndTimestamp - 1 - (__int128)kMinTimestamp) / kMicrosPerMinute);
  // A 24x7 schedule in UTC behaves the same.
  Calendar d = make(kDaily);
  EXPECT_EQ(d.add(utc(2024, 1, 6, 10, 0, 0, 7), 1440), utc(2024, 1, 7, 10, 0, 0, 7));
  EXPECT_EQ(d.working_time(utc(2024, 1, 6), utc(2025, 1, 6)), 366 * kMicrosPerDay);
}

TEST(CalendarAdd, Errors) {
  Calendar c = make(kMonFri);
  try {
    c.add(utc(2024, 1, 8), -1);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "22023");
  }
  auto code_of = [](auto f) -> std::string {
    try {
      f();
    } catch (const Error& e) {
      return e.code();
    }
    return "none";
  };
  EXPECT_EQ(code_of([&] { Calendar::always_open().add(kEndTimestamp - kMicrosPerMinute, 1); }),
            "22008");
  EXPECT_EQ(code_of([&] { c.add(utc(2024, 1, 8), std::numeric_limits<std::int64_t>::max()); }),
            "22008");
  EXPECT_EQ(code_of([&] { c.add(kEndTimestamp - 7 * kMicrosPerDay, 5000); }), "22008");
  EXPECT_EQ(code_of([&] { Calendar::always_open().add(utc(2024, 1, 8), -5); }), "22023");
}

TEST(CalendarAdd, AmountsBeyondInt64Micros) {
  // The timestamp range is wider than int64 microseconds; adding more than
  // INT64_MAX micros of work from before 2000 is still valid.
  const std::int64_t m = 155'000'000'000;  // 9.3e18 micros
  const Micros expected = static_cast<Micros>(kMinTimestamp + (__int128)m * kMicrosPerMinute);
  EXPECT_EQ(Calendar::always_open().add(kMinTimestamp, m), expected);
  Calendar daily = make(kDaily);
  EXPECT_EQ(daily.add(kMinTimestamp, m), expected);
  EXPECT_EQ(daily.minutes_between(kMinTimestamp, expected), m);
}

TEST(CalendarAdd, HugeSpansAreFast) {
  Calendar c = make(kMonFri, {date(2024, 12, 25), date(2025, 1, 1), date(2500, 1, 1)});
  // 1000 years of 40-hour weeks.
  const std::int64_t minutes = 1000LL * 52 * 2400;
  auto t0 = std::chrono::steady_clock::now();
  Micros r = 0;
  for (int i = 0; i < 10000; ++i) r = c.add(utc(2024, 1, 8, 9) + i, minutes);
  auto elapsed = std::chrono::steady_clock::now() - t0;
  EXPECT_LT(elapsed, std::chrono::milliseconds(500));
  EXPECT_EQ(c.minutes_between(utc(2024, 1, 8, 9) + 9999, r), minutes);
  // From near the start to near the end of the whole range.
  Calendar d = make(kMonFri);
  std::int64_t all = d.minutes_between(kMinTimestamp, kEndTimestamp - 1);
  EXPECT_GT(all, 0);
  Micros end = d.add(kMinTimestamp, all);
  EXPECT_LE(end, kEndTimestamp - 1);
  EXPECT_EQ(d.minutes_between(kMinTimestamp, end), all);
}

// ------------------------------------------------------------ time zones

TEST(ZoneinfoZone, AgreesWithLibc) {
  std::mt19937_64 rng(7);
  for (const char* name : {"America/New_York", "Europe/Berlin", "Australia/Lord_Howe"}) {
    ZoneinfoZone z(name);
    setenv("TZ", name, 1);
    tzset();
    std::uniform_int_distribution<std::int64_t> dist(0, 2'100'000'000);  // 1970..2036
    for (int i = 0; i < 2000; ++i) {
      time_t t = static_cast<time_t>(dist(rng));
      struct tm tm_local {};
      localtime_r(&t, &tm_local);
      OffsetSpan span = z.offset_at(testing::from_unix(t));
      ASSERT_EQ(span.utc_offset_seconds, tm_local.tm_gmtoff) << name << " at " << t;
      ASSERT_GT(span.until, testing::from_unix(t));
    }
    // Beyond the table, from the footer rule.
    time_t t = 2'240'000'000;  // 2040-12
    struct tm tm_local {};
    localtime_r(&t, &tm_local);
    EXPECT_EQ(z.offset_at(testing::from_unix(t)).utc_offset_seconds, tm_local.tm_gmtoff);
  }
  unsetenv("TZ");
  tzset();
}

TEST(CalendarDst, NewYorkFullDays) {
  Calendar c = make(kDaily, {}, zone("America/New_York"));
  // 2024-03-10 spring forward at 07:00 UTC; 2024-11-03 fall back at 06:00 UTC.
  EXPECT_EQ(c.minutes_between(utc(2024, 3, 10, 5), utc(2024, 3, 11, 4)), 23 * 60);
  EXPECT_EQ(c.minutes_between(utc(2024, 11, 3, 4), utc(2024, 11, 4, 5)), 25 * 60);
  EXPECT_EQ(c.add(utc(2024, 3, 10, 5), 1440), utc(2024, 3, 11, 5));
}

TEST(CalendarDst, NewYorkEarlyMorning) {
  Calendar c = make(every_day(R"([["00:00", "06:00"]])"), {}, zone("America/New_York"));
  EXPECT_EQ(c.minutes_between(utc(2024, 3, 10, 5), utc(2024, 3, 11, 4)), 300);
  EXPECT_EQ(c.minutes_between(utc(2024, 11, 3, 4), utc(2024, 11, 4, 5)), 420);
  EXPECT_EQ(c.add(utc(2024, 3, 10, 5), 150), utc(2024, 3, 10, 7, 30));  // 03:30 EDT
  EXPECT_EQ(c.add(utc(2024, 11, 3, 4), 150), utc(2024, 11, 3, 6, 30));  // 01:30 EST
  EXPECT_EQ(c.add(utc(2024, 3, 10, 5), 300), utc(2024, 3, 10, 10));     // 06:00 EDT
  EXPECT_EQ(c.add(utc(2024, 11, 3, 4), 420), utc(2024, 11, 3, 11));     // 06:00 EST
}

TEST(CalendarDst, NewYorkSkippedAndRepeatedHour) {
  Calendar gap = make(every_day(R"([["02:00", "03:00"]])"), {}, zone("America/New_York"));
  EXPECT_EQ(gap.minutes_between(utc(2024, 3, 10, 5), utc(2024, 3, 11, 4)), 0);
  EXPECT_EQ(gap.minutes_between(utc(2024, 3, 9, 5), utc(2024, 3, 10, 5)), 60);
  // 2024-03-09 02:30 EST + 60 minutes: 30 that day, none on the 10th, 30 on the 11th.
  EXPECT_EQ(gap.add(utc(2024, 3, 9, 7, 30), 60), utc(2024, 3, 11, 6, 30));
  Calendar twice = make(every_day(R"([["01:00", "02:00"]])"), {}, zone("America/New_York"));
  EXPECT_EQ(twice.minutes_between(utc(2024, 11, 3, 4), utc(2024, 11, 4, 5)), 120);
  EXPECT_EQ(twice.add(utc(2024, 11, 3, 4), 90), utc(2024, 11, 3, 6, 30));
  EXPECT_EQ(twice.add(utc(2024, 11, 3, 4), 120), utc(2024, 11, 3, 7));
}

TEST(CalendarDst, BerlinBothChanges) {
  Calendar full = make(kDaily, {}, zone("Europe/Berlin"));
  // 2024-03-31 01:00 UTC spring forward; 2024-10-27 01:00 UTC fall back.
  EXPECT_EQ(full.minutes_between(utc(2024, 3, 30, 23), utc(2024, 3, 31, 22)), 23 * 60);
  EXPECT_EQ(full.minutes_between(utc(2024, 10, 26, 22), utc(2024, 10, 27, 23)), 25 * 60);
  Calendar early = make(every_day(R"([["00:00", "06:00"]])"), {}, zone("Europe/Berlin"));
  EXPECT_EQ(early.minutes_between(utc(2024, 3, 30, 23), utc(2024, 3, 31, 22)), 300);
  EXPECT_EQ(early.minutes_between(utc(2024, 10, 26, 22), utc(2024, 10, 27, 23)), 420);
  EXPECT_EQ(early.add(utc(2024, 3, 30, 23), 300), utc(2024, 3, 31, 4));    // 06:00 CEST
  EXPECT_EQ(early.add(utc(2024, 10, 26, 22), 420), utc(2024, 10, 27, 5));  // 06:00 CET
  // Office hours: a Monday after each change is a plain 8-hour day.
  Calendar office = make(kMonFri, {}, zone("Europe/Berlin"));
  EXPECT_EQ(office.add(utc(2024, 3, 29, 15), 120), utc(2024, 4, 1, 8));     // Fri 16:00 CET
  EXPECT_EQ(office.add(utc(2024, 10, 25, 14), 120), utc(2024, 10, 28, 9));  // Fri 16:00 CEST
}

TEST(CalendarDst, LordHoweHalfHourShift) {
  Calendar full = make(kDaily, {}, zone("Australia/Lord_Howe"));
  // 2024-04-07 02:00 +11 -> 01:30 +10:30 (15:00 UTC on the 6th);
  // 2024-10-06 02:00 +10:30 -> 02:30 +11 (15:30 UTC on the 5th).
  EXPECT_EQ(full.minutes_between(utc(2024, 4, 6, 13), utc(2024, 4, 7, 13, 30)), 1470);
  EXPECT_EQ(full.minutes_between(utc(2024, 10, 5, 13, 30), utc(2024, 10, 6, 13)), 1410);
  Calendar night = make(every_day(R"([["01:00", "03:00"]])"), {}, zone("Australia/Lord_Howe"));
  EXPECT_EQ(night.minutes_between(utc(2024, 4, 6, 13), utc(2024, 4, 7, 13, 30)), 150);
  EXPECT_EQ(night.minutes_between(utc(2024, 10, 5, 13, 30), utc(2024, 10, 6, 13)), 90);
  EXPECT_EQ(night.add(utc(2024, 4, 6, 13), 150), utc(2024, 4, 6, 16, 30));
  EXPECT_EQ(night.add(utc(2024, 10, 5, 13, 30), 90), utc(2024, 10, 5, 16));
}

// ------------------------------------------------------------ parsing

std::vector<Problem> problems_of(const std::string& json) {
  WeekSchedule s;
  return parse_working_hours(json, s);
}

std::vector<std::string> paths_of(const std::string& json) {
  std::vector<std::string> out;
  for (const Problem& p : problems_of(json)) out.push_back(p.path);
  return out;
}

using Paths = std::vector<std::string>;

TEST(ParseWorkingHours, Valid) {
  WeekSchedule s;
  EXPECT_TRUE(parse_working_hours(
                  R"({"tue": [["09:00", "12:00"], ["13:00", "17:00"]], "sun": [["00:00", "24:00"]],
                      "mon": []})",
                  s)
                  .empty());
  EXPECT_EQ(s[1], (std::vector<WorkInterval>{{540, 720}, {780, 1020}}));
  EXPECT_EQ(s[6], (std::vector<WorkInterval>{{0, 1440}}));
  EXPECT_TRUE(s[0].empty());
  EXPECT_TRUE(s[2].empty());
}

TEST(ParseWorkingHours, TouchingIntervalsMerge) {
  WeekSchedule s;
  EXPECT_TRUE(
      parse_working_hours(R"({"tue": [["09:00", "12:00"], ["12:00", "17:00"]]})", s).empty());
  EXPECT_EQ(s[1], (std::vector<WorkInterval>{{540, 1020}}));
}

TEST(ParseWorkingHours, UnknownDay) {
  auto p = problems_of(R"({"funday": [], "mon": [["09:00", "17:00"]], "Tue": []})");
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[0].path, "working_hours.Tue");
  EXPECT_EQ(p[1].path, "working_hours.funday");
  EXPECT_NE(p[1].message.find("mon, tue, wed, thu, fri, sat, sun"), std::string::npos);
  EXPECT_EQ(paths_of(R"({"fun day": []})"), Paths{R"(working_hours["fun day"])"});
}

TEST(ParseWorkingHours, BadTimes) {
  EXPECT_EQ(paths_of(R"({"mon": [["25:00", "26:00"]]})"),
            (Paths{"working_hours.mon[0][0]", "working_hours.mon[0][1]"}));
  auto p = problems_of(R"({"tue": [["09:00", "17:00"], ["18:00", "18:60"]]})");
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].path, "working_hours.tue[1][1]");
  EXPECT_NE(p[0].message.find("\"18:60\""), std::string::npos);
  EXPECT_NE(p[0].message.find("HH:MM"), std::string::npos);
  EXPECT_EQ(paths_of(R"({"mon": [["9:00", "17:00"]]})"), Paths{"working_hours.mon[0][0]"});
  EXPECT_EQ(paths_of(R"({"mon": [["09:00", "17:00:00"]]})"), Paths{"working_hours.mon[0][1]"});
  EXPECT_EQ(paths_of(R"({"mon": [["24:00", "24:00"]]})"), Paths{"working_hours.mon[0][0]"});
  EXPECT_EQ(paths_of(R"({"mon": [["-1:00", "24:01"]]})"),
            (Paths{"working_hours.mon[0][0]", "working_hours.mon[0][1]"}));
}

TEST(ParseWorkingHours, StartNotBeforeEnd) {
  auto p = problems_of(R"({"wed": [["17:00", "09:00"], ["10:00", "10:00"]]})");
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[0].path, "working_hours.wed[0]");
  EXPECT_EQ(p[1].path, "working_hours.wed[1]");
  EXPECT_NE(p[0].message.find("not before"), std::string::npos);
}

TEST(ParseWorkingHours, UnsortedOrOverlapping) {
  EXPECT_EQ(paths_of(R"({"tue": [["13:00", "17:00"], ["09:00", "12:00"]]})"),
            Paths{"working_hours.tue[1]"});
  auto p = problems_of(R"({"tue": [["09:00", "12:00"], ["11:00", "17:00"]]})");
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].path, "working_hours.tue[1]");
  EXPECT_NE(p[0].message.find("overlap"), std::string::npos);
}

TEST(ParseWorkingHours, WrongTypes) {
  EXPECT_EQ(paths_of(R"({"mon": "09:00-17:00"})"), Paths{"working_hours.mon"});
  EXPECT_EQ(paths_of(R"({"mon": null})"), Paths{"working_hours.mon"});
  EXPECT_EQ(paths_of(R"({"mon": [["09:00", 17]]})"), Paths{"working_hours.mon[0][1]"});
  EXPECT_EQ(paths_of(R"({"mon": [["09:00"]]})"), Paths{"working_hours.mon[0]"});
  EXPECT_EQ(paths_of(R"({"mon": ["09:00", "17:00"]})"),
            (Paths{"working_hours.mon[0]", "working_hours.mon[1]"}));
  EXPECT_EQ(paths_of(R"({"mon": [["09:00", "12:00", "13:00"]]})"), Paths{"working_hours.mon[0]"});
}

TEST(ParseWorkingHours, NotAnObject) {
  for (const char* json : {"[]", "\"x\"", "null", "42", "{", "", "{\"mon\": [}", "\xff"}) {
    auto p = problems_of(json);
    ASSERT_EQ(p.size(), 1u) << json;
    EXPECT_EQ(p[0].path, "working_hours") << json;
  }
  EXPECT_NE(problems_of("[]")[0].message.find("object"), std::string::npos);
  EXPECT_NE(problems_of("{")[0].message.find("not valid JSON"), std::string::npos);
}

TEST(ParseWorkingHours, EveryProblemReported) {
  auto p = problems_of(
      R"({"mon": [["25:00", "17:00"]], "tue": 1, "xyz": [], "sun": [["10:00", "09:00"]]})");
  EXPECT_EQ(p.size(), 4u);
}

TEST(ParseWorkingHours, PathologicalInput) {
  EXPECT_EQ(paths_of(std::string(100000, '[')), Paths{"working_hours"});
  EXPECT_EQ(paths_of("{\"mon\":" + std::string(70, '[') + std::string(70, ']') + "}"),
            Paths{"working_hours"});
  // A large but shallow input parses, and the problem list is capped.
  std::string big = "{\"mon\": [";
  for (int i = 0; i < 50000; ++i) big += std::string(i ? "," : "") + "[\"10:00\", \"09:00\"]";
  big += "]}";
  auto p = problems_of(big);
  EXPECT_EQ(p.size(), 101u);
  std::string many = "{\"mon\": [";
  for (int i = 0; i < 1439; ++i) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%s[\"%02d:%02d\", \"%02d:%02d\"]", i ? "," : "", i / 60, i % 60,
                  (i + 1) / 60, (i + 1) % 60);
    many += buf;
  }
  many += "]}";
  WeekSchedule s;
  EXPECT_TRUE(parse_working_hours(many, s).empty());
  EXPECT_EQ(s[0], (std::vector<WorkInterval>{{0, 1439}}));
}

TEST(CalendarCompile, InvalidThrowsSd007WithDetail) {
  try {
    make(R"({"mon": [["25:00", "17:00"]], "funday": []})");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "SD007");
    EXPECT_EQ(e.message(), "invalid calendar working_hours");
    EXPECT_NE(e.detail().find("working_hours.mon[0][0]: "), std::string::npos);
    EXPECT_NE(e.detail().find("\nworking_hours.funday: "), std::string::npos);
    EXPECT_NE(e.hint().find("HH:MM"), std::string::npos);
  }
}

TEST(CalendarCompile, EmptyWeekIsSd007) {
  for (const char* json : {"{}", R"({"mon": [], "sun": []})"}) {
    try {
      make(json);
      FAIL() << json;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), "SD007");
      EXPECT_NE(e.message().find("no working time"), std::string::npos);
    }
  }
}

TEST(CalendarCompile, FromScheduleValidates) {
  WeekSchedule s;
  s[0] = {{540, 720}, {720, 1020}};
  Calendar c = Calendar::from_schedule(s, {}, nullptr);
  EXPECT_EQ(c.schedule()[0], (std::vector<WorkInterval>{{540, 1020}}));
  s[1] = {{600, 500}};
  EXPECT_THROW(Calendar::from_schedule(s, {}, nullptr), Error);
  s[1] = {{0, 1441}};
  EXPECT_THROW(Calendar::from_schedule(s, {}, nullptr), Error);
}

// ------------------------------------------------------------ properties

// Reference: walk offset spans, then local days, intersecting each working
// interval with the span. Deliberately naive: no week skipping, no prefix sums.
struct Reference {
  WeekSchedule schedule;
  std::set<Day> holidays;
  std::shared_ptr<const TimeZoneProvider> zone;

  Micros working(Micros a, Micros b) const {
    if (b < a) return -working(b, a);
    Micros total = 0;
    for (Micros t = a; t < b;) {
      OffsetSpan span = zone->offset_at(t);
      Micros e = std::min(span.until, b);
      Micros o = span.utc_offset_seconds * kMicrosPerSecond;
      Micros lo = t + o;
      Micros hi = e + o;
      auto floor_day = [](Micros x) {
        return x >= 0 ? x / kMicrosPerDay : -((-x + kMicrosPerDay - 1) / kMicrosPerDay);
      };
      for (Micros day = floor_day(lo); day * kMicrosPerDay < hi; ++day) {
        if (holidays.count(static_cast<Day>(day))) continue;
        int wd = static_cast<int>(((day + 5) % 7 + 7) % 7);  // day 0 was a Saturday
        for (const WorkInterval& iv : schedule[wd]) {
          Micros s = std::max(lo, day * kMicrosPerDay + iv.start_minute * kMicrosPerMinute);
          Micros f = std::min(hi, day * kMicrosPerDay + iv.end_minute * kMicrosPerMinute);
          if (f > s) total += f - s;
        }
      }
      t = e;
    }
    return total;
  }
};

WeekSchedule random_schedule(std::mt19937& rng) {
  WeekSchedule s;
  std::uniform_int_distribution<int> count(0, 3);
  std::uniform_int_distribution<int> coin(0, 3);
  for (;;) {
    for (auto& day : s) {
      day.clear();
      int n = count(rng);
      std::vector<int> points;
      std::uniform_int_distribution<int> minute(0, 1440);
      std::set<int> chosen;
      while (static_cast<int>(chosen.size()) < 2 * n) {
        int m = minute(rng);
        if (coin(rng) != 0) m = m / 60 * 60;  // mostly on the hour
        chosen.insert(m);
      }
      points.assign(chosen.begin(), chosen.end());
      for (int i = 0; i + 1 < static_cast<int>(points.size()); i += 2) {
        day.push_back({points[i], points[i + 1]});
      }
    }
    for (auto& day : s) {
      if (!day.empty()) return s;
    }
  }
}

std::shared_ptr<const TimeZoneProvider> random_zone(std::mt19937& rng) {
  static const auto ny = zone("America/New_York");
  static const auto berlin = zone("Europe/Berlin");
  static const auto lord_howe = zone("Australia/Lord_Howe");
  switch (std::uniform_int_distribution<int>(0, 5)(rng)) {
    case 0:
      return utc_zone();
    case 1:
      return std::make_shared<FixedOffsetZone>(-(9 * 3600 + 30 * 60));
    case 2:
      return ny;
    case 3:
      return berlin;
    case 4:
      return lord_howe;
    default: {
      // Odd transitions: off-minute instants, big jumps either way.
      std::vector<std::pair<Micros, std::int32_t>> list;
      std::uniform_int_distribution<Micros> when(utc(2019, 12, 1), utc(2031, 6, 1));
      std::uniform_int_distribution<std::int32_t> off(-14 * 3600, 14 * 3600);
      for (int i = 0; i < 40; ++i) list.push_back({when(rng), off(rng)});
      std::sort(list.begin(), list.end());
      list.erase(std::unique(list.begin(), list.end(),
                             [](auto& x, auto& y) { return x.first == y.first; }),
                 list.end());
      return std::make_shared<TransitionListZone>(off(rng), list);
    }
  }
}

TEST(CalendarProperties, AgreesWithReference) {
  std::mt19937 rng(20240601);
  int cases = 0;
  for (int cal = 0; cal < 200; ++cal) {
    WeekSchedule schedule = random_schedule(rng);
    std::vector<Day> holidays;
    std::uniform_int_distribution<Day> hday(date(2019, 12, 1), date(2031, 3, 1));
    int nh = std::uniform_int_distribution<int>(0, 300)(rng);
    for (int i = 0; i < nh; ++i) holidays.push_back(hday(rng));
    auto z = random_zone(rng);
    Calendar c = Calendar::from_schedule(schedule, holidays, z);
    Reference ref{c.schedule(), {holidays.begin(), holidays.end()}, z};
    std::uniform_int_distribution<Micros> instant(utc(2020, 1, 1), utc(2030, 1, 1));
    std::uniform_int_distribution<Micros> length(0, 90 * kMicrosPerDay);
    std::uniform_int_distribution<std::int64_t> minutes(0, 30000);
    for (int i = 0; i < 60; ++i, ++cases) {
      Micros a = instant(rng);
      if (i % 3 == 0) a -= a % kMicrosPerMinute;  // on a minute, like most real input
      Micros b = a + length(rng);
      if (i % 4 == 1) {  // whole weeks from a Monday midnight (UTC)
        Micros day = a / kMicrosPerDay;
        a = (day - ((day + 5) % 7)) * kMicrosPerDay;
        b = a + (1 + i % 9) * 7 * kMicrosPerDay;
      }
      Micros w = c.working_time(a, b);
      ASSERT_EQ(w, ref.working(a, b)) << "cal " << cal << " case " << i;
      ASSERT_EQ(c.working_time(b, a), -w);
      ASSERT_EQ(c.minutes_between(a, b), w / kMicrosPerMinute);
      ASSERT_EQ(c.minutes_between(b, a), -(w / kMicrosPerMinute));
      Micros mid = a + (b - a) / 3;
      ASSERT_EQ(c.working_time(a, mid) + c.working_time(mid, b), w);

      std::int64_t m = minutes(rng);
      Micros r = c.add(a, m);
      ASSERT_EQ(c.add_work(a, m * kMicrosPerMinute), r);
      ASSERT_GE(r, a);
      ASSERT_EQ(c.minutes_between(a, r), m) << "cal " << cal << " case " << i;
      ASSERT_EQ(ref.working(a, r), m * kMicrosPerMinute);
      if (m > 0) {
        ASSERT_LT(ref.working(a, r - 1), m * kMicrosPerMinute) << "not the earliest instant";
      }
      std::int64_t m2 = m + minutes(rng) / 10;
      ASSERT_LE(r, c.add(a, m2));
      ASSERT_LE(c.add(a, m / 2), r);

      // Amounts that run out exactly at a random instant (often a closing
      // time or the end of a week) must not overshoot it.
      // add_work to exactly the working time of [a, b) lands on b or, if b
      // is outside working hours, on the last closing before it.
      Micros rw = c.add_work(a, w);
      ASSERT_LE(rw, b);
      ASSERT_EQ(c.working_time(rw, b), 0);
      ASSERT_EQ(ref.working(a, rw), w);

      std::int64_t exact = c.minutes_between(a, b);
      Micros rb = c.add(a, exact);
      ASSERT_LE(rb, b) << "cal " << cal << " case " << i;
      ASSERT_EQ(ref.working(a, rb), exact * kMicrosPerMinute);
      if (exact > 0) {
        ASSERT_LT(ref.working(a, rb - 1), exact * kMicrosPerMinute);
      }
    }
  }
  EXPECT_EQ(cases, 12000);
}

TEST(CalendarProperties, LongSpansAgreeWithReference) {
  std::mt19937 rng(99);
  for (int cal = 0; cal < 40; ++cal) {
    WeekSchedule schedule = random_schedule(rng);
    std::vector<Day> holidays;
    std::uniform_int_distribution<Day> hday(date(2019, 1, 1), date(2045, 1, 1));
    int nh = std::uniform_int_distribution<int>(0, 2000)(rng);
    for (int i = 0; i < nh; ++i) holidays.push_back(hday(rng));
    auto z = random_zone(rng);
    Calendar c = Calendar::from_schedule(schedule, holidays, z);
    Reference ref{c.schedule(), {holidays.begin(), holidays.end()}, z};
    std::uniform_int_distribution<Micros> instant(utc(2020, 1, 1), utc(2030, 1, 1));
    std::uniform_int_distribution<Micros> length(0, 15 * 365 * kMicrosPerDay);
    for (int i = 0; i < 10; ++i) {
      Micros a = instant(rng);
      Micros b = a + length(rng);
      Micros w = c.working_time(a, b);
      ASSERT_EQ(w, ref.working(a, b)) << "cal " << cal << " case " << i;
      std::int64_t m = w / kMicrosPerMinute;
      Micros r = c.add(a, m);
      ASSERT_LE(r, b);
      ASSERT_EQ(ref.working(a, r), m * kMicrosPerMinute);
      if (m > 0) {
        ASSERT_LT(ref.working(a, r - 1), m * kMicrosPerMinute);
      }
    }
  }
}

}  // namespace
}  // namespace servicedesk
