// libFuzzer target for the business calendar: parse_working_hours and
// Calendar::compile on arbitrary text, then add / working_time /
// minutes_between on fuzzer-chosen instants, checked against each other.
//
// Input layout (FuzzedDataProvider): the working_hours text first, up to a
// "\" + other byte terminator; the parameters are taken from the end.
// Seeds: test/fuzz/corpus/fuzz_calendar/.
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/calendar.hpp"

namespace sd = servicedesk;

namespace {

using Wide = __int128;

// Offsets within what real zones (and PostgreSQL) use.
constexpr std::int32_t kMaxOffset = 18 * 3600;

void check(bool ok) {
  if (!ok) __builtin_trap();
}

// A zone with a handful of fuzzer-chosen transitions; no filesystem access.
class FakeZone final : public sd::TimeZoneProvider {
 public:
  FakeZone(std::int32_t initial, std::vector<std::pair<sd::Micros, std::int32_t>> list)
      : initial_(initial), list_(std::move(list)) {}
  sd::OffsetSpan offset_at(sd::Micros t) const override {
    auto it = std::upper_bound(list_.begin(), list_.end(), t,
                               [](sd::Micros v, const auto& p) { return v < p.first; });
    std::int32_t off = it == list_.begin() ? initial_ : std::prev(it)->second;
    sd::Micros until = it == list_.end() ? std::numeric_limits<sd::Micros>::max() : it->first;
    return {off, until};
  }

