#include "pg/calendars.hpp"

#include <list>
#include <string>
#include <unordered_map>
#include <vector>

#include "pg/module.hpp"
#include "pg/rows.hpp"
#include "pg/spi.hpp"

extern "C" {
#include "pgtime.h"
}

namespace servicedesk::pg {

namespace {

constexpr std::int64_t kUnixEpochShift = 946684800;  // seconds from 1970-01-01 to 2000-01-01

// PostgreSQL's own time-zone rules (the same code AT TIME ZONE uses). pg_tz
// objects live for the life of the backend, so keeping the pointer is safe.
class PgZone final : public TimeZoneProvider {
 public:
  explicit PgZone(const pg_tz* tz) : tz_(tz) {}
  OffsetSpan offset_at(Micros utc) const override {
    // Floor division: instants before 2000 are negative.
    Micros secs = utc / kMicrosPerSecond;
    if (utc % kMicrosPerSecond < 0) --secs;
    pg_time_t t = static_cast<pg_time_t>(secs + kUnixEpochShift);
    long before_off = 0, after_off = 0;
    int before_dst = 0, after_dst = 0;
    pg_time_t boundary = 0;
    int r = pg_next_dst_boundary(&t, &before_off, &before_dst, &boundary, &after_off, &after_dst,
                                 tz_);
    if (r < 0) {
      throw Error(sqlstate::kInvalidCalendar, "time zone rules are unavailable for this instant",
                  "pg_next_dst_boundary failed.", "Use an instant within the timestamp range.");
    }
    OffsetSpan span{static_cast<std::int32_t>(before_off), std::numeric_limits<Micros>::max()};
    if (r == 1) {
      std::int64_t until = static_cast<std::int64_t>(boundary) - kUnixEpochShift;
      if (until < std::numeric_limits<Micros>::max() / kMicrosPerSecond) {
        span.until = until * kMicrosPerSecond;
      }
    }
    return span;
  }

