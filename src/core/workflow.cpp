#include "core/workflow.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <new>
#include <nlohmann/json.hpp>
#include <unordered_set>

#include "core/error.hpp"
#include "core/no_postgres.hpp"

// Conventions of the validator (SPEC sections 3 and 10):
// - Paths are 0-based: stages[2].approval.policy, transitions[3].from[1].
// - A missing required key is reported at the key's own path
//   (stages[1].status: is required ...); an unknown key at its object's path
//   (stages[1]: unknown key "statuss" ...), since the key itself may contain
//   anything.
// - Lengths ("1 to 100 characters") count Unicode code points; the JSON parser
//   has already rejected ill-formed UTF-8.
// - At most kMaxListedProblems problems are listed, then one summary line.

namespace servicedesk {

namespace {

using nlohmann::json;

constexpr std::size_t kMaxListedProblems = 100;
constexpr int kMaxDepth = 64;
constexpr std::size_t kMaxIdChars = 100;
constexpr std::int64_t kMaxDueMinutes = 10LL * 366 * 24 * 60;  // ten years
// "*" transitions expand to every non-terminal stage; bound the expansion so a
// compiled workflow stays small enough to cache.
constexpr std::size_t kMaxMoves = 1'000'000;

constexpr std::array<std::string_view, 8> kStatusNames = {
    "submitted", "in_progress", "pending_approval", "on_hold",
    "resolved",  "closed",      "cancelled",        "rejected",
};
constexpr std::string_view kStatusList =
    "submitted, in_progress, pending_approval, on_hold, resolved, closed, cancelled, rejected";

constexpr std::array<std::string_view, 7> kStageKeys = {"id",       "name", "status",  "initial",
                                                        "terminal", "sla",  "approval"};
constexpr std::array<std::string_view, 5> kApprovalKeys = {"approvers", "policy", "due_minutes",
                                                           "on_approved", "on_rejected"};
constexpr std::array<std::string_view, 5> kTransitionKeys = {"from", "to", "roles", "requires",
                                                             "name"};
constexpr std::array<std::string_view, 14> kServiceColumns = {
    "id",     "title",       "description",  "service_type", "priority",
    "status", "workflow_id", "requester_id", "assignee_id",  "current_stage_id",
    "sla_id", "metadata",    "created_at",   "updated_at",
};

template <std::size_t N>
bool contains(const std::array<std::string_view, N>& set, std::string_view s) {
  return std::find(set.begin(), set.end(), s) != set.end();
}

template <std::size_t N>
std::string join(const std::array<std::string_view, N>& set) {
  std::string out;
  for (std::string_view s : set) {
    if (!out.empty()) out += ", ";
    out += s;
  }
  return out;
}

std::size_t code_points(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// `s` as a JSON string literal for a message: control characters escaped (one
// problem per DETAIL line), long values cut at a code point boundary.
std::string quote(std::string_view s) {
  constexpr std::size_t kMaxShown = 60;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  std::size_t shown = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if ((c & 0xC0) != 0x80 && ++shown > kMaxShown) {
      out += "...";
      break;
    }
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out += "\\u00";
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 0xF]);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  out += '"';
  return out;
}

std::string type_name(const json& j) {
  switch (j.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::boolean:
      return "a boolean";
    case json::value_t::string:
      return "a string";
    case json::value_t::array:
      return "an array";
    case json::value_t::object:
      return "an object";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float:
      return "a number";
    default:
      return "an unsupported value";
  }
}

std::string at(std::string_view base, std::size_t i) {
  std::string p(base);
  p += '[';
  p += std::to_string(i);
  p += ']';
  return p;
}

std::string dot(std::string_view base, std::string_view key) {
  std::string p(base);
  p += '.';
  p += key;
  return p;
}

class ProblemList {
 public:
  void add(std::string path, std::string message) {
    ++total_;
    if (listed_.size() < kMaxListedProblems)
      listed_.push_back({std::move(path), std::move(message)});
  }
  std::size_t total() const noexcept { return total_; }
  bool empty() const noexcept { return total_ == 0; }

  // The listed problems plus, when some were left out, a summary with an empty path.
  std::vector<Problem> take() {
    std::vector<Problem> out = std::move(listed_);
    if (total_ > out.size()) {
      out.push_back({"", "... and " + std::to_string(total_ - out.size()) + " more problems"});
    }
    return out;
  }

 private:
  std::vector<Problem> listed_;
  std::size_t total_ = 0;
};

enum class IntCheck { kOk, kNotInteger, kOutOfRange };

// Accepts integral floats too (480.0), since jsonb keeps numbers as written.
IntCheck get_integer(const json& j, std::int64_t lo, std::int64_t hi, std::int64_t& out) {
  if (j.is_number_unsigned()) {
    auto v = j.get<std::uint64_t>();
    if (v > static_cast<std::uint64_t>(hi)) return IntCheck::kOutOfRange;
    out = static_cast<std::int64_t>(v);
  } else if (j.is_number_integer()) {
    out = j.get<std::int64_t>();
  } else if (j.is_number_float()) {
    double d = j.get<double>();
    if (!std::isfinite(d) || std::trunc(d) != d) return IntCheck::kNotInteger;
    if (d < -9.0e18 || d > 9.0e18) return IntCheck::kOutOfRange;
    out = static_cast<std::int64_t>(d);
  } else {
    return IntCheck::kNotInteger;
  }
  return out < lo || out > hi ? IntCheck::kOutOfRange : IntCheck::kOk;
}

// Rejects input nested deeper than kMaxDepth before parsing: the parser is
// iterative, but everything that walks a parsed value recursively is not.
bool too_deep(std::string_view text) {
  int depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxDepth) return true;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return false;
}

