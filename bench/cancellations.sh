#!/usr/bin/env bash
# End-to-end cancellation throughput on PostgreSQL with the SM-DP+, billing and network simulators in a
# separate process over loopback HTTP, as in production: imports LINES subscribers, starts the simulators and
# INSTANCES LastCall hosts (production settings, shipped appsettings.json), lets SUBMITTERS clerks submit
# COUNT store cancellations in parallel (spread over the hosts) and times them to completion. Prints the
# throughput, submit→completed latency, per-step latency and the CPU each component spent per cancellation
# (host(s), PostgreSQL, simulators; from /proc, so the figure holds whatever else the machine does).
# Usage: bench/cancellations.sh [COUNT] [LINES] [SUBMITTERS] [INSTANCES]   (defaults: 4000 16000 16 1)
#   LASTCALL_HOST_BIN=DIR  run the product from another build (a baseline commit's `dotnet build -c Release
#                          src/LastCall` output); the driver and simulators stay this checkout's
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/bench/pg-cluster.sh"
count=${1:-4000}; lines=${2:-16000}; submitters=${3:-16}; instances=${4:-1}

work=$(mktemp -d /tmp/lastcall-bench-XXXXXX)
chmod 755 "$work"
pids=()
stop_all() { local p; for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; for p in "${pids[@]}"; do timeout 10 tail --pid="$p" -f /dev/null 2>/dev/null || kill -9 "$p" 2>/dev/null || true; done; }
cleanup() { stop_all; pg_stop "$work/pg"; rm -rf "$work"; }
trap cleanup EXIT

dotnet build -c Release -v q --nologo "$root/bench/LastCall.Benchmarks" >/dev/null
bin="$root/bench/LastCall.Benchmarks/bin/Release/net10.0"
host_bin=${LASTCALL_HOST_BIN:-$bin}
key=$(head -c 32 /dev/urandom | base64)
pg_start "$work/pg"
opts=(--Database:Provider Postgres --ConnectionStrings:LastCall "$PG_CONN" --Security:MasterKey "$key")
dotnet "$bin/LastCall.Benchmarks.dll" generate-subscribers "$lines" "$work/subscribers.csv" >/dev/null
(cd "$work" && dotnet "$host_bin/lastcall.dll" migrate "${opts[@]}" >/dev/null)
(cd "$work" && dotnet "$host_bin/lastcall.dll" import subscribers "$work/subscribers.csv" "${opts[@]}" >/dev/null) || true

# Each process binds port 0 and writes the address it got into a file: no port is picked before it is bound.
dotnet "$bin/LastCall.Benchmarks.dll" simulators "$PG_CONN" 0 0 "$work/ready" >"$work/simulators.log" 2>&1 &
simulators_pid=$!
pids+=($simulators_pid)
until [ -s "$work/ready" ]; do kill -0 "$simulators_pid" || { cat "$work/simulators.log"; exit 1; }; sleep 0.2; done
read -r smdp_url backends_url _ <"$work/ready"

signing_key=$(openssl ecparam -name prime256v1 -genkey -noout | openssl pkcs8 -topk8 -nocrypt)
hosts=(); host_pids=()
for i in $(seq 1 "$instances"); do
  (cd "$work" && ASPNETCORE_ENVIRONMENT=Production Certificates__SigningKeyPem="$signing_key" exec dotnet "$host_bin/lastcall.dll" --urls "http://127.0.0.1:0" --contentRoot "$host_bin" "${opts[@]}" \
    --Simulators:Embedded false --Smdp:BaseUrl "$smdp_url" --BillingSystem:BaseUrl "$backends_url" --NetworkProvisioning:BaseUrl "$backends_url" \
    --Logging:LogLevel:Default Warning --Logging:LogLevel:Microsoft.Hosting.Lifetime Information >"$work/host$i.log" 2>&1) &
  host_pids+=($!); pids+=($!)
done
for i in $(seq 1 "$instances"); do
  until url=$(grep -oE 'Now listening on: http://[0-9.:]+' "$work/host$i.log" | head -1 | sed 's/Now listening on: //'); [ -n "$url" ]; do
    kill -0 "${host_pids[$((i-1))]}" || { cat "$work/host$i.log"; exit 1; }; sleep 0.2; done
  until curl -fs "$url/health/ready" >/dev/null 2>&1; do sleep 0.2; done
  hosts+=("$url")
done

# CPU ticks (utime+stime) of a process; PostgreSQL's: every live postgres process plus what the postmaster reaped.
ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
pg_ticks() {
  local total=0 p postmaster
  postmaster=$(head -1 "$work/pg/data/postmaster.pid")
  for p in $(pgrep -u postgres); do total=$((total + $(ticks "$p" 2>/dev/null || echo 0))); done
  echo $((total + $(awk '{print $16+$17}' "/proc/$postmaster/stat")))
}
snapshot() { local s="" p; for p in "${host_pids[@]}"; do s+="$(ticks "$p") "; done; echo "$s$(pg_ticks) $(ticks "$simulators_pid")"; }

echo "count=$count lines=$lines submitters=$submitters instances=$instances cores=$(nproc) load=$(cut -d' ' -f1-3 /proc/loadavg)"
before=$(snapshot)
dotnet "$bin/LastCall.Benchmarks.dll" cancellations "$PG_CONN" "$(IFS=,; echo "${hosts[*]}")" "$count" "$submitters" | tee "$work/result.txt"
after=$(snapshot)
done_count=$(grep -oE 'cancellations=[0-9]+' "$work/result.txt" | cut -d= -f2)
python3 - "$before" "$after" "$done_count" "$(getconf CLK_TCK)" "$instances" <<'PY'
import sys
before, after = [list(map(int, s.split())) for s in sys.argv[1:3]]
n, hz, instances = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
ms = [(a - b) * 1000 / hz / n for a, b in zip(after, before)]
host = sum(ms[:instances]); pg, sims = ms[instances], ms[instances + 1]
print(f"cpu_ms_per_cancellation host={host:.1f} postgres={pg:.1f} simulators={sims:.1f} total={host + pg + sims:.1f}")
PY
grep -hE "fail|Exception" "$work"/host*.log | sort | uniq -c | sort -rn | head -5 || true
