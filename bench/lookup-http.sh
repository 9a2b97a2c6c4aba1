#!/usr/bin/env bash
# Reassigned-numbers lookup over HTTP (LastCall issue 6), all on 127.0.0.1:
#  1. a throwaway PostgreSQL cluster with ROWS disconnections (`lastcall import disconnections`),
#     a partner key (`lastcall partners add`) and the Release host (with its shipped appsettings.json:
#     the content root is the build folder, the data folder the work folder; logging at Warning, the
#     partner rate limit raised by configuration so that it does not throttle the load generator);
#     records the host's register start-up time and resident memory;
#  2. single lookups: wrk (64 connections, 2 threads, 15 s warm-up, bench/lookup.lua cycling through hits and misses)
#     against the real endpoint and the bare reference (`LastCall.Benchmarks bare-lookup`: the same URL
#     from a HashSet<long>, no auth/limits/metering/logging) in alternating rounds (ROUNDS, default 5;
#     medians reported, and the median of each round's real/bare ratio), then pgbench prepared point
#     selects (64 clients, 2 threads) on the indexed disconnections table;
#  3. streamed CSV: posts a file of CSV_ROWS queries to /api/v1/reassigned-numbers/query.csv with curl,
#     three times, and reports rows per second end to end (median).
#  4. batches of 10,000 queries to /api/v1/reassigned-numbers/query, with and without lookup receipts,
#     three times each (median seconds per batch).
# Usage: bench/lookup-http.sh [ROWS] [SECONDS] [CSV_ROWS]   (defaults: 10000000 20 1000000)
#        STARTUP_ONLY=1 bench/lookup-http.sh 50000000        (import and host start-up only)
#        RECEIPTS=1 bench/lookup-http.sh …                   (the single lookups ask for a signed receipt: receipt=true)
#        LASTCALL_HOST_BIN=DIR bench/lookup-http.sh …        (also another build's host, e.g. a baseline's Release output: its
#                                                             single lookups join each round, on the same database)
#        SINGLE_ONLY=1 bench/lookup-http.sh …                (single lookups only: no CSV, batches or pgbench)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/bench/pg-cluster.sh"
rows=${1:-10000000}; seconds=${2:-20}; csv_rows=${3:-1000000}
connections=64; threads=2; warmup=15; rounds=${ROUNDS:-5}
command -v wrk >/dev/null 2>&1 || apt_install wrk
command -v bc >/dev/null 2>&1 || apt_install bc

bench_work
load() { echo "# load: $(cut -d' ' -f1-3 /proc/loadavg); top: $(ps -eo pcpu,comm --sort=-pcpu | sed -n '2,5p' | awk '{printf "%s %s%%, ", $2, $1}')"; }
stop_pid() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

# Register: the generator writes number i as +86(13000000000 + i*7919 mod 7e9), so hits can be drawn without reading it.
register_bench "$work" "$rows"
echo "import: $import_seconds s"

# Queries: half drawn from the register (hits), half random 13x-19x numbers (almost all misses); since
# dates 2014-2025, so some answers are no_data (the register starts 2016-01-01).
suffix=""; if [ "${RECEIPTS:-0}" = 1 ]; then suffix='&receipt=true'; fi
awk -v n="$rows" -v q=100000 -v seed=1 -v suffix="$suffix" 'BEGIN { srand(seed); for (k = 0; k < q; k++) {
    if (k % 2 == 0) { i = int(rand() * n); m = 13000000000 + (i * 7919) % 7000000000 } else m = 13000000000 + int(rand() * 7000000000);
    printf "/api/v1/reassigned-numbers/+86%.0f?since=%04d-%02d-%02d%s\n", m, 2014 + int(rand() * 12), 1 + int(rand() * 12), 1 + int(rand() * 28), suffix } }' >"$work/paths.txt"