std::optional<json> parse_document(std::string_view text, const char* path, ProblemList& problems) {
  if (too_deep(text)) {
    problems.add(path, "is nested deeper than " + std::to_string(kMaxDepth) +
                           " levels (a workflow definition needs at most 4)");
    return std::nullopt;
  }
  try {
    return json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    // nlohmann's own message quotes the offending bytes; keep ours plain.
    problems.add(path, "is not valid JSON (syntax error at byte " + std::to_string(e.byte) + ")");
  } catch (const json::exception&) {
    // out_of_range: a number too large for a double (1e999).
    problems.add(path, "is not valid JSON (a number is out of range)");
  }
  return std::nullopt;
}

// Unknown keys of `obj` (reported at `path`, the object itself).
template <std::size_t N>
void check_keys(const json& obj, const std::array<std::string_view, N>& allowed,
                const std::string& path, ProblemList& problems) {
  for (const auto& item : obj.items()) {
    if (!contains(allowed, item.key())) {
      problems.add(path, "unknown key " + quote(item.key()) + " (allowed: " + join(allowed) + ")");
    }
  }
}

const json* member(const json& obj, std::string_view key) {
  auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}

// Per-stage facts the validator needs beyond Stage itself.
struct StageAux {
  bool id_ok = false;         // a valid id, and the first stage using it
  bool has_approval = false;  // approval parsed well enough to resolve outcomes
  bool approvers_by_id = false;
  std::string on_approved;  // as written; empty when missing or not a string
  std::string on_rejected;
  std::int64_t quorum = 0;        // 0 when absent or invalid
  bool graph_incomplete = false;  // `approval` present but unusable
};

// The state of one validation run; `compile` builds from it when no problem is found.
struct Analysis {
  ProblemList problems;
  std::vector<Stage> stages;
  std::vector<StageAux> aux;
  std::vector<Transition> transitions;  // one per resolved (from, to); from -1 for "*"
  std::unordered_map<std::string, std::int32_t> index;
  std::int32_t initial = -1;
  bool stages_ok = false;  // `stages` is an array (its elements may still be faulty)
  // Some edge could not be resolved (a bad from/to or approval outcome), so an
  // "unreachable" report could be a mere consequence of it and is left out.
  bool graph_incomplete = false;
};

void check_id(const json& j, const std::string& path, ProblemList& problems, bool& ok) {
  ok = false;
  if (!j.is_string()) {
    problems.add(path, "must be a string of 1 to 100 characters, got " + type_name(j));
    return;
  }
  const auto& s = j.get_ref<const std::string&>();
  std::size_t n = code_points(s);
  if (n == 0) {
    problems.add(path, "must not be empty (1 to 100 characters)");
  } else if (n > kMaxIdChars) {
    problems.add(path, "is " + std::to_string(n) + " characters long; at most 100 are allowed");
  } else if (s == "*") {
    problems.add(path,
                 "\"*\" is not a valid stage id (it means every non-terminal stage in a "
                 "transition's from)");
  } else if (s.find('\0') != std::string::npos) {
    problems.add(path, "must not contain the NUL character");
  } else {
    ok = true;
  }
}

void parse_approvers(const json& j, const std::string& path, Stage& stage, StageAux& aux,
                     ProblemList& problems) {
  ApprovalConfig& cfg = *stage.approval;
  if (j.is_array()) {
    aux.approvers_by_id = true;
    if (j.empty()) {
      problems.add(path, "must list at least one user id (or be {\"role\": \"...\"})");
      return;
    }
    std::unordered_map<std::int64_t, std::size_t> seen;
    seen.reserve(j.size());
    for (std::size_t k = 0; k < j.size(); ++k) {
      std::int64_t id = 0;
      if (get_integer(j[k], 1, std::numeric_limits<std::int32_t>::max(), id) != IntCheck::kOk) {
        problems.add(at(path, k), "must be a user id (a positive integer), got " +
                                      (j[k].is_number() ? j[k].dump() : type_name(j[k])));
        continue;
      }
      auto [it, fresh] = seen.emplace(id, k);
      if (!fresh) {
        problems.add(at(path, k), "user " + std::to_string(id) + " is already listed at " +
                                      at(path, it->second));
        continue;
      }
      cfg.approver_ids.push_back(static_cast<std::int32_t>(id));
    }
  } else if (j.is_object()) {
    static constexpr std::array<std::string_view, 1> kKeys = {"role"};
    check_keys(j, kKeys, path, problems);
    const json* role = member(j, "role");
    std::string role_path = dot(path, "role");
    if (role == nullptr) {
      problems.add(role_path, "is required (the role whose active users approve)");
    } else if (!role->is_string() || role->get_ref<const std::string&>().empty()) {
      problems.add(role_path,
                   "must be a non-empty string, got " +
                       (role->is_string() ? std::string("an empty string") : type_name(*role)));
    } else {
      cfg.role = role->get<std::string>();
    }
  } else {
    problems.add(path, "must be an array of user ids or {\"role\": \"...\"}, got " + type_name(j));
  }
}

