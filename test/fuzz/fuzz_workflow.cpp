// libFuzzer target for workflow definitions: the input is the stages JSON and
// the transitions JSON separated by the first NUL byte (no NUL: everything is
// stages, transitions are "[]"). Checks that validation never throws, that
// compile throws nothing but Error and agrees with validation, and that a
// compiled workflow answers consistently.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/workflow.hpp"

using servicedesk::CompiledWorkflow;
using servicedesk::Error;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

void exercise(const CompiledWorkflow& w) {
  const auto& stages = w.stages();
  auto n = static_cast<std::int32_t>(stages.size());
  check(w.initial_stage() >= 0 && w.initial_stage() < n);
  for (std::int32_t i = 0; i < n; ++i) {
    check(w.find_stage(stages[i].id) == i);
    for (const servicedesk::Transition* t : w.moves_from(i)) {
      check(t->to >= 0 && t->to < n && t->to != i);
      check(t->from == -1 || t->from == i);
      check(w.find_transition(i, t->to) == t);
      check(!w.skips_approval(i, t->to));
    }
    if (stages[i].terminal) check(w.moves_from(i).empty());
  }
  // Pairwise checks on a bounded corner, so big inputs stay fast.
  std::int32_t m = n < 48 ? n : 48;
  for (std::int32_t a = -1; a <= m; ++a) {
    for (std::int32_t b = -1; b <= m; ++b) {
      const servicedesk::Transition* t = w.find_transition(a, b);
      if (t == nullptr) continue;
      check(a >= 0 && a < n && b >= 0 && b < n && a != b && t->to == b);
      (void)w.skips_approval(a, b);
    }
  }
  check(w.moves_from(-1).empty() && w.moves_from(n).empty());
  (void)w.find_stage("*");
  std::string mermaid = w.graph(servicedesk::GraphFormat::kMermaid);
  std::string dot = w.graph(servicedesk::GraphFormat::kDot);
  check(mermaid.starts_with("stateDiagram-v2\n") && dot.starts_with("digraph workflow {\n"));
  check(w.memory_size() > 0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string_view stages = input;
  std::string_view transitions = "[]";
  if (auto nul = input.find('\0'); nul != std::string_view::npos) {
    stages = input.substr(0, nul);
    transitions = input.substr(nul + 1);
  }

  std::vector<servicedesk::Problem> problems = servicedesk::validate_workflow(stages, transitions);
  for (const auto& p : problems) check(p.message.find('\n') == std::string::npos);
  try {
    CompiledWorkflow w = CompiledWorkflow::compile(stages, transitions);
    check(problems.empty());
    CompiledWorkflow moved = std::move(w);  // moves must keep the Transition pointers valid
    exercise(moved);
  } catch (const Error& e) {
    check(!problems.empty());
    check(e.code() == servicedesk::sqlstate::kInvalidWorkflow);
  }
  return 0;
}
