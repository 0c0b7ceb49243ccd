#include "core/workflow.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace servicedesk {
namespace {

// SPEC section 3.
constexpr const char* kSpecStages = R"([
  {"id": "new", "name": "New", "status": "submitted", "initial": true},
  {"id": "triage", "status": "in_progress"},
  {"id": "manager_approval", "status": "pending_approval",
   "approval": {"approvers": {"role": "manager"}, "policy": "all",
                "due_minutes": 480,
                "on_approved": "fulfilment", "on_rejected": "rejected"}},
  {"id": "fulfilment", "status": "in_progress"},
  {"id": "waiting_customer", "status": "on_hold", "sla": "pause"},
  {"id": "resolved", "status": "resolved"},
  {"id": "closed", "status": "closed", "terminal": true},
  {"id": "rejected", "status": "rejected", "terminal": true},
  {"id": "cancelled", "status": "cancelled", "terminal": true}
])";

constexpr const char* kSpecTransitions = R"([
  {"from": "new", "to": "triage", "roles": ["agent"]},
  {"from": "triage", "to": "manager_approval"},
  {"from": ["triage", "fulfilment"], "to": "waiting_customer"},
  {"from": "waiting_customer", "to": "fulfilment"},
  {"from": "fulfilment", "to": "resolved", "requires": ["assignee_id"]},
  {"from": "resolved", "to": "closed"},
  {"from": "resolved", "to": "fulfilment", "name": "reopen"},
  {"from": "*", "to": "cancelled", "roles": ["requester", "admin"]}
])";

// A minimal valid definition that the rejection cases below vary.
constexpr const char* kTwoStages =
    R"([{"id": "a", "status": "submitted", "initial": true},
        {"id": "b", "status": "resolved", "terminal": true}])";
constexpr const char* kAToB = R"([{"from": "a", "to": "b"}])";

std::string describe(const std::vector<Problem>& problems) {
  std::string out;
  for (const Problem& p : problems) out += "  " + p.path + ": " + p.message + "\n";
  return out;
}

// True when some problem sits at exactly `path` and its message contains `text`.
bool has_problem(const std::vector<Problem>& problems, const std::string& path,
                 const std::string& text = "") {
  for (const Problem& p : problems) {
    if (p.path == path && p.message.find(text) != std::string::npos) return true;
  }
  return false;
}

std::vector<std::string> targets(const CompiledWorkflow& w, const std::string& from) {
  std::vector<std::string> out;
  for (const Transition* t : w.moves_from(w.find_stage(from))) {
    out.push_back(w.stages()[t->to].id);
  }
  return out;
}

// --- valid definitions -------------------------------------------------------

TEST(Workflow, SpecExampleValidates) {
  auto problems = validate_workflow(kSpecStages, kSpecTransitions);
  EXPECT_TRUE(problems.empty()) << describe(problems);
}

TEST(Workflow, SpecExampleCompiles) {
  CompiledWorkflow w = CompiledWorkflow::compile(kSpecStages, kSpecTransitions);
  ASSERT_EQ(w.stages().size(), 9u);
  EXPECT_EQ(w.initial_stage(), 0);
  EXPECT_EQ(w.find_stage("new"), 0);
  EXPECT_EQ(w.find_stage("cancelled"), 8);
  EXPECT_EQ(w.find_stage("nope"), -1);
  EXPECT_EQ(w.find_stage("*"), -1);

  const Stage& approval = w.stages()[2];
  ASSERT_TRUE(approval.approval.has_value());
  EXPECT_EQ(approval.status, Status::kPendingApproval);
  EXPECT_EQ(approval.approval->role, "manager");
  EXPECT_TRUE(approval.approval->approver_ids.empty());
  EXPECT_EQ(approval.approval->policy, ApprovalPolicy::kAll);
  EXPECT_EQ(approval.approval->due_minutes, 480);
  EXPECT_EQ(approval.approval->on_approved, 3);
  EXPECT_EQ(approval.approval->on_rejected, 7);
  EXPECT_EQ(w.stages()[0].name, "New");
  EXPECT_TRUE(w.stages()[0].initial);
  EXPECT_TRUE(w.stages()[4].sla_pause);
  EXPECT_FALSE(w.stages()[3].sla_pause);
  EXPECT_TRUE(w.stages()[6].terminal);

  // The array `from` expands to one Transition per stage, both with index 2.
  ASSERT_EQ(w.transitions().size(), 9u);
  EXPECT_EQ(w.transitions()[2].index, 2);
  EXPECT_EQ(w.transitions()[3].index, 2);
  EXPECT_EQ(w.transitions()[8].from, -1);

  const Transition* t = w.find_transition(w.find_stage("fulfilment"), w.find_stage("resolved"));
  ASSERT_NE(t, nullptr);
  ASSERT_EQ(t->requires_.size(), 1u);
  EXPECT_EQ(t->requires_[0].column, "assignee_id");
  EXPECT_FALSE(t->requires_[0].metadata_key.has_value());
  t = w.find_transition(w.find_stage("resolved"), w.find_stage("fulfilment"));
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->name, "reopen");
  t = w.find_transition(0, 1);
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->roles, std::vector<std::string>{"agent"});

  // "*" applies from every non-terminal stage, never from a terminal one.
  for (const char* from : {"new", "triage", "manager_approval", "fulfilment", "resolved"}) {
    t = w.find_transition(w.find_stage(from), w.find_stage("cancelled"));
    ASSERT_NE(t, nullptr) << from;
    EXPECT_EQ(t->from, -1);
    EXPECT_EQ(t->index, 7);
  }
  EXPECT_EQ(w.find_transition(w.find_stage("closed"), w.find_stage("cancelled")), nullptr);
  EXPECT_EQ(w.find_transition(w.find_stage("cancelled"), w.find_stage("cancelled")), nullptr);
  EXPECT_EQ(w.find_transition(w.find_stage("new"), w.find_stage("closed")), nullptr);
  EXPECT_EQ(w.find_transition(-1, 0), nullptr);
  EXPECT_EQ(w.find_transition(0, 99), nullptr);

  EXPECT_TRUE(w.skips_approval(2, 3));
  EXPECT_FALSE(w.skips_approval(2, 7));
  EXPECT_FALSE(w.skips_approval(1, 3));
  EXPECT_FALSE(w.skips_approval(-1, 3));
  EXPECT_FALSE(w.skips_approval(100, 3));

  using V = std::vector<std::string>;
  EXPECT_EQ(targets(w, "new"), (V{"triage", "cancelled"}));
  EXPECT_EQ(targets(w, "triage"), (V{"manager_approval", "waiting_customer", "cancelled"}));
  EXPECT_EQ(targets(w, "manager_approval"), (V{"cancelled"}));
  EXPECT_EQ(targets(w, "fulfilment"), (V{"waiting_customer", "resolved", "cancelled"}));
  EXPECT_EQ(targets(w, "waiting_customer"), (V{"fulfilment", "cancelled"}));
  EXPECT_EQ(targets(w, "resolved"), (V{"closed", "fulfilment", "cancelled"}));
  EXPECT_TRUE(targets(w, "closed").empty());
  EXPECT_TRUE(targets(w, "cancelled").empty());
  EXPECT_TRUE(w.moves_from(-1).empty());
  EXPECT_TRUE(w.moves_from(9).empty());
  EXPECT_GT(w.memory_size(), sizeof(CompiledWorkflow));
}

