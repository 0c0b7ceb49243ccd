#include "core/no_postgres.hpp"
#include "core/sla_clock.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace servicedesk {

namespace {

using Wide = __int128;

Micros work_of_minutes(std::int64_t minutes) {
  Wide w = Wide(minutes) * kMicrosPerMinute;
  if (w > Wide(kEndTimestamp)) {
    throw Error(sqlstate::kDatetimeOverflow, "SLA target is too large",
                std::to_string(minutes) + " minutes exceed the timestamp range.",
                "Use a target of fewer minutes.");
  }
  return static_cast<Micros>(w);
}

std::optional<Micros> deadline(const Calendar& cal, Micros start,
                               const std::optional<std::int64_t>& minutes, Micros extra) {
  if (!minutes) return std::nullopt;
  return cal.add_work(start, work_of_minutes(*minutes) + extra);
}

// The instant the clock reads at `now`: frozen at paused_at while stopped.
Micros clock_now(const SlaClock& c, Micros now) {
  if ((c.status == ClockStatus::kPaused || c.status == ClockStatus::kCompleted) && c.paused_at) {
    return std::min(now, *c.paused_at);
  }
  return now;
}

std::int64_t minutes_used(const SlaClock& c, const Calendar& cal, Micros now) {
  return std::max<Micros>(0, elapsed_work(c, cal, now)) / kMicrosPerMinute;
}

// Ends a stop (pause, or resolved) at `now`: the working time it lasted is
// added to paused_work and moves the deadlines of the targets still open.
void resume(SlaClock& c, const Calendar& cal, Micros now) {
  if (c.paused_at && now > *c.paused_at) {
    Micros p = cal.working_time(*c.paused_at, now);
    c.paused_work += p;
    if (!c.responded_at && c.response_deadline) {
      c.response_deadline = cal.add_work(*c.response_deadline, p);
    }
    if (!c.resolved_at && c.resolution_deadline) {
      c.resolution_deadline = cal.add_work(*c.resolution_deadline, p);
    }
  }
  c.paused_at.reset();
  c.status = ClockStatus::kActive;
}

void meet_response(SlaClock& c, const Calendar& cal, Micros now) {
  if (c.responded_at) return;
  c.responded_at = now;
  c.response_time = minutes_used(c, cal, now);
  if (c.response_deadline && now > *c.response_deadline) c.response_breached = true;
}

void meet_resolution(SlaClock& c, const Calendar& cal, Micros now) {
  if (c.resolved_at) return;
  c.resolved_at = now;
  c.resolution_time = minutes_used(c, cal, now);
  if (c.resolution_deadline && now > *c.resolution_deadline) c.resolution_breached = true;
}

}  // namespace

std::string_view clock_status_name(ClockStatus s) noexcept {
  switch (s) {
    case ClockStatus::kActive: return "active";
    case ClockStatus::kPaused: return "paused";
    case ClockStatus::kCompleted: return "completed";
    case ClockStatus::kCancelled: return "cancelled";
  }
  return "active";
}

std::optional<ClockStatus> parse_clock_status(std::string_view s) noexcept {
  if (s == "active") return ClockStatus::kActive;
  if (s == "paused") return ClockStatus::kPaused;
  if (s == "completed") return ClockStatus::kCompleted;
  if (s == "cancelled") return ClockStatus::kCancelled;
  return std::nullopt;
}

std::string_view rule_action_name(RuleAction a) noexcept {
  switch (a) {
    case RuleAction::kNotify: return "notify";
    case RuleAction::kSetPriority: return "set_priority";
    case RuleAction::kReassign: return "reassign";
  }
  return "notify";
}

SlaClock start_clock(const Calendar& cal, const SlaTargets& targets, Micros created_at,
                     StageKind initial) {
  SlaClock c;
  c.started_at = created_at;
  c.response_deadline = deadline(cal, created_at, targets.response_minutes, 0);
  c.resolution_deadline = deadline(cal, created_at, targets.resolution_minutes, 0);
  switch (initial) {
    case StageKind::kRunning:
      break;
    case StageKind::kPause:
      c.status = ClockStatus::kPaused;
      c.paused_at = created_at;
      break;
    case StageKind::kResolved:
      meet_response(c, cal, created_at);
      meet_resolution(c, cal, created_at);
      c.status = ClockStatus::kCompleted;
      c.paused_at = created_at;
      break;
    case StageKind::kEnded:
      c.status = ClockStatus::kCancelled;
      break;
  }
  return c;
}