void parse_policy(const json& j, const std::string& path, Stage& stage, StageAux& aux,
                  ProblemList& problems) {
  ApprovalConfig& cfg = *stage.approval;
  static constexpr std::string_view kAllowed = "allowed: \"all\", \"any\" or {\"quorum\": N}";
  if (j.is_string()) {
    const auto& s = j.get_ref<const std::string&>();
    if (s == "all") {
      cfg.policy = ApprovalPolicy::kAll;
    } else if (s == "any") {
      cfg.policy = ApprovalPolicy::kAny;
    } else {
      problems.add(path, "unknown policy " + quote(s) + " (" + std::string(kAllowed) + ")");
    }
    return;
  }
  if (!j.is_object()) {
    problems.add(path, "must be a policy (" + std::string(kAllowed) + "), got " + type_name(j));
    return;
  }
  static constexpr std::array<std::string_view, 1> kKeys = {"quorum"};
  check_keys(j, kKeys, path, problems);
  cfg.policy = ApprovalPolicy::kQuorum;
  const json* q = member(j, "quorum");
  std::string q_path = dot(path, "quorum");
  if (q == nullptr) {
    problems.add(q_path, "is required (the number of approvals needed, at least 1)");
    return;
  }
  std::int64_t n = 0;
  switch (get_integer(*q, std::numeric_limits<std::int64_t>::min(),
                      std::numeric_limits<std::int32_t>::max(), n)) {
    case IntCheck::kNotInteger:
      problems.add(q_path, "must be an integer of at least 1, got " +
                               (q->is_number() ? q->dump() : type_name(*q)));
      return;
    case IntCheck::kOutOfRange:
      problems.add(q_path, "is too large");
      return;
    case IntCheck::kOk:
      break;
  }
  if (n < 1) {
    problems.add(q_path, "is " + std::to_string(n) + "; a quorum must be at least 1");
    return;
  }
  cfg.quorum = static_cast<std::int32_t>(n);
  aux.quorum = n;
}

void parse_outcome(const json* j, const std::string& path, std::string& out,
                   ProblemList& problems) {
  if (j == nullptr) {
    problems.add(path, "is required (the stage the request moves to on this outcome)");
  } else if (!j->is_string()) {
    problems.add(path, "must be a stage id, got " + type_name(*j));
  } else if (j->get_ref<const std::string&>().empty()) {
    problems.add(path, "must be a stage id, got an empty string");
  } else {
    out = j->get<std::string>();
  }
}

void parse_approval(const json& j, const std::string& path, Stage& stage, StageAux& aux,
                    ProblemList& problems) {
  if (!j.is_object()) {
    problems.add(path,
                 "must be an object with keys approvers, policy, due_minutes, on_approved, "
                 "on_rejected; got " +
                     type_name(j));
    aux.graph_incomplete = true;
    return;
  }
  check_keys(j, kApprovalKeys, path, problems);
  stage.approval.emplace();
  aux.has_approval = true;

  std::string approvers_path = dot(path, "approvers");
  if (const json* a = member(j, "approvers")) {
    parse_approvers(*a, approvers_path, stage, aux, problems);
  } else {
    problems.add(approvers_path, "is required: an array of user ids or {\"role\": \"...\"}");
  }
  if (const json* p = member(j, "policy"))
    parse_policy(*p, dot(path, "policy"), stage, aux, problems);
  // With a role the number of approvers is only known when the stage is entered.
  const json* approvers = member(j, "approvers");
  if (aux.approvers_by_id && aux.quorum > 0 && approvers != nullptr && !approvers->empty() &&
      aux.quorum > static_cast<std::int64_t>(approvers->size())) {
    problems.add(dot(dot(path, "policy"), "quorum"),
                 "is " + std::to_string(aux.quorum) + " but only " +
                     std::to_string(approvers->size()) + " approver(s) are listed");
  }
  if (const json* d = member(j, "due_minutes")) {
    std::int64_t minutes = 0;
    switch (get_integer(*d, 0, kMaxDueMinutes, minutes)) {
      case IntCheck::kOk:
        stage.approval->due_minutes = minutes;
        break;
      case IntCheck::kNotInteger:
        problems.add(dot(path, "due_minutes"), "must be a whole number of business minutes, got " +
                                                   (d->is_number() ? d->dump() : type_name(*d)));
        break;
      case IntCheck::kOutOfRange:
        problems.add(dot(path, "due_minutes"), "must be between 0 and " +
                                                   std::to_string(kMaxDueMinutes) +
                                                   " (ten years), got " + d->dump());
        break;
    }
  }
  parse_outcome(member(j, "on_approved"), dot(path, "on_approved"), aux.on_approved, problems);
  parse_outcome(member(j, "on_rejected"), dot(path, "on_rejected"), aux.on_rejected, problems);
}

void parse_flag(const json* j, const std::string& path, bool& out, ProblemList& problems) {
  if (j == nullptr) return;
  if (j->is_boolean()) {
    out = j->get<bool>();
  } else {
    problems.add(path, "must be true or false, got " + type_name(*j));
  }
}

