// The audit trail (SPEC section 7) and the acting user.
#pragma once

#include <cstdint>

#include "pg/guard.hpp"

namespace servicedesk::pg {

// The acting user's id, or 0 when there is none. Throws Error(SD009) for an
// unknown or inactive actor. Needs an SPI connection. Must be called before
// switching to the owner (it reads current_user).
std::int32_t resolve_actor();

// Writes the audit row of one AFTER ROW trigger event (INSERT, UPDATE or
// DELETE) of an extension table; an UPDATE that changes nothing but
// updated_at writes none. Needs an SPI connection.
void audit_event(TriggerData* trig);

// Forget the cached actor (the users table changed).
void reset_actor_cache();
// Hooks the actor memo into cache invalidation (called from _PG_init).
void actor_cache_init();

// The next audit row written for services row `service_id` by a transition
// carries `comment` in its new_values. Cleared when used or when the
// statement that set it ends without using it.
void set_transition_comment(std::int32_t service_id, const char* comment);

// While an ActionOverride is alive, update audit rows of `table` get `action`
// (the sweep's breach and escalate).
class ActionOverride {
 public:
  ActionOverride(Oid table, const char* action);
  ~ActionOverride();
  ActionOverride(const ActionOverride&) = delete;
  ActionOverride& operator=(const ActionOverride&) = delete;

 private:
  Oid saved_table_;
  const char* saved_action_;
};

}  // namespace servicedesk::pg
