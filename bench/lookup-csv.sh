#!/usr/bin/env bash
# The streamed CSV lookup on its own (issue 17): a throwaway PostgreSQL cluster with ROWS register entries
# (`lastcall import disconnections`), a partner key, the Release host started from the database, and CSV_ROWS queries
# (half numbers from the register, half random +86 13x–19x numbers, days 2014–2025, as bench/lookup-http.sh draws them)
# posted to POST /api/v1/reassigned-numbers/query.csv ROUNDS times with curl; rows per second end to end (upload,
# answers, download), and the median.
# LASTCALL_HOST_BIN=DIR also starts another build's host (DIR holds its lastcall.dll, e.g. a baseline's Release output)
# on the same database, and the posts alternate between the two hosts (this checkout's first in each round).
# LASTCALL_BENCH_PERF=FILE samples the whole machine with `perf record -a -g` over the measured rounds (JIT code named
# through DOTNET_PerfMapEnabled); read it with `perf report -i FILE --no-children --sort comm,dso,sym`.
# Usage: bench/lookup-csv.sh [ROWS] [CSV_ROWS]   (defaults: 10000000 1000000; ROUNDS=5)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/bench/pg-cluster.sh"
rows=${1:-10000000}; csv_rows=${2:-1000000}; rounds=${ROUNDS:-5}
command -v bc >/dev/null 2>&1 || apt_install bc

bench_work
load() { echo "# load: $(cut -d' ' -f1-3 /proc/loadavg)"; }

register_bench "$work" "$rows"
rm "$work/register.csv"
awk -v n="$rows" -v q="$csv_rows" -v seed=2 'BEGIN { srand(seed); print "msisdn,since"; for (k = 0; k < q; k++) {
    if (k % 2 == 0) { i = int(rand() * n); m = 13000000000 + (i * 7919) % 7000000000 } else m = 13000000000 + int(rand() * 7000000000);
    printf "+86%.0f,%04d-%02d-%02d\n", m, 2014 + int(rand() * 12), 1 + int(rand() * 12), 1 + int(rand() * 28) } }' >"$work/queries.csv"
signing_key=$(openssl ecparam -name prime256v1 -genkey -noout | openssl pkcs8 -topk8 -nocrypt)

perf_map=0; [ -n "${LASTCALL_BENCH_PERF:-}" ] && perf_map=1

# host LABEL BIN: starts a host and sets $port once it answers.
host() {
  local label=$1 host_bin=$2 code url
  (cd "$work" && DOTNET_PerfMapEnabled=$perf_map DOTNET_EnableWriteXorExecute=$((1 - perf_map)) Certificates__SigningKeyPem="$signing_key" exec dotnet "$host_bin/lastcall.dll" --urls "http://127.0.0.1:0" --contentRoot "$host_bin" "${opts[@]}" \
    --Partners:RateLimit:PerSecond 1000000 --Logging:LogLevel:Default Warning --Logging:LogLevel:Microsoft.Hosting.Lifetime Information >"$work/host-$label.log" 2>&1) &
  pids+=($!)
  url=$(listening_url "$work/host-$label.log" "$!")
  port=${url##*:}
  for _ in $(seq 1 2400); do
    code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $key" "http://127.0.0.1:$port/api/v1/reassigned-numbers/+8613000000000?since=2020-01-01" || true)
    [ "$code" = 200 ] && break
    sleep 0.25
  done
  [ "$code" = 200 ] || { echo "host $label never answered 200" >&2; tail -20 "$work/host-$label.log" >&2; exit 1; }
}

# post LABEL PORT: one post of the whole file; prints and records rows/s.
post() {
  local label=$1 port=$2 t answered
  t=$(curl -s -o "$work/answers.csv" -w '%{time_total}' -H "Authorization: Bearer $key" -H 'Content-Type: text/csv' \
      --data-binary @"$work/queries.csv" "http://127.0.0.1:$port/api/v1/reassigned-numbers/query.csv")
  answered=$(( $(wc -l <"$work/answers.csv") - 1 ))
  echo "$answered / $t" | bc -l | xargs printf '%.0f\n' >>"$work/rates-$label.txt"
  printf '%-5s %d rows in %s s = %s rows/s\n' "$label" "$answered" "$t" "$(tail -1 "$work/rates-$label.txt")"
}

host this "$bin"; labels=(this); ports=("$port")
if [ -n "${LASTCALL_HOST_BIN:-}" ]; then host base "$LASTCALL_HOST_BIN"; labels+=(base); ports+=("$port"); fi
# Warm-up: six posts each (the first ones run at half speed while the runtime still recompiles the hot methods; a profile
# of the rounds after three posts still had 14 % of its samples in the JIT).
for _ in 1 2 3 4 5 6; do for i in "${!labels[@]}"; do post "${labels[$i]}" "${ports[$i]}" >/dev/null; done; done
for label in "${labels[@]}"; do rm "$work/rates-$label.txt"; done
load
if [ -n "${LASTCALL_BENCH_PERF:-}" ]; then
  perf record -F 999 -a -g -o "$LASTCALL_BENCH_PERF" >/dev/null 2>&1 &
  perf_pid=$!
fi
for round in $(seq 1 "$rounds"); do
  for i in "${!labels[@]}"; do post "${labels[$i]}" "${ports[$i]}"; done
done
if [ -n "${LASTCALL_BENCH_PERF:-}" ]; then kill -INT "$perf_pid"; wait "$perf_pid" || true; fi
load
for label in "${labels[@]}"; do
  echo "$label: median of $rounds: $(sort -n "$work/rates-$label.txt" | sed -n "$(( (rounds + 1) / 2 ))p") rows/s ($rows register entries, $csv_rows queries)"
done
