// Workflow definitions (SPEC section 3): parse, validate with JSON paths,
// compile to a compact form for O(1) transition checks, render as a graph.
// Plain C++20, no PostgreSQL header.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "error.hpp"

namespace servicedesk {

// services.status values, in SPEC order.
enum class Status : std::uint8_t {
  kSubmitted,
  kInProgress,
  kPendingApproval,
  kOnHold,
  kResolved,
  kClosed,
  kCancelled,
  kRejected,
};
std::string_view status_name(Status s) noexcept;
std::optional<Status> parse_status(std::string_view s) noexcept;

enum class ApprovalPolicy : std::uint8_t { kAll, kAny, kQuorum };

struct ApprovalConfig {
  // Either explicit approver ids, or every active user holding `role`.
  std::vector<std::int32_t> approver_ids;
  std::optional<std::string> role;
  ApprovalPolicy policy = ApprovalPolicy::kAll;
  std::int32_t quorum = 0;                // only for kQuorum, >= 1
  std::optional<std::int64_t> due_minutes;  // business minutes; none -> due_date NULL
  std::int32_t on_approved = -1;          // stage index
  std::int32_t on_rejected = -1;          // stage index
};

struct Stage {
  std::string id;
  std::string name;  // empty when absent
  Status status = Status::kSubmitted;
  bool initial = false;
  bool terminal = false;
  bool sla_pause = false;
  std::optional<ApprovalConfig> approval;
};

// A `requires` entry: a services column, or "metadata.KEY".
struct Requirement {
  std::string column;        // column name, or "metadata" for a metadata key
  std::optional<std::string> metadata_key;
  std::string text;          // as written in the definition, for messages
};

struct Transition {
  std::int32_t from = -1;    // stage index; -1 for "*" (every non-terminal stage)
  std::int32_t to = -1;      // stage index
  std::vector<std::string> roles;  // empty = anyone
  std::vector<Requirement> requires_;
  std::string name;          // empty when absent
  std::int32_t index = -1;   // position in the transitions array
};

enum class GraphFormat : std::uint8_t { kMermaid, kDot };

class CompiledWorkflow {
 public:
  // moves_ points into transitions_: copying would leave the copy pointing at
  // the original, so only moves (which keep the vectors' buffers) are allowed.
  CompiledWorkflow(const CompiledWorkflow&) = delete;
  CompiledWorkflow& operator=(const CompiledWorkflow&) = delete;
  CompiledWorkflow(CompiledWorkflow&&) noexcept = default;
  CompiledWorkflow& operator=(CompiledWorkflow&&) noexcept = default;
  ~CompiledWorkflow() = default;

  // Parses and validates; throws Error(SD001) whose DETAIL lists every problem,
  // one per line as "path: message".
  static CompiledWorkflow compile(std::string_view stages_json, std::string_view transitions_json);

  const std::vector<Stage>& stages() const noexcept { return stages_; }
  const std::vector<Transition>& transitions() const noexcept { return transitions_; }
  std::int32_t initial_stage() const noexcept { return initial_; }
  // Stage index by id, or -1.
  std::int32_t find_stage(std::string_view id) const noexcept;
  // The transition that governs a move from -> to (an explicit pair wins over
  // "*"), or nullptr when none is defined. "*" never applies from a terminal stage.
  const Transition* find_transition(std::int32_t from, std::int32_t to) const noexcept;
  // Every move allowed from `from`, one per target, explicit pairs winning over
  // "*", in definition order of their targets' first appearance.
  const std::vector<const Transition*>& moves_from(std::int32_t from) const noexcept;
  // True when a manual move from -> to would skip an approval (from has an
  // approval whose on_approved is `to`).
  bool skips_approval(std::int32_t from, std::int32_t to) const noexcept;

  std::string graph(GraphFormat format) const;
  // Rough heap footprint in bytes, for bounding the per-backend cache.
  std::size_t memory_size() const noexcept;

 private:
  CompiledWorkflow() = default;
  void build_indexes();

  std::vector<Stage> stages_;
  std::vector<Transition> transitions_;
  std::int32_t initial_ = -1;
  std::unordered_map<std::string, std::int32_t> stage_index_;  // id -> index
  std::vector<std::vector<const Transition*>> moves_;           // per stage
  // (from << 32 | to) -> position in transitions_, explicit pairs only.
  std::unordered_map<std::uint64_t, std::int32_t> explicit_pairs_;
  std::vector<std::int32_t> star_by_to_;  // per target stage: "*" transition position, or -1
};

// Every problem of a definition (empty when valid). Never throws for bad input.
std::vector<Problem> validate_workflow(std::string_view stages_json,
                                       std::string_view transitions_json);

}  // namespace servicedesk