void parse_stage(const json& j, std::size_t i, Analysis& a) {
  ProblemList& problems = a.problems;
  std::string path = at("stages", i);
  Stage& stage = a.stages[i];
  StageAux& aux = a.aux[i];
  if (!j.is_object()) {
    problems.add(path, "must be a stage object, got " + type_name(j));
    return;
  }
  check_keys(j, kStageKeys, path, problems);

  std::string id_path = dot(path, "id");
  if (const json* id = member(j, "id")) {
    bool ok = false;
    check_id(*id, id_path, problems, ok);
    if (ok) {
      stage.id = id->get<std::string>();
      auto [it, fresh] = a.index.emplace(stage.id, static_cast<std::int32_t>(i));
      if (fresh) {
        aux.id_ok = true;
      } else {
        problems.add(id_path, "duplicates the id of " + at("stages", it->second) + " (" +
                                  quote(stage.id) + "); ids must be unique");
      }
    }
  } else {
    problems.add(id_path, "is required (a unique string of 1 to 100 characters)");
  }

  std::string status_path = dot(path, "status");
  if (const json* st = member(j, "status")) {
    std::optional<Status> parsed;
    if (st->is_string()) parsed = parse_status(st->get_ref<const std::string&>());
    if (parsed) {
      stage.status = *parsed;
    } else {
      problems.add(status_path,
                   (st->is_string() ? "unknown status " + quote(st->get<std::string>())
                                    : "must be a status string, got " + type_name(*st)) +
                       " (allowed: " + std::string(kStatusList) + ")");
    }
  } else {
    problems.add(status_path, "is required (one of " + std::string(kStatusList) + ")");
  }

  if (const json* name = member(j, "name")) {
    if (!name->is_string()) {
      problems.add(dot(path, "name"), "must be a string, got " + type_name(*name));
    } else if (name->get_ref<const std::string&>().find('\0') != std::string::npos) {
      problems.add(dot(path, "name"), "must not contain the NUL character");
    } else {
      stage.name = name->get<std::string>();
    }
  }
  parse_flag(member(j, "initial"), dot(path, "initial"), stage.initial, problems);
  parse_flag(member(j, "terminal"), dot(path, "terminal"), stage.terminal, problems);
  if (const json* sla = member(j, "sla")) {
    if (sla->is_string() && sla->get_ref<const std::string&>() == "pause") {
      stage.sla_pause = true;
    } else {
      problems.add(dot(path, "sla"),
                   "must be \"pause\" (the only supported value; omit the key "
                   "to keep the SLA clock running), got " +
                       (sla->is_string() ? quote(sla->get<std::string>()) : type_name(*sla)));
    }
  }
  if (const json* ap = member(j, "approval"))
    parse_approval(*ap, dot(path, "approval"), stage, aux, a.problems);
}

void resolve_outcome(Analysis& a, std::size_t i, std::string path, const std::string& name,
                     std::int32_t& out) {
  if (name.empty()) {  // already reported
    a.graph_incomplete = true;
    return;
  }
  auto it = a.index.find(name);
  if (it == a.index.end()) {
    a.graph_incomplete = true;
    a.problems.add(std::move(path), "unknown stage " + quote(name));
  } else if (a.aux[i].id_ok && it->second == static_cast<std::int32_t>(i)) {
    a.graph_incomplete = true;
    a.problems.add(std::move(path), "must name another stage (the outcome leaves this stage)");
  } else {
    out = it->second;
  }
}

// Second pass over stages, once every id is known.
void resolve_stages(Analysis& a) {
  std::vector<std::size_t> initials;
  for (std::size_t i = 0; i < a.stages.size(); ++i) {
    Stage& stage = a.stages[i];
    StageAux& aux = a.aux[i];
    if (stage.initial) initials.push_back(i);
    a.graph_incomplete |= aux.graph_incomplete;
    if (!aux.has_approval) continue;
    std::string base = at("stages", i) + ".approval";
    resolve_outcome(a, i, base + ".on_approved", aux.on_approved, stage.approval->on_approved);
    resolve_outcome(a, i, base + ".on_rejected", aux.on_rejected, stage.approval->on_rejected);
  }
  if (initials.size() == 1) {
    a.initial = static_cast<std::int32_t>(initials[0]);
  } else if (initials.empty()) {
    a.problems.add("stages", "no stage has \"initial\": true; exactly one must");
  } else {
    std::string list;
    for (std::size_t k = 0; k < initials.size() && k < 5; ++k) {
      list += (k ? ", " : "") + at("stages", initials[k]);
    }
    if (initials.size() > 5) list += ", ...";
    a.problems.add("stages", std::to_string(initials.size()) + " stages have \"initial\": true (" +
                                 list + "); exactly one must");
  }
}

// Resolves a stage reference of a transition; -1 when it is not a known stage.
std::int32_t resolve_ref(const json& j, const std::string& path, const Analysis& a,
                         ProblemList& problems) {
  if (!j.is_string()) {
    problems.add(path, "must be a stage id, got " + type_name(j));
    return -1;
  }
  const auto& s = j.get_ref<const std::string&>();
  auto it = a.index.find(s);
  if (it == a.index.end()) {
    problems.add(path, s == "*" ? "\"*\" must be used alone (\"from\": \"*\"), not inside an array"
                                : "unknown stage " + quote(s));
    return -1;
  }
  return it->second;
}

void parse_string_list(const json* j, const std::string& path, bool is_requires,
                       std::vector<std::string>* roles, std::vector<Requirement>* reqs,
                       ProblemList& problems) {
  if (j == nullptr) return;
  if (!j->is_array()) {
    problems.add(path, "must be an array of strings, got " + type_name(*j));
    return;
  }
  if (!is_requires && j->empty()) {
    problems.add(path, "must list at least one role (omit \"roles\" to let anyone take it)");
    return;
  }
  for (std::size_t k = 0; k < j->size(); ++k) {
    const json& e = (*j)[k];
    if (!e.is_string() || e.get_ref<const std::string&>().empty()) {
      problems.add(at(path, k),
                   "must be a non-empty string, got " +
                       (e.is_string() ? std::string("an empty string") : type_name(e)));
      continue;
    }
    const auto& s = e.get_ref<const std::string&>();
    if (!is_requires) {
      roles->push_back(s);
      continue;
    }
    constexpr std::string_view kPrefix = "metadata.";
    if (s.starts_with(kPrefix)) {
      if (s.size() == kPrefix.size()) {
        problems.add(at(path, k), "\"metadata.\" needs a key (\"metadata.KEY\")");
        continue;
      }
      reqs->push_back({"metadata", s.substr(kPrefix.size()), s});
    } else if (contains(kServiceColumns, s)) {
      reqs->push_back({s, std::nullopt, s});
    } else {
      problems.add(at(path, k), "unknown column " + quote(s) + " (allowed: " +
                                    join(kServiceColumns) + ", or \"metadata.KEY\")");
    }
  }
}

