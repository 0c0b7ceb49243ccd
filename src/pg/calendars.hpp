// Business calendars in the database: PostgreSQL's time-zone rules for the
// core, a per-backend cache of compiled calendars, validation of the
// calendars table, business_add() and business_minutes().
#pragma once

#include <cstdint>
#include <memory>

#include "core/calendar.hpp"
#include "pg/guard.hpp"

namespace servicedesk::pg {

// The compiled calendar `id`, or the 24x7 calendar when `has_id` is false.
// Throws Error(SD007) when the calendar does not exist. Needs SPI.
std::shared_ptr<const Calendar> calendar_for(bool has_id, std::int32_t id);
// The same from the cache only, without SPI: nullptr on a miss.
std::shared_ptr<const Calendar> cached_calendar(bool has_id, std::int32_t id);

void calendar_cache_init();

}  // namespace servicedesk::pg
