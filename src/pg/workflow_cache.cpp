#include "pg/workflow_cache.hpp"

#include <list>
#include <unordered_map>

#include "pg/module.hpp"
#include "pg/spi.hpp"

namespace servicedesk::pg {

namespace {

Plan g_fetch = {
    "SELECT name::pg_catalog.text, version, stages::pg_catalog.text, transitions::pg_catalog.text "
    "FROM servicedesk.workflows WHERE id OPERATOR(pg_catalog.=) $1",
    1, {INT4OID}};

struct Cache {
  Oid table = InvalidOid;  // workflows' oid the entries belong to
  std::list<std::shared_ptr<WorkflowVersion>> lru;  // front = most recent
  std::unordered_map<std::int32_t, std::list<std::shared_ptr<WorkflowVersion>>::iterator> index;

  void clear() {
    index.clear();
    lru.clear();
  }
};

// Created on first use, never at load time.
Cache* g_cache = nullptr;

Cache& cache() {
  if (g_cache == nullptr) g_cache = new Cache();
  return *g_cache;
}

void invalidate(Oid relid) {
  if (g_cache == nullptr) return;
  if (relid == InvalidOid || relid == g_cache->table) {
    g_cache->clear();
    g_cache->table = InvalidOid;
  }
}

char* text_col(int col) {
  bool isnull;
  Datum d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, col, &isnull);
  return isnull ? nullptr : TextDatumGetCString(d);
}

}  // namespace

void workflow_cache_init() { on_relcache_invalidation(invalidate); }

std::shared_ptr<const WorkflowVersion> workflow_version(std::int32_t id) {
  Cache& c = cache();
  Oid table = pg_call([] { return catalog().workflows; });
  if (c.table != table) {
    c.clear();
    c.table = table;
  }
  auto it = c.index.find(id);
  if (it != c.index.end()) {
    c.lru.splice(c.lru.begin(), c.lru, it->second);
    return *it->second;
  }
  Datum arg = Int32GetDatum(id);
  std::uint64_t n = spi_run_as_owner(g_fetch, &arg, nullptr, true, 1);
  if (n == 0) {
    throw Error(sqlstate::kNoWorkflowOrSla, "workflow " + std::to_string(id) + " does not exist",
                "servicedesk.workflows has no row with id " + std::to_string(id) + ".",
                "Use the id of an existing, active workflow version, or leave workflow_id NULL "
                "to pick the active workflow of the request's service_type.");
  }
  bool isnull;
  char* name = pg_call([] { return text_col(1); });
  std::int32_t version = DatumGetInt32(spi_value(0, 2, &isnull));
  char* stages = pg_call([] { return text_col(3); });
  char* transitions = pg_call([] { return text_col(4); });
  auto entry = std::make_shared<WorkflowVersion>();
  entry->id = id;
  entry->name = name != nullptr ? name : "";
  entry->version = version;
  entry->compiled = std::make_shared<const CompiledWorkflow>(
      CompiledWorkflow::compile(stages != nullptr ? stages : "", transitions != nullptr ? transitions : ""));
  c.lru.push_front(entry);
  c.index[id] = c.lru.begin();
  while (c.index.size() > static_cast<std::size_t>(guc_workflow_cache_size)) {
    c.index.erase(c.lru.back()->id);
    c.lru.pop_back();
  }
  return entry;
}

}  // namespace servicedesk::pg