TEST(Workflow, ExplicitPairWinsOverStarButKeepsStarPosition) {
  const char* stages = R"([
    {"id": "a", "status": "submitted", "initial": true},
    {"id": "b", "status": "in_progress"},
    {"id": "c", "status": "resolved"},
    {"id": "x", "status": "cancelled", "terminal": true}])";
  const char* transitions = R"([
    {"from": "*", "to": "x", "roles": ["requester"]},
    {"from": "a", "to": "b"},
    {"from": "b", "to": "c"},
    {"from": "b", "to": "x", "roles": ["admin"], "name": "kill"},
    {"from": "*", "to": "a", "name": "restart"}])";
  CompiledWorkflow w = CompiledWorkflow::compile(stages, transitions);
  const Transition* t = w.find_transition(1, 3);
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->index, 3);
  EXPECT_EQ(t->name, "kill");
  t = w.find_transition(0, 3);
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->index, 0);
  // b: "*"->x comes first in the definition, but the explicit pair governs it.
  const auto& moves = w.moves_from(1);
  ASSERT_EQ(moves.size(), 3u);
  EXPECT_EQ(moves[0]->to, 3);
  EXPECT_EQ(moves[0]->index, 3);
  EXPECT_EQ(moves[1]->to, 2);
  EXPECT_EQ(moves[2]->to, 0);
  // "*" never moves a stage to itself.
  EXPECT_EQ(w.find_transition(0, 0), nullptr);
  EXPECT_EQ(targets(w, "a"), (std::vector<std::string>{"x", "b"}));
}

TEST(Workflow, OptionalFormsAreAccepted) {
  const char* stages = R"([
    {"id": "a", "status": "submitted", "initial": true},
    {"id": "q", "status": "pending_approval",
     "approval": {"approvers": [3, 5, 7], "policy": {"quorum": 2}, "due_minutes": 60.0,
                  "on_approved": "done", "on_rejected": "a"}},
    {"id": "r", "status": "in_progress",
     "approval": {"approvers": {"role": "cab"}, "policy": {"quorum": 9},
                  "on_approved": "done", "on_rejected": "a"}},
    {"id": "any", "status": "on_hold",
     "approval": {"approvers": [1], "policy": "any", "on_approved": "done", "on_rejected": "a"}},
    {"id": "done", "status": "closed", "terminal": true, "initial": false}])";
  const char* transitions = R"([
    {"from": "a", "to": "q", "requires": ["metadata.cost_center", "title", "metadata"]},
    {"from": ["a"], "to": "r"},
    {"from": "a", "to": "any", "roles": ["x"], "requires": []}])";
  auto problems = validate_workflow(stages, transitions);
  ASSERT_TRUE(problems.empty()) << describe(problems);
  CompiledWorkflow w = CompiledWorkflow::compile(stages, transitions);
  const auto& q = *w.stages()[1].approval;
  EXPECT_EQ(q.approver_ids, (std::vector<std::int32_t>{3, 5, 7}));
  EXPECT_EQ(q.policy, ApprovalPolicy::kQuorum);
  EXPECT_EQ(q.quorum, 2);
  EXPECT_EQ(q.due_minutes, 60);
  EXPECT_FALSE(w.stages()[2].approval->due_minutes.has_value());
  EXPECT_EQ(w.stages()[3].approval->policy, ApprovalPolicy::kAny);
  const auto& req = w.transitions()[0].requires_;
  ASSERT_EQ(req.size(), 3u);
  EXPECT_EQ(req[0].column, "metadata");
  EXPECT_EQ(req[0].metadata_key, "cost_center");
  EXPECT_EQ(req[0].text, "metadata.cost_center");
  EXPECT_EQ(req[1].column, "title");
  EXPECT_EQ(req[2].column, "metadata");
  EXPECT_FALSE(req[2].metadata_key.has_value());
}

