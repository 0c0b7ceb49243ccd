#include "core/calendar.hpp"

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "core/error.hpp"
#include "core/no_postgres.hpp"

// How the arithmetic works. With a constant UTC offset o, local time is just
// utc + o, so within one offset span the working time of [a, b) is
// C(b + o) - C(a + o), where C(x) is the working time on the naive local
// timeline from a fixed Monday (2000-01-03 00:00 local) to x:
//
//   C(x) = weeks * week_work + (Monday..weekday-1 of x's week)
//          + (part of x's day before x, 0 on a holiday)
//          - (working time of the holidays before x's day)
//
// The last term is a prefix sum over the sorted holidays, so C costs one
// binary search whatever the span. add() inverts C the same way: a binary
// search over the holidays finds the holiday-free stretch that holds the
// answer, and division by week_work finds the week. Only offset changes
// (DST transitions) cost a loop iteration.

namespace servicedesk {

namespace {

// Cumulative working time may exceed int64 near the ends of the timestamp
// range (the local timeline extends a day past it), so sums are 128-bit.
using Wide = __int128;

constexpr Day kFirstMonday = 2;  // 2000-01-01 was a Saturday
constexpr std::int32_t kMaxOffsetSeconds = 86'400;
constexpr std::size_t kMaxProblems = 100;
constexpr int kMaxJsonDepth = 64;
// Days that local instants within the timestamp range can fall on; holidays
// outside cannot matter and are dropped so every sum stays small.
constexpr std::int64_t kFirstRelevantDay = kMinTimestamp / kMicrosPerDay - 2;
constexpr std::int64_t kLastRelevantDay = kEndTimestamp / kMicrosPerDay + 2;

constexpr const char* kCalendarHint =
    "working_hours is a JSON object such as {\"mon\": [[\"09:00\", \"17:00\"]], \"tue\": "
    "[[\"09:00\", \"12:00\"], [\"13:00\", \"17:00\"]]}: keys mon..sun (a missing day is closed), "
    "each an array of sorted, non-overlapping [\"HH:MM\", \"HH:MM\"] intervals in local time; "
    "\"24:00\" may end an interval.";

constexpr std::array<const char*, 7> kDayKeys = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

template <typename T>
constexpr T floor_div(T a, T b) {
  T q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

constexpr int weekday(std::int64_t day) {  // 0 = Monday
  return static_cast<int>(day - kFirstMonday - floor_div<std::int64_t>(day - kFirstMonday, 7) * 7);
}

[[noreturn]] void throw_overflow(Wide work) {
  const Wide minutes = work / kMicrosPerMinute;
  const Wide rest = work % kMicrosPerMinute;
  std::string amount = std::to_string(static_cast<std::int64_t>(minutes)) + " working minutes";
  if (rest != 0)
    amount += " and " + std::to_string(static_cast<std::int64_t>(rest)) + " microseconds";
  throw Error(
      sqlstate::kDatetimeOverflow, "timestamp out of range",
      "Adding " + amount + " goes past the largest timestamp, 294276-12-31 23:59:59.999999+00.",
      "Use a smaller amount or an earlier start.");
}

// ---------------------------------------------------------------- parsing

class Problems {
 public:
  explicit Problems(std::vector<Problem>& out) : out_(out) {}
  void add(std::string path, std::string message) {
    if (out_.size() < kMaxProblems) {
      out_.push_back({std::move(path), std::move(message)});
    } else if (!truncated_) {
      truncated_ = true;
      out_.push_back({"working_hours", "too many problems; only the first " +
                                           std::to_string(kMaxProblems) + " are listed"});
    }
  }
  bool empty() const { return out_.empty(); }

 private:
  std::vector<Problem>& out_;
  bool truncated_ = false;
};

// Quotes a value from the input for a message: JSON syntax, ASCII only, and
// cut short so a huge value cannot flood the error report.
std::string quote(const nlohmann::json& value) {
  std::string s = value.dump(-1, ' ', true, nlohmann::json::error_handler_t::replace);
  if (s.size() > 40) s = s.substr(0, 37) + "...";
  return s;
}

std::string key_path(const std::string& key) {
  bool identifier = !key.empty() && key.size() <= 40;
  for (char c : key) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) {
      identifier = false;
    }
  }
  if (identifier) return "working_hours." + key;
  return "working_hours[" + quote(nlohmann::json(key)) + "]";
}

// "HH:MM" to minutes, or -1. "24:00" is accepted here; the caller checks
// that it only ends an interval.
int parse_time(const std::string& s) {
  auto digit = [&](std::size_t i) { return s[i] >= '0' && s[i] <= '9'; };
  if (s.size() != 5 || !digit(0) || !digit(1) || s[2] != ':' || !digit(3) || !digit(4)) return -1;
  int hh = (s[0] - '0') * 10 + (s[1] - '0');
  int mm = (s[3] - '0') * 10 + (s[4] - '0');
  if (hh == 24 && mm == 0) return 1440;
  if (hh > 23 || mm > 59) return -1;
  return hh * 60 + mm;
}

std::string format_time(int minute) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d:%02d", minute / 60 % 100, minute % 60);
  return buf;
}

