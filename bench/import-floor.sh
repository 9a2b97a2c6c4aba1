#!/usr/bin/env bash
# PostgreSQL's own floor for a subscriber import (issue 12): what loading the rows costs the database alone, with no
# importer at all, against what `lastcall import subscribers` costs. On a throwaway cluster:
#  1. imports ROWS generated subscribers with the product (as bench/import-subscribers.sh does) and times it;
#  2. copies the five tables an import fills (customers, lines, billing_accounts, esim_profiles, pool_numbers) out to
#     binary files on the server;
#  3. empties them and loads the files back with server-side `COPY … FROM` in one backend, every index and foreign key in
#     place (what any import into tables that already hold subscribers must pay);
#  4. empties them again, drops their indexes and constraints (and the foreign keys other tables hold on them), loads the
#     files and builds everything again (what only a load into an empty database could do).
# Prints wall time and PostgreSQL's CPU per subscriber row for each, and the import's own CPU per row.
# Usage: bench/import-floor.sh [ROWS]   (default 500000); docs/benchmarks.md records the figures.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/bench/pg-cluster.sh"
rows=${1:-500000}
[ -x /usr/bin/time ] || apt_install time
command -v bc >/dev/null 2>&1 || apt_install bc

bench_work
dotnet build -c Release -v q --nologo "$root/bench/LastCall.Benchmarks" >/dev/null
bin="$root/bench/LastCall.Benchmarks/bin/Release/net10.0"
key=$(head -c 32 /dev/urandom | base64)
pg_start "$work/pg"
opts=(--Database:Provider Postgres --ConnectionStrings:LastCall "$PG_CONN" --Security:MasterKey "$key")
(cd "$work" && dotnet "$bin/lastcall.dll" migrate "${opts[@]}" >/dev/null)
dotnet "$bin/LastCall.Benchmarks.dll" generate-subscribers "$rows" "$work/subscribers.csv" 0 >/dev/null

psql_run() { pg_as "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d lastcall -qAt -v ON_ERROR_STOP=1 "$@"; }
# CPU seconds of the cluster so far, once the backend of the last command has been reaped.
pg_cpu() { sleep 1; pg_cpu_seconds "$work/pg"; }
per_row() { echo "$1 * 1000000 / $rows" | bc -l | xargs printf '%.1f'; }
# timed LABEL COMMAND…: runs the command, prints its wall time and the cluster's CPU per subscriber row.
timed() {
  local label=$1 before start wall cpu; shift
  before=$(pg_cpu); start=$(date +%s.%N)
  "$@"
  wall=$(echo "$(date +%s.%N) - $start" | bc -l); cpu=$(echo "$(pg_cpu) - $before" | bc -l)
  printf '%-34s wall %6.2f s (%5s µs a row)  PostgreSQL CPU %6.2f s (%5s µs a row)\n' "$label" "$wall" "$(per_row "$wall")" "$cpu" "$(per_row "$cpu")"
}

pg_before=$(pg_cpu)
(cd "$work" && /usr/bin/time -v dotnet "$bin/lastcall.dll" import subscribers "$work/subscribers.csv" "${opts[@]}" >"$work/out.txt" 2>"$work/err.txt") || { cat "$work/err.txt" >&2; exit 1; }
pg_after=$(pg_cpu)
elapsed=$(time_seconds "$work/err.txt")
importer=$(awk -F': ' '/User time|System time/ {s += $2} END {print s}' "$work/err.txt")
echo "lastcall import subscribers: $(grep -oE 'imported [0-9]+' "$work/out.txt"), $elapsed s, $(echo "$rows / $elapsed" | bc -l | xargs printf '%.0f') rows/s;" \
  "importer CPU $(per_row "$importer") µs a row, PostgreSQL CPU $(per_row "$(echo "$pg_after - $pg_before" | bc -l)") µs a row"

tables=(customers lines billing_accounts esim_profiles pool_numbers)   # parents first
list=$(printf "'%s'," "${tables[@]}"); list=${list%,}
mkdir -p "$work/dump"; chown postgres "$work/dump" 2>/dev/null || true
for t in "${tables[@]}"; do psql_run -c "COPY $t TO '$work/dump/$t.bin' (FORMAT BINARY)"; done
echo "table rows: $(psql_run -F ' ' -c "SELECT string_agg(relname || ' ' || n_live_tup, ', ') FROM pg_stat_user_tables WHERE relname IN ($list)")"
joined=$(IFS=,; echo "${tables[*]}")
empty() { psql_run -c "TRUNCATE $joined CASCADE" -c "CHECKPOINT" 2>/dev/null; }
load_all() { for t in "${tables[@]}"; do psql_run -c "COPY $t FROM '$work/dump/$t.bin' (FORMAT BINARY)"; done; }

empty
timed "COPY, indexes and keys in place" load_all

empty
constraint_sql() { # WHERE clause -> the statements that add those constraints again
  psql_run -c "SELECT 'ALTER TABLE ' || conrelid::regclass || ' ADD CONSTRAINT ' || quote_ident(conname) || ' ' || pg_get_constraintdef(oid) || ';'
    FROM pg_constraint WHERE $1 ORDER BY CASE contype WHEN 'p' THEN 0 WHEN 'u' THEN 1 ELSE 2 END"
}
drop_sql() { psql_run -c "SELECT 'ALTER TABLE ' || conrelid::regclass || ' DROP CONSTRAINT ' || quote_ident(conname) || ';' FROM pg_constraint WHERE $1 ORDER BY contype = 'f' DESC"; }
own="conrelid::regclass::text IN ($list) AND contype IN ('p', 'u', 'f')"
others="contype = 'f' AND confrelid::regclass::text IN ($list) AND conrelid::regclass::text NOT IN ($list)"
plain_indexes="indrelid::regclass::text IN ($list) AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)"
psql_run -c "SELECT pg_get_indexdef(indexrelid) || ';' FROM pg_index i WHERE $plain_indexes" >"$work/indexes.sql"
constraint_sql "$own" >"$work/constraints.sql"
constraint_sql "$others" >"$work/references.sql"
{ drop_sql "$others"; drop_sql "$own"; psql_run -c "SELECT 'DROP INDEX ' || indexrelid::regclass || ';' FROM pg_index i WHERE $plain_indexes"; } >"$work/drop.sql"
psql_run -f "$work/drop.sql" >/dev/null
echo "dropped: $(wc -l <"$work/indexes.sql") indexes, $(wc -l <"$work/constraints.sql") keys and foreign keys, $(wc -l <"$work/references.sql") foreign keys of other tables"
timed "COPY, no index or key" load_all
timed "indexes built again" psql_run -f "$work/indexes.sql"
timed "keys and foreign keys again" psql_run -f "$work/constraints.sql" -f "$work/references.sql"
