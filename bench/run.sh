#!/usr/bin/env bash
# `make bench`: the benchmarks of issues 3 and 4, each measured against its
# floor in the same run, on a throwaway cluster (scripts/cluster.sh: fsync=off,
# plus synchronous_commit=off and jit=off here). Prints the machine, the
# settings and a Markdown table (case | servicedesk | floor | ratio | target |
# met?) for docs/benchmarks.md. Takes about 5 minutes on 2 cores.
#
# Environment:
#   SD_BENCH_T=6            seconds per pgbench run
#   SD_BENCH_ROUNDS=5       rounds per transition case, each a floor run and a
#                           servicedesk run back to back (medians reported)
#   SD_BENCH_REQUESTS=10000 requests per transition variant
#   SD_BENCH_TRACKING=1000000 active SLA tracking rows for sla_sweep
#   SD_BENCH_NO_BUILD=1     skip `make && make install`
#   SD_BENCH_CASES='...'    the cases to run, of: transitions business_add sla_sweep
#                           (default: all)
#   SD_BENCH_OUT=FILE       also write the table to FILE
#   SD_BENCH_LOG=FILE       keep the raw pgbench/psql output in FILE
#   SD_PORT=N               port of the throwaway cluster (default: random)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
T=${SD_BENCH_T:-6}
ROUNDS=${SD_BENCH_ROUNDS:-5}
NREQ=${SD_BENCH_REQUESTS:-10000}
NTRACK=${SD_BENCH_TRACKING:-1000000}
AT='2026-06-01 12:00+02'   # the sweep instant (a Monday, inside working hours)

if [[ -z ${SD_BENCH_NO_BUILD:-} ]]; then
  echo "== building and installing servicedesk" >&2
  make -s -j "$(nproc)" >&2
  make -s install >/dev/null
fi

source scripts/cluster.sh
PGBENCH=$PGBIN/pgbench
tmpdir=$(mktemp -d /tmp/sdbench.XXXXXX)
cleanup() {
  stop_cluster
  [[ -n ${SD_BENCH_LOG:-} && -f $tmpdir/bench.log ]] && cp "$tmpdir/bench.log" "$SD_BENCH_LOG"
  rm -rf "$tmpdir"
}
trap cleanup EXIT
start_cluster "$tmpdir" 'synchronous_commit=off' 'jit=off'
log=$tmpdir/bench.log
: >"$log"

