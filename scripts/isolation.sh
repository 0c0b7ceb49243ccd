#!/usr/bin/env bash
# Runs the isolation specs with PostgreSQL's isolation tester against the
# server of the PG* variables (database isolation_regression).
set -uo pipefail
cd "$(dirname "$0")/.."
pgxs=$(dirname "$(pg_config --pgxs)")/..
regress=$pgxs/test/isolation/pg_isolation_regress
specs=()
for f in test/isolation/specs/*.spec; do specs+=("$(basename "$f" .spec)"); done
out=test/isolation/output_iso
rm -rf "$out"; mkdir -p "$out"
[[ $(id -u) -eq 0 ]] && chmod -R a+rwX test/isolation
"$regress" --host="$PGHOST" --port="$PGPORT" --user="$PGUSER" \
  --dbname=isolation_regression --load-extension=servicedesk \
  --inputdir=test/isolation --outputdir="$out" --bindir="$(pg_config --bindir)" "${specs[@]}"
rc=$?
if [[ $rc -ne 0 && -f $out/regression.diffs ]]; then cat "$out/regression.diffs"; fi
exit $rc
