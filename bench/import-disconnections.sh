#!/usr/bin/env bash
# Measures `lastcall import disconnections` into PostgreSQL (an empty register): rows per second, peak resident memory,
# and the register's size on disk afterwards (table and indexes).
# Usage: bench/import-disconnections.sh [ROWS ...]   (default: 10000000)
# LASTCALL_IMPORT_BIN=DIR times the lastcall.dll in DIR (another build, e.g. a baseline's Release output) with this
# checkout's generator.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/bench/pg-cluster.sh"
sizes=("$@")
[ $# -eq 0 ] && sizes=(10000000)
[ -x /usr/bin/time ] || apt_install time
command -v bc >/dev/null 2>&1 || apt_install bc

work=$(mktemp -d /tmp/lastcall-bench-XXXXXX)
chmod 755 "$work"
trap 'pg_stop "$work/pg"; rm -rf "$work"' EXIT
dotnet build -c Release -v q --nologo "$root/bench/LastCall.Benchmarks" >/dev/null
bin="$root/bench/LastCall.Benchmarks/bin/Release/net10.0"
product=${LASTCALL_IMPORT_BIN:-$bin}
key=$(head -c 32 /dev/urandom | base64)

for rows in "${sizes[@]}"; do
  pg_start "$work/pg"
  csv="$work/register-$rows.csv"
  dotnet "$bin/LastCall.Benchmarks.dll" generate-disconnections "$rows" "$csv" >/dev/null
  opts=(--Database:Provider Postgres --ConnectionStrings:LastCall "$PG_CONN" --Security:MasterKey "$key")
  (cd "$work" && dotnet "$product/lastcall.dll" migrate "${opts[@]}" >/dev/null)
  (cd "$work" && /usr/bin/time -v dotnet "$product/lastcall.dll" import disconnections "$csv" "${opts[@]}" >"$work/out.txt" 2>"$work/err.txt") || { tail -5 "$work/err.txt" >&2; exit 1; }
  elapsed=$(time_seconds "$work/err.txt")
  rss_mb=$(time_rss_mb "$work/err.txt")
  size=$(pg_as "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d lastcall -qAtc \
    "SELECT 'table=' || pg_size_pretty(pg_table_size('disconnections')) || ' indexes=' || pg_size_pretty(pg_indexes_size('disconnections'))")
  printf 'rows=%s file=%sMB %s seconds=%s rows_per_second=%.0f peak_rss_mb=%.0f %s\n' "$rows" "$(( $(stat -c %s "$csv") / 1048576 ))" \
    "$(tail -1 "$work/out.txt")" "$elapsed" "$(echo "$rows / $elapsed" | bc -l)" "$rss_mb" "$size"
  pg_stop "$work/pg"; rm -rf "$work/pg" "$csv"
done
