// Enforcement on servicedesk.services: workflow selection on INSERT,
// transitions on UPDATE (SPEC section 4), and the shared move check used by
// the triggers, transition() and available_transitions().
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/workflow.hpp"
#include "pg/rows.hpp"
#include "pg/workflow_cache.hpp"

namespace servicedesk::pg {

// Why a move may not be taken.
struct Refusal {
  std::string code;
  std::string message;
  std::string detail;
  std::string hint;
  [[noreturn]] void raise() const { throw Error(code, message, detail, hint); }
};

// The acting user and, fetched on first need, their users.roles.
class Actor {
 public:
  explicit Actor(std::int32_t id) : id_(id) {}
  std::int32_t id() const noexcept { return id_; }
  const std::vector<std::string>& roles();  // needs SPI

 private:
  std::int32_t id_;
  bool loaded_ = false;
  std::vector<std::string> roles_;
};

// Checks a move from -> to of request `row` (the row as it would be after the
// move) by `actor`. System moves (an approval outcome) skip the role check and
// the approval-skip rule. Returns the refusal, or nothing when allowed.
std::optional<Refusal> check_move(const WorkflowVersion& wf, std::int32_t from, std::int32_t to,
                                  const ServiceRow& row, HeapTuple tuple, TupleDesc desc,
                                  Actor& actor, bool system_move);

// The SD002 refusal for an undefined move, listing the allowed targets.
Refusal undefined_move(const WorkflowVersion& wf, std::int32_t service_id, std::int32_t from,
                       const std::string& to_text);

// While alive, moves of services rows are made by the system (approval
// outcomes): no role check, no approval-skip rule.
class SystemMove {
 public:
  SystemMove();
  ~SystemMove();
  SystemMove(const SystemMove&) = delete;
  SystemMove& operator=(const SystemMove&) = delete;

 private:
  bool saved_;
};

}  // namespace servicedesk::pg