 private:
  const pg_tz* tz_;
};

Plan g_fetch = {
    "SELECT timezone, working_hours::pg_catalog.text, holidays FROM servicedesk.calendars "
    "WHERE id OPERATOR(pg_catalog.=) $1",
    1, {INT4OID}};

struct Cache {
  Oid table = InvalidOid;
  std::list<std::pair<std::int32_t, std::shared_ptr<const Calendar>>> lru;
  std::unordered_map<std::int32_t, decltype(lru)::iterator> index;
};
Cache* g_cache = nullptr;
std::shared_ptr<const Calendar>* g_always = nullptr;

void invalidate(Oid relid) {
  if (g_cache != nullptr && (relid == InvalidOid || relid == g_cache->table)) {
    g_cache->index.clear();
    g_cache->lru.clear();
    g_cache->table = InvalidOid;
  }
}

const pg_tz* zone_or_null(const char* name) { return pg_tzset(name); }

[[noreturn]] void bad_zone(const std::string& name) {
  throw Error(sqlstate::kInvalidCalendar, "time zone \"" + name + "\" is not recognized",
              "timezone: unknown time zone name.",
              "Use a name from pg_timezone_names, such as 'Europe/Berlin' or 'UTC'.");
}

std::shared_ptr<const TimeZoneProvider> zone_for(const std::string& name) {
  const char* n = name.c_str();
  const pg_tz* tz = pg_call([&] { return zone_or_null(n); });
  if (tz == nullptr) bad_zone(name);
  return std::make_shared<PgZone>(tz);
}

// The holidays array as days; SD007 for NULL or infinite elements.
std::vector<Day> holiday_days(Datum array) {
  Datum* elems = nullptr;
  bool* nulls = nullptr;
  int n = 0;
  pg_call([&] {
    deconstruct_array(DatumGetArrayTypeP(array), DATEOID, 4, true, TYPALIGN_INT, &elems, &nulls,
                      &n);
  });
  std::vector<Day> days;
  days.reserve(n);
  for (int i = 0; i < n; ++i) {
    if (nulls[i]) {
      throw Error(sqlstate::kInvalidCalendar,
                  "calendar holiday " + std::to_string(i) + " is NULL",
                  "holidays[" + std::to_string(i) + "]: NULL is not a date.",
                  "List local dates closed all day, e.g. '{2026-12-25,2026-12-26}'.");
    }
    DateADT d = DatumGetDateADT(elems[i]);
    if (DATE_NOT_FINITE(d)) {
      throw Error(sqlstate::kInvalidCalendar,
                  "calendar holiday " + std::to_string(i) + " is infinite",
                  "holidays[" + std::to_string(i) + "]: infinity and -infinity are not days.",
                  "List local dates closed all day, e.g. '{2026-12-25,2026-12-26}'.");
    }
    days.push_back(static_cast<Day>(d));
  }
  return days;
}

std::shared_ptr<const Calendar> compile(const char* timezone, const char* hours, Datum holidays) {
  std::shared_ptr<const TimeZoneProvider> zone = zone_for(timezone);
  return std::make_shared<const Calendar>(
      Calendar::compile(hours, holiday_days(holidays), std::move(zone)));
}

}  // namespace

void calendar_cache_init() { on_relcache_invalidation(invalidate); }

std::shared_ptr<const Calendar> cached_calendar(bool has_id, std::int32_t id) {
  if (!has_id) return calendar_for(false, 0);  // the 24x7 calendar needs no query
  if (g_cache == nullptr) return nullptr;
  Oid table = pg_call([] { return catalog().calendars; });
  if (g_cache->table != table) return nullptr;
  auto it = g_cache->index.find(id);
  if (it == g_cache->index.end()) return nullptr;
  g_cache->lru.splice(g_cache->lru.begin(), g_cache->lru, it->second);
  return it->second->second;
}

std::shared_ptr<const Calendar> calendar_for(bool has_id, std::int32_t id) {
  if (!has_id) {
    if (g_always == nullptr) {
      g_always = new std::shared_ptr<const Calendar>(
          std::make_shared<const Calendar>(Calendar::always_open()));
    }
    return *g_always;
  }
  if (g_cache == nullptr) g_cache = new Cache();
  Cache& c = *g_cache;
  Oid table = pg_call([] { return catalog().calendars; });
  if (c.table != table) {
    c.index.clear();
    c.lru.clear();
    c.table = table;
  }
  auto it = c.index.find(id);
  if (it != c.index.end()) {
    c.lru.splice(c.lru.begin(), c.lru, it->second);
    return it->second->second;
  }
  Datum arg = Int32GetDatum(id);
  std::uint64_t n = spi_run_as_owner(g_fetch, &arg, nullptr, true, 1);
  if (n == 0) {
    throw Error(sqlstate::kInvalidCalendar, "calendar " + std::to_string(id) + " does not exist",
                "servicedesk.calendars has no row with id " + std::to_string(id) + ".",
                "Pass the id of a servicedesk.calendars row, or NULL for a 24x7 clock.");
  }
  struct Raw {
    char* tz;
    char* hours;
    Datum holidays;
  };
  Raw raw = pg_call([] {
    bool isnull;
    Raw r;
    r.tz = TextDatumGetCString(spi_value(0, 1, &isnull));
    r.hours = TextDatumGetCString(spi_value(0, 2, &isnull));
    r.holidays = PointerGetDatum(PG_DETOAST_DATUM_COPY(spi_value(0, 3, &isnull)));
    return r;
  });
  std::shared_ptr<const Calendar> cal = compile(raw.tz, raw.hours, raw.holidays);
  c.lru.emplace_front(id, cal);
  c.index[id] = c.lru.begin();
  while (c.index.size() > static_cast<std::size_t>(guc_calendar_cache_size)) {
    c.index.erase(c.lru.back().first);
    c.lru.pop_back();
  }
  return cal;
}

namespace {

struct TimestampArg {
  bool null;
  TimestampTz value;
};

[[noreturn]] void infinite(const char* fn) {
  throw Error(sqlstate::kDatetimeOverflow,
              std::string("cannot count business minutes to or from an infinite timestamp"),
              std::string(fn) + " was given infinity or -infinity.",
              "Pass finite timestamps.");
}

}  // namespace

}  // namespace servicedesk::pg

using servicedesk::Error;
using namespace servicedesk::pg;