void move_clock(SlaClock& c, const Calendar& cal, StageKind from, bool from_initial, StageKind to,
                Micros now) {
  (void)from;
  if (c.status == ClockStatus::kCancelled) return;  // a cancelled request's clock is over
  switch (to) {
    case StageKind::kEnded:
      // Ending from the initial stage is not a response; nothing is breached.
      c.status = ClockStatus::kCancelled;
      return;
    case StageKind::kResolved:
      if (c.status == ClockStatus::kCompleted) return;  // resolved -> closed
      if (c.status == ClockStatus::kPaused) resume(c, cal, now);
      meet_response(c, cal, now);  // resolving also meets an unmet response
      meet_resolution(c, cal, now);
      c.status = ClockStatus::kCompleted;
      c.paused_at = now;  // reopening resumes as if paused since now
      return;
    case StageKind::kPause:
      if (c.status == ClockStatus::kCompleted) {
        // Reopened into a pause stage: resolution is open again and the clock
        // stays stopped, still counted from the moment it was resolved.
        c.resolved_at.reset();
        c.resolution_time.reset();
        c.status = ClockStatus::kPaused;
        return;
      }
      if (from_initial) meet_response(c, cal, now);
      if (c.status == ClockStatus::kActive) {
        c.status = ClockStatus::kPaused;
        c.paused_at = now;
      }
      return;
    case StageKind::kRunning:
      if (c.status == ClockStatus::kCompleted) {
        c.resolved_at.reset();  // reopened: resolution is open again
        c.resolution_time.reset();
      }
      if (c.status != ClockStatus::kActive) resume(c, cal, now);
      if (from_initial) meet_response(c, cal, now);
      return;
  }
}

void retarget_clock(SlaClock& c, const Calendar& cal, const SlaTargets& targets) {
  // Deadlines of open targets restart from the original start, with the
  // working time spent paused so far added back.
  if (!c.responded_at) {
    c.response_deadline = deadline(cal, c.started_at, targets.response_minutes, c.paused_work);
  }
  if (!c.resolved_at) {
    c.resolution_deadline = deadline(cal, c.started_at, targets.resolution_minutes, c.paused_work);
  }
}

Micros elapsed_work(const SlaClock& c, const Calendar& cal, Micros at) {
  Micros end = clock_now(c, at);
  if (end <= c.started_at) return 0;
  return std::max<Micros>(0, cal.working_time(c.started_at, end) - c.paused_work);
}

namespace {

bool target_open(const SlaClock& c, RuleTarget t) {
  return t == RuleTarget::kResponse ? !c.responded_at : !c.resolved_at;
}

const std::optional<std::int64_t>& target_minutes(const SlaTargets& s, RuleTarget t) {
  return t == RuleTarget::kResponse ? s.response_minutes : s.resolution_minutes;
}

// Working time at which a rule is reached.
Wide rule_threshold(const EscalationRule& r, std::int64_t target_minutes) {
  // Rounded up: a rule fires once elapsed >= P% of the target.
  Wide total = Wide(target_minutes) * kMicrosPerMinute * r.at_percent;
  return (total + 99) / 100;
}

bool contains(const std::vector<std::int32_t>& v, std::int32_t x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

}  // namespace

SweepDecision evaluate_sweep(const SlaClock& c, const Calendar& cal, const SlaTargets& targets,
                             const std::vector<EscalationRule>& rules,
                             const std::vector<std::int32_t>& fired, Micros at) {
  SweepDecision d;
  if (c.status != ClockStatus::kActive) return d;
  if (!c.responded_at && c.response_deadline && *c.response_deadline < at && !c.response_breached) {
    d.breach_response = true;
  }
  if (!c.resolved_at && c.resolution_deadline && *c.resolution_deadline < at &&
      !c.resolution_breached) {
    d.breach_resolution = true;
  }
  Micros elapsed = -1;
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const EscalationRule& r = rules[i];
    auto idx = static_cast<std::int32_t>(i);
    if (contains(fired, idx) || !target_open(c, r.target)) continue;
    const auto& minutes = target_minutes(targets, r.target);
    if (!minutes) continue;
    if (elapsed < 0) elapsed = elapsed_work(c, cal, at);
    if (Wide(elapsed) >= rule_threshold(r, *minutes)) d.fire.push_back(idx);
  }
  return d;
}

