// The SLA sweeper: a launcher background worker (registered only when the
// library is in shared_preload_libraries) that every servicedesk.sweep_interval
// starts one short-lived worker per database named in
// servicedesk.sweep_databases; each connects, runs servicedesk.sla_sweep() in
// one transaction and exits. A worker connects to one database for life, hence
// the launcher. Both mains are plain C style: no C++ object is alive when a
// PostgreSQL error unwinds them, and the sweep itself runs through the guarded
// SQL function.
#include "pg/module.hpp"

extern "C" {
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "postmaster/interrupt.h"
#include "storage/ipc.h"
#include "tcop/tcopprot.h"
#include "storage/latch.h"
#include "utils/snapmgr.h"
#include "utils/varlena.h"

PGDLLEXPORT void sd_sweep_launcher_main(Datum arg);
PGDLLEXPORT void sd_sweep_worker_main(Datum arg);
}

namespace servicedesk::pg {

void register_sweep_launcher() {
  BackgroundWorker worker;
  memset(&worker, 0, sizeof(worker));
  worker.bgw_flags = BGWORKER_SHMEM_ACCESS;
  worker.bgw_start_time = BgWorkerStart_RecoveryFinished;
  worker.bgw_restart_time = 10;
  snprintf(worker.bgw_library_name, BGW_MAXLEN, "servicedesk");
  snprintf(worker.bgw_function_name, BGW_MAXLEN, "sd_sweep_launcher_main");
  snprintf(worker.bgw_name, BGW_MAXLEN, "servicedesk sweep launcher");
  snprintf(worker.bgw_type, BGW_MAXLEN, "servicedesk sweep launcher");
  RegisterBackgroundWorker(&worker);
}

namespace {

void sweep_database(const char* dbname) {
  BackgroundWorker worker;
  memset(&worker, 0, sizeof(worker));
  worker.bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
  worker.bgw_start_time = BgWorkerStart_RecoveryFinished;
  worker.bgw_restart_time = BGW_NEVER_RESTART;
  snprintf(worker.bgw_library_name, BGW_MAXLEN, "servicedesk");
  snprintf(worker.bgw_function_name, BGW_MAXLEN, "sd_sweep_worker_main");
  snprintf(worker.bgw_name, BGW_MAXLEN, "servicedesk sweep %s", dbname);
  snprintf(worker.bgw_type, BGW_MAXLEN, "servicedesk sweep");
  strlcpy(worker.bgw_extra, dbname, BGW_EXTRALEN);
  // The launcher has no database connection, so the postmaster will not
  // signal it (bgw_notify_pid needs a regular backend): it polls instead.
  worker.bgw_notify_pid = 0;
  BackgroundWorkerHandle* handle = nullptr;
  if (!RegisterDynamicBackgroundWorker(&worker, &handle)) {
    ereport(WARNING, (errmsg("servicedesk: could not start the sweep worker for database \"%s\"", dbname),
                      errhint("Raise max_worker_processes.")));
    return;
  }
  pid_t pid;
  // One database at a time; the sweep of a large database may take a while.
  while (GetBackgroundWorkerPid(handle, &pid) != BGWH_STOPPED) {
    (void)WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH, 50,
                    PG_WAIT_EXTENSION);
    ResetLatch(MyLatch);
    CHECK_FOR_INTERRUPTS();
  }
  pfree(handle);
}

}  // namespace

}  // namespace servicedesk::pg

extern "C" void sd_sweep_launcher_main(Datum) {
  pqsignal(SIGHUP, SignalHandlerForConfigReload);
  pqsignal(SIGTERM, die);
  BackgroundWorkerUnblockSignals();
  MemoryContext loop_context =
      AllocSetContextCreate(TopMemoryContext, "servicedesk sweep launcher", ALLOCSET_DEFAULT_SIZES);
  for (;;) {
    long interval_ms = static_cast<long>(servicedesk::pg::guc_sweep_interval) * 1000L;
    (void)WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH, interval_ms,
                    PG_WAIT_EXTENSION);
    ResetLatch(MyLatch);
    CHECK_FOR_INTERRUPTS();
    if (ConfigReloadPending) {
      ConfigReloadPending = false;
      ProcessConfigFile(PGC_SIGHUP);
    }
    const char* setting = servicedesk::pg::guc_sweep_databases;
    if (setting == nullptr || setting[0] == '\0') continue;
    MemoryContext old = MemoryContextSwitchTo(loop_context);
    char* copy = pstrdup(setting);
    List* names = NIL;
    if (!SplitIdentifierString(copy, ',', &names)) {
      ereport(WARNING, (errmsg("servicedesk.sweep_databases is not a valid list: \"%s\"", setting),
                        errhint("Use comma-separated database names.")));
    } else {
      ListCell* lc;
      foreach (lc, names) {
        servicedesk::pg::sweep_database(static_cast<const char*>(lfirst(lc)));
        CHECK_FOR_INTERRUPTS();
      }
    }
    MemoryContextSwitchTo(old);
    MemoryContextReset(loop_context);
  }
}

extern "C" void sd_sweep_worker_main(Datum) {
  pqsignal(SIGTERM, die);
  BackgroundWorkerUnblockSignals();
  char dbname[BGW_EXTRALEN];
  strlcpy(dbname, MyBgworkerEntry->bgw_extra, sizeof(dbname));
  BackgroundWorkerInitializeConnection(dbname, nullptr, 0);
  SetCurrentStatementStartTimestamp();
  StartTransactionCommand();
  if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "servicedesk: SPI_connect failed");
  PushActiveSnapshot(GetTransactionSnapshot());
  pgstat_report_activity(STATE_RUNNING, "SELECT servicedesk.sla_sweep()");
  int rc = SPI_execute("SELECT 1 FROM pg_catalog.pg_extension WHERE extname OPERATOR(pg_catalog.=) 'servicedesk'",
                       true, 1);
  if (rc == SPI_OK_SELECT && SPI_processed == 1) {
    rc = SPI_execute("SELECT servicedesk.sla_sweep()", false, 1);
    if (rc == SPI_OK_SELECT && SPI_processed == 1) {
      bool isnull;
      int32 n = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
      ereport(DEBUG1, (errmsg("servicedesk: sweep of database \"%s\" recorded %d escalations and breaches",
                              dbname, n)));
    }
  } else {
    ereport(LOG, (errmsg("servicedesk: database \"%s\" has no servicedesk extension; nothing to sweep", dbname)));
  }
  SPI_finish();
  PopActiveSnapshot();
  CommitTransactionCommand();
  pgstat_report_activity(STATE_IDLE, nullptr);
  proc_exit(0);
}
