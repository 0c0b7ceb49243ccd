#!/usr/bin/env bash
# Sourced: start_cluster DIR [extra postgres -c options...] starts a throwaway
# PostgreSQL 15 cluster in DIR (owned by the postgres user when run as root),
# exports PGHOST/PGPORT/PGUSER/PGDATABASE and SD_LOG; stop_cluster stops it.
PGBIN=${PGBIN:-$(pg_config --bindir 2>/dev/null || echo /usr/lib/postgresql/15/bin)}
[[ -x $PGBIN/initdb ]] || PGBIN=/usr/lib/postgresql/15/bin

as_pg() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# The first port from $1 (default 54329) that nothing listens on.
free_port() {
  local p=${1:-54329}
  while (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null || [[ -e /tmp/.s.PGSQL.$p ]]; do p=$((p + 1)); done
  echo "$p"
}

start_cluster() {
  local dir=$1; shift
  mkdir -p "$dir"
  [[ $(id -u) -eq 0 ]] && chown postgres: "$dir"
  SD_CLUSTER_DIR=$dir
  SD_LOG=$dir/postgresql.log
  local port
  port=${SD_PORT:-$(free_port $((20000 + RANDOM % 20000)))}
  as_pg "$PGBIN/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log"; return 1; }
  local opts="-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50"
  opts+=" -c shared_preload_libraries=servicedesk -c log_min_messages=warning"
  for o in "$@"; do opts+=" -c $o"; done
  echo "$opts" >"$dir/server.opts"
  as_pg "$PGBIN/pg_ctl" -D "$dir/data" -l "$SD_LOG" -o "$opts" -w -t 60 start >/dev/null \
    || { cat "$SD_LOG"; return 1; }
  export PGHOST=$dir PGPORT=$port PGUSER=postgres PGDATABASE=postgres SD_LOG SD_CLUSTER_DIR
}

restart_cluster() {
  local mode=${1:-fast}
  as_pg "$PGBIN/pg_ctl" -D "$SD_CLUSTER_DIR/data" -m "$mode" -w stop >/dev/null || true
  as_pg "$PGBIN/pg_ctl" -D "$SD_CLUSTER_DIR/data" -l "$SD_LOG" -o "$(cat "$SD_CLUSTER_DIR/server.opts")" \
    -w -t 60 start >/dev/null
}

stop_cluster() {
  [[ -n ${SD_CLUSTER_DIR:-} && -d $SD_CLUSTER_DIR/data ]] || return 0
  as_pg "$PGBIN/pg_ctl" -D "$SD_CLUSTER_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
}

# Fails when the server log shows a backend crash.
check_no_crash() {
  if grep -E 'terminated by signal|was terminated by exception|server process .* exited with exit code [^0]' "$SD_LOG"; then
    echo "FAIL: the server log shows a crashed backend" >&2
    return 1
  fi
  echo "server log: no crashed backend"
}