 private:
  std::int32_t initial_;
  std::vector<std::pair<sd::Micros, std::int32_t>> list_;
};

sd::Micros clamp_instant(Wide v) {
  return static_cast<sd::Micros>(std::clamp<Wide>(v, sd::kMinTimestamp, sd::kEndTimestamp - 1));
}

// An instant near `base` most of the time, anywhere in range otherwise.
sd::Micros pick_instant(FuzzedDataProvider& fdp, sd::Micros base) {
  switch (fdp.ConsumeIntegralInRange<int>(0, 3)) {
    case 0:
      return clamp_instant(fdp.ConsumeIntegral<std::int64_t>());
    case 1:  // whole minutes around base
      return clamp_instant(Wide(base) +
                           Wide(fdp.ConsumeIntegral<std::int32_t>()) * sd::kMicrosPerMinute);
    case 2:  // arbitrary microseconds within ~a month of base
      return clamp_instant(Wide(base) + fdp.ConsumeIntegral<std::int32_t>() * Wide(1000));
    default:  // an edge of the range
      return fdp.ConsumeBool() ? sd::kMinTimestamp : sd::kEndTimestamp - 1;
  }
}

std::int64_t pick_minutes(FuzzedDataProvider& fdp) {
  switch (fdp.ConsumeIntegralInRange<int>(0, 3)) {
    case 0:
      return fdp.ConsumeIntegralInRange<std::int64_t>(0, 20000);
    case 1:
      return fdp.ConsumeIntegralInRange<std::int64_t>(0, 1LL << 40);
    case 2:
      return fdp.ConsumeIntegralInRange<std::int64_t>(0, std::numeric_limits<std::int64_t>::max());
    default:
      return fdp.ConsumeIntegralInRange<std::int64_t>(0, 600);
  }
}

void exercise(const sd::Calendar& c, FuzzedDataProvider& fdp, sd::Micros base) {
  const sd::Micros a = pick_instant(fdp, base);
  const sd::Micros b = pick_instant(fdp, base);
  const sd::Micros w = c.working_time(a, b);
  const bool saturated =
      w == std::numeric_limits<sd::Micros>::max() || w == -std::numeric_limits<sd::Micros>::max();
  if (!saturated) {
    check(c.working_time(b, a) == -w);
    check(c.minutes_between(a, b) == w / sd::kMicrosPerMinute);
    check(c.minutes_between(b, a) == -(w / sd::kMicrosPerMinute));
    // Working time never exceeds elapsed time, and is additive.
    check((w >= 0) == (b >= a) || w == 0);
    check(b >= a ? Wide(w) <= Wide(b) - a : Wide(-w) <= Wide(a) - b);
    const sd::Micros mid = static_cast<sd::Micros>(a + (Wide(b) - a) / 2);
    const sd::Micros w1 = c.working_time(a, mid);
    const sd::Micros w2 = c.working_time(mid, b);
    check(Wide(w1) + w2 == w);
  }

  const std::int64_t m = pick_minutes(fdp);
  try {
    const sd::Micros r = c.add(a, m);
    check(r >= a && r < sd::kEndTimestamp);
    if (Wide(m) * sd::kMicrosPerMinute <= std::numeric_limits<sd::Micros>::max()) {
      check(c.add_work(a, m * sd::kMicrosPerMinute) == r);
    }
    check(c.minutes_between(a, r) == m);
    // working_time saturates at int64 (only 24x7 over most of the range).
    const sd::Micros wr = c.working_time(a, r);
    if (wr != std::numeric_limits<sd::Micros>::max()) {
      check(Wide(wr) == Wide(m) * sd::kMicrosPerMinute);
      if (m > 0) check(Wide(c.working_time(a, r - 1)) < Wide(m) * sd::kMicrosPerMinute);
    }
    check(c.add(a, m / 2) <= r);
  } catch (const sd::Error& e) {
    check(e.code() == sd::sqlstate::kDatetimeOverflow);
    // Only when the range really runs out before m working minutes.
    check(Wide(c.working_time(a, sd::kEndTimestamp - 1)) < Wide(m) * sd::kMicrosPerMinute);
  }
  if (!saturated && b >= a) {
    // Adding exactly the working time of [a, b) lands at or before b.
    const sd::Micros rw = c.add_work(a, w);
    check(rw >= a && rw <= b && c.working_time(a, rw) == w && c.working_time(rw, b) == 0);
  }
  try {
    (void)c.add(a, -1 - fdp.ConsumeIntegralInRange<std::int64_t>(0, 1000));
    check(false);
  } catch (const sd::Error& e) {
    check(e.code() == sd::sqlstate::kInvalidParameter);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider fdp(data, size);
  const std::string json = fdp.ConsumeRandomLengthString(1 << 20);

  sd::WeekSchedule parsed;
  const std::vector<sd::Problem> problems = sd::parse_working_hours(json, parsed);
  for (const sd::Problem& p : problems) {
    check(p.path.rfind("working_hours", 0) == 0 && !p.message.empty());
  }

  // Build a schedule directly from bytes half the time, so the arithmetic
  // gets valid calendars even when the text is not.
  sd::WeekSchedule raw;
  const bool use_raw = fdp.ConsumeBool();
  if (use_raw) {
    for (auto& day : raw) {
      int n = fdp.ConsumeIntegralInRange<int>(0, 3);
      for (int i = 0; i < n; ++i) {
        int s = fdp.ConsumeIntegralInRange<int>(-1, 1441);
        int e = fdp.ConsumeIntegralInRange<int>(-1, 1441);
        day.push_back({s, e});
      }
    }
  }

  const sd::Micros base = fdp.ConsumeIntegralInRange<sd::Micros>(-400LL * 365 * sd::kMicrosPerDay,
                                                                 400LL * 365 * sd::kMicrosPerDay);
  std::shared_ptr<const sd::TimeZoneProvider> zone;
  if (fdp.ConsumeBool()) {
    zone = std::make_shared<sd::FixedOffsetZone>(
        fdp.ConsumeIntegralInRange<std::int32_t>(-kMaxOffset, kMaxOffset));
  } else {
    std::vector<std::pair<sd::Micros, std::int32_t>> list;
    int n = fdp.ConsumeIntegralInRange<int>(0, 12);
    for (int i = 0; i < n; ++i) {
      sd::Micros at = fdp.ConsumeBool()
                          ? pick_instant(fdp, base)
                          : clamp_instant(Wide(base) + Wide(fdp.ConsumeIntegral<std::int16_t>()) *
                                                           sd::kMicrosPerMinute * 97);
      list.push_back({at, fdp.ConsumeIntegralInRange<std::int32_t>(-kMaxOffset, kMaxOffset)});
    }
    std::sort(list.begin(), list.end());
    list.erase(std::unique(list.begin(), list.end(),
                           [](const auto& x, const auto& y) { return x.first == y.first; }),
               list.end());
    zone = std::make_shared<FakeZone>(
        fdp.ConsumeIntegralInRange<std::int32_t>(-kMaxOffset, kMaxOffset), std::move(list));
  }

  std::vector<sd::Day> holidays;
  const int nh = fdp.ConsumeIntegralInRange<int>(0, 16);
  const sd::Day base_day = static_cast<sd::Day>(base / sd::kMicrosPerDay);
  for (int i = 0; i < nh; ++i) {
    holidays.push_back(fdp.ConsumeBool() ? fdp.ConsumeIntegral<sd::Day>()
                                         : base_day + fdp.ConsumeIntegral<std::int8_t>());
  }

  const bool always = fdp.ConsumeIntegralInRange<int>(0, 15) == 0;
  try {
    const sd::Calendar c = always    ? sd::Calendar::always_open()
                           : use_raw ? sd::Calendar::from_schedule(raw, holidays, zone)
                                     : sd::Calendar::compile(json, holidays, zone);
    check(use_raw || always || problems.empty());
    for (int i = 0; i < 4 && fdp.remaining_bytes() > 0; ++i) exercise(c, fdp, base);
  } catch (const sd::Error& e) {
    check(e.code() == sd::sqlstate::kInvalidCalendar);
    check(use_raw || !problems.empty() || e.message().find("no working time") != std::string::npos);
  }
  return 0;
}
