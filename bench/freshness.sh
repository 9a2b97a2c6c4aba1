#!/usr/bin/env bash
# Register freshness across instances (issue 17): two Release hosts on one throwaway PostgreSQL cluster holding ROWS
# register entries; wrk keeps the first busy with lookups (64 connections, bench/lookup.lua) unless LOAD=0; then
# `LastCall.Benchmarks freshness` commits COUNT register entries one at a time straight into the database and
# times, from each commit, how long each host takes to answer the number yes (asked every 2 ms).
# Usage: bench/freshness.sh [COUNT] [ROWS]   (defaults: 1000 1000000)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/bench/pg-cluster.sh"
count=${1:-1000}; rows=${2:-1000000}
command -v wrk >/dev/null 2>&1 || apt_install wrk

bench_work

register_bench "$work" "$rows"
awk -v n="$rows" 'BEGIN { srand(1); for (k = 0; k < 100000; k++) { i = int(rand() * n); m = 13000000000 + (i * 7919) % 7000000000;
  printf "/api/v1/reassigned-numbers/+86%.0f?since=2020-01-01\n", m } }' >"$work/paths.txt"

signing_key=$(openssl ecparam -name prime256v1 -genkey -noout | openssl pkcs8 -topk8 -nocrypt)
urls=()
for n in 1 2; do
  mkdir -p "$work/host$n"
  (cd "$work/host$n" && Certificates__SigningKeyPem="$signing_key" exec dotnet "$bin/lastcall.dll" --urls "http://127.0.0.1:0" --contentRoot "$bin" "${opts[@]}" \
    --Partners:RateLimit:PerSecond 1000000 --Logging:LogLevel:Default Warning --Logging:LogLevel:Microsoft.Hosting.Lifetime Information >"$work/host$n.log" 2>&1) &
  pids+=("$!")
  urls+=("$(listening_url "$work/host$n.log" "$!")")
done
for url in "${urls[@]}"; do
  for _ in $(seq 1 600); do
    code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $key" "$url$(head -1 "$work/paths.txt")" || true)
    [ "$code" = 200 ] && break
    sleep 0.5
  done
  [ "$code" = 200 ] || { echo "$url never answered 200"; tail -20 "$work"/host*.log; exit 1; }
done

if [ "${LOAD:-1}" = 1 ]; then
  wrk -t2 -c64 -d3600s -s "$root/bench/lookup.lua" "${urls[0]}" -- "$work/paths.txt" "$key" >"$work/wrk.txt" 2>&1 &
  pids+=("$!")
  sleep 5
fi
echo "load: $(cut -d' ' -f1-3 /proc/loadavg) (lookup load on ${urls[0]}: ${LOAD:-1})"
dotnet "$bin/LastCall.Benchmarks.dll" freshness "$PG_CONN" "$(IFS=,; echo "${urls[*]}")" "$key" "$count"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
