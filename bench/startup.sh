#!/usr/bin/env bash
# Start-up to the first answered lookup (issue 17), with and without the register index snapshot (decision 0016):
# a throwaway PostgreSQL cluster holding ROWS register entries (`lastcall import disconnections`), then the Release
# host started ROUNDS times in each of three ways, each timed from process start to its first lookup answered 200:
#   database  - no snapshot (Register:SnapshotPath empty): the whole register is read from PostgreSQL;
#   rebuild   - a snapshot path with no file there: the same load, then the snapshot is written in the background
#               (its write time and size are printed once it is there; the host is then stopped gracefully);
#   snapshot  - the file just written: read, checked against the register, caught up, then ready.
# Prints each start's seconds, the host's resident memory once ready, and the register index's own log lines.
# Usage: bench/startup.sh [ROWS]   (default 10000000; ROUNDS=1)
# LASTCALL_HOST_BIN=DIR also starts another build's host (DIR holds its lastcall.dll, e.g. a baseline's Release output)
# the same three ways in each round, right after this checkout's, on the same database; its lines say "base-".
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/bench/pg-cluster.sh"
rows=${1:-10000000}; rounds=${ROUNDS:-1}
command -v bc >/dev/null 2>&1 || apt_install bc

work=$(mktemp -d /tmp/lastcall-bench-XXXXXX)
chmod 755 "$work"
host=""
cleanup() { [ -n "$host" ] && kill "$host" 2>/dev/null; wait 2>/dev/null || true; pg_stop "$work/pg"; rm -rf "$work"; }
trap cleanup EXIT
load() { echo "# load: $(cut -d' ' -f1-3 /proc/loadavg)"; }

register_bench "$work" "$rows"
echo "import: $import_seconds s"
rm "$work/register.csv"
echo "database: $(pg_as "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d lastcall -qAtc \
  "SELECT 'lastcall ' || pg_size_pretty(pg_database_size('lastcall')) || ', register table ' || pg_size_pretty(pg_table_size('disconnections')) || ' + indexes ' || pg_size_pretty(pg_indexes_size('disconnections'))")"
# Number 0 of the generator's sequence: in the register, so the first answer is a real hit.
probe_path="/api/v1/reassigned-numbers/+8613000000000?since=2020-01-01"
signing_key=$(openssl ecparam -name prime256v1 -genkey -noout | openssl pkcs8 -topk8 -nocrypt)
snapshot="$work/data/register-index.snapshot"

# start LABEL SNAPSHOT_PATH [BIN]: starts the host, waits for its first 200, prints the time and memory.
start() {
  local label=$1 path=$2 host_bin=${3:-$bin} url started code
  started=$(date +%s.%N)
  (cd "$work" && Certificates__SigningKeyPem="$signing_key" exec dotnet "$host_bin/lastcall.dll" --urls "http://127.0.0.1:0" --contentRoot "$host_bin" "${opts[@]}" \
    --Register:SnapshotPath "$path" --Logging:LogLevel:Default Warning --Logging:LogLevel:Microsoft.Hosting.Lifetime Information \
    --Logging:LogLevel:LastCall.Features.Lookup.RegisterIndexService Information >"$work/host-$label.log" 2>&1) &
  host=$!
  url=$(listening_url "$work/host-$label.log" "$host")
  for _ in $(seq 1 6000); do
    code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $key" "$url$probe_path" || true)
    [ "$code" = 200 ] && break
    sleep 0.05
  done
  [ "$code" = 200 ] || { echo "host never answered 200 (last $code)"; tail -20 "$work/host-$label.log"; exit 1; }
  printf '%-8s first answered lookup after %.2f s; RSS %s MB\n' "$label" "$(echo "$(date +%s.%N) - $started" | bc -l)" "$(( $(ps -o rss= -p "$host") / 1024 ))"
  grep -oE '(Register index (loaded|snapshot of).*)|(register index snapshot at .*)' "$work/host-$label.log" | sed 's/^/           /' || true
}

stop() { kill -TERM "$host"; wait "$host" 2>/dev/null || true; host=""; }

# starts PREFIX BIN: the three starts of one build.
starts() {
  local prefix=$1 host_bin=$2
  start "${prefix}database" "" "$host_bin"
  stop
  rm -f "$snapshot"
  start "${prefix}rebuild" "register-index.snapshot" "$host_bin"
  for _ in $(seq 1 1200); do grep -q 'Register index snapshot written' "$work/host-${prefix}rebuild.log" && break; sleep 0.1; done
  grep -oE 'Register index snapshot written.*' "$work/host-${prefix}rebuild.log" | sed 's/^/           /'
  stop
  echo "           file: $(( $(stat -c %s "$snapshot") / 1048576 )) MB"
  start "${prefix}snapshot" "register-index.snapshot" "$host_bin"
  # Once ready, the instance counts the register up to the snapshot's place in the background (decision 0016).
  for _ in $(seq 1 1200); do grep -qE 'The register (still )?holds' "$work/host-${prefix}snapshot.log" && break; sleep 0.1; done
  grep -oE 'The register (still )?holds.*' "$work/host-${prefix}snapshot.log" | sed 's/^/           /' || true
  stop
}

load
for round in $(seq 1 "$rounds"); do
  echo "round $round"
  starts "" "$bin"
  [ -n "${LASTCALL_HOST_BIN:-}" ] && starts "base-" "$LASTCALL_HOST_BIN"
  load
done