TEST(Workflow, IdLengthCountsCodePoints) {
  std::string hundred;
  for (int i = 0; i < 100; ++i) hundred += "\xc3\xa9";  // é, two bytes each
  std::string stages = R"([{"id": ")" + hundred + R"(", "status": "submitted", "initial": true}])";
  EXPECT_TRUE(validate_workflow(stages, "[]").empty());
  stages = R"([{"id": ")" + hundred + R"(x", "status": "submitted", "initial": true}])";
  auto problems = validate_workflow(stages, "[]");
  EXPECT_TRUE(has_problem(problems, "stages[0].id", "101 characters")) << describe(problems);
}

TEST(Workflow, CompiledWorkflowSurvivesMoves) {
  auto owned = std::make_shared<const CompiledWorkflow>(
      CompiledWorkflow::compile(kSpecStages, kSpecTransitions));
  const auto& all = owned->transitions();
  for (std::int32_t s = 0; s < static_cast<std::int32_t>(owned->stages().size()); ++s) {
    for (const Transition* t : owned->moves_from(s)) {
      EXPECT_GE(t, all.data());
      EXPECT_LT(t, all.data() + all.size());
    }
  }
  EXPECT_EQ(targets(*owned, "new"), (std::vector<std::string>{"triage", "cancelled"}));
  static_assert(!std::is_copy_constructible_v<CompiledWorkflow>);
  static_assert(std::is_nothrow_move_constructible_v<CompiledWorkflow>);
}

TEST(Workflow, StatusNames) {
  EXPECT_EQ(status_name(Status::kSubmitted), "submitted");
  EXPECT_EQ(status_name(Status::kRejected), "rejected");
  for (int i = 0; i < 8; ++i) {
    auto s = static_cast<Status>(i);
    EXPECT_EQ(parse_status(status_name(s)), s);
  }
  EXPECT_FALSE(parse_status("Submitted").has_value());
  EXPECT_FALSE(parse_status("").has_value());
}

// --- every rejection cause, with its path ---------------------------------------

struct Case {
  const char* name;
  std::string stages;
  std::string transitions;
  const char* path;
  const char* text;
};

std::string two_stages_with(const std::string& first_stage_extra) {
  return R"([{"id": "a", "status": "submitted", "initial": true)" + first_stage_extra +
         R"(}, {"id": "b", "status": "resolved", "terminal": true}])";
}

// Stage 1 carries an approval; `approval` is the object's text.
std::string approval_stages(const std::string& approval) {
  return R"([{"id": "a", "status": "submitted", "initial": true},
             {"id": "ap", "status": "pending_approval", "approval": )" +
         approval + R"(},
             {"id": "yes", "status": "resolved", "terminal": true},
             {"id": "no", "status": "rejected", "terminal": true}])";
}
constexpr const char* kToAp = R"([{"from": "a", "to": "ap"}])";
std::string good_approval(const std::string& replace_key, const std::string& value) {
  std::string out = R"({"approvers": [1, 2])";
  auto add = [&](const char* key, const char* def) {
    if (replace_key == key) {
      if (!value.empty()) out += std::string(", \"") + key + "\": " + value;
    } else if (def != nullptr) {
      out += std::string(", \"") + key + "\": " + def;
    }
  };
  if (replace_key == "approvers")
    out = value.empty() ? "{\"policy\": \"all\"" : "{\"approvers\": " + value;
  add("policy", nullptr);
  add("due_minutes", nullptr);
  add("on_approved", "\"yes\"");
  add("on_rejected", "\"no\"");
  add("extra", nullptr);
  return out + "}";
}

