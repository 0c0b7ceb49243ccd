// Calendar::add and working_time over short and long spans: the cost should
// depend on the number of DST transitions crossed, not on the span length.
// Calendar: Mon-Fri 09:00-17:00 in a Europe/Berlin-style zone (EU rules,
// computed, no filesystem) with German-style holidays 2020-2035.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <memory>
#include <vector>

#include "core/calendar.hpp"

namespace sd = servicedesk;

namespace {

std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468 - 10957;  // days since 2000
}

sd::Micros utc(int y, unsigned m, unsigned d, int hh = 0, int mm = 0) {
  return (days_from_civil(y, m, d) * 86400 + hh * 3600 + mm * 60) * sd::kMicrosPerSecond;
}

// Central European time: CEST from the last Sunday of March 01:00 UTC to the
// last Sunday of October 01:00 UTC, as a transition table searched by
// binary search (like tzdata / pg_tz), 1970-2200.
class EuropeBerlinRules final : public sd::TimeZoneProvider {
 public:
  EuropeBerlinRules() {
    for (int y = 1970; y <= 2200; ++y) {
      transitions_.push_back(last_sunday(y, 3));
      transitions_.push_back(last_sunday(y, 10));
    }
  }
  sd::OffsetSpan offset_at(sd::Micros t) const override {
    auto it = std::upper_bound(transitions_.begin(), transitions_.end(), t);
    const auto i = it - transitions_.begin();
    const std::int32_t offset = i % 2 == 1 ? 7200 : 3600;
    return {offset, it == transitions_.end() ? std::numeric_limits<sd::Micros>::max() : *it};
  }

 private:
  static sd::Micros last_sunday(std::int64_t y, unsigned month) {
    std::int64_t last = days_from_civil(y, month + 1, 1) - 1;
    std::int64_t wd = ((last + 6) % 7 + 7) % 7;  // 0 = Sunday; 2000-01-01 was a Saturday
    return ((last - wd) * 86400 + 3600) * sd::kMicrosPerSecond;
  }
  std::vector<sd::Micros> transitions_;
};

const sd::Calendar& office() {
  static const sd::Calendar c = [] {
    std::vector<sd::Day> holidays;
    for (int y = 2020; y <= 2035; ++y) {
      for (auto [m, d] : std::array<std::pair<unsigned, unsigned>, 5>{
               {{1, 1}, {5, 1}, {10, 3}, {12, 25}, {12, 26}}}) {
        holidays.push_back(static_cast<sd::Day>(days_from_civil(y, m, d)));
      }
    }
    return sd::Calendar::compile(
        R"({"mon": [["09:00", "17:00"]], "tue": [["09:00", "17:00"]],
            "wed": [["09:00", "17:00"]], "thu": [["09:00", "17:00"]],
            "fri": [["09:00", "17:00"]]})",
        holidays, std::make_shared<EuropeBerlinRules>());
  }();
  return c;
}

// 64 starts spread over 2024 at odd times, so spans cross DST changes the
// way real data does.
const std::vector<sd::Micros>& starts() {
  static const std::vector<sd::Micros> s = [] {
    std::vector<sd::Micros> v;
    for (int i = 0; i < 64; ++i) {
      v.push_back(utc(2024, 1, 1) + i * (5 * sd::kMicrosPerDay + 37 * sd::kMicrosPerMinute));
    }
    return v;
  }();
  return s;
}

void run_add(benchmark::State& state, const sd::Calendar& c, std::int64_t minutes) {
  const auto& s = starts();
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(c.add(s[i++ & 63], minutes));
  }
}

// Working minutes in an 8-hour weekday calendar.
constexpr std::int64_t kDay = 480;
constexpr std::int64_t kTwoWeeks = 10 * kDay;
constexpr std::int64_t kYear = 250 * kDay;

void BM_Add_1Day(benchmark::State& state) { run_add(state, office(), kDay); }
void BM_Add_2Weeks(benchmark::State& state) { run_add(state, office(), kTwoWeeks); }
void BM_Add_1Year(benchmark::State& state) { run_add(state, office(), kYear); }
void BM_Add_10Years(benchmark::State& state) { run_add(state, office(), 10 * kYear); }

void BM_Add_FixedOffset(benchmark::State& state) {
  static const sd::Calendar c = sd::Calendar::compile(
      R"({"mon": [["09:00", "17:00"]], "tue": [["09:00", "17:00"]], "wed": [["09:00", "17:00"]],
          "thu": [["09:00", "17:00"]], "fri": [["09:00", "17:00"]]})",
      {}, std::make_shared<sd::FixedOffsetZone>(3600));
  run_add(state, c, state.range(0) * kDay);
}

void run_working_time(benchmark::State& state, sd::Micros span) {
  const auto& s = starts();
  const sd::Calendar& c = office();
  std::size_t i = 0;
  for (auto _ : state) {
    sd::Micros a = s[i++ & 63];
    benchmark::DoNotOptimize(c.minutes_between(a, a + span));
  }
}

void BM_Minutes_2Weeks(benchmark::State& state) { run_working_time(state, 14 * sd::kMicrosPerDay); }
void BM_Minutes_1Year(benchmark::State& state) { run_working_time(state, 365 * sd::kMicrosPerDay); }

void BM_Add_AlwaysOpen(benchmark::State& state) {
  static const sd::Calendar c = sd::Calendar::always_open();
  run_add(state, c, kYear);
}

}  // namespace

BENCHMARK(BM_Add_1Day);
BENCHMARK(BM_Add_2Weeks);
BENCHMARK(BM_Add_1Year);
BENCHMARK(BM_Add_10Years);
// Days of work: 1 day, 2 weeks, 1 year, 1000 years (fixed offset, no DST).
BENCHMARK(BM_Add_FixedOffset)->Arg(1)->Arg(10)->Arg(250)->Arg(250'000);
BENCHMARK(BM_Minutes_2Weeks);
BENCHMARK(BM_Minutes_1Year);
BENCHMARK(BM_Add_AlwaysOpen);

// All bench/core/*.cpp link into one core_bench binary: main is weak so a
// second benchmark file may bring its own BENCHMARK_MAIN() without a clash.
__attribute__((weak)) int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