struct TransitionScan {
  // Explicit (from, to) -> JSON index of the first transition naming it.
  std::unordered_map<std::uint64_t, std::size_t> pairs;
  std::vector<std::int64_t> star_owner;  // per target: JSON index of its "*" transition, or -1
  // Approval stages by their on_approved stage, for the "*" skip check.
};

std::uint64_t pair_key(std::int32_t from, std::int32_t to) {
  return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(from)) << 32) |
         static_cast<std::uint32_t>(to);
}

void parse_transition(const json& j, std::size_t i, Analysis& a, TransitionScan& scan) {
  ProblemList& problems = a.problems;
  std::string path = at("transitions", i);
  if (!j.is_object()) {
    problems.add(path, "must be a transition object, got " + type_name(j));
    a.graph_incomplete = true;
    return;
  }
  check_keys(j, kTransitionKeys, path, problems);

  Transition proto;
  proto.index = static_cast<std::int32_t>(i);
  parse_string_list(member(j, "roles"), dot(path, "roles"), false, &proto.roles, nullptr, problems);
  parse_string_list(member(j, "requires"), dot(path, "requires"), true, nullptr, &proto.requires_,
                    problems);
  if (const json* name = member(j, "name")) {
    if (!name->is_string()) {
      problems.add(dot(path, "name"), "must be a string, got " + type_name(*name));
    } else if (name->get_ref<const std::string&>().find('\0') != std::string::npos) {
      problems.add(dot(path, "name"), "must not contain the NUL character");
    } else {
      proto.name = name->get<std::string>();
    }
  }

  std::string to_path = dot(path, "to");
  std::int32_t to = -1;
  if (const json* t = member(j, "to")) {
    if (t->is_string() && t->get_ref<const std::string&>() == "*") {
      problems.add(to_path, "must name one stage; \"*\" is only allowed in from");
    } else {
      to = resolve_ref(*t, to_path, a, problems);
    }
  } else {
    problems.add(to_path, "is required (the stage this transition leads to)");
  }

  // (from stage, path to blame) pairs; from -1 for "*".
  std::vector<std::pair<std::int32_t, std::string>> froms;
  std::string from_path = dot(path, "from");
  const json* f = member(j, "from");
  if (f == nullptr) {
    problems.add(from_path, "is required (a stage id, an array of stage ids, or \"*\")");
  } else if (f->is_string()) {
    if (f->get_ref<const std::string&>() == "*") {
      froms.emplace_back(-1, from_path);
    } else {
      std::int32_t s = resolve_ref(*f, from_path, a, problems);
      if (s >= 0) froms.emplace_back(s, from_path);
    }
  } else if (f->is_array()) {
    if (f->empty()) {
      problems.add(from_path, "must list at least one stage");
    }
    std::unordered_map<std::int32_t, std::size_t> seen;
    for (std::size_t k = 0; k < f->size(); ++k) {
      std::string elem_path = at(from_path, k);
      std::int32_t s = resolve_ref((*f)[k], elem_path, a, problems);
      if (s < 0) {
        continue;
      }
      auto [it, fresh] = seen.emplace(s, k);
      if (!fresh) {
        problems.add(elem_path, "stage " + quote(a.stages[s].id) + " is already listed at " +
                                    at(from_path, it->second));
        continue;
      }
      froms.emplace_back(s, std::move(elem_path));
    }
  } else {
    problems.add(from_path,
                 "must be a stage id, an array of stage ids, or \"*\"; got " + type_name(*f));
  }
  if (to < 0 || froms.empty() || (f != nullptr && f->is_array() && froms.size() < f->size())) {
    a.graph_incomplete = true;
  }
  if (to < 0) return;

  const std::string& to_id = a.stages[to].id;
  for (auto& [from, blame] : froms) {
    if (from < 0) {
      auto& owner = scan.star_owner[to];
      if (owner >= 0) {
        problems.add(path,
                     "duplicates " + at("transitions", owner) + " (\"*\" to " + quote(to_id) + ")");
        continue;
      }
      owner = static_cast<std::int64_t>(i);
      // A "*" that covers an approval stage's on_approved target is valid
      // (SPEC section 10): the move is refused at run time with SD005, however
      // it is listed. Only an explicit pair is a definition error.
    } else {
      const Stage& s = a.stages[from];
      if (from == to) {
        problems.add(blame, "a transition must change the stage (from and to are both " +
                                quote(to_id) + ")");
        continue;
      }
      if (s.terminal) {
        problems.add(blame, "stage " + quote(s.id) + " is terminal; no transition may leave it");
      }
      auto [it, fresh] = scan.pairs.emplace(pair_key(from, to), i);
      if (!fresh) {
        problems.add(blame, "duplicates " + at("transitions", it->second) + " (from " +
                                quote(s.id) + " to " + quote(to_id) + ")");
        continue;
      }
      if (s.approval && s.approval->on_approved == to) {
        problems.add(path, "leaves approval stage " + quote(s.id) + " for its on_approved stage " +
                               quote(to_id) +
                               ", which would skip the approval (its outcome "
                               "moves the request there)");
      }
    }
    Transition t = proto;
    t.from = from;
    t.to = to;
    a.transitions.push_back(std::move(t));
  }
}