std::vector<Case> cases() {
  const std::string three = R"([{"id": "a", "status": "submitted", "initial": true},
                                {"id": "b", "status": "in_progress"},
                                {"id": "c", "status": "closed", "terminal": true}])";
  return {
      {"stages_not_array", "{}", kAToB, "stages", "must be an array"},
      {"stages_not_json", "[{", kAToB, "stages", "not valid JSON"},
      {"transitions_not_array", kTwoStages, R"("x")", "transitions", "must be an array"},
      {"transitions_not_json", kTwoStages, "nope", "transitions", "not valid JSON"},
      {"number_overflow", R"([{"id": "a", "status": "submitted", "initial": true, "x": 1e999}])",
       "[]", "stages", "a number is out of range"},
      {"stage_not_object", R"([{"id": "a", "status": "submitted", "initial": true}, 1])", "[]",
       "stages[1]", "must be a stage object, got a number"},
      {"transition_not_object", kTwoStages, R"([{"from": "a", "to": "b"}, []])", "transitions[1]",
       "must be a transition object"},
      {"unknown_stage_key", two_stages_with(R"(, "statuss": "x")"), kAToB, "stages[0]",
       "unknown key \"statuss\" (allowed: id, name, status, initial, terminal, sla, approval)"},
      {"unknown_transition_key", kTwoStages, R"([{"from": "a", "to": "b", "role": ["x"]}])",
       "transitions[0]", "unknown key \"role\""},
      {"unknown_approval_key", approval_stages(good_approval("extra", "1")), kToAp,
       "stages[1].approval", "unknown key \"extra\""},
      {"id_missing",
       R"([{"id": "a", "status": "submitted", "initial": true}, {"status": "resolved"}])", kAToB,
       "stages[1].id", "is required"},
      {"id_not_string", R"([{"id": 7, "status": "submitted", "initial": true}])", "[]",
       "stages[0].id", "must be a string"},
      {"id_empty", R"([{"id": "", "status": "submitted", "initial": true}])", "[]", "stages[0].id",
       "must not be empty"},
      {"id_too_long",
       R"([{"id": ")" + std::string(101, 'x') + R"(", "status": "submitted", "initial": true}])",
       "[]", "stages[0].id", "at most 100"},
      {"id_star", R"([{"id": "*", "status": "submitted", "initial": true}])", "[]", "stages[0].id",
       "not a valid stage id"},
      {"id_nul", R"([{"id": "a\u0000b", "status": "submitted", "initial": true}])", "[]",
       "stages[0].id", "NUL"},
      {"id_duplicated",
       R"([{"id": "a", "status": "submitted", "initial": true}, {"id": "a", "status": "resolved"}])",
       "[]", "stages[1].id", "duplicates the id of stages[0]"},
      {"no_initial", R"([{"id": "a", "status": "submitted"}])", "[]", "stages",
       "no stage has \"initial\": true"},
      {"empty_stages", "[]", "[]", "stages", "no stage has \"initial\": true"},
      {"two_initial",
       R"([{"id": "a", "status": "submitted", "initial": true}, {"id": "b", "status": "resolved", "initial": true}])",
       kAToB, "stages", "2 stages have \"initial\": true (stages[0], stages[1])"},
      {"status_missing", R"([{"id": "a", "initial": true}])", "[]", "stages[0].status",
       "is required"},
      {"status_unknown", R"([{"id": "a", "status": "open", "initial": true}])", "[]",
       "stages[0].status", "unknown status \"open\" (allowed: submitted, in_progress"},
      {"status_not_string", R"([{"id": "a", "status": 1, "initial": true}])", "[]",
       "stages[0].status", "must be a status string"},
      {"name_not_string", two_stages_with(R"(, "name": 5)"), kAToB, "stages[0].name",
       "must be a string"},
      {"initial_not_bool", R"([{"id": "a", "status": "submitted", "initial": "yes"}])", "[]",
       "stages[0].initial", "must be true or false"},
      {"terminal_not_bool", two_stages_with(R"(, "terminal": 1)"), kAToB, "stages[0].terminal",
       "must be true or false"},
      {"sla_not_pause", two_stages_with(R"(, "sla": "stop")"), kAToB, "stages[0].sla",
       "must be \"pause\""},
      {"approval_not_object", two_stages_with(R"(, "approval": [])"), kAToB, "stages[0].approval",
       "must be an object"},
      {"approvers_missing", approval_stages(good_approval("approvers", "")), kToAp,
       "stages[1].approval.approvers", "is required"},
      {"approvers_empty", approval_stages(good_approval("approvers", "[]")), kToAp,
       "stages[1].approval.approvers", "at least one user id"},
      {"approvers_bad_id", approval_stages(good_approval("approvers", "[1, -4]")), kToAp,
       "stages[1].approval.approvers[1]", "positive integer"},
      {"approvers_fraction", approval_stages(good_approval("approvers", "[1.5]")), kToAp,
       "stages[1].approval.approvers[0]", "positive integer"},
      {"approvers_string_id", approval_stages(good_approval("approvers", R"([1, "2"])")), kToAp,
       "stages[1].approval.approvers[1]", "positive integer"},
      {"approvers_too_big", approval_stages(good_approval("approvers", "[3000000000]")), kToAp,
       "stages[1].approval.approvers[0]", "positive integer"},
      {"approvers_duplicated", approval_stages(good_approval("approvers", "[4, 4]")), kToAp,
       "stages[1].approval.approvers[1]", "already listed at stages[1].approval.approvers[0]"},
      {"approvers_wrong_type", approval_stages(good_approval("approvers", R"("boss")")), kToAp,
       "stages[1].approval.approvers", "must be an array of user ids or {\"role\""},
      {"approvers_role_empty", approval_stages(good_approval("approvers", R"({"role": ""})")),
       kToAp, "stages[1].approval.approvers.role", "non-empty string"},
      {"approvers_role_missing", approval_stages(good_approval("approvers", "{}")), kToAp,
       "stages[1].approval.approvers.role", "is required"},
      {"approvers_extra_key",
       approval_stages(good_approval("approvers", R"({"role": "m", "x": 1})")), kToAp,
       "stages[1].approval.approvers", "unknown key \"x\""},
      {"policy_unknown", approval_stages(good_approval("policy", R"("most")")), kToAp,
       "stages[1].approval.policy", "unknown policy \"most\""},
      {"policy_wrong_type", approval_stages(good_approval("policy", "2")), kToAp,
       "stages[1].approval.policy", "must be a policy"},
      {"policy_extra_key", approval_stages(good_approval("policy", R"({"quorum": 1, "n": 2})")),
       kToAp, "stages[1].approval.policy", "unknown key \"n\""},
      {"quorum_missing", approval_stages(good_approval("policy", "{}")), kToAp,
       "stages[1].approval.policy.quorum", "is required"},
      {"quorum_zero", approval_stages(good_approval("policy", R"({"quorum": 0})")), kToAp,
       "stages[1].approval.policy.quorum", "at least 1"},
      {"quorum_not_integer", approval_stages(good_approval("policy", R"({"quorum": "2"})")), kToAp,
       "stages[1].approval.policy.quorum", "must be an integer"},
      {"quorum_above_approvers", approval_stages(good_approval("policy", R"({"quorum": 3})")),
       kToAp, "stages[1].approval.policy.quorum", "is 3 but only 2 approver(s) are listed"},
      {"due_negative", approval_stages(good_approval("due_minutes", "-1")), kToAp,
       "stages[1].approval.due_minutes", "must be between 0 and"},
      {"due_fraction", approval_stages(good_approval("due_minutes", "1.5")), kToAp,
       "stages[1].approval.due_minutes", "whole number"},
      {"due_string", approval_stages(good_approval("due_minutes", R"("60")")), kToAp,
       "stages[1].approval.due_minutes", "whole number"},
      {"due_huge", approval_stages(good_approval("due_minutes", "1e300")), kToAp,
       "stages[1].approval.due_minutes", "must be between 0 and"},
      {"on_approved_missing", approval_stages(good_approval("on_approved", "")), kToAp,
       "stages[1].approval.on_approved", "is required"},
      {"on_approved_unknown", approval_stages(good_approval("on_approved", R"("ok")")), kToAp,
       "stages[1].approval.on_approved", "unknown stage \"ok\""},
      {"on_rejected_unknown", approval_stages(good_approval("on_rejected", R"("nah")")), kToAp,
       "stages[1].approval.on_rejected", "unknown stage \"nah\""},
      {"on_rejected_not_string", approval_stages(good_approval("on_rejected", "3")), kToAp,
       "stages[1].approval.on_rejected", "must be a stage id"},
      {"on_rejected_self", approval_stages(good_approval("on_rejected", R"("ap")")), kToAp,
       "stages[1].approval.on_rejected", "must name another stage"},
      {"from_missing", kTwoStages, R"([{"to": "b"}])", "transitions[0].from", "is required"},
      {"from_unknown", kTwoStages, R"([{"from": "z", "to": "b"}])", "transitions[0].from",
       "unknown stage \"z\""},
      {"from_array_unknown", kTwoStages, R"([{"from": ["a", "z"], "to": "b"}])",
       "transitions[0].from[1]", "unknown stage \"z\""},
      {"from_array_empty", kTwoStages, R"([{"from": [], "to": "b"}, {"from": "a", "to": "b"}])",
       "transitions[0].from", "at least one stage"},
      {"from_array_star", kTwoStages, R"([{"from": ["*"], "to": "b"}])", "transitions[0].from[0]",
       "\"*\" must be used alone"},
      {"from_array_not_string", kTwoStages, R"([{"from": ["a", 1], "to": "b"}])",
       "transitions[0].from[1]", "must be a stage id"},
      {"from_wrong_type", kTwoStages, R"([{"from": 1, "to": "b"}])", "transitions[0].from",
       "a stage id, an array of stage ids, or \"*\""},
      {"from_array_repeated", three,
       R"([{"from": ["a", "a"], "to": "b"}, {"from": "b", "to": "c"}])", "transitions[0].from[1]",
       "already listed at transitions[0].from[0]"},
      {"to_missing", kTwoStages, R"([{"from": "a"}])", "transitions[0].to", "is required"},
      {"to_star", kTwoStages, R"([{"from": "a", "to": "*"}])", "transitions[0].to",
       "\"*\" is only allowed in from"},
      {"to_unknown", kTwoStages, R"([{"from": "a", "to": "zz"}])", "transitions[0].to",
       "unknown stage \"zz\""},
      {"to_not_string", kTwoStages, R"([{"from": "a", "to": ["b"]}])", "transitions[0].to",
       "must be a stage id"},
      {"self_transition", kTwoStages, R"([{"from": "a", "to": "b"}, {"from": "a", "to": "a"}])",
       "transitions[1].from", "must change the stage"},
      {"leaves_terminal", three,
       R"([{"from": "a", "to": "b"}, {"from": "b", "to": "c"}, {"from": "c", "to": "a"}])",
       "transitions[2].from", "stage \"c\" is terminal"},
      {"leaves_terminal_in_array", three,
       R"([{"from": "a", "to": "b"}, {"from": ["b", "c"], "to": "a"}, {"from": "b", "to": "c"}])",
       "transitions[1].from[1]", "is terminal"},
      {"duplicated_pair", kTwoStages, R"([{"from": "a", "to": "b"}, {"from": "a", "to": "b"}])",
       "transitions[1].from", "duplicates transitions[0] (from \"a\" to \"b\")"},
      {"duplicated_pair_in_arrays", three,
       R"([{"from": ["a", "b"], "to": "c"}, {"from": "a", "to": "b"}, {"from": ["b"], "to": "c"}])",
       "transitions[2].from[0]", "duplicates transitions[0] (from \"b\" to \"c\")"},
      {"duplicated_star", kTwoStages, R"([{"from": "*", "to": "b"}, {"from": "*", "to": "b"}])",
       "transitions[1]", "duplicates transitions[0] (\"*\" to \"b\")"},
      {"roles_not_array", kTwoStages, R"([{"from": "a", "to": "b", "roles": "agent"}])",
       "transitions[0].roles", "must be an array of strings"},
      {"roles_empty", kTwoStages, R"([{"from": "a", "to": "b", "roles": []}])",
       "transitions[0].roles", "at least one role"},
      {"roles_empty_string", kTwoStages, R"([{"from": "a", "to": "b", "roles": ["x", ""]}])",
       "transitions[0].roles[1]", "non-empty string"},
      {"requires_unknown_column", kTwoStages,
       R"([{"from": "a", "to": "b", "requires": ["assignee"]}])", "transitions[0].requires[0]",
       "unknown column \"assignee\" (allowed: id, title"},
      {"requires_metadata_without_key", kTwoStages,
       R"([{"from": "a", "to": "b", "requires": ["title", "metadata."]}])",
       "transitions[0].requires[1]", "needs a key"},
      {"requires_not_string", kTwoStages, R"([{"from": "a", "to": "b", "requires": [null]}])",
       "transitions[0].requires[0]", "non-empty string, got null"},
      {"requires_not_array", kTwoStages, R"([{"from": "a", "to": "b", "requires": {}}])",
       "transitions[0].requires", "must be an array"},
      {"transition_name_not_string", kTwoStages, R"([{"from": "a", "to": "b", "name": true}])",
       "transitions[0].name", "must be a string"},
      {"unreachable", three, R"([{"from": "a", "to": "c"}])", "stages[1]",
       "stage \"b\" cannot be reached from the initial stage \"a\""},
      {"unreachable_behind_terminal_star",
       R"([{"id": "a", "status": "submitted", "initial": true, "terminal": true},
            {"id": "b", "status": "resolved"}])",
       R"([{"from": "*", "to": "b"}])", "stages[1]", "cannot be reached"},
      {"skips_approval_explicit", approval_stages(good_approval("", "")),
       R"([{"from": "a", "to": "ap"}, {"from": "ap", "to": "yes"}])", "transitions[1]",
       "leaves approval stage \"ap\" for its on_approved stage \"yes\""},
      {"stages_too_deep", std::string(100, '['), kAToB, "stages", "nested deeper than 64"},
      {"transitions_too_deep", kTwoStages, std::string(100000, '{'), "transitions",
       "nested deeper than 64"},
  };
}