// Nesting depth of the JSON text (brackets outside strings), stopping early
// once past `limit`: nlohmann's parser recurses, so deep input is refused
// before it gets there.
int json_depth(std::string_view text, int limit) {
  int depth = 0;
  int max_depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      max_depth = std::max(max_depth, ++depth);
      if (max_depth > limit) return max_depth;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return max_depth;
}

std::string printable(std::string_view s) {
  std::string out;
  for (unsigned char c : s) out.push_back(c >= 0x20 && c < 0x7f ? static_cast<char>(c) : '?');
  return out;
}

void parse_day(const nlohmann::json& value, const std::string& path, std::vector<WorkInterval>& out,
               Problems& problems) {
  if (!value.is_array()) {
    problems.add(path, "day value must be an array of [\"HH:MM\", \"HH:MM\"] intervals, not " +
                           std::string(value.type_name()));
    return;
  }
  const std::string time_rule =
      "time must be a string \"HH:MM\" with HH 00-23 and MM 00-59, or \"24:00\" to end an "
      "interval";
  for (std::size_t i = 0; i < value.size(); ++i) {
    const nlohmann::json& iv = value[i];
    const std::string ipath = path + "[" + std::to_string(i) + "]";
    if (!iv.is_array() || iv.size() != 2) {
      problems.add(ipath,
                   "interval must be a 2-element array of \"HH:MM\" strings, not " + quote(iv));
      continue;
    }
    int t[2] = {-1, -1};
    for (int k = 0; k < 2; ++k) {
      const std::string tpath = ipath + "[" + std::to_string(k) + "]";
      if (!iv[k].is_string()) {
        problems.add(tpath, time_rule + ", not " + quote(iv[k]));
        continue;
      }
      t[k] = parse_time(iv[k].get_ref<const std::string&>());
      if (t[k] < 0) problems.add(tpath, quote(iv[k]) + " is not a valid time; " + time_rule);
    }
    if (t[0] < 0 || t[1] < 0) continue;
    if (t[0] == 1440) {
      problems.add(ipath + "[0]", "\"24:00\" may only end an interval, not start one");
      continue;
    }
    if (t[0] >= t[1]) {
      problems.add(ipath, "interval start \"" + format_time(t[0]) + "\" is not before its end \"" +
                              format_time(t[1]) + "\"");
      continue;
    }
    if (!out.empty() && t[0] < out.back().end_minute) {
      problems.add(ipath, "interval [\"" + format_time(t[0]) + "\", \"" + format_time(t[1]) +
                              "\"] starts before the previous interval ends at \"" +
                              format_time(out.back().end_minute) +
                              "\"; intervals must be sorted and must not overlap (touching is "
                              "allowed)");
      continue;
    }
    if (!out.empty() && t[0] == out.back().end_minute) {
      out.back().end_minute = t[1];  // touching intervals merge
    } else {
      out.push_back({t[0], t[1]});
    }
  }
}