// Every stage must be reachable from the initial one through transitions
// ("*" from any reached non-terminal stage) and approval outcomes.
void check_reachability(Analysis& a) {
  if (a.initial < 0 || a.graph_incomplete) return;
  std::size_t n = a.stages.size();
  std::vector<std::vector<std::int32_t>> next(n);
  std::vector<std::int32_t> star_targets;
  for (const Transition& t : a.transitions) {
    if (t.from < 0) {
      star_targets.push_back(t.to);
    } else {
      next[t.from].push_back(t.to);
    }
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (const auto& ap = a.stages[i].approval) {
      if (ap->on_approved >= 0) next[i].push_back(ap->on_approved);
      if (ap->on_rejected >= 0) next[i].push_back(ap->on_rejected);
    }
  }
  std::vector<char> reached(n, 0);
  std::vector<std::int32_t> queue{a.initial};
  reached[a.initial] = 1;
  bool star_done = false;
  auto visit = [&](std::int32_t s) {
    if (!reached[s]) {
      reached[s] = 1;
      queue.push_back(s);
    }
  };
  for (std::size_t q = 0; q < queue.size(); ++q) {
    std::int32_t s = queue[q];
    for (std::int32_t t : next[s]) visit(t);
    if (!star_done && !a.stages[s].terminal) {
      star_done = true;
      for (std::int32_t t : star_targets) visit(t);
    }
  }
  const std::string& initial_id = a.stages[a.initial].id;
  for (std::size_t i = 0; i < n; ++i) {
    if (reached[i] || !a.aux[i].id_ok) continue;
    a.problems.add(at("stages", i),
                   "stage " + quote(a.stages[i].id) + " cannot be reached from the initial stage " +
                       quote(initial_id) + " (no transition or approval outcome leads to it)");
  }
}

void check_expansion(Analysis& a) {
  std::size_t stars = 0, explicit_moves = 0, open = 0;
  for (const Transition& t : a.transitions) (t.from < 0 ? stars : explicit_moves)++;
  for (const Stage& s : a.stages) open += !s.terminal;
  if (stars != 0 && open > kMaxMoves / stars) {
    a.problems.add("transitions", "\"*\" transitions expand to more than " +
                                      std::to_string(kMaxMoves) +
                                      " moves; list fewer \"*\" transitions or fewer stages");
  } else if (stars * open + explicit_moves > kMaxMoves) {
    a.problems.add("transitions",
                   "the definition has more than " + std::to_string(kMaxMoves) + " moves");
  }
}

void analyze(std::string_view stages_json, std::string_view transitions_json, Analysis& a) {
  std::optional<json> stages = parse_document(stages_json, "stages", a.problems);
  std::optional<json> transitions = parse_document(transitions_json, "transitions", a.problems);

  if (stages) {
    if (!stages->is_array()) {
      a.problems.add("stages", "must be an array of stage objects, got " + type_name(*stages));
    } else if (stages->size() >
               static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max())) {
      a.problems.add("stages", "has too many stages");
    } else {
      a.stages_ok = true;
      std::size_t n = stages->size();
      a.stages.resize(n);
      a.aux.resize(n);
      a.index.reserve(n);
      for (std::size_t i = 0; i < n; ++i) parse_stage((*stages)[i], i, a);
      resolve_stages(a);
    }
  }

  if (transitions) {
    if (!transitions->is_array()) {
      a.problems.add("transitions",
                     "must be an array of transition objects, got " + type_name(*transitions));
    } else if (a.stages_ok) {
      TransitionScan scan;
      scan.star_owner.assign(a.stages.size(), -1);
      scan.pairs.reserve(transitions->size());
      a.transitions.reserve(transitions->size());
      for (std::size_t i = 0; i < transitions->size(); ++i) {
        parse_transition((*transitions)[i], i, a, scan);
      }
    }
  }
  // Without usable stages the transitions cannot be checked; the stages
  // problem already explains why the definition is refused.
  if (!transitions || !transitions->is_array()) a.graph_incomplete = true;

  if (a.stages_ok) {
    check_reachability(a);
    check_expansion(a);
  }
}

std::string plural(std::size_t n, std::string_view word) {
  return std::to_string(n) + " " + std::string(word) + (n == 1 ? "" : "s");
}

// --- graph rendering --------------------------------------------------------

// Mermaid label text: characters that Mermaid's parser treats specially
// become entity codes, control characters become spaces.
std::string mermaid_text(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "#quot;";
        break;
      case '#':
        out += "#35;";
        break;
      case ':':
        out += "#58;";
        break;
      case ';':
        out += "#59;";
        break;
      case '%':
        out += "#37;";
        break;
      case '&':
        out += "#amp;";
        break;
      case '<':
        out += "#lt;";
        break;
      case '>':
        out += "#gt;";
        break;
      case '{':
        out += "#123;";
        break;
      case '}':
        out += "#125;";
        break;
      case '[':
        out += "#91;";
        break;
      case ']':
        out += "#93;";
        break;
      case '`':
        out += "#96;";
        break;
      default:
        out.push_back(c < 0x20 || c == 0x7f ? ' ' : ch);
    }
  }
  return out;
}

// A DOT double-quoted string. Only \" and \\ are escaped, and newlines become
// \n, so the mapping from ids stays one-to-one (ids are used as node IDs).
std::string dot_quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out.push_back(c);
    }
  }
  out += '"';
  return out;
}

}  // namespace

std::string_view status_name(Status s) noexcept {
  auto i = static_cast<std::size_t>(s);
  return i < kStatusNames.size() ? kStatusNames[i] : std::string_view("unknown");
}

