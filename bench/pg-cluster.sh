#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster for a benchmark run (sourced by the bench scripts).
#   pg_start DIR   -> exports PG_PORT and PG_CONN (a connection string for database "lastcall")
#   pg_stop DIR
# and what the bench scripts share besides:
#   listening_url LOG PID          -> the address a host started with `--urls http://127.0.0.1:0` bound (it logs it: no port
#                                     is picked before it is bound); fails if the process PID ends first
#   time_seconds FILE, time_rss_mb FILE -> wall clock and peak RSS from GNU `time -v` output in FILE
#   pg_cpu_seconds DIR             -> CPU seconds the cluster in DIR has spent so far: its live processes plus the backends
#                                     the postmaster reaped (a backend that just exited counts once reaped: sleep 1 first);
#                                     pg_cpu_ticks DIR gives the same in clock ticks
#   bench_work                     -> sets work (a fresh folder) and pids (empty); on exit the processes in pids are
#                                     stopped, the cluster in $work/pg too, and the folder removed
#   register_bench WORK ROWS       -> the Release build, a cluster in WORK/pg with ROWS imported (and vacuumed) register entries and a
#                                     partner: sets bin, opts, import_seconds and key
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/prerequisites.sh"

pg_bin() {
  local d
  for d in /usr/lib/postgresql/15/bin $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -r); do
    [ -x "$d/initdb" ] && { echo "$d"; return 0; }
  done
  return 1
}

pg_as() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

pg_start() {
  local dir=$1 bin
  ensure_postgres
  bin=$(pg_bin)
  mkdir -p "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir"
  pg_as "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-locale --no-sync >/dev/null
  # PostgreSQL cannot bind port 0 (its socket file is named after the port): a port free a moment ago is tried, and if
  # another process took it meanwhile the server fails to bind and the next is tried.
  local attempt
  for attempt in 1 2 3 4 5; do
    PG_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    # Durable settings (fsync on): benchmark figures should hold for a real server.
    pg_as "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -o "-p $PG_PORT -k $dir -c listen_addresses=127.0.0.1 -c shared_buffers=1GB -c max_wal_size=4GB -c shared_preload_libraries=pg_stat_statements" start >/dev/null && break
    [ "$attempt" = 5 ] && { tail -5 "$dir/server.log" >&2; return 1; }
  done
  pg_as "$bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "CREATE DATABASE lastcall" >/dev/null
  PG_CONN="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=lastcall"
  export PG_PORT PG_CONN PG_BIN=$bin
}

pg_cpu_ticks() {
  local postmaster ticks p
  postmaster=$(head -1 "$1/data/postmaster.pid")
  ticks=$(awk '{print $14+$15+$16+$17}' "/proc/$postmaster/stat")
  for p in $(pgrep -P "$postmaster"); do ticks=$((ticks + $(awk '{print $14+$15}' "/proc/$p/stat" 2>/dev/null || echo 0))); done
  echo "$ticks"
}

pg_cpu_seconds() { echo "$(pg_cpu_ticks "$1") / $(getconf CLK_TCK)" | bc -l; }

bench_work() {
  work=$(mktemp -d /tmp/lastcall-bench-XXXXXX)
  chmod 755 "$work"
  pids=()
  trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; pg_stop "$work/pg"; rm -rf "$work"' EXIT
}

# register_bench WORK ROWS: the Release build of the benchmarks (and so the product), a throwaway cluster in WORK/pg, and
# ROWS register entries from the generator (kept in WORK/register.csv) imported with `lastcall import disconnections`,
# then a partner. Sets bin (the build folder), opts (the database, key and number-range options every verb and host
# takes), import_seconds and key (the partner's API key). The caller defines root.
register_bench() {
  local dir=$1 rows=$2 master t0
  command -v bc >/dev/null 2>&1 || apt_install bc
  dotnet build -c Release -v q --nologo "$root/bench/LastCall.Benchmarks" >/dev/null
  bin="$root/bench/LastCall.Benchmarks/bin/Release/net10.0"
  master=$(head -c 32 /dev/urandom | base64)
  pg_start "$dir/pg"
  # The generated numbers (+8613…+8619) are all the operator's: lookups answer yes/no, not number_not_served.
  opts=(--Database:Provider Postgres --ConnectionStrings:LastCall "$PG_CONN" --Security:MasterKey "$master" --Numbers:Ranges "+8613,+8614,+8615,+8616,+8617,+8618,+8619")
  dotnet "$bin/LastCall.Benchmarks.dll" generate-disconnections "$rows" "$dir/register.csv" >/dev/null
  (cd "$dir" && dotnet "$bin/lastcall.dll" migrate "${opts[@]}" >/dev/null)
  t0=$(date +%s.%N)
  (cd "$dir" && dotnet "$bin/lastcall.dll" import disconnections "$dir/register.csv" "${opts[@]}" | tail -1)
  import_seconds=$(echo "$(date +%s.%N) - $t0" | bc -l | xargs printf '%.1f')
  # Vacuum and analyze the fresh register now, once for every script: otherwise autovacuum does it (triggered by the
  # inserts) while the measured rounds run and takes a core from them (17 % of a CSV run's samples were its visibility
  # checks). Not counted in import_seconds.
  pg_as "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d lastcall -qc "VACUUM ANALYZE disconnections" >/dev/null
  key=$(cd "$dir" && dotnet "$bin/lastcall.dll" partners add --name "Bench Partner" "${opts[@]}" | grep -oE 'lcp_[A-Za-z0-9_-]+')
}

pg_stop() {
  local dir=$1
  pg_as "$(pg_bin)/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
}

listening_url() {
  local log=$1 pid=$2 url waited=0
  until url=$(grep -oE 'Now listening on: http://[0-9.:]+' "$log" 2>/dev/null | head -1 | sed 's/Now listening on: //'); [ -n "$url" ]; do
    kill -0 "$pid" 2>/dev/null || { echo "process $pid ended before it listened:" >&2; tail -20 "$log" >&2; return 1; }
    # A large register loads before the host listens: give up after 10 minutes.
    waited=$((waited + 1)); [ "$waited" -lt 12000 ] || { echo "process $pid did not listen within 10 minutes:" >&2; tail -20 "$log" >&2; return 1; }
    sleep 0.05
  done
  echo "$url"
}

time_seconds() { grep "Elapsed (wall clock)" "$1" | awk '{print $NF}' | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }'; }

time_rss_mb() { grep "Maximum resident set size" "$1" | awk '{ printf "%.0f", $NF / 1024 }'; }