namespace {

// A cache hit runs no SQL, so it needs no SPI session (business_add is called
// a million times in one query).
std::shared_ptr<const servicedesk::Calendar> lookup_calendar(bool has_id, std::int32_t id) {
  std::shared_ptr<const servicedesk::Calendar> cal = cached_calendar(has_id, id);
  if (cal) return cal;
  SpiSession spi;
  cal = calendar_for(has_id, id);
  spi.finish();
  return cal;
}

}  // namespace

// business_add(start timestamptz, minutes integer, calendar_id integer)
SD_FUNCTION(sd_business_add) {
  if (PG_ARGISNULL(0) || PG_ARGISNULL(1)) PG_RETURN_NULL();
  TimestampTz start = PG_GETARG_TIMESTAMPTZ(0);
  std::int32_t minutes = PG_GETARG_INT32(1);
  bool has_cal = !PG_ARGISNULL(2);
  std::int32_t cal_id = has_cal ? PG_GETARG_INT32(2) : 0;
  if (minutes < 0) {
    throw Error(servicedesk::sqlstate::kInvalidParameter,
                "business_add minutes must not be negative",
                "minutes = " + std::to_string(minutes) + ".",
                "Pass zero or a positive number of working minutes; to go back in time, "
                "subtract with business_minutes instead.");
  }
  std::shared_ptr<const servicedesk::Calendar> cal = lookup_calendar(has_cal, cal_id);
  // infinity + any working time is still infinity, as with timestamp + interval.
  if (TIMESTAMP_NOT_FINITE(start)) PG_RETURN_TIMESTAMPTZ(start);
  PG_RETURN_TIMESTAMPTZ(cal->add(start, minutes));
}

// business_minutes(a timestamptz, b timestamptz, calendar_id integer)
SD_FUNCTION(sd_business_minutes) {
  if (PG_ARGISNULL(0) || PG_ARGISNULL(1)) PG_RETURN_NULL();
  TimestampTz a = PG_GETARG_TIMESTAMPTZ(0);
  TimestampTz b = PG_GETARG_TIMESTAMPTZ(1);
  bool has_cal = !PG_ARGISNULL(2);
  std::int32_t cal_id = has_cal ? PG_GETARG_INT32(2) : 0;
  if (TIMESTAMP_NOT_FINITE(a) || TIMESTAMP_NOT_FINITE(b)) infinite("business_minutes");
  std::shared_ptr<const servicedesk::Calendar> cal = lookup_calendar(has_cal, cal_id);
  std::int64_t m = cal->minutes_between(a, b);
  if (m > PG_INT32_MAX || m < -PG_INT32_MAX) {
    throw Error("22003", "business_minutes result is out of range for integer",
                std::to_string(m) + " working minutes lie between the two instants.",
                "Count over a shorter span.");
  }
  PG_RETURN_INT32(static_cast<std::int32_t>(m));
}

// BEFORE INSERT OR UPDATE ON calendars: SD007 for an invalid calendar.
SD_FUNCTION(sd_calendars_validate) {
  TriggerData* trig = trigger_data(fcinfo, "servicedesk._calendars_validate");
  HeapTuple tuple = TRIGGER_FIRED_BY_UPDATE(trig->tg_event) ? trig->tg_newtuple : trig->tg_trigtuple;
  TupleDesc desc = RelationGetDescr(trig->tg_relation);
  struct Raw {
    char* tz;
    char* hours;
    Datum holidays;
    bool holidays_null;
  };
  Raw raw = pg_call([&] {
    Raw r{};
    bool isnull;
    Datum v = heap_getattr(tuple, SPI_fnumber(desc, "timezone"), desc, &isnull);
    r.tz = isnull ? nullptr : TextDatumGetCString(v);
    v = heap_getattr(tuple, SPI_fnumber(desc, "working_hours"), desc, &isnull);
    r.hours = isnull ? nullptr : DatumGetCString(DirectFunctionCall1(jsonb_out, v));
    r.holidays = heap_getattr(tuple, SPI_fnumber(desc, "holidays"), desc, &r.holidays_null);
    return r;
  });
  if (raw.tz == nullptr || raw.hours == nullptr || raw.holidays_null) {
    return PointerGetDatum(tuple);  // NOT NULL constraints report these
  }
  servicedesk::pg::compile(raw.tz, raw.hours, raw.holidays);
  return PointerGetDatum(tuple);
}