std::optional<Status> parse_status(std::string_view s) noexcept {
  for (std::size_t i = 0; i < kStatusNames.size(); ++i) {
    if (kStatusNames[i] == s) return static_cast<Status>(i);
  }
  return std::nullopt;
}

std::vector<Problem> validate_workflow(std::string_view stages_json,
                                       std::string_view transitions_json) {
  Analysis a;
  try {
    analyze(stages_json, transitions_json, a);
  } catch (const std::bad_alloc&) {
    a.problems.add("", "the definition is too large to validate (out of memory)");
  } catch (const std::exception&) {
    // Only a validator bug gets here; report it rather than crash the caller.
    a.problems.add("", "the definition could not be validated (internal error)");
  }
  return a.problems.take();
}

CompiledWorkflow CompiledWorkflow::compile(std::string_view stages_json,
                                           std::string_view transitions_json) {
  try {
    Analysis a;
    analyze(stages_json, transitions_json, a);
    if (!a.problems.empty()) {
      std::size_t total = a.problems.total();
      std::string detail;
      for (const Problem& p : a.problems.take()) {
        if (!detail.empty()) detail += '\n';
        detail += p.path.empty() ? p.message : p.path + ": " + p.message;
      }
      throw Error(sqlstate::kInvalidWorkflow,
                  "invalid workflow definition: " + plural(total, "problem"), std::move(detail),
                  "Fix the listed paths; see servicedesk.validate_workflow(stages, transitions).");
    }
    CompiledWorkflow w;
    w.stages_ = std::move(a.stages);
    w.transitions_ = std::move(a.transitions);
    w.initial_ = a.initial;
    w.stage_index_ = std::move(a.index);
    w.build_indexes();
    return w;
  } catch (const Error&) {
    throw;
  } catch (const std::bad_alloc&) {
    throw Error(sqlstate::kProgramLimitExceeded, "workflow definition is too large to compile",
                "Memory ran out while compiling it.", "Use fewer stages or transitions.");
  } catch (const std::exception& e) {
    throw Error(sqlstate::kInternal, "could not compile workflow definition", e.what());
  }
}

void CompiledWorkflow::build_indexes() {
  std::size_t n = stages_.size();
  std::vector<std::vector<std::int32_t>> explicit_from(n);  // positions in transitions_
  std::vector<std::int32_t> stars;
  star_by_to_.assign(n, -1);
  explicit_pairs_.reserve(transitions_.size());
  for (std::size_t p = 0; p < transitions_.size(); ++p) {
    const Transition& t = transitions_[p];
    auto pos = static_cast<std::int32_t>(p);
    if (t.from < 0) {
      stars.push_back(pos);
      star_by_to_[t.to] = pos;
    } else {
      explicit_from[t.from].push_back(pos);
      explicit_pairs_.emplace(pair_key(t.from, t.to), pos);
    }
  }
  // Per stage, merge its explicit transitions with the "*" ones in definition
  // order; a target counts once, its explicit pair winning. Stamps (the stage
  // index) avoid clearing the per-target arrays between stages.
  moves_.assign(n, {});
  std::vector<std::int32_t> explicit_stamp(n, -1), explicit_pos(n, -1), seen(n, -1);
  for (std::size_t si = 0; si < n; ++si) {
    auto s = static_cast<std::int32_t>(si);
    const auto& mine = explicit_from[si];
    for (std::int32_t p : mine) {
      explicit_stamp[transitions_[p].to] = s;
      explicit_pos[transitions_[p].to] = p;
    }
    const bool use_stars = !stages_[si].terminal;
    auto& out = moves_[si];
    out.reserve(mine.size() + (use_stars ? stars.size() : 0));
    std::size_t e = 0, k = 0;
    while (e < mine.size() || (use_stars && k < stars.size())) {
      std::int32_t p;
      if (!use_stars || k == stars.size() || (e < mine.size() && mine[e] < stars[k])) {
        p = mine[e++];
      } else {
        p = stars[k++];
      }
      std::int32_t to = transitions_[p].to;
      if (to == s || seen[to] == s) continue;  // "*" never moves a stage to itself
      seen[to] = s;
      out.push_back(&transitions_[explicit_stamp[to] == s ? explicit_pos[to] : p]);
    }
  }
}

std::int32_t CompiledWorkflow::find_stage(std::string_view id) const noexcept {
  // The map is keyed by std::string; a heterogeneous lookup would need a
  // transparent hash, and building the key is cheap next to a trigger call.
  try {
    auto it = stage_index_.find(std::string(id));
    return it == stage_index_.end() ? -1 : it->second;
  } catch (...) {
    return -1;
  }
}

const Transition* CompiledWorkflow::find_transition(std::int32_t from,
                                                    std::int32_t to) const noexcept {
  auto n = static_cast<std::int32_t>(stages_.size());
  if (from < 0 || from >= n || to < 0 || to >= n || from == to) return nullptr;
  auto it = explicit_pairs_.find(pair_key(from, to));
  if (it != explicit_pairs_.end()) return &transitions_[it->second];
  if (stages_[from].terminal || star_by_to_[to] < 0) return nullptr;
  return &transitions_[star_by_to_[to]];
}

const std::vector<const Transition*>& CompiledWorkflow::moves_from(
    std::int32_t from) const noexcept {
  static const std::vector<const Transition*> kNone;
  if (from < 0 || static_cast<std::size_t>(from) >= moves_.size()) return kNone;
  return moves_[from];
}