// Checks a schedule built in code (from_schedule) and merges touching
// intervals, with the same paths and rules as the JSON parser.
WeekSchedule normalize(const WeekSchedule& in, Problems& problems) {
  WeekSchedule out;
  for (int d = 0; d < 7; ++d) {
    const std::string path = std::string("working_hours.") + kDayKeys[d];
    for (std::size_t i = 0; i < in[d].size(); ++i) {
      const WorkInterval& iv = in[d][i];
      const std::string ipath = path + "[" + std::to_string(i) + "]";
      if (iv.start_minute < 0 || iv.end_minute > 1440 || iv.start_minute >= iv.end_minute) {
        problems.add(ipath, "interval [" + std::to_string(iv.start_minute) + ", " +
                                std::to_string(iv.end_minute) +
                                ") must satisfy 0 <= start < end <= 1440 minutes");
      } else if (!out[d].empty() && iv.start_minute < out[d].back().end_minute) {
        problems.add(ipath,
                     "interval starts before the previous interval ends; intervals must "
                     "be sorted and must not overlap (touching is allowed)");
      } else if (!out[d].empty() && iv.start_minute == out[d].back().end_minute) {
        out[d].back().end_minute = iv.end_minute;
      } else {
        out[d].push_back(iv);
      }
    }
  }
  return out;
}

[[noreturn]] void throw_invalid(const std::vector<Problem>& problems) {
  std::string detail;
  for (const Problem& p : problems) {
    if (!detail.empty()) detail += '\n';
    detail += p.path + ": " + p.message;
  }
  throw Error(sqlstate::kInvalidCalendar, "invalid calendar working_hours", detail, kCalendarHint);
}

}  // namespace

std::vector<Problem> parse_working_hours(std::string_view json, WeekSchedule& out) {
  std::vector<Problem> result;
  Problems problems(result);
  if (json_depth(json, kMaxJsonDepth) > kMaxJsonDepth) {
    problems.add("working_hours", "JSON nesting is deeper than " + std::to_string(kMaxJsonDepth) +
                                      " levels; working_hours is an object of arrays of "
                                      "[\"HH:MM\", \"HH:MM\"] intervals");
    return result;
  }
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(json.begin(), json.end());
  } catch (const nlohmann::json::exception& e) {
    std::string what = e.what();
    // Drop nlohmann's "[json.exception.parse_error.101] " prefix.
    if (auto pos = what.find("] "); what.rfind("[json.exception", 0) == 0 && pos != what.npos) {
      what = what.substr(pos + 2);
    }
    if (what.size() > 200) what = what.substr(0, 197) + "...";
    problems.add("working_hours", "is not valid JSON: " + printable(what));
    return result;
  }
  if (!doc.is_object()) {
    problems.add("working_hours", "must be a JSON object with day keys mon..sun, not " +
                                      std::string(doc.type_name()));
    return result;
  }
  WeekSchedule schedule;
  for (int d = 0; d < 7; ++d) {
    auto it = doc.find(kDayKeys[d]);
    if (it == doc.end()) continue;  // a missing day is closed
    parse_day(*it, std::string("working_hours.") + kDayKeys[d], schedule[d], problems);
  }
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    if (std::find_if(kDayKeys.begin(), kDayKeys.end(),
                     [&](const char* k) { return it.key() == k; }) == kDayKeys.end()) {
      problems.add(key_path(it.key()), "unknown day key " + quote(nlohmann::json(it.key())) +
                                           "; allowed keys are mon, tue, wed, thu, fri, sat, sun");
    }
  }
  if (result.empty()) out = std::move(schedule);
  return result;
}

// ---------------------------------------------------------------- arithmetic

struct CalendarAccess {
  // Working micros of weekday `wd` before `within` micros past local midnight.
  static Micros day_part(const Calendar& c, int wd, Micros within) {
    Micros sum = 0;
    for (const WorkInterval& iv : c.schedule_[wd]) {
      Micros s = iv.start_minute * kMicrosPerMinute;
      if (within <= s) break;
      sum += std::min<Micros>(within, iv.end_minute * kMicrosPerMinute) - s;
    }
    return sum;
  }

