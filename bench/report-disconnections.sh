#!/usr/bin/env bash
# Measures filing a regulator report of permanent disconnections (issue 15): a throwaway PostgreSQL cluster gets ROWS
# register entries with `lastcall import disconnections --report` (so every one is reportable), then
# `lastcall reports disconnections --period 2025-12 --profile generic --format FORMAT --out DIR` files them all in one
# report (the generated days run 2016-01-01…2025-12-28, and a report takes every unfiled entry up to its month's end),
# split into files of at most 1,000,000 rows. Prints wall-clock seconds, rows per second and peak resident memory of
# the filing process (start-up included), and the files' total size.
# Usage: bench/report-disconnections.sh [ROWS] [FORMAT]   (defaults: 10000000 csv; FORMAT csv or xlsx)
# PROFILE=1 also prints the filing's slowest statements from pg_stat_statements (where the time goes in the database).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/bench/pg-cluster.sh"
rows=${1:-10000000}; format=${2:-csv}
[ -x /usr/bin/time ] || apt_install time
command -v bc >/dev/null 2>&1 || apt_install bc

work=$(mktemp -d /tmp/lastcall-bench-XXXXXX)
chmod 755 "$work"
trap 'pg_stop "$work/pg"; rm -rf "$work"' EXIT
dotnet build -c Release -v q --nologo "$root/bench/LastCall.Benchmarks" >/dev/null
bin="$root/bench/LastCall.Benchmarks/bin/Release/net10.0"
key=$(head -c 32 /dev/urandom | base64)

pg_start "$work/pg"
opts=(--Database:Provider Postgres --ConnectionStrings:LastCall "$PG_CONN" --Security:MasterKey "$key" --Logging:LogLevel:Default Warning)
dotnet "$bin/LastCall.Benchmarks.dll" generate-disconnections "$rows" "$work/register.csv" >/dev/null
(cd "$work" && dotnet "$bin/lastcall.dll" migrate "${opts[@]}" >/dev/null)
(cd "$work" && dotnet "$bin/lastcall.dll" import disconnections "$work/register.csv" --report "${opts[@]}" | tail -1)
rm "$work/register.csv"

mkdir "$work/out"
psql_bench() { pg_as "$(pg_bin)/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d lastcall -qAt "$@"; }
if [ "${PROFILE:-0}" = 1 ]; then psql_bench -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" -c "SELECT pg_stat_statements_reset()" >/dev/null; fi
(cd "$work" && /usr/bin/time -v dotnet "$bin/lastcall.dll" reports disconnections --period 2025-12 --profile generic --format "$format" --out "$work/out" "${opts[@]}" \
  >"$work/report.txt" 2>"$work/err.txt") || { grep -v "^\s" "$work/err.txt" | tail -5 >&2; exit 1; }
elapsed=$(time_seconds "$work/err.txt")
rss_mb=$(time_rss_mb "$work/err.txt")
filed=$(awk -F'\t' '{ gsub(/ rows/, "", $2); n += $2 } END { print n + 0 }' "$work/report.txt")
head -3 "$work/report.txt"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "${PROFILE:-0}" = 1 ]; then
  echo "slowest statements (ms, calls, rows, statement):"
  psql_bench -F $'\t' -c "SELECT round(total_exec_time), calls, rows, left(regexp_replace(query, '\s+', ' ', 'g'), 150) FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 6"
fi
printf 'rows=%s format=%s filed=%s files=%s size=%sMB seconds=%s rows_per_second=%.0f peak_rss_mb=%.0f\n' "$rows" "$format" "$filed" \
  "$(find "$work/out" -type f | wc -l)" "$(( $(du -sb "$work/out" | cut -f1) / 1048576 ))" "$elapsed" "$(echo "$filed / $elapsed" | bc -l)" "$rss_mb"