psqlq() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
# With one client, pgbench and the server take turns, and the throughput
# depends on whether the scheduler puts the two on the same core (no wake-up
# across cores: on the 2-core VM of docs/benchmarks.md ~25k tps for the
# floor) or on two (~11k): unpinned runs flip between the two at random,
# which made single runs of the same case differ by 1.5x. So 1-client runs
# pin every server process to the first CPU this script may use (new backends
# inherit the postmaster's mask) and pgbench to the second, the way a client
# on another core or machine runs; 2-client runs get every allowed CPU back.
# Without two CPUs, taskset or pgrep, or when pinning fails, runs are unpinned
# and the report says so.
CPUS_ALLOWED=$(taskset -pc $$ 2>/dev/null | sed -n 's/.*list: *//p' || true)
expand_cpus() {  # "0-2,5" -> "0 1 2 5"
  local part out=()
  for part in ${1//,/ }; do
    if [[ $part == *-* ]]; then out+=($(seq "${part%-*}" "${part#*-}")); else out+=("$part"); fi
  done
  echo "${out[@]}"
}
read -r PIN_SERVER_CPU PIN_CLIENT_CPU _ <<<"$(expand_cpus "$CPUS_ALLOWED") x x"
PIN_1CLIENT=0
if [[ -n $CPUS_ALLOWED && $PIN_CLIENT_CPU != x ]] && command -v pgrep >/dev/null; then PIN_1CLIENT=1; fi
# pin_server CPULIST: the postmaster and every process it has started (one
# that exits meanwhile is no failure); fails when the postmaster cannot be.
pin_server() {
  local pm p
  pm=$(head -n 1 "$SD_CLUSTER_DIR/data/postmaster.pid") || return 1
  taskset -a -p -c "$1" "$pm" >/dev/null 2>&1 || return 1
  for p in $(pgrep -P "$pm"); do taskset -a -p -c "$1" "$p" >/dev/null 2>&1 || true; done
}
if [[ $PIN_1CLIENT == 1 ]] && ! { pin_server "$PIN_SERVER_CPU" && pin_server "$CPUS_ALLOWED" \
     && taskset -c "$PIN_CLIENT_CPU" true; }; then
  echo "   (cannot pin processes to CPUs here: 1-client runs are unpinned)" >&2
  PIN_1CLIENT=0
fi


# best "Time: X ms" per "case NAME" label in a psql output file: NAME MS lines
best_times() {
  awk '/^case /{c=$2} /^Time: /{t=$2; if (!(c in b) || t < b[c]) b[c]=t}
       END{for (c in b) printf "%s %.1f\n", c, b[c]}' "$1"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", a / b}'; }
met() {  # met VALUE OP TARGET
  awk -v v="$1" -v op="$2" -v t="$3" 'BEGIN{ok = (op == ">=") ? v >= t : v <= t; print ok ? "yes" : "**no**"}'
}

rows=()
row() { rows+=("| $1 | $2 | $3 | $4 | $5 | $6 |"); }

# SD_BENCH_CASES picks the cases to run (default: all three).
want() { [[ " ${SD_BENCH_CASES:-transitions business_add sla_sweep} " == *" $1 "* ]]; }

# ---- transitions (issue 3) ----------------------------------------------------
# Database bench_tx with bench/setup.sql (workflows, calendar, SLA, the floor
# schema), made once for the transition and business_add cases.
bench_tx_ready=0
use_bench_tx() {
  if [[ $bench_tx_ready == 0 ]]; then
    psqlq -d postgres -c 'CREATE DATABASE bench_tx'
    PGDATABASE=bench_tx psqlq -f bench/setup.sql >>"$log"
    bench_tx_ready=1
  fi
  export PGDATABASE=bench_tx
}

if want transitions; then
echo "== transitions: setup ($NREQ requests per variant)" >&2
use_bench_tx
psqlq -v nreq="$NREQ" -f bench/transition_setup.sql >>"$log"

# pgbench_tps SCRIPT CLIENTS LO HI -> tps
pgbench_tps() {
  local out pin=()
  psqlq -c 'VACUUM ANALYZE servicedesk.services, servicedesk.sla_tracking, floor.services, floor.sla_tracking' -c 'CHECKPOINT'
  if [[ $PIN_1CLIENT == 1 && $2 == 1 ]]; then
    pin_server "$PIN_SERVER_CPU" || true
    pin=(taskset -c "$PIN_CLIENT_CPU")
  elif [[ $PIN_1CLIENT == 1 ]]; then
    pin_server "$CPUS_ALLOWED" || true
  fi
  out=$(${pin[@]+"${pin[@]}"} "$PGBENCH" -n -M prepared -T "$T" -c "$2" -j "$2" -D lo="$3" -D hi="$4" -f "bench/$1" 2>&1) \
    || { echo "$out" >&2; return 1; }
  echo "$out" >>"$log"
  if ! grep -q 'number of failed transactions: 0 ' <<<"$out"; then
    echo "$out" >&2
    echo "FAIL: $1 had failed transactions" >&2
    return 1
  fi
  sed -n 's/^tps = \([0-9.]*\) (without initial connection time)/\1/p' <<<"$out"
}

# Each round runs the floor and then servicedesk back to back and yields one
# ratio; the table reports the median tps of each side and the median of the
# per-round ratios, with their range. Pairing the runs cancels the drift of a
# shared machine (both sides of a round see the same neighbours), which
# "best of each side" does not: its floor and servicedesk figures may come
# from different, differently loaded moments.
median() { sort -g | awk '{v[NR] = $1} END{print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
transition_case() {  # NAME SD_SCRIPT FLOOR_SCRIPT LO HI CLIENTS
  local name=$1 sd=$2 fl=$3 lo=$4 hi=$5 c=$6 t_fl t_sd r
  local -a fls=() sds=() qs=()
  for ((r = 1; r <= ROUNDS; r++)); do
    t_fl=$(pgbench_tps "$fl" "$c" "$lo" "$hi")
    t_sd=$(pgbench_tps "$sd" "$c" "$lo" "$hi")
    fls+=("$t_fl"); sds+=("$t_sd"); qs+=("$(ratio "$t_sd" "$t_fl")")
    echo "   $name, $c client(s), round $r: floor $t_fl tps, servicedesk $t_sd tps, ratio ${qs[-1]}" >&2
  done
  local q lo_q hi_q
  q=$(printf '%s\n' "${qs[@]}" | median)
  q=$(printf '%.2f' "$q")
  lo_q=$(printf '%s\n' "${qs[@]}" | sort -g | head -n 1)
  hi_q=$(printf '%s\n' "${qs[@]}" | sort -g | tail -n 1)
  row "$name, $c client$([[ $c -gt 1 ]] && echo s) (tps)" "$(printf '%s\n' "${sds[@]}" | median | xargs printf '%.0f')" \
    "$(printf '%s\n' "${fls[@]}" | median | xargs printf '%.0f')" "$q ($lo_q-$hi_q)" ">= 0.6" "$(met "$q" '>=' 0.6)"
}

echo "== transitions: pgbench, ${T}s x $ROUNDS rounds per side" >&2
for c in 1 2; do
  transition_case "transition by UPDATE" transition_sd.sql transition_floor.sql 1 "$NREQ" "$c"
done
for c in 1 2; do
  transition_case "transition by UPDATE, with SLA tracking" transition_sd.sql transition_sla_floor.sql \
    $((NREQ + 1)) $((2 * NREQ)) "$c"
done
psqlq -At -c "SELECT 'audit rows: servicedesk transitions ' || count(*) FROM servicedesk.audit_logs WHERE action = 'transition'" \
  -c "SELECT 'audit rows: floor transitions ' || count(*) FROM floor.audit_logs" >&2
fi

# ---- business_add (issue 4) ---------------------------------------------------
if want business_add; then
echo "== business_add: 1M calls, best of 5" >&2
use_bench_tx
psqlq -f bench/business_add.sql >"$tmpdir/business_add.out"
cat "$tmpdir/business_add.out" >>"$log"
declare -A ba
while read -r c ms; do ba[$c]=$ms; done < <(best_times "$tmpdir/business_add.out")
q=$(ratio "${ba[two_week]}" "${ba[floor]}")
row "business_add x 1M, two-week span (4800 min) vs t + interval (ms)" "${ba[two_week]}" "${ba[floor]}" "$q" "<= 3" "$(met "$q" '<=' 3)"
q=$(ratio "${ba[one_year]}" "${ba[one_day]}")
row "business_add x 1M, one-year span (120000 min) vs one-day span (480 min) (ms)" "${ba[one_year]}" "${ba[one_day]}" "$q" "<= 1.5" "$(met "$q" '<=' 1.5)"
fi

# ---- sla_sweep (issue 4) ------------------------------------------------------
if want sla_sweep; then
echo "== sla_sweep: setup ($NTRACK active tracking rows, 1% due)" >&2
psqlq -d postgres -c 'CREATE DATABASE bench_sweep'
export PGDATABASE=bench_sweep
psqlq -f bench/setup.sql >>"$log"
psqlq -v ntrack="$NTRACK" -v at="$AT" -f bench/sweep_setup.sql >"$tmpdir/sweep_setup.out"
cat "$tmpdir/sweep_setup.out" >>"$log"
echo "== sla_sweep: best of 5" >&2
psql -X -v ON_ERROR_STOP=1 -v at="$AT" -f bench/sweep.sql >"$tmpdir/sweep.out"
cat "$tmpdir/sweep.out" >>"$log"
due=$((NTRACK / 100))
# every sweep must record the $due breaches, every floor UPDATE touch $due rows
recorded=$(grep -cx " *$due" "$tmpdir/sweep.out" || true)
updated=$(grep -cx "UPDATE $due" "$tmpdir/sweep.out" || true)
if [[ $recorded -ne 5 || $updated -ne 10 ]]; then
  cat "$tmpdir/sweep.out" >&2
  echo "FAIL: a sweep or floor did not flag the $due due rows" >&2
  exit 1
fi
declare -A sw
while read -r c ms; do sw[$c]=$ms; done < <(best_times "$tmpdir/sweep.out")
label="sla_sweep, $NTRACK active rows, $due due"
q=$(ratio "${sw[sweep]}" "${sw[floor_audit]}")
row "$label, vs plain UPDATE with the table's audit trigger (ms)" "${sw[sweep]}" "${sw[floor_audit]}" "$q" "<= 2" "$(met "$q" '<=' 2)"
q=$(ratio "${sw[sweep]}" "${sw[floor_plain]}")
row "$label, vs plain UPDATE with triggers off (ms)" "${sw[sweep]}" "${sw[floor_plain]}" "$q" "<= 2" "$(met "$q" '<=' 2)"
fi
if [[ $PIN_1CLIENT == 1 ]]; then pin_server "$CPUS_ALLOWED" || true; fi

check_no_crash >&2

# ---- report -------------------------------------------------------------------
{
  echo "- Run: $(date -u '+%Y-%m-%d %H:%M UTC'), \`make bench\` (commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?'))"
  echo "- Machine: $(nproc) CPUs ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)), $(awk '/MemTotal/{printf "%.0f GiB", $2 / 1048576}' /proc/meminfo) RAM, $(uname -sr)"
  echo "- Server: $(psql -X -At -c 'SELECT version()' | cut -d, -f1); fsync=off, synchronous_commit=off, jit=off, shared_buffers=$(psql -X -At -c 'SHOW shared_buffers'), otherwise defaults"
  echo "- pgbench: -M prepared, ${T}s per run, $ROUNDS rounds of floor then servicedesk$([[ $PIN_1CLIENT == 1 ]] && echo "; 1-client runs with the server pinned to CPU $PIN_SERVER_CPU and pgbench to CPU $PIN_CLIENT_CPU" || echo '; unpinned'); tps are medians, the ratio is the median of the rounds' ratios (range in brackets); $NREQ requests per variant"
  echo
  echo "| case | servicedesk | floor | ratio | target | met? |"
  echo "|---|---|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
} | tee "${SD_BENCH_OUT:-/dev/null}"
