#!/usr/bin/env bash
# Runs the pgTAP suites (pg_prove), the shell TAP suites (prove) and the
# isolation specs against the server the PG* variables name; the extension
# must already be installed into that server's PostgreSQL.
# Exit status: non-zero when any suite fails.
set -uo pipefail
cd "$(dirname "$0")/.."

db=${SD_TEST_DB:-servicedesk_test}
psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" || exit 1
psql -X -q -v ON_ERROR_STOP=1 -d "$db" -c "CREATE EXTENSION pgtap" -c "CREATE EXTENSION dblink" \
  -c "CREATE EXTENSION servicedesk" || exit 1

status=0
echo "== pgTAP suites (pg_prove)"
pg_prove -d "$db" --ext .sql -r test/sql || status=1

if compgen -G "test/tap/*.sh" >/dev/null; then
  echo "== shell TAP suites (prove)"
  SD_TEST_DB=$db prove -e bash test/tap/*.sh || status=1
fi

if compgen -G "test/isolation/specs/*.spec" >/dev/null; then
  echo "== isolation specs"
  bash scripts/isolation.sh || status=1
fi
exit $status