class WorkflowRejects : public ::testing::TestWithParam<Case> {};

TEST_P(WorkflowRejects, ReportsPath) {
  const Case& c = GetParam();
  auto problems = validate_workflow(c.stages, c.transitions);
  EXPECT_TRUE(has_problem(problems, c.path, c.text))
      << "expected " << c.path << ": ..." << c.text << "...\ngot:\n"
      << describe(problems);
  try {
    (void)CompiledWorkflow::compile(c.stages, c.transitions);
    ADD_FAILURE() << "compile accepted it";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "SD001");
    EXPECT_NE(e.detail().find(std::string(c.path) + ": "), std::string::npos) << e.detail();
  }
}

INSTANTIATE_TEST_SUITE_P(AllCauses, WorkflowRejects, ::testing::ValuesIn(cases()),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(Workflow, ApprovalRulesThatAreAllowed) {
  // A quorum with a role can only be checked at runtime; 480.0 is an integer.
  auto a = approval_stages(R"({"approvers": {"role": "m"}, "policy": {"quorum": 50},
                              "due_minutes": 480.0, "on_approved": "yes", "on_rejected": "no"})");
  auto problems = validate_workflow(a, kToAp);
  EXPECT_TRUE(problems.empty()) << describe(problems);
  // A "*" to an approval stage's on_rejected stage is fine, and stages reached
  // only through approval outcomes ("yes") count as reachable.
  problems = validate_workflow(approval_stages(good_approval("", "")),
                               R"([{"from": "a", "to": "ap"}, {"from": "*", "to": "no"}])");
  EXPECT_TRUE(problems.empty()) << describe(problems);
}