awk -v n="$rows" -v q="$csv_rows" -v seed=2 'BEGIN { srand(seed); print "msisdn,since"; for (k = 0; k < q; k++) {
    if (k % 2 == 0) { i = int(rand() * n); m = 13000000000 + (i * 7919) % 7000000000 } else m = 13000000000 + int(rand() * 7000000000);
    printf "+86%.0f,%04d-%02d-%02d\n", m, 2014 + int(rand() * 12), 1 + int(rand() * 12), 1 + int(rand() * 28) } }' >"$work/queries.csv"

# The real host. Partners:RateLimit:PerSecond (default 500 a second per partner) is raised for the run:
# one partner key drives all the load here, and the limit must not be what is measured.
load
signing_key=$(openssl ecparam -name prime256v1 -genkey -noout | openssl pkcs8 -topk8 -nocrypt)
started=$(date +%s.%N)
# start_host BIN LOG: the lastcall.dll of the build in BIN on a port of its own, in the background, on the run's database.
start_host() {
  (cd "$work" && Certificates__SigningKeyPem="$signing_key" exec dotnet "$1/lastcall.dll" --urls "http://127.0.0.1:0" --contentRoot "$1" "${opts[@]}" \
    --Partners:RateLimit:PerSecond 1000000 --Logging:LogLevel:Default Warning --Logging:LogLevel:Microsoft.Hosting.Lifetime Information \
    --Logging:LogLevel:LastCall.Features.Lookup.RegisterIndexService Information >"$2" 2>&1) &
}
start_host "$bin" "$work/host.log"
host=$!; pids+=("$host")
port=$(listening_url "$work/host.log" "$host"); port=${port##*:}
probe="http://127.0.0.1:$port$(head -1 "$work/paths.txt")"
for _ in $(seq 1 1200); do
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $key" "$probe" || true)
  [ "$code" = 200 ] && break
  sleep 0.5
done
[ "$code" = 200 ] || { echo "host never answered 200 (last $code)"; tail -20 "$work/host.log"; exit 1; }
echo "host: ready after $(echo "$(date +%s.%N) - $started" | bc -l | xargs printf '%.1f') s (process start to first answered lookup); $(grep -o 'Register index loaded.*' "$work/host.log" | head -1)"
echo "host: resident $(awk '/VmRSS/ {printf "%.0f MB", $2/1024}' /proc/$host/status) after load, GC settles in a few seconds:"
sleep 10; echo "host: resident $(awk '/VmRSS/ {printf "%.0f MB", $2/1024}' /proc/$host/status) 10 s later (rows=$rows)"
if [ "${STARTUP_ONLY:-0}" = 1 ]; then exit 0; fi
if [ -n "${LASTCALL_HOST_BIN:-}" ]; then
  start_host "$LASTCALL_HOST_BIN" "$work/base.log"
  base=$!; pids+=("$base")
  base_port=$(listening_url "$work/base.log" "$base"); base_port=${base_port##*:}
  until [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $key" "http://127.0.0.1:$base_port$(head -1 "$work/paths.txt")" || true)" = 200 ]; do sleep 0.5; done
  echo "baseline host ($LASTCALL_HOST_BIN) ready"
fi

# wrk run -> "req_s p50 p99 non2xx" (latencies in ms)
run_wrk() {
  local url=$1 key=${2:-}
  [ -e "$work/warm-${url##*:}" ] || wrk -t"$threads" -c"$connections" -d"${warmup}s" -s "$root/bench/lookup.lua" "$url" -- "$work/paths.txt" "$key" >/dev/null
  touch "$work/warm-${url##*:}"
  load >&2
  wrk -t"$threads" -c"$connections" -d"${seconds}s" --latency -s "$root/bench/lookup.lua" "$url" -- "$work/paths.txt" "$key" >"$work/wrk.txt"
  cat "$work/wrk.txt" >&2
  awk 'function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
       /Requests\/sec/ { r = $2 } $1 == "50%" { p50 = ms($2) } $1 == "99%" { p99 = ms($2) } /Non-2xx/ { bad = $NF }
       END { printf "%.0f %.2f %.2f %d\n", r, p50, p99, bad }' "$work/wrk.txt"
}
summary() { printf '%-8s req/s %8s  p50 %6s ms  p99 %6s ms  non-2xx %s\n' "$1" "$2" "$3" "$4" "$5"; }

# The bare reference on the same numbers, with the server GC the real host (Web SDK) runs with. Both
# processes stay up and the wrk runs alternate real, bare, real, bare, … so that the load of the
# machine (shared with other work) falls alike on both; the medians of the rounds are reported.
DOTNET_gcServer=1 dotnet "$bin/LastCall.Benchmarks.dll" bare-lookup 0 "$work/register.csv" >"$work/bare.log" 2>&1 &
bare=$!; pids+=("$bare")
bare_port=$(listening_url "$work/bare.log" "$bare"); bare_port=${bare_port##*:}
until curl -fs -o /dev/null "http://127.0.0.1:$bare_port$(head -1 "$work/paths.txt")"; do sleep 0.5; done
# percent_of_bare NAME: the last round's req/s of NAME as a percentage of the bare server's.
percent_of_bare() { echo "$(tail -1 "$work/$1.txt" | cut -d' ' -f1) $(tail -1 "$work/bare.txt" | cut -d' ' -f1)" | awk '{ printf "%.1f\n", 100 * $1 / $2 }'; }
median() { sort -n -k1,1 "$1" | sed -n "$(( (rounds + 1) / 2 ))p"; }
for r in $(seq 1 "$rounds"); do
  run_wrk "http://127.0.0.1:$port" "$key" >>"$work/real.txt"
  run_wrk "http://127.0.0.1:$bare_port" >>"$work/bare.txt"
  echo "round $r: real $(tail -1 "$work/real.txt"), bare $(tail -1 "$work/bare.txt") (req/s p50 p99 non-2xx)"
  if [ -n "${base:-}" ]; then
    run_wrk "http://127.0.0.1:$base_port" "$key" >>"$work/base.txt"
    percent_of_bare base >>"$work/base-ratios.txt"
    echo "round $r: baseline $(tail -1 "$work/base.txt"), $(tail -1 "$work/base-ratios.txt") % of bare"
  fi
  percent_of_bare real >>"$work/ratios.txt"
done
ratio_median=$(median "$work/ratios.txt")
read -r real_rps real_p50 real_p99 real_bad < <(median "$work/real.txt")
read -r bare_rps bare_p50 bare_p99 bare_bad < <(median "$work/bare.txt")
stop_pid "$bare"
if [ -n "${base:-}" ]; then
  stop_pid "$base"
  read -r base_rps base_p50 base_p99 base_bad < <(median "$work/base.txt")
  echo "baseline: median req/s $base_rps p50 $base_p50 ms p99 $base_p99 ms; per round % of bare: $(tr '\n' ' ' <"$work/base-ratios.txt")-> median $(median "$work/base-ratios.txt") %"
fi
if [ "${SINGLE_ONLY:-0}" = 1 ]; then
  summary lastcall "$real_rps" "$real_p50" "$real_p99" "$real_bad"
  summary bare "$bare_rps" "$bare_p50" "$bare_p99" "$bare_bad"
  echo "real/bare per round: $(tr '\n' ' ' <"$work/ratios.txt")-> median $ratio_median %"
  exit 0
fi

# Streamed CSV on the same host: three posts of the whole file, median rows/s.
rates=()
for n in 1 2 3; do
  load
  t=$(curl -s -o "$work/answers.csv" -w '%{time_total}' -H "Authorization: Bearer $key" -H 'Content-Type: text/csv' \
      --data-binary @"$work/queries.csv" "http://127.0.0.1:$port/api/v1/reassigned-numbers/query.csv")
  answered=$(( $(wc -l <"$work/answers.csv") - 1 ))
  rate=$(echo "$answered / $t" | bc -l | xargs printf '%.0f')
  echo "csv run $n: $answered rows answered in $t s = $rate rows/s ($(cut -d, -f3 "$work/answers.csv" | sort | uniq -c | tr '\n' ' '))"
  rates+=("$rate")
done
csv_median=$(printf '%s\n' "${rates[@]}" | sort -n | sed -n 2p)

# Batches of 10,000 (the most one request takes), plain and with a receipt per answer.
head -10001 "$work/queries.csv" | tail -n +2 | awk -F, 'BEGIN { printf "{\"queries\":[" } { printf "%s{\"msisdn\":\"%s\",\"since\":\"%s\"}", (NR > 1 ? "," : ""), $1, $2 } END { print "]}" }' >"$work/batch.json"
sed 's/^{/{"receipt":true,/' "$work/batch.json" >"$work/batch-receipts.json"
batch_time() {
  for n in 1 2 3 4; do
    curl -s -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
      --data-binary @"$1" "http://127.0.0.1:$port/api/v1/reassigned-numbers/query"
  done | tail -3 | sort -n | sed -n 2p
}
batch_plain=$(batch_time "$work/batch.json"); batch_receipts=$(batch_time "$work/batch-receipts.json")
stop_pid "$host"

# pgbench: prepared point selects on the indexed disconnections table (unique index on msisdn, day),
# half hits drawn like the HTTP queries, half random numbers.
cat >"$work/hit.sql" <<SQL
\set i random(0, $((rows - 1)))
\set m 13000000000 + (:i * 7919) % 7000000000
\set d random(0, 4000)
SELECT 1 FROM disconnections WHERE "Msisdn" = '+86' || :m AND "DisconnectedOn" >= DATE '2014-01-01' + :d::int LIMIT 1;
SQL
cat >"$work/miss.sql" <<SQL
\set m 13000000000 + random(0, 6999999999)
\set d random(0, 4000)
SELECT 1 FROM disconnections WHERE "Msisdn" = '+86' || :m AND "DisconnectedOn" >= DATE '2014-01-01' + :d::int LIMIT 1;
SQL
chmod 644 "$work"/*.sql
pgb() { pg_as "$PG_BIN/pgbench" -h 127.0.0.1 -p "$PG_PORT" -U postgres -n -M prepared -c "$connections" -j "$threads" \
  -f "$work/hit.sql@1" -f "$work/miss.sql@1" "$@" lastcall; }
pgb -T "$warmup" >/dev/null 2>&1
load
mkdir -p "$work/pgblog" && [ "$(id -u)" -eq 0 ] && chown postgres "$work/pgblog"
(cd "$work/pgblog" && pgb -T "$seconds" -l --sampling-rate 0.1 >"$work/pgbench.txt" 2>&1)
grep -E 'tps|latency average|failed' "$work/pgbench.txt" >&2 || cat "$work/pgbench.txt" >&2
pg_rps=$(awk '/^tps/ { printf "%.0f", $3; exit }' "$work/pgbench.txt")
cat "$work"/pgblog/pgbench_log.* | awk '{ print $3 / 1000 }' | sort -n >"$work/pglat.txt"
lines=$(wc -l <"$work/pglat.txt")
pg_p50=$(sed -n "$(( lines / 2 ))p" "$work/pglat.txt"); pg_p99=$(sed -n "$(( lines * 99 / 100 ))p" "$work/pglat.txt")

echo
echo "rows=$rows duration=${seconds}s connections=$connections threads=$threads cores=$(nproc)"
summary lastcall "$real_rps" "$real_p50" "$real_p99" "$real_bad"
summary bare "$bare_rps" "$bare_p50" "$bare_p99" "$bare_bad"
summary pgbench "$pg_rps" "$(printf '%.2f' "$pg_p50")" "$(printf '%.2f' "$pg_p99")" "-"
echo "real/bare = $(echo "100 * $real_rps / $bare_rps" | bc -l | xargs printf '%.0f') % of the medians; per round: $(tr '\n' ' ' <"$work/ratios.txt")-> median $ratio_median %  (target >= 80 %)"
echo "csv: $csv_rows rows, median of 3: $csv_median rows/s  (target >= 1,000,000)"
echo "batch of 10,000: $batch_plain s plain, $batch_receipts s with receipts (median of 3, after one warm-up)"
if [ "${RECEIPTS:-0}" = 1 ]; then echo "(the single lookups above asked for receipt=true)"; fi
