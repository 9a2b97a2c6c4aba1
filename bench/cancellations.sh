#!/usr/bin/env bash
# End-to-end cancellation throughput on PostgreSQL with the SM-DP+, billing and network simulators
# over loopback HTTP: imports LINES subscribers, starts the simulators and one LastCall host, submits
# COUNT store cancellations at once and times them to completion; prints per-step latency.
# Usage: bench/cancellations.sh [COUNT] [LINES] [CONCURRENCY]   (defaults: 1000 5000 8)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/bench/pg-cluster.sh"
count=${1:-1000}; lines=${2:-5000}; concurrency=${3:-8}

work=$(mktemp -d /tmp/lastcall-bench-XXXXXX)
chmod 755 "$work"
pids=()
# The simulators process does not exit on SIGTERM (its Main waits forever): TERM, then KILL after 5 s.
stop_all() { local p; for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; sleep 5; for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done; }
cleanup() { stop_all; pg_stop "$work/pg"; rm -rf "$work"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

dotnet build -c Release -v q --nologo "$root/bench/LastCall.Benchmarks" >/dev/null
bin="$root/bench/LastCall.Benchmarks/bin/Release/net10.0"
key=$(head -c 32 /dev/urandom | base64)
pg_start "$work/pg"
opts=(--Database:Provider Postgres --ConnectionStrings:LastCall "$PG_CONN" --Security:MasterKey "$key")
dotnet "$bin/LastCall.Benchmarks.dll" generate-subscribers "$lines" "$work/subscribers.csv" >/dev/null
(cd "$work" && dotnet "$bin/lastcall.dll" migrate "${opts[@]}" >/dev/null)
(cd "$work" && dotnet "$bin/lastcall.dll" import subscribers "$work/subscribers.csv" "${opts[@]}" >/dev/null) || true

smdp=$(free_port); backends=$(free_port); host=$(free_port)
dotnet "$bin/LastCall.Benchmarks.dll" simulators "$PG_CONN" "$smdp" "$backends" "$work/ready" >"$work/simulators.log" 2>&1 &
pids+=($!)
until [ -s "$work/ready" ]; do sleep 0.5; done

signing_key=$(openssl ecparam -name prime256v1 -genkey -noout | openssl pkcs8 -topk8 -nocrypt)
(cd "$work" && Certificates__SigningKeyPem="$signing_key" exec dotnet "$bin/lastcall.dll" --urls "http://127.0.0.1:$host" --contentRoot "$bin" "${opts[@]}" \
  --Simulators:Embedded false --Smdp:BaseUrl "http://127.0.0.1:$smdp" \
  --BillingSystem:BaseUrl "http://127.0.0.1:$backends" --NetworkProvisioning:BaseUrl "http://127.0.0.1:$backends" \
  --Execution:Concurrency "$concurrency" --Execution:PollMilliseconds 50 --Logging:LogLevel:Default Warning >"$work/host.log" 2>&1) &
pids+=($!)
until curl -fs "http://127.0.0.1:$host/health/ready" >/dev/null 2>&1; do sleep 0.5; done

echo "count=$count lines=$lines concurrency=$concurrency cores=$(nproc)"
dotnet "$bin/LastCall.Benchmarks.dll" cancellations "$PG_CONN" "http://127.0.0.1:$host" "$count"