TEST(Workflow, SeveralProblemsAtOnce) {
  const char* stages = R"([
    {"id": "a", "status": "submitted", "initial": true, "colour": "red"},
    {"id": "b", "status": "done"},
    {"id": "a", "status": "resolved"},
    {"id": "c", "status": "closed", "terminal": true}])";
  const char* transitions = R"([
    {"from": "a", "to": "b"},
    {"from": "c", "to": "a"},
    {"from": "b", "to": "b"}])";
  auto problems = validate_workflow(stages, transitions);
  EXPECT_EQ(problems,
            (std::vector<Problem>{
                {"stages[0]",
                 "unknown key \"colour\" (allowed: id, name, status, initial, terminal, sla, "
                 "approval)"},
                {"stages[1].status",
                 "unknown status \"done\" (allowed: submitted, in_progress, pending_approval, "
                 "on_hold, resolved, closed, cancelled, rejected)"},
                {"stages[2].id", "duplicates the id of stages[0] (\"a\"); ids must be unique"},
                {"transitions[1].from", "stage \"c\" is terminal; no transition may leave it"},
                {"transitions[2].from",
                 "a transition must change the stage (from and to are both \"b\")"},
                {"stages[3]",
                 "stage \"c\" cannot be reached from the initial stage \"a\" (no transition or "
                 "approval outcome leads to it)"},
            }))
      << describe(problems);

  try {
    (void)CompiledWorkflow::compile(stages, transitions);
    FAIL() << "compile accepted an invalid definition";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "SD001");
    EXPECT_EQ(e.message(), "invalid workflow definition: 6 problems");
    std::string expected;
    for (const Problem& p : problems)
      expected += (expected.empty() ? "" : "\n") + p.path + ": " + p.message;
    EXPECT_EQ(e.detail(), expected);
    EXPECT_NE(e.hint().find("validate_workflow"), std::string::npos);
  }
}

TEST(Workflow, UnreachableIsNotReportedWhenAnEdgeIsBroken) {
  // "b" is unreachable only because of the typo; one problem, not two.
  auto problems = validate_workflow(kTwoStages, R"([{"from": "a", "to": "bb"}])");
  EXPECT_EQ(problems, (std::vector<Problem>{{"transitions[0].to", "unknown stage \"bb\""}}));
  problems = validate_workflow(kTwoStages, "{}");
  EXPECT_EQ(problems.size(), 1u) << describe(problems);
  problems = validate_workflow(approval_stages(good_approval("on_rejected", R"("nah")")), kToAp);
  EXPECT_EQ(problems.size(), 1u) << describe(problems);
}

TEST(Workflow, SingleProblemMessage) {
  try {
    (void)CompiledWorkflow::compile("{}", "[]");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.message(), "invalid workflow definition: 1 problem");
    EXPECT_EQ(e.detail(), "stages: must be an array of stage objects, got an object");
  }
}

TEST(Workflow, HostileTextInMessagesStaysOnOneLine) {
  auto problems =
      validate_workflow(R"([{"id": "a", "status": "sub\nmitted\"", "initial": true}])", "[]");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].message.find('\n'), std::string::npos);
  EXPECT_NE(problems[0].message.find(R"("sub\nmitted\"")"), std::string::npos)
      << problems[0].message;
  std::string long_status(5000, 'z');
  problems = validate_workflow(
      R"([{"id": "a", "status": ")" + long_status + R"(", "initial": true}])", "[]");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_LT(problems[0].message.size(), 300u);
}

// --- scale -----------------------------------------------------------------------