std::optional<Micros> next_check(const SlaClock& c, const Calendar& cal, const SlaTargets& targets,
                                 const std::vector<EscalationRule>& rules,
                                 const std::vector<std::int32_t>& fired) {
  if (c.status != ClockStatus::kActive) return std::nullopt;
  std::optional<Micros> best;
  auto consider = [&](Micros t) {
    if (!best || t < *best) best = t;
  };
  if (!c.responded_at && c.response_deadline && !c.response_breached) consider(*c.response_deadline);
  if (!c.resolved_at && c.resolution_deadline && !c.resolution_breached) {
    consider(*c.resolution_deadline);
  }
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const EscalationRule& r = rules[i];
    if (contains(fired, static_cast<std::int32_t>(i)) || !target_open(c, r.target)) continue;
    const auto& minutes = target_minutes(targets, r.target);
    if (!minutes) continue;
    Wide need = rule_threshold(r, *minutes) + c.paused_work;
    if (need >= Wide(kEndTimestamp)) continue;
    try {
      consider(cal.add_work(c.started_at, static_cast<Micros>(need)));
    } catch (const Error&) {
      // Beyond the timestamp range: never reached.
    }
  }
  return best;
}

std::vector<Problem> parse_escalation_rules(std::string_view text,
                                            std::vector<EscalationRule>& out) {
  std::vector<Problem> problems;
  out.clear();
  const std::string root = "escalation_rules";
  nlohmann::json doc;
  try {
    // Rules are shallow; refuse deep nesting before the recursive parser sees it.
    int depth = 0, max_depth = 0;
    bool in_string = false, escaped = false;
    for (char ch : text) {
      if (in_string) {
        if (escaped) escaped = false;
        else if (ch == '\\') escaped = true;
        else if (ch == '"') in_string = false;
      } else if (ch == '"') {
        in_string = true;
      } else if (ch == '[' || ch == '{') {
        max_depth = std::max(max_depth, ++depth);
      } else if (ch == ']' || ch == '}') {
        --depth;
      }
    }
    if (max_depth > 16) {
      problems.push_back({root, "nested too deeply (at most 16 levels)"});
      return problems;
    }
    doc = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception&) {
    problems.push_back({root, "is not valid JSON"});
    return problems;
  }
  if (doc.is_null()) return problems;
  if (!doc.is_array()) {
    problems.push_back({root, "must be a JSON array of rule objects"});
    return problems;
  }
  for (std::size_t i = 0; i < doc.size(); ++i) {
    const auto& r = doc[i];
    std::string path = root + "[" + std::to_string(i) + "]";
    if (!r.is_object()) {
      problems.push_back({path, "must be an object"});
      continue;
    }
    EscalationRule rule;
    bool ok = true;
    for (const auto& [key, value] : r.items()) {
      if (key != "target" && key != "at_percent" && key != "action" && key != "priority" &&
          key != "assignee_id") {
        problems.push_back({path + "." + key,
                            "unknown key (allowed: target, at_percent, action, priority, "
                            "assignee_id)"});
        ok = false;
      }
    }
    auto target = r.find("target");
    if (target == r.end() || !target->is_string() ||
        (*target != "response" && *target != "resolution")) {
      problems.push_back({path + ".target", "must be \"response\" or \"resolution\""});
      ok = false;
    } else {
      rule.target = *target == "response" ? RuleTarget::kResponse : RuleTarget::kResolution;
    }
    auto pct = r.find("at_percent");
    if (pct == r.end() || !pct->is_number_integer() || pct->get<std::int64_t>() < 1 ||
        pct->get<std::int64_t>() > 1000) {
      problems.push_back({path + ".at_percent", "must be an integer from 1 to 1000"});
      ok = false;
    } else {
      rule.at_percent = static_cast<std::int32_t>(pct->get<std::int64_t>());
    }
    auto action = r.find("action");
    std::string a = action != r.end() && action->is_string() ? action->get<std::string>() : "";
    if (a == "notify") {
      rule.action = RuleAction::kNotify;
    } else if (a == "set_priority") {
      rule.action = RuleAction::kSetPriority;
      auto p = r.find("priority");
      std::string v = p != r.end() && p->is_string() ? p->get<std::string>() : "";
      if (v != "low" && v != "medium" && v != "high" && v != "critical") {
        problems.push_back({path + ".priority",
                            "set_priority needs priority: low, medium, high or critical"});
        ok = false;
      }
      rule.priority = v;
    } else if (a == "reassign") {
      rule.action = RuleAction::kReassign;
      auto u = r.find("assignee_id");
      if (u == r.end() || !u->is_number_integer() || u->get<std::int64_t>() < 1 ||
          u->get<std::int64_t>() > 2147483647) {
        problems.push_back({path + ".assignee_id", "reassign needs assignee_id: a user id"});
        ok = false;
      } else {
        rule.assignee_id = static_cast<std::int32_t>(u->get<std::int64_t>());
      }
    } else {
      problems.push_back({path + ".action", "must be \"notify\", \"set_priority\" or \"reassign\""});
      ok = false;
    }
    if (ok) out.push_back(rule);
  }
  if (!problems.empty()) out.clear();
  return problems;
}

}  // namespace servicedesk
