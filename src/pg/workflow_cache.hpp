// Per-backend cache of compiled workflow versions. Entries are keyed by the
// workflows table's oid and the row id; a statement trigger on
// servicedesk.workflows sends a relcache invalidation for that table on every
// write, which clears the cache in every backend (at the writer's next
// command, and at commit for the others, rollback included). Bounded by
// servicedesk.workflow_cache_size entries, least recently used evicted.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/workflow.hpp"
#include "pg/guard.hpp"

namespace servicedesk::pg {

struct WorkflowVersion {
  std::int32_t id = 0;
  std::string name;
  std::int32_t version = 0;
  std::shared_ptr<const CompiledWorkflow> compiled;
};

// The compiled workflow row `id`; throws Error(SD010) when it does not exist.
// Needs an SPI connection. A cache hit runs no query: stages and transitions
// of a row never change once a request uses it, and any write to the table
// clears the cache.
std::shared_ptr<const WorkflowVersion> workflow_version(std::int32_t id);

void workflow_cache_init();

}  // namespace servicedesk::pg
