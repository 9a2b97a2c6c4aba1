#!/usr/bin/env bash
# Measures `lastcall import disconnections` into PostgreSQL: rows per second and peak resident memory.
# Usage: bench/import-disconnections.sh [ROWS ...]   (default: 10000000)
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
key=$(head -c 32 /dev/urandom | base64)

for rows in "${sizes[@]}"; do
  pg_start "$work/pg"
  csv="$work/register-$rows.csv"
  dotnet "$bin/LastCall.Benchmarks.dll" generate-disconnections "$rows" "$csv" >/dev/null
  opts=(--Database:Provider Postgres --ConnectionStrings:LastCall "$PG_CONN" --Security:MasterKey "$key")
  (cd "$work" && dotnet "$bin/lastcall.dll" migrate "${opts[@]}" >/dev/null)
  (cd "$work" && /usr/bin/time -v dotnet "$bin/lastcall.dll" import disconnections "$csv" "${opts[@]}" >"$work/out.txt" 2>"$work/err.txt") || { tail -5 "$work/err.txt" >&2; exit 1; }
  elapsed=$(time_seconds "$work/err.txt")
  rss_mb=$(time_rss_mb "$work/err.txt")
  printf 'rows=%s file=%sMB %s seconds=%s rows_per_second=%.0f peak_rss_mb=%.0f\n' "$rows" "$(( $(stat -c %s "$csv") / 1048576 ))" \
    "$(tail -1 "$work/out.txt")" "$elapsed" "$(echo "$rows / $elapsed" | bc -l)" "$rss_mb"
  pg_stop "$work/pg"; rm -rf "$work/pg" "$csv"
done