std::pair<std::string, std::string> chain(int n) {
  std::string stages = "[";
  std::string transitions = "[";
  for (int i = 0; i < n; ++i) {
    if (i) stages += ',';
    stages += R"({"id": "s)" + std::to_string(i) + R"(", "status": ")" +
              (i == 0       ? "submitted"
               : i == n - 1 ? "closed"
                            : "in_progress") +
              "\"" + (i == 0 ? ", \"initial\": true" : "") +
              (i == n - 1 ? ", \"terminal\": true" : "") + "}";
    if (i + 1 < n) {
      if (i) transitions += ',';
      transitions +=
          R"({"from": "s)" + std::to_string(i) + R"(", "to": "s)" + std::to_string(i + 1) + "\"}";
    }
  }
  return {stages + "]", transitions + "]"};
}

TEST(WorkflowScale, ChainOf5000StagesCompilesFast) {
  auto [stages, transitions] = chain(5000);
  auto start = std::chrono::steady_clock::now();
  auto problems = validate_workflow(stages, transitions);
  CompiledWorkflow w = CompiledWorkflow::compile(stages, transitions);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                  start)
                .count();
  EXPECT_TRUE(problems.empty()) << describe(problems);
  EXPECT_LT(ms, 500) << "validate + compile of 5,000 stages took " << ms << " ms";
  ASSERT_EQ(w.stages().size(), 5000u);
  ASSERT_EQ(w.transitions().size(), 4999u);
  EXPECT_NE(w.find_transition(w.find_stage("s4998"), w.find_stage("s4999")), nullptr);
  EXPECT_EQ(w.find_transition(w.find_stage("s4999"), w.find_stage("s0")), nullptr);
  EXPECT_EQ(w.moves_from(w.find_stage("s10")).size(), 1u);
  std::string dot = w.graph(GraphFormat::kDot);
  EXPECT_NE(dot.find("\"s4998\" -> \"s4999\";"), std::string::npos);
}

TEST(WorkflowScale, MalformedDefinitionFailsFast) {
  // 50,000 stages, each with an unknown key, a bad status and a shared id,
  // and 50,000 transitions to nowhere.
  std::string stages = "[";
  std::string transitions = "[";
  for (int i = 0; i < 50000; ++i) {
    if (i) {
      stages += ',';
      transitions += ',';
    }
    stages += R"({"id": "x", "status": "bogus", "initial": true, "k": 1})";
    transitions += R"({"from": "x", "to": "y"})";
  }
  stages += "]";
  transitions += "]";
  auto start = std::chrono::steady_clock::now();
  auto problems = validate_workflow(stages, transitions);
  std::size_t detail_size = 0;
  try {
    (void)CompiledWorkflow::compile(stages, transitions);
    FAIL();
  } catch (const Error& e) {
    detail_size = e.detail().size();
    EXPECT_NE(e.detail().find("... and "), std::string::npos);
  }
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                  start)
                .count();
  EXPECT_LT(ms, 2000);
  ASSERT_EQ(problems.size(), 101u);
  EXPECT_EQ(problems.back().path, "");
  EXPECT_NE(problems.back().message.find("more problems"), std::string::npos);
  EXPECT_LT(detail_size, 64u * 1024);
}

TEST(WorkflowScale, DeepNestingIsRejectedWithoutRecursion) {
  std::string deep(1'000'000, '[');
  auto problems = validate_workflow(deep, deep + std::string(1'000'000, ']'));
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_EQ(problems[0].path, "stages");
  EXPECT_EQ(problems[1].path, "transitions");
  // Brackets inside strings do not count.
  std::string id(200, '[');
  problems = validate_workflow(
      R"([{"id": "a", "name": ")" + id + R"(", "status": "submitted", "initial": true}])", "[]");
  EXPECT_TRUE(problems.empty()) << describe(problems);
}

TEST(WorkflowScale, StarExpansionIsBounded) {
  // 2,000 stages with a "*" transition to each: 4 million moves.
  std::string stages = "[";
  std::string transitions = "[";
  for (int i = 0; i < 2000; ++i) {
    if (i) {
      stages += ',';
      transitions += ',';
    }
    stages += R"({"id": "s)" + std::to_string(i) + R"(", "status": "in_progress")" +
              (i == 0 ? ", \"initial\": true" : "") + "}";
    transitions += R"({"from": "*", "to": "s)" + std::to_string(i) + "\"}";
  }
  auto problems = validate_workflow(stages + "]", transitions + "]");
  ASSERT_EQ(problems.size(), 1u) << describe(problems);
  EXPECT_EQ(problems[0].path, "transitions");
}

// --- graphs -------------------------------------------------------------------------

TEST(WorkflowGraph, MermaidListsEverything) {
  CompiledWorkflow w = CompiledWorkflow::compile(kSpecStages, kSpecTransitions);
  std::string g = w.graph(GraphFormat::kMermaid);
  EXPECT_EQ(g.rfind("stateDiagram-v2\n", 0), 0u);
  EXPECT_NE(g.find("  s0 : New\n"), std::string::npos);
  EXPECT_NE(g.find("  s1 : triage\n"), std::string::npos);
  EXPECT_NE(g.find("  s2 : manager_approval (approval)\n"), std::string::npos);
  for (int i = 3; i < 9; ++i) {
    EXPECT_NE(g.find("  s" + std::to_string(i) + " : " + w.stages()[i].id + "\n"),
              std::string::npos);
  }
  EXPECT_NE(g.find("  [*] --> s0\n"), std::string::npos);
  EXPECT_NE(g.find("  s6 --> [*]\n"), std::string::npos);
  EXPECT_NE(g.find("  s7 --> [*]\n"), std::string::npos);
  EXPECT_NE(g.find("  s5 --> s3 : reopen\n"), std::string::npos);
  EXPECT_NE(g.find("  s0 --> s1\n"), std::string::npos);
  EXPECT_NE(g.find("  s2 --> s3 : approved\n"), std::string::npos);
  EXPECT_NE(g.find("  s2 --> s7 : rejected\n"), std::string::npos);
  EXPECT_NE(g.find("  any_stage --> s8\n"), std::string::npos);
  EXPECT_NE(g.find("  any_stage : * (any non-terminal stage)\n"), std::string::npos);
}

