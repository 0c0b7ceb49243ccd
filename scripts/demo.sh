#!/usr/bin/env bash
# The main job (README): installs what is missing, builds and installs the
# extension, starts a local cluster in ./demo-cluster, loads the demo and
# prints what happened. The cluster keeps running; the last lines say how to
# connect and how to stop it.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
bash scripts/deps.sh
echo "== building and installing servicedesk"
make -s -j "$(nproc)"
make -s install >/dev/null
source scripts/cluster.sh
dir=$root/demo-cluster
if [[ -d $dir/data ]]; then
  as_pg "$PGBIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
fi
SD_PORT=${SD_PORT:-$(free_port 54329)} start_cluster "$dir" "servicedesk.sweep_databases=servicedesk_demo" "servicedesk.sweep_interval=30"
echo "== cluster started on port $PGPORT (socket dir $PGHOST)"
psql -X -q -d postgres -c "CREATE DATABASE servicedesk_demo"
psql -X -q -d servicedesk_demo -c "CREATE EXTENSION servicedesk"
psql -X -d servicedesk_demo -f demo/demo.sql
cat <<MSG

== done. The demo cluster keeps running:
   psql -h $PGHOST -p $PGPORT -U postgres servicedesk_demo
   stop it with: $( [[ $(id -u) -eq 0 ]] && echo "runuser -u postgres -- " )$PGBIN/pg_ctl -D $dir/data stop
MSG