bool CompiledWorkflow::skips_approval(std::int32_t from, std::int32_t to) const noexcept {
  if (from < 0 || static_cast<std::size_t>(from) >= stages_.size() || to < 0) return false;
  const auto& ap = stages_[from].approval;
  return ap && ap->on_approved == to;
}

// Both formats draw "*" transitions once, from a pseudo-node labelled
// "* (any non-terminal stage)", instead of expanding them to every stage:
// the graph stays linear in the definition's size and reads like it.
// Approval outcomes are dashed edges labelled "approved"/"rejected".
std::string CompiledWorkflow::graph(GraphFormat format) const {
  std::string out;
  bool any_star = false;
  for (const Transition& t : transitions_) any_star |= t.from < 0;

  if (format == GraphFormat::kMermaid) {
    // Node names are generated (s0, s1, ...; "any_stage" for "*"), so ids
    // never reach Mermaid's syntax; only the escaped labels do.
    auto node = [](std::int32_t i) {
      return i < 0 ? std::string("any_stage") : "s" + std::to_string(i);
    };
    out += "stateDiagram-v2\n";
    for (std::size_t i = 0; i < stages_.size(); ++i) {
      const Stage& s = stages_[i];
      out += "  " + node(static_cast<std::int32_t>(i)) + " : " +
             mermaid_text(s.name.empty() ? s.id : s.name);
      if (s.approval) out += " (approval)";
      out += '\n';
    }
    if (any_star) out += "  any_stage : * (any non-terminal stage)\n";
    if (initial_ >= 0) out += "  [*] --> " + node(initial_) + "\n";
    for (const Transition& t : transitions_) {
      out += "  " + node(t.from) + " --> " + node(t.to);
      if (!t.name.empty()) out += " : " + mermaid_text(t.name);
      out += '\n';
    }
    for (std::size_t i = 0; i < stages_.size(); ++i) {
      const Stage& s = stages_[i];
      if (s.approval) {
        auto from = node(static_cast<std::int32_t>(i));
        out += "  " + from + " --> " + node(s.approval->on_approved) + " : approved\n";
        out += "  " + from + " --> " + node(s.approval->on_rejected) + " : rejected\n";
      }
      if (s.terminal) out += "  " + node(static_cast<std::int32_t>(i)) + " --> [*]\n";
    }
    return out;
  }

  // DOT: node IDs are the quoted stage ids ("*" is never a stage id, so it
  // is free for the pseudo-node). Initial: bold; terminal: double border;
  // approval: diamond.
  auto node = [this](std::int32_t i) {
    return i < 0 ? std::string("\"*\"") : dot_quote(stages_[i].id);
  };
  out += "digraph workflow {\n  rankdir=LR;\n  node [shape=box, style=rounded];\n";
  for (std::size_t i = 0; i < stages_.size(); ++i) {
    const Stage& s = stages_[i];
    std::string label = s.name.empty() ? s.id : s.name;
    if (s.approval) label += "\n(approval)";
    out += "  " + node(static_cast<std::int32_t>(i)) + " [label=" + dot_quote(label);
    if (s.approval) out += ", shape=diamond";
    if (static_cast<std::int32_t>(i) == initial_) out += ", style=\"rounded,bold\"";
    if (s.terminal) out += ", peripheries=2";
    out += "];\n";
  }
  if (any_star) out += "  \"*\" [label=\"* (any non-terminal stage)\", shape=plaintext];\n";
  for (const Transition& t : transitions_) {
    out += "  " + node(t.from) + " -> " + node(t.to);
    if (!t.name.empty()) out += " [label=" + dot_quote(t.name) + "]";
    out += ";\n";
  }
  for (std::size_t i = 0; i < stages_.size(); ++i) {
    if (const auto& ap = stages_[i].approval) {
      auto from = node(static_cast<std::int32_t>(i));
      out +=
          "  " + from + " -> " + node(ap->on_approved) + " [label=\"approved\", style=dashed];\n";
      out +=
          "  " + from + " -> " + node(ap->on_rejected) + " [label=\"rejected\", style=dashed];\n";
    }
  }
  out += "}\n";
  return out;
}

std::size_t CompiledWorkflow::memory_size() const noexcept {
  auto str = [](const std::string& s) { return s.capacity() > 15 ? s.capacity() + 1 : 0; };
  std::size_t total = sizeof(*this);
  total += stages_.capacity() * sizeof(Stage);
  for (const Stage& s : stages_) {
    total += str(s.id) + str(s.name);
    if (s.approval) {
      total += s.approval->approver_ids.capacity() * sizeof(std::int32_t);
      if (s.approval->role) total += str(*s.approval->role);
    }
  }
  total += transitions_.capacity() * sizeof(Transition);
  for (const Transition& t : transitions_) {
    total += str(t.name) + t.roles.capacity() * sizeof(std::string) +
             t.requires_.capacity() * sizeof(Requirement);
    for (const auto& r : t.roles) total += str(r);
    for (const auto& r : t.requires_) total += str(r.column) + str(r.text) + 32;
  }
  // Hash nodes: key/value plus a next pointer and cached hash; one pointer per bucket.
  total += stage_index_.bucket_count() * sizeof(void*) +
           stage_index_.size() * (sizeof(std::string) + 3 * sizeof(void*));
  for (const auto& [id, _] : stage_index_) total += str(id);
  total +=
      explicit_pairs_.bucket_count() * sizeof(void*) + explicit_pairs_.size() * 4 * sizeof(void*);
  total += star_by_to_.capacity() * sizeof(std::int32_t);
  total += moves_.capacity() * sizeof(moves_[0]);
  for (const auto& m : moves_) total += m.capacity() * sizeof(const Transition*);
  return total;
}

}  // namespace servicedesk
