#!/usr/bin/env bash
# End-to-end cancellation throughput on PostgreSQL with the SM-DP+, billing and network simulators in a
# separate process over loopback HTTP, as in production: imports LINES subscribers, starts the simulators and
# INSTANCES LastCall hosts (production settings, shipped appsettings.json), lets SUBMITTERS clerks submit
# COUNT store cancellations in parallel (spread over the hosts) and times them to completion. Prints the
# throughput, submit→completed latency, per-step latency and the CPU each component spent per cancellation
# (host(s), PostgreSQL, simulators; from /proc, so the figure holds whatever else the machine does).
# Usage: bench/cancellations.sh [COUNT] [LINES] [SUBMITTERS] [INSTANCES]   (defaults: 4000 16000 16 1)
#   LASTCALL_HOST_BIN=DIR  run the product from another build (a baseline commit's `dotnet build -c Release
#                          src/LastCall` output); the driver and simulators stay this checkout's
#   LASTCALL_BENCH_WARMUP=N      cancellations run first and not measured (default 6000: dynamic PGO keeps the JIT busy
#                                for minutes after start, a quarter of the host's CPU still after 3,000; LINES must
#                                cover both rounds, and about 72 % of the generated lines are eligible)
#   LASTCALL_HOST_ENV="VAR=VALUE …"  extra environment for every host (e.g. runtime settings), not for the driver or simulators
#   LASTCALL_HOST_CPUS="0 1"     pin host i to the i-th CPU list given (taskset -c), e.g. one core each for two instances
#   LASTCALL_BENCH_STATEMENTS=N  print PostgreSQL's N most expensive statements per cancellation (pg_stat_statements)
#   LASTCALL_BENCH_WAITS=1       sample what PostgreSQL's backends are doing every 20 ms while the cancellations run (one
#                                backend looping on pg_stat_activity): backends busy, waiting on each lock or event, and
#                                idle inside a transaction, on average
#   LASTCALL_BENCH_THREADS=1     print the host(s)' CPU per cancellation by thread name (GC, JIT, thread pool, timers…;
#                                threads that end during the run are not counted)
#   LASTCALL_BENCH_PERF=FILE     sample the host(s) with `perf record` while the cancellations run (JIT code named
#                                through DOTNET_PerfMapEnabled); read it with `perf report -i FILE --no-children`
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/bench/pg-cluster.sh"
count=${1:-4000}; lines=${2:-16000}; submitters=${3:-16}; instances=${4:-1}

work=$(mktemp -d /tmp/lastcall-bench-XXXXXX)
chmod 755 "$work"
pids=()
stop_all() { local p; for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; for p in "${pids[@]}"; do timeout 10 tail --pid="$p" -f /dev/null 2>/dev/null || kill -9 "$p" 2>/dev/null || true; done; }
cleanup() { stop_all; pg_stop "$work/pg"; rm -rf "$work"; }
trap cleanup EXIT

dotnet build -c Release -v q --nologo "$root/bench/LastCall.Benchmarks" >/dev/null
bin="$root/bench/LastCall.Benchmarks/bin/Release/net10.0"
host_bin=${LASTCALL_HOST_BIN:-$bin}
key=$(head -c 32 /dev/urandom | base64)
pg_start "$work/pg"
# The generated numbers (+8613…+8619) are all the operator's: lookups answer yes/no, not number_not_served.
opts=(--Database:Provider Postgres --ConnectionStrings:LastCall "$PG_CONN" --Security:MasterKey "$key" --Numbers:Ranges "+8613,+8614,+8615,+8616,+8617,+8618,+8619")
dotnet "$bin/LastCall.Benchmarks.dll" generate-subscribers "$lines" "$work/subscribers.csv" >/dev/null
(cd "$work" && dotnet "$host_bin/lastcall.dll" migrate "${opts[@]}" >/dev/null)
(cd "$work" && dotnet "$host_bin/lastcall.dll" import subscribers "$work/subscribers.csv" "${opts[@]}" >/dev/null) || true

# Each process binds port 0 and writes the address it got into a file: no port is picked before it is bound.
dotnet "$bin/LastCall.Benchmarks.dll" simulators "$PG_CONN" 0 0 "$work/ready" >"$work/simulators.log" 2>&1 &
simulators_pid=$!
pids+=($simulators_pid)
until [ -s "$work/ready" ]; do kill -0 "$simulators_pid" || { cat "$work/simulators.log"; exit 1; }; sleep 0.2; done
read -r smdp_url backends_url _ <"$work/ready"

