// Business calendars: weekly working intervals in local wall-clock time, local
// holidays, a time zone; business_add / business_minutes of SPEC section 6.
// Plain C++20, no PostgreSQL header. Time-zone rules come from a
// TimeZoneProvider: the glue implements it with PostgreSQL's own pg_tz code,
// the unit tests with the system's zoneinfo.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "error.hpp"

namespace servicedesk {

// Instants are microseconds since 2000-01-01 00:00:00 UTC, exactly
// PostgreSQL's TimestampTz representation.
using Micros = std::int64_t;
// Dates are days since 2000-01-01, exactly PostgreSQL's DateADT.
using Day = std::int32_t;

inline constexpr Micros kMicrosPerSecond = 1'000'000;
inline constexpr Micros kMicrosPerMinute = 60 * kMicrosPerSecond;
inline constexpr Micros kMicrosPerDay = 1440 * kMicrosPerMinute;
// PostgreSQL's timestamp range (TimestampTz): MIN_TIMESTAMP .. END_TIMESTAMP-1.
inline constexpr Micros kMinTimestamp = -211813488000000000LL;   // 4714-11-24 BC
inline constexpr Micros kEndTimestamp = 9223371331200000000LL;   // 294277-01-01

// A span of UTC time during which the zone's UTC offset is constant.
struct OffsetSpan {
  std::int32_t utc_offset_seconds;  // local = utc + offset (east of Greenwich positive)
  Micros until;                     // first instant after the span (exclusive);
                                    // std::numeric_limits<Micros>::max() if none
};

class TimeZoneProvider {
 public:
  virtual ~TimeZoneProvider() = default;
  // The offset in effect at instant `utc`, and until when it holds.
  virtual OffsetSpan offset_at(Micros utc) const = 0;
};

// A fixed-offset zone (UTC, or "+05:30" style): one span forever.
class FixedOffsetZone final : public TimeZoneProvider {
 public:
  explicit FixedOffsetZone(std::int32_t offset_seconds) : offset_(offset_seconds) {}
  OffsetSpan offset_at(Micros) const override {
    return {offset_, std::numeric_limits<Micros>::max()};
  }

 private:
  std::int32_t offset_;
};

// One working interval of a day, in minutes from local midnight: [start, end),
// 0 <= start < end <= 1440 ("24:00" ends a day).
struct WorkInterval {
  std::int32_t start_minute;
  std::int32_t end_minute;
  bool operator==(const WorkInterval&) const = default;
};

// The weekly schedule: index 0 = Monday ... 6 = Sunday.
using WeekSchedule = std::array<std::vector<WorkInterval>, 7>;

// Parses and validates `working_hours` JSON ({"mon": [["09:00","17:00"]], ...}).
// Returns every problem, each located by JSON path ("working_hours.tue[1][0]"),
// or an empty vector with `out` filled when valid. Never throws for bad input.
std::vector<Problem> parse_working_hours(std::string_view json, WeekSchedule& out);

class Calendar {
 public:
  // A compiled calendar. Throws Error(SD007) listing every problem (one per
  // DETAIL line) when the schedule is invalid or has no working time at all.
  // `holidays` need not be sorted or unique.
  static Calendar compile(std::string_view working_hours_json, std::vector<Day> holidays,
                          std::shared_ptr<const TimeZoneProvider> zone);
  // The same from an already parsed schedule (checked the same way; touching
  // intervals are merged). A null zone means UTC.
  static Calendar from_schedule(const WeekSchedule& schedule, std::vector<Day> holidays,
                                std::shared_ptr<const TimeZoneProvider> zone);
  // 24x7 in UTC: working time equals elapsed time.
  static Calendar always_open();

  // Earliest instant t >= start with `minutes` of working time in [start, t].
  // An interval ending at closing time returns the closing time. Throws
  // Error(22023) for negative minutes, Error(22008) when the result falls
  // outside PostgreSQL's timestamp range.
  Micros add(Micros start, std::int64_t minutes) const;
  // The same for an amount of working time in microseconds (SLA pauses).
  Micros add_work(Micros start, Micros work) const;
  // Working time in [a, b) in microseconds; negative when b < a. Instants
  // outside the timestamp range are clamped to it; a result beyond int64
  // (24x7 over nearly the whole range) saturates.
  Micros working_time(Micros a, Micros b) const;
  // Working minutes in [a, b), floored toward zero magnitude as SPEC says:
  // business_minutes(a, b) = floor(working_time(a,b)/1min) for a <= b, and
  // -business_minutes(b, a) for b < a.
  std::int64_t minutes_between(Micros a, Micros b) const;

  bool is_always_open() const noexcept { return always_open_; }
  const WeekSchedule& schedule() const noexcept { return schedule_; }

 private:
  friend struct CalendarAccess;  // the arithmetic helpers in calendar.cpp

  Calendar() = default;
  WeekSchedule schedule_{};
  std::vector<Day> holidays_;  // sorted, unique
  std::shared_ptr<const TimeZoneProvider> zone_;
  bool always_open_ = false;
  Micros week_work_ = 0;  // working micros in a full week without holidays
  std::array<Micros, 7> day_work_{};     // working micros of each weekday
  std::array<Micros, 8> week_prefix_{};  // working micros of Monday..weekday i-1
  std::vector<Micros> holiday_prefix_;   // [i] = working micros lost to holidays_[0..i)
  std::vector<Micros> holiday_after_;    // [i] = cumulative working time at the end of
                                         // holidays_[i] (see calendar.cpp)
};

}  // namespace servicedesk
