// Test-only TimeZoneProviders: one that reads the system's zoneinfo (TZif
// v2+, the tzdata PostgreSQL is built against on Debian) and one with an
// explicit list of transitions.
#pragma once

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "core/calendar.hpp"

namespace servicedesk::testing {

inline constexpr std::int64_t kUnixEpochOffsetSeconds = 946'684'800;  // 2000-01-01 in unix time

inline Micros from_unix(std::int64_t unix_seconds) {
  return (unix_seconds - kUnixEpochOffsetSeconds) * kMicrosPerSecond;
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
inline std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

// A calendar Day (days since 2000-01-01).
inline Day date(int y, unsigned m, unsigned d) {
  return static_cast<Day>(days_from_civil(y, m, d) - 10957);
}

// A UTC instant given as a UTC wall-clock time.
inline Micros utc(int y, unsigned m, unsigned d, int hh = 0, int mm = 0, int ss = 0,
                  std::int64_t us = 0) {
  return from_unix(days_from_civil(y, m, d) * 86400 + hh * 3600 + mm * 60 + ss) + us;
}

// Explicit transitions: offset `initial` before the first, then each
// (instant, offset) pair in order.
class TransitionListZone final : public TimeZoneProvider {
 public:
  TransitionListZone(std::int32_t initial, std::vector<std::pair<Micros, std::int32_t>> list)
      : initial_(initial), list_(std::move(list)) {}
  OffsetSpan offset_at(Micros t) const override {
    auto it = std::upper_bound(list_.begin(), list_.end(), t,
                               [](Micros v, const auto& p) { return v < p.first; });
    std::int32_t off = it == list_.begin() ? initial_ : std::prev(it)->second;
    Micros until = it == list_.end() ? std::numeric_limits<Micros>::max() : it->first;
    return {off, until};
  }

 private:
  std::int32_t initial_;
  std::vector<std::pair<Micros, std::int32_t>> list_;
};

// Reads /usr/share/zoneinfo/<name>: the 64-bit transition table, extended
// with the POSIX TZ footer's rule ("Mm.w.d" forms) up to the year 2100.
class ZoneinfoZone final : public TimeZoneProvider {
 public:
  explicit ZoneinfoZone(const std::string& name) {
    std::ifstream in("/usr/share/zoneinfo/" + name, std::ios::binary);
    data_.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (data_.size() < 44 || data_.compare(0, 4, "TZif") != 0 || data_[4] < '2') {
      throw std::runtime_error("not a TZif v2+ file: " + name);
    }
    std::size_t pos = 0;
    Header h1 = header(pos);
    pos += 44 + h1.timecnt * 5 + h1.typecnt * 6 + h1.charcnt + h1.leapcnt * 8 + h1.isstdcnt +
           h1.isutcnt;
    Header h = header(pos);
    pos += 44;
    std::vector<std::int64_t> times(h.timecnt);
    for (auto& t : times) t = be(pos, 8), pos += 8;
    std::vector<unsigned> idx(h.timecnt);
    for (auto& i : idx) i = static_cast<unsigned char>(data_[pos++]);
    std::vector<std::int32_t> type_offsets(h.typecnt);
    std::vector<bool> type_dst(h.typecnt);
    for (std::size_t i = 0; i < h.typecnt; ++i) {
      type_offsets[i] = static_cast<std::int32_t>(be(pos, 4));
      type_dst[i] = data_[pos + 4] != 0;
      pos += 6;
    }
    pos += h.charcnt + h.leapcnt * 12 + h.isstdcnt + h.isutcnt;
    initial_ = type_offsets.empty() ? 0 : type_offsets[0];
    for (std::size_t i = 0; i < times.size(); ++i) {
      add_transition(times[i], type_offsets[idx[i]]);
    }
    // Footer: "\n<TZ string>\n".
    std::size_t start = data_.find('\n', pos);
    std::size_t end = start == std::string::npos ? start : data_.find('\n', start + 1);
    if (end != std::string::npos) footer(data_.substr(start + 1, end - start - 1));
    data_.clear();
  }

  OffsetSpan offset_at(Micros t) const override {
    auto it = std::upper_bound(trans_.begin(), trans_.end(), t);
    std::size_t i = static_cast<std::size_t>(it - trans_.begin());
    std::int32_t off = i == 0 ? initial_ : offsets_[i - 1];
    Micros until = i == trans_.size() ? std::numeric_limits<Micros>::max() : trans_[i];
    return {off, until};
  }

 private:
  struct Header {
    std::size_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
  };
  Header header(std::size_t pos) const {
    auto n = [&](int k) { return static_cast<std::size_t>(be(pos + 20 + 4 * k, 4)); };
    return {n(0), n(1), n(2), n(3), n(4), n(5)};
  }
  std::int64_t be(std::size_t pos, int bytes) const {
    std::uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<unsigned char>(data_[pos + i]);
    if (bytes == 4) return static_cast<std::int32_t>(static_cast<std::uint32_t>(v));
    return static_cast<std::int64_t>(v);
  }
  void add_transition(std::int64_t unix_seconds, std::int32_t offset) {
    std::int32_t previous = offsets_.empty() ? initial_ : offsets_.back();
    if (offset == previous) return;  // only real offset changes matter here
    if (!trans_.empty() && from_unix(unix_seconds) <= trans_.back()) return;
    trans_.push_back(from_unix(unix_seconds));
    offsets_.push_back(offset);
  }

  // POSIX TZ parsing, enough for the rules tzdata emits.
  static std::string name(const std::string& s, std::size_t& i) {
    std::size_t b = i;
    if (s[i] == '<') {
      i = s.find('>', i) + 1;
    } else {
      while (i < s.size() && std::isalpha(static_cast<unsigned char>(s[i]))) ++i;
    }
    return s.substr(b, i - b);
  }
  static std::int32_t hms(const std::string& s, std::size_t& i) {  // [+-]h[:mm[:ss]]
    int sign = 1;
    if (s[i] == '+' || s[i] == '-') sign = s[i++] == '-' ? -1 : 1;
    std::int32_t parts[3] = {0, 0, 0};
    for (int k = 0; k < 3; ++k) {
      while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
        parts[k] = parts[k] * 10 + (s[i++] - '0');
      }
      if (k < 2 && i < s.size() && s[i] == ':') {
        ++i;
      } else {
        break;
      }
    }
    return sign * (parts[0] * 3600 + parts[1] * 60 + parts[2]);
  }
  struct Rule {
    unsigned month, week, wday;
    std::int32_t time;
  };
  static Rule rule(const std::string& s, std::size_t& i) {
    if (s[i] != 'M') throw std::runtime_error("unsupported TZ rule: " + s);
    ++i;
    Rule r{0, 0, 0, 7200};
    unsigned* f[3] = {&r.month, &r.week, &r.wday};
    for (int k = 0; k < 3; ++k) {
      while (std::isdigit(static_cast<unsigned char>(s[i]))) *f[k] = *f[k] * 10 + (s[i++] - '0');
      if (k < 2) ++i;  // '.'
    }
    if (i < s.size() && s[i] == '/') r.time = hms(s, ++i);
    return r;
  }
  // Unix seconds of the rule's local time in `year`, for a local offset.
  static std::int64_t when(const Rule& r, int year, std::int32_t local_offset) {
    std::int64_t first = days_from_civil(year, r.month, 1);
    int wd_first = static_cast<int>(((first % 7) + 11) % 7);  // 1970-01-01 was a Thursday (4)
    std::int64_t day = first + (static_cast<int>(r.wday) - wd_first + 7) % 7 + (r.week - 1) * 7;
    std::int64_t next_month =
        r.month == 12 ? days_from_civil(year + 1, 1, 1) : days_from_civil(year, r.month + 1, 1);
    while (day >= next_month) day -= 7;
    return day * 86400 + r.time - local_offset;
  }
  void footer(const std::string& tz) {
    if (tz.empty()) return;
    std::size_t i = 0;
    name(tz, i);
    std::int32_t std_off = -hms(tz, i);
    if (i >= tz.size()) return;  // fixed offset after the table
    name(tz, i);
    std::int32_t dst_off = std_off + 3600;
    if (tz[i] != ',') dst_off = -hms(tz, i);
    ++i;
    Rule start = rule(tz, i);
    ++i;
    Rule end = rule(tz, i);
    std::int64_t last =
        trans_.empty() ? 0 : trans_.back() / kMicrosPerSecond + kUnixEpochOffsetSeconds;
    int first_year = 1970 + static_cast<int>(last / (365 * 86400)) - 1;
    for (int y = first_year; y <= 2100; ++y) {
      std::vector<std::pair<std::int64_t, std::int32_t>> year{{when(start, y, std_off), dst_off},
                                                              {when(end, y, dst_off), std_off}};
      std::sort(year.begin(), year.end());
      for (auto& [t, off] : year) {
        if (t > last) add_transition(t, off);
      }
    }
  }

  std::string data_;
  std::int32_t initial_ = 0;
  std::vector<Micros> trans_;
  std::vector<std::int32_t> offsets_;
};

}  // namespace servicedesk::testing