signing_key=$(openssl ecparam -name prime256v1 -genkey -noout | openssl pkcs8 -topk8 -nocrypt)
hosts=(); host_pids=()
perf_map=0; [ -n "${LASTCALL_BENCH_PERF:-}" ] && perf_map=1
pin=(); cpus=(${LASTCALL_HOST_CPUS:-}); for i in "${!cpus[@]}"; do pin[$((i + 1))]="taskset -c ${cpus[$i]}"; done
for i in $(seq 1 "$instances"); do
  (cd "$work" && DOTNET_PerfMapEnabled=$perf_map DOTNET_EnableWriteXorExecute=$((1 - perf_map)) ASPNETCORE_ENVIRONMENT=Production Certificates__SigningKeyPem="$signing_key" exec ${pin[$i]:-} env ${LASTCALL_HOST_ENV:-} dotnet "$host_bin/lastcall.dll" --urls "http://127.0.0.1:0" --contentRoot "$host_bin" "${opts[@]}" \
    --Simulators:Embedded false --Smdp:BaseUrl "$smdp_url" --BillingSystem:BaseUrl "$backends_url" --NetworkProvisioning:BaseUrl "$backends_url" \
    --Logging:LogLevel:Default Warning --Logging:LogLevel:Microsoft.Hosting.Lifetime Information >"$work/host$i.log" 2>&1) &
  host_pids+=($!); pids+=($!)
done
for i in $(seq 1 "$instances"); do
  until url=$(grep -oE 'Now listening on: http://[0-9.:]+' "$work/host$i.log" | head -1 | sed 's/Now listening on: //'); [ -n "$url" ]; do
    kill -0 "${host_pids[$((i-1))]}" || { cat "$work/host$i.log"; exit 1; }; sleep 0.2; done
  until curl -fs "$url/health/ready" >/dev/null 2>&1; do sleep 0.2; done
  hosts+=("$url")
done

# CPU ticks (utime+stime) of a process; PostgreSQL's (pg_cpu_ticks): this cluster's postmaster and its live children,
# plus what the postmaster reaped (other clusters of the postgres user, e.g. a test run's, are not counted).
ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
snapshot() { local s="" p; for p in "${host_pids[@]}"; do s+="$(ticks "$p") "; done; echo "$s$(pg_cpu_ticks "$work/pg") $(ticks "$simulators_pid")"; }
# each_host_thread FILE AWK: runs AWK (with tid set) over /proc/…/task/TID/FILE of every thread of the host(s); a thread
# that ends meanwhile is skipped.
each_host_thread() { local p t; for p in "${host_pids[@]}"; do for t in /proc/"$p"/task/*; do
  awk -v tid="${t##*/}" "$2" "$t/$1" 2>/dev/null || true; done; done; }
# Thread switches of the host(s), as "tid voluntary involuntary" lines (diffed by thread: a thread that ends is not counted).
switches() { each_host_thread status '/^voluntary_ctxt_switches/ {v = $2} /^nonvoluntary_ctxt_switches/ {n = $2} END {print tid, v, n}'; }
# CPU ticks of every thread of the host(s), as "tid name ticks" lines (digits taken out of the name: one line per kind).
host_threads() { each_host_thread stat '{match($0, /\(.*\)/); name = substr($0, RSTART + 1, RLENGTH - 2); gsub(/[0-9]+/, "", name); gsub(/ /, "_", name);
  split(substr($0, RSTART + RLENGTH), f, " "); print tid, name, f[12] + f[13]}'; }