  // Offset into the day of weekday `wd` where `need` (0 < need <= day work)
  // working micros have elapsed: the earliest such instant, so a need that is
  // used up exactly at closing time gives the closing time.
  static Micros day_position(const Calendar& c, int wd, Micros need) {
    for (const WorkInterval& iv : c.schedule_[wd]) {
      Micros len = (iv.end_minute - iv.start_minute) * kMicrosPerMinute;
      if (need <= len) return iv.start_minute * kMicrosPerMinute + need;
      need -= len;
    }
    return c.schedule_[wd].empty() ? 0 : c.schedule_[wd].back().end_minute * kMicrosPerMinute;
  }

  // C at local midnight starting `day`, given `holidays_before` = the number
  // of holidays earlier than `day`.
  static Wide day_start(const Calendar& c, std::int64_t day, std::size_t holidays_before) {
    std::int64_t q = floor_div<std::int64_t>(day - kFirstMonday, 7);
    int r = static_cast<int>(day - kFirstMonday - q * 7);
    return Wide(q) * c.week_work_ + c.week_prefix_[r] - c.holiday_prefix_[holidays_before];
  }

  // Number of holidays before `day`. Branch-free: the searches run on every
  // call and a mispredicted branch per step costs more than the comparison.
  static std::size_t holidays_before(const Calendar& c, std::int64_t day) {
    std::size_t n = c.holidays_.size();
    if (n == 0) return 0;
    const Day* base = c.holidays_.data();
    while (n > 1) {
      const std::size_t half = n / 2;
      base = base[half] < day ? base + half : base;
      n -= half;
    }
    return static_cast<std::size_t>(base - c.holidays_.data()) + (*base < day ? 1 : 0);
  }

  // The same, starting from a guess (a neighbouring instant's answer): a few
  // steps from it before falling back to the binary search.
  static std::size_t holidays_before(const Calendar& c, std::int64_t day, std::size_t hint) {
    const std::vector<Day>& h = c.holidays_;
    std::size_t i = std::min(hint, h.size());
    for (int steps = 0; steps < 4; ++steps) {
      if (i > 0 && h[i - 1] >= day) {
        --i;
      } else if (i < h.size() && h[i] < day) {
        ++i;
      } else {
        return i;
      }
    }
    return holidays_before(c, day);
  }

  // C(local): working micros from the anchor Monday to the local instant.
  // `before` holds a guess of the number of holidays before the instant's
  // day and receives the exact number.
  static Wide cumulative(const Calendar& c, Micros local, std::size_t& before) {
    const std::int64_t day = floor_div(local, kMicrosPerDay);
    const Micros within = local - day * kMicrosPerDay;
    before = holidays_before(c, day, before);
    Wide value = day_start(c, day, before);
    if (before == c.holidays_.size() || c.holidays_[before] != day) {
      value += day_part(c, weekday(day), within);
    }
    return value;
  }

  // The earliest local instant y with C(y) == goal, given a local instant
  // before y with C below goal and `first` = the holidays before its day.
  static Micros invert(const Calendar& c, Wide goal, std::size_t first) {
    // First holiday j >= first with C(end of h[j]) >= goal: the answer lies
    // in the holiday-free stretch of days just before h[j] (or after the
    // last). holiday_after_ holds those C values, ascending.
    std::size_t n = c.holidays_.size() - first;
    const Micros* base = c.holiday_after_.data() + first;
    if (n > 0 && *base >= goal) {
      n = 0;  // the usual case: no holiday crossed
    } else if (n > 0) {
      while (n > 1) {
        const std::size_t half = n / 2;
        base = base[half] < goal ? base + half : base;
        n -= half;
      }
      if (*base < goal) ++base;
    }
    const std::size_t j = static_cast<std::size_t>(base - c.holiday_after_.data());
    // In that stretch C(midnight of n) = D0(n) - holiday_prefix[j] with
    // D0(n) = q * week_work + week_prefix[r], n = first Monday + 7q + r.
    // Find the first midnight n reaching the goal; the answer is in day n-1.
    const Wide g = goal + c.holiday_prefix_[j];
    // rest is in (0, week_work] so that a goal reached exactly at the end of
    // a week's last working day stays in that week, not the next Monday.
    const Wide q = g - 1 >= std::numeric_limits<std::int64_t>::min() &&
                           g - 1 <= std::numeric_limits<std::int64_t>::max()
                       ? floor_div<std::int64_t>(static_cast<std::int64_t>(g - 1), c.week_work_)
                       : floor_div<Wide>(g - 1, c.week_work_);  // 128-bit division is slow
    const Wide rest = g - q * c.week_work_;
    int r = 1;
    while (c.week_prefix_[r] < rest) ++r;
    const std::int64_t day = static_cast<std::int64_t>(kFirstMonday + q * 7 + r) - 1;
    const Micros need = static_cast<Micros>(goal - day_start(c, day, j));
    return day * kMicrosPerDay + day_position(c, weekday(day), need);
  }

