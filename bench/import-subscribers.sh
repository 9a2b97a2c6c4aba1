#!/usr/bin/env bash
# Measures `lastcall import subscribers`: rows per second and peak resident memory.
# Usage: bench/import-subscribers.sh [--sqlite] [--reimport] [--preload N] [--clear] [ROWS ...]   (default sizes: 100000 1000000)
#   --sqlite      the embedded default (a SQLite file) instead of a throwaway PostgreSQL cluster
#   --reimport    then import the same file again (an upsert of every row) and time that too
#   --preload N   first import N other subscribers, so the file goes into tables that already hold N rows
#   --clear       clear-text service passwords (hashed with PBKDF2 on import) instead of pre-hashed ones
# LASTCALL_IMPORT_BIN=DIR runs the lastcall.dll of another build (a baseline) with this checkout's generator and cluster.
# LASTCALL_IMPORT_PERF=DIR records each timed import with `perf record -g` into DIR/LABEL-ROWS.data (with the runtime's perf
# map, so managed frames have names); its figures then include perf's own overhead: read the profile as shares only.
# LASTCALL_IMPORT_STATEMENTS=N (PostgreSQL) prints after each timed import the N statements that took most of PostgreSQL's
# execution time in it (pg_stat_statements: calls and microseconds per imported row, share of the total).
# Prints one result line per import (wall time, rows/s, CPU seconds of the import process and of PostgreSQL, peak RSS of
# the import process, load average);
# docs/benchmarks.md records the figures.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/bench/pg-cluster.sh"
sqlite=0 reimport=0 preload=0 clear=""
while [ $# -gt 0 ]; do
  case $1 in
    --sqlite) sqlite=1; shift ;;
    --reimport) reimport=1; shift ;;
    --preload) preload=$2; shift 2 ;;
    --clear) clear=clear; shift ;;
    *) break ;;
  esac
done
sizes=("$@")
[ $# -eq 0 ] && sizes=(100000 1000000)

[ -x /usr/bin/time ] || apt_install time   # GNU time reports peak resident memory
command -v bc >/dev/null 2>&1 || apt_install bc

work=$(mktemp -d /tmp/lastcall-bench-XXXXXX)
chmod 755 "$work"
trap '[ $sqlite = 1 ] || pg_stop "$work/pg"; rm -rf "$work"' EXIT

dotnet build -c Release -v q --nologo "$root/bench/LastCall.Benchmarks" >/dev/null
bin="$root/bench/LastCall.Benchmarks/bin/Release/net10.0"
host_bin=${LASTCALL_IMPORT_BIN:-$bin}
key=$(head -c 32 /dev/urandom | base64)

# CPU seconds of this run's PostgreSQL (from /proc, so the figure holds whatever else the machine runs); none on SQLite.
pg_cpu() { if [ $sqlite = 1 ]; then echo 0; else pg_cpu_seconds "$work/pg"; fi; }

psql_bench() { pg_as "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d lastcall -qAt "$@"; }
statements=${LASTCALL_IMPORT_STATEMENTS:-0}
[ $sqlite = 1 ] && statements=0

timed_import() { # label csv rows
  local label=$1 csv=$2 rows=$3 elapsed rss_mb imported size_mb cpu pg_before pg_after
  [ "$statements" -gt 0 ] && psql_bench -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" -c "SELECT pg_stat_statements_reset()" >/dev/null
  pg_before=$(pg_cpu)
  local profile=()
  if [ -n "${LASTCALL_IMPORT_PERF:-}" ]; then
    mkdir -p "$LASTCALL_IMPORT_PERF"
    profile=(perf record -F 499 -g -o "$LASTCALL_IMPORT_PERF/$label-$rows.data" --)
    export DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0
  fi
  (cd "$work" && /usr/bin/time -v "${profile[@]}" dotnet "$host_bin/lastcall.dll" import subscribers "$csv" "${opts[@]}" >"$work/out.txt" 2>"$work/err.txt") || { cat "$work/err.txt" >&2; exit 1; }
  elapsed=$(time_seconds "$work/err.txt")
  # A backend still exiting reads as a zombie with no CPU time: let the postmaster reap it first (its time then moves to
  # the postmaster's children's total), or the figure comes out far too low.
  sleep 1
  pg_after=$(pg_cpu)
  cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {printf "%.1f", s}' "$work/err.txt")
  rss_mb=$(time_rss_mb "$work/err.txt")
  imported=$(grep -oE 'imported [0-9]+' "$work/out.txt" | grep -oE '[0-9]+')
  size_mb=$(( $(stat -c %s "$csv") / 1048576 ))
  printf '%s rows=%s file=%sMB imported=%s seconds=%s rows_per_second=%.0f cpu_seconds=%s pg_cpu_seconds=%.1f peak_rss_mb=%.0f load=%s\n' \
    "$label" "$rows" "$size_mb" "$imported" "$elapsed" "$(echo "$imported / $elapsed" | bc -l)" "$cpu" "$(echo "$pg_after - $pg_before" | bc -l)" "$rss_mb" \
    "$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' '/')"
  if [ "$statements" -gt 0 ]; then
    psql_bench -F ' | ' -c "SELECT round(calls::numeric / $imported, 3) AS calls_per_row, round((total_exec_time * 1000 / $imported)::numeric, 2) AS us_per_row,
        round((100 * total_exec_time / sum(total_exec_time) OVER ())::numeric, 1) AS pct, left(regexp_replace(query, '\s+', ' ', 'g'), 140)
      FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT $statements"
  fi
}

for rows in "${sizes[@]}"; do
  if [ $sqlite = 1 ]; then
    rm -rf "$work/data"; mkdir -p "$work/data"
    opts=(--DataFolder "$work/data" --Security:MasterKey "$key")
  else
    pg_start "$work/pg"
    opts=(--Database:Provider Postgres --ConnectionStrings:LastCall "$PG_CONN" --Security:MasterKey "$key")
  fi
  (cd "$work" && dotnet "$bin/lastcall.dll" migrate "${opts[@]}" >/dev/null)
  if [ "$preload" -gt 0 ]; then
    dotnet "$bin/LastCall.Benchmarks.dll" generate-subscribers "$preload" "$work/preload.csv" 10000000 >/dev/null
    timed_import preload "$work/preload.csv" "$preload"
    rm -f "$work/preload.csv"
  fi
  csv="$work/subscribers-$rows.csv"
  dotnet "$bin/LastCall.Benchmarks.dll" generate-subscribers "$rows" "$csv" 0 $clear >/dev/null
  timed_import import "$csv" "$rows"
  [ $reimport = 1 ] && timed_import reimport "$csv" "$rows"
  if [ $sqlite = 0 ]; then pg_stop "$work/pg"; rm -rf "$work/pg"; fi
  rm -f "$csv"
done