echo "count=$count lines=$lines submitters=$submitters instances=$instances cores=$(nproc) load=$(cut -d' ' -f1-3 /proc/loadavg)"
psql_bench() { pg_as "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d lastcall -qAt "$@"; }
psql_bench -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements; SELECT pg_stat_statements_reset()" >/dev/null
# Production hosts are warm: a first round (not measured) lets the JIT reach its optimised code and the pools fill.
warmup=${LASTCALL_BENCH_WARMUP:-6000}
if [ "$warmup" -gt 0 ]; then
  dotnet "$bin/LastCall.Benchmarks.dll" cancellations "$PG_CONN" "$(IFS=,; echo "${hosts[*]}")" "$warmup" "$submitters" >"$work/warmup.txt"
  echo "warm-up: $(grep -oE 'completed_per_second=[0-9.]+' "$work/warmup.txt") over $warmup cancellations (not counted)"
fi
psql_bench -c "SELECT pg_stat_statements_reset()" >/dev/null
if [ "${LASTCALL_BENCH_WAITS:-0}" = 1 ]; then
  psql_bench -c "CREATE UNLOGGED TABLE bench_waits(state text, wait text); CREATE UNLOGGED TABLE bench_samples(n int); CREATE UNLOGGED TABLE bench_stop(x int)"
  # In READ COMMITTED each statement of the loop sees bench_stop anew; pg_stat_activity is cached per transaction
  # unless the snapshot is cleared. Each sample commits, so the loop holds back no cleanup; its own CPU (small) is in
  # PostgreSQL's figure of the run, so PostgreSQL's CPU is compared only between runs that both sample or both do not.
  PGOPTIONS="-c pg_stat_statements.track=none" psql_bench -c "DO \$\$ BEGIN LOOP EXIT WHEN EXISTS (SELECT FROM bench_stop); PERFORM pg_stat_clear_snapshot();
    INSERT INTO bench_waits SELECT state, coalesce(wait_event_type || ':' || wait_event, 'on CPU') || CASE WHEN state <> 'active' OR wait_event_type = 'Lock' THEN ' after ' || left(regexp_replace(query, '\\s+', ' ', 'g'), 70) ELSE '' END FROM pg_stat_activity
      WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid() AND state <> 'idle';
    INSERT INTO bench_samples VALUES (1); COMMIT; PERFORM pg_sleep(0.02); END LOOP; END \$\$" &
  waits_pid=$!
fi
before=$(snapshot); switches >"$work/switches.before"; [ "${LASTCALL_BENCH_THREADS:-0}" = 1 ] && host_threads >"$work/threads.before"
if [ -n "${LASTCALL_BENCH_PERF:-}" ]; then
  perf record -F 499 -g -o "$LASTCALL_BENCH_PERF" -p "$(IFS=,; echo "${host_pids[*]}")" >/dev/null 2>&1 &
  perf_pid=$!
fi
dotnet "$bin/LastCall.Benchmarks.dll" cancellations "$PG_CONN" "$(IFS=,; echo "${hosts[*]}")" "$count" "$submitters" | tee "$work/result.txt"
after=$(snapshot); switches >"$work/switches.after"; [ "${LASTCALL_BENCH_THREADS:-0}" = 1 ] && host_threads >"$work/threads.after"
if [ -n "${LASTCALL_BENCH_PERF:-}" ]; then kill -INT "$perf_pid"; wait "$perf_pid" || true; fi
if [ "${LASTCALL_BENCH_WAITS:-0}" = 1 ]; then
  psql_bench -c "INSERT INTO bench_stop VALUES (1)"; wait "$waits_pid" || echo "the waits sampler failed" >&2
  echo "PostgreSQL's backends, on average over $(psql_bench -c "SELECT count(*) FROM bench_samples") samples (state | wait | backends):"
  psql_bench -F ' | ' -c "SELECT state, wait, round(count(*)::numeric / (SELECT count(*) FROM bench_samples), 3) AS backends
    FROM bench_waits GROUP BY 1, 2 ORDER BY 3 DESC LIMIT 20"
fi
done_count=$(grep -oE 'cancellations=[0-9]+' "$work/result.txt" | cut -d= -f2)
python3 - "$before" "$after" "$done_count" "$(getconf CLK_TCK)" "$instances" "$(awk 'FNR == NR {v[$1] = $2; n[$1] = $3; next} {dv += $2 - v[$1]; dn += $3 - n[$1]} END {print dv + 0, dn + 0}' "$work/switches.before" "$work/switches.after")" <<'PY'
import sys
before, after = [list(map(int, s.split())) for s in sys.argv[1:3]]
n, hz, instances = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
ms = [(a - b) * 1000 / hz / n for a, b in zip(after, before)]
host = sum(ms[:instances]); pg, sims = ms[instances], ms[instances + 1]
print(f"cpu_ms_per_cancellation host={host:.1f} postgres={pg:.1f} simulators={sims:.1f} total={host + pg + sims:.1f}")
dv, dn = map(int, sys.argv[6].split())
print(f"host_thread_switches_per_cancellation voluntary={dv / n:.1f} involuntary={dn / n:.1f}")
PY
if [ "${LASTCALL_BENCH_THREADS:-0}" = 1 ]; then
  echo "host CPU ms per cancellation by thread (threads of that name alive at the end; threads that ended are not counted):"
  awk -v n="$done_count" -v hz="$(getconf CLK_TCK)" 'FNR == NR {b[$1] = $3; next} {a[$2] += $3 - b[$1]; c[$2]++}
    END {for (k in a) if (a[k] > 0) printf "%8.2f  %s (%d)\n", a[k] * 1000 / hz / n, k, c[k]}' \
    "$work/threads.before" "$work/threads.after" | sort -rn | head -12
fi
# Where PostgreSQL's time went: the statements that took most of it, per cancellation (LASTCALL_BENCH_STATEMENTS=N rows).
if [ "${LASTCALL_BENCH_STATEMENTS:-0}" -gt 0 ]; then
  echo "top statements (calls and ms of execution per cancellation):"
  psql_bench -F ' | ' -c "SELECT round(calls::numeric / $done_count, 2), round((total_exec_time / $done_count)::numeric, 3), left(regexp_replace(query, '\s+', ' ', 'g'), 400)
    FROM pg_stat_statements ORDER BY ${LASTCALL_BENCH_STATEMENTS_BY:-total_exec_time} DESC LIMIT ${LASTCALL_BENCH_STATEMENTS}"
  psql_bench -F ' | ' -c "SELECT 'all statements', round(sum(calls)::numeric / $done_count, 1), round((sum(total_exec_time) / $done_count)::numeric, 2) FROM pg_stat_statements"
fi
grep -hE "fail|Exception" "$work"/host*.log | sort | uniq -c | sort -rn | head -5 || true