  static std::int32_t checked_offset(const OffsetSpan& span, Micros t) {
    if (span.utc_offset_seconds > kMaxOffsetSeconds ||
        span.utc_offset_seconds < -kMaxOffsetSeconds || span.until <= t) {
      throw Error(sqlstate::kInternal, "time zone provider returned an invalid offset span",
                  "offset " + std::to_string(span.utc_offset_seconds) + " s, until " +
                      std::to_string(span.until) + " for instant " + std::to_string(t));
    }
    return span.utc_offset_seconds;
  }

  // Working micros in [a, b), negative when b < a. Instants outside the
  // timestamp range are clamped to it.
  static Wide working(const Calendar& c, Micros a, Micros b) {
    if (b < a) return -working(c, b, a);
    a = std::clamp(a, kMinTimestamp, kEndTimestamp);
    b = std::clamp(b, kMinTimestamp, kEndTimestamp);
    if (c.always_open_) return Wide(b) - a;
    Wide total = 0;
    Micros t = a;
    std::size_t at_start = holidays_before(c, floor_div(a, kMicrosPerDay));
    std::size_t at_end = at_start;
    while (t < b) {
      const OffsetSpan span = c.zone_->offset_at(t);
      const Micros o = checked_offset(span, t) * kMicrosPerSecond;
      const Micros e = std::min(span.until, b);
      at_start = at_end;
      total -= cumulative(c, t + o, at_start);
      at_end = at_start;
      total += cumulative(c, e + o, at_end);
      t = e;
    }
    return total;
  }

  // The earliest t >= start with `work` (>= 0) micros of working time in
  // [start, t].
  static Micros add(const Calendar& c, Micros start, Wide work) {
    if (start < kMinTimestamp || start >= kEndTimestamp) {
      throw Error(sqlstate::kDatetimeOverflow, "timestamp out of range",
                  "The start of the business time addition is outside the timestamp range.");
    }
    if (work == 0) return start;
    // Working time never exceeds elapsed time, so an amount longer than what
    // is left of the timestamp range overflows whatever the calendar.
    if (work > Wide(kEndTimestamp - 1) - start) throw_overflow(work);
    if (c.always_open_) return static_cast<Micros>(start + work);
    Wide remaining = work;
    Micros t = start;
    std::size_t at_end = holidays_before(c, floor_div(start, kMicrosPerDay));
    for (;;) {
      const OffsetSpan span = c.zone_->offset_at(t);
      const Micros o = checked_offset(span, t) * kMicrosPerSecond;
      const Micros e = std::min(span.until, kEndTimestamp);
      // The holiday counts at the span's ends, each guessed from the last.
      std::size_t first = at_end;
      const Wide from = cumulative(c, t + o, first);
      at_end = first;
      const Wide available = cumulative(c, e + o, at_end) - from;
      if (available >= remaining) {
        const Micros result = invert(c, from + remaining, first) - o;
        if (result >= kEndTimestamp) throw_overflow(work);
        return result;
      }
      remaining -= available;
      if (e == kEndTimestamp) throw_overflow(work);
      t = e;
    }
  }
};

Calendar Calendar::compile(std::string_view working_hours_json, std::vector<Day> holidays,
                           std::shared_ptr<const TimeZoneProvider> zone) {
  WeekSchedule schedule;
  std::vector<Problem> problems = parse_working_hours(working_hours_json, schedule);
  if (!problems.empty()) throw_invalid(problems);
  return from_schedule(schedule, std::move(holidays), std::move(zone));
}