TEST(WorkflowGraph, DotListsEverything) {
  CompiledWorkflow w = CompiledWorkflow::compile(kSpecStages, kSpecTransitions);
  std::string g = w.graph(GraphFormat::kDot);
  EXPECT_EQ(g.rfind("digraph workflow {\n", 0), 0u);
  EXPECT_EQ(g.substr(g.size() - 2), "}\n");
  for (const Stage& s : w.stages()) {
    EXPECT_NE(g.find("  \"" + s.id + "\" [label="), std::string::npos) << s.id;
  }
  EXPECT_NE(g.find(R"("new" [label="New", style="rounded,bold"];)"), std::string::npos);
  EXPECT_NE(g.find(R"("closed" [label="closed", peripheries=2];)"), std::string::npos);
  EXPECT_NE(
      g.find(R"d("manager_approval" [label="manager_approval\n(approval)", shape=diamond];)d"),
      std::string::npos);
  EXPECT_NE(g.find(R"("triage" -> "waiting_customer";)"), std::string::npos);
  EXPECT_NE(g.find(R"("fulfilment" -> "waiting_customer";)"), std::string::npos);
  EXPECT_NE(g.find(R"("resolved" -> "fulfilment" [label="reopen"];)"), std::string::npos);
  EXPECT_NE(g.find(R"("*" -> "cancelled";)"), std::string::npos);
  EXPECT_NE(g.find(R"("manager_approval" -> "fulfilment" [label="approved", style=dashed];)"),
            std::string::npos);
  EXPECT_NE(g.find(R"("manager_approval" -> "rejected" [label="rejected", style=dashed];)"),
            std::string::npos);
}

TEST(WorkflowGraph, HostileIdsAreEscaped) {
  // ids: a quote and a backslash; a newline; SQL; Mermaid/DOT syntax; unicode.
  const char* stages = R"([
    {"id": "a\"b\\c", "status": "submitted", "initial": true},
    {"id": "line\nbreak", "status": "in_progress", "name": "x\" ]; evil [label=\""},
    {"id": "'; DROP TABLE services; --", "status": "in_progress"},
    {"id": "s0 --> [*] : %% #x; {y} <b>", "status": "in_progress"},
    {"id": "ünï ☃", "status": "closed", "terminal": true}])";
  const char* transitions = R"([
    {"from": "a\"b\\c", "to": "line\nbreak", "name": "go\"\n;"},
    {"from": "line\nbreak", "to": "'; DROP TABLE services; --"},
    {"from": "'; DROP TABLE services; --", "to": "s0 --> [*] : %% #x; {y} <b>"},
    {"from": "s0 --> [*] : %% #x; {y} <b>", "to": "ünï ☃"}])";
  CompiledWorkflow w = CompiledWorkflow::compile(stages, transitions);

  std::string dot = w.graph(GraphFormat::kDot);
  EXPECT_NE(dot.find(R"(  "a\"b\\c" [label="a\"b\\c", style="rounded,bold"];)"), std::string::npos)
      << dot;
  EXPECT_NE(dot.find(R"("line\nbreak" [label="x\" ]; evil [label=\""];)"), std::string::npos)
      << dot;
  EXPECT_NE(dot.find(R"("a\"b\\c" -> "line\nbreak" [label="go\"\n;"];)"), std::string::npos) << dot;
  EXPECT_NE(dot.find(R"("ünï ☃" [label="ünï ☃", peripheries=2];)"), std::string::npos) << dot;
  // One line per statement: 4 header/footer lines, 5 nodes, 4 edges.
  EXPECT_EQ(std::count(dot.begin(), dot.end(), '\n'), 4 + 5 + 4);

  std::string mm = w.graph(GraphFormat::kMermaid);
  EXPECT_NE(mm.find("  s0 : a#quot;b\\c\n"), std::string::npos) << mm;
  EXPECT_NE(mm.find("  s1 : x#quot; #93;#59; evil #91;label=#quot;\n"), std::string::npos) << mm;
  EXPECT_NE(mm.find("  s2 : '#59; DROP TABLE services#59; --\n"), std::string::npos) << mm;
  EXPECT_NE(mm.find("  s3 : s0 --#gt; #91;*#93; #58; #37;#37; #35;x#59; #123;y#125; #lt;b#gt;\n"),
            std::string::npos)
      << mm;
  EXPECT_NE(mm.find("  s4 : ünï ☃\n"), std::string::npos) << mm;
  EXPECT_NE(mm.find("  s0 --> s1 : go#quot; #59;\n"), std::string::npos) << mm;
  // header, 5 states, initial, 4 transitions, 1 terminal
  EXPECT_EQ(std::count(mm.begin(), mm.end(), '\n'), 1 + 5 + 1 + 4 + 1);
}

}  // namespace
}  // namespace servicedesk

// SPEC section 10: a "*" that covers an approval stage's on_approved target is
// a valid definition; the move itself is refused at run time (SD005).
namespace servicedesk {
namespace {

TEST(Workflow, StarCoveringOnApprovedIsValidButSkipsApproval) {
  auto wf = CompiledWorkflow::compile(approval_stages(good_approval("", "")),
                                      R"([{"from": "a", "to": "ap"}, {"from": "*", "to": "yes"}])");
  std::int32_t ap = wf.find_stage("ap");
  std::int32_t yes = wf.find_stage("yes");
  ASSERT_NE(wf.find_transition(ap, yes), nullptr);
  EXPECT_TRUE(wf.skips_approval(ap, yes));
  EXPECT_FALSE(wf.skips_approval(wf.find_stage("a"), yes));
}

}  // namespace
}  // namespace servicedesk