Calendar Calendar::from_schedule(const WeekSchedule& schedule, std::vector<Day> holidays,
                                 std::shared_ptr<const TimeZoneProvider> zone) {
  std::vector<Problem> found;
  Problems problems(found);
  Calendar c;
  c.schedule_ = normalize(schedule, problems);
  if (!found.empty()) throw_invalid(found);
  for (int d = 0; d < 7; ++d) {
    for (const WorkInterval& iv : c.schedule_[d]) {
      c.day_work_[d] += (iv.end_minute - iv.start_minute) * kMicrosPerMinute;
    }
    c.week_prefix_[d + 1] = c.week_prefix_[d] + c.day_work_[d];
  }
  c.week_work_ = c.week_prefix_[7];
  if (c.week_work_ == 0) {
    throw Error(sqlstate::kInvalidCalendar, "invalid calendar: calendar has no working time",
                "Every day of the week is closed (working_hours has no interval).", kCalendarHint);
  }
  std::erase_if(holidays, [](Day d) { return d < kFirstRelevantDay || d > kLastRelevantDay; });
  std::sort(holidays.begin(), holidays.end());
  holidays.erase(std::unique(holidays.begin(), holidays.end()), holidays.end());
  c.holidays_ = std::move(holidays);
  c.holiday_prefix_.resize(c.holidays_.size() + 1);
  for (std::size_t i = 0; i < c.holidays_.size(); ++i) {
    c.holiday_prefix_[i + 1] = c.holiday_prefix_[i] + c.day_work_[weekday(c.holidays_[i])];
  }
  // Fits int64: relevant days end within a few days of the timestamp range,
  // and working time from the anchor never exceeds elapsed time.
  c.holiday_after_.resize(c.holidays_.size());
  for (std::size_t i = 0; i < c.holidays_.size(); ++i) {
    c.holiday_after_[i] =
        static_cast<Micros>(CalendarAccess::day_start(c, std::int64_t{c.holidays_[i]} + 1, i + 1));
  }
  c.zone_ = zone ? std::move(zone) : std::make_shared<FixedOffsetZone>(0);
  return c;
}

Calendar Calendar::always_open() {
  Calendar c;
  for (auto& day : c.schedule_) day.push_back({0, 1440});
  for (int d = 0; d < 7; ++d) {
    c.day_work_[d] = kMicrosPerDay;
    c.week_prefix_[d + 1] = c.week_prefix_[d] + kMicrosPerDay;
  }
  c.week_work_ = 7 * kMicrosPerDay;
  c.holiday_prefix_.assign(1, 0);
  c.zone_ = std::make_shared<FixedOffsetZone>(0);
  c.always_open_ = true;
  return c;
}

Micros Calendar::add(Micros start, std::int64_t minutes) const {
  if (minutes < 0) {
    throw Error(sqlstate::kInvalidParameter, "business_add minutes must not be negative",
                "minutes = " + std::to_string(minutes) + ".",
                "Pass zero or a positive number of working minutes.");
  }
  // Can exceed int64 from a start before 2000 (the range is wider than int64).
  return CalendarAccess::add(*this, start, Wide(minutes) * kMicrosPerMinute);
}

Micros Calendar::add_work(Micros start, Micros work) const {
  if (work < 0) {
    throw Error(sqlstate::kInvalidParameter, "working time to add must not be negative",
                "work = " + std::to_string(work) + " microseconds.");
  }
  return CalendarAccess::add(*this, start, work);
}

Micros Calendar::working_time(Micros a, Micros b) const {
  Wide w = CalendarAccess::working(*this, a, b);
  // Only an always-open calendar over nearly the whole range can exceed
  // int64; saturate rather than wrap.
  if (w > std::numeric_limits<Micros>::max()) return std::numeric_limits<Micros>::max();
  if (w < -std::numeric_limits<Micros>::max()) return -std::numeric_limits<Micros>::max();
  return static_cast<Micros>(w);
}

std::int64_t Calendar::minutes_between(Micros a, Micros b) const {
  // Truncation toward zero is floor for a <= b and -floor(|w|) for b < a.
  return static_cast<std::int64_t>(CalendarAccess::working(*this, a, b) / kMicrosPerMinute);
}

}  // namespace servicedesk
