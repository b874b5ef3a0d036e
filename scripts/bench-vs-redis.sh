#!/usr/bin/env bash
# Runs redis-benchmark against one Synod node and a local redis-server at equal durability
# (fsync before every acknowledgement) in one run, and prints both with the ratio.
#
#   scripts/bench-vs-redis.sh [REQUESTS] [CLIENTS]      defaults: 200000 50
#
# Installs redis-server and redis-tools if missing. Both servers get fresh data directories
# under a temporary folder; both are stopped by PID at the end, also on failure.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
REQUESTS=${1:-200000}
CLIENTS=${2:-50}
SYNOD_PORT=7701
REDIS_PORT=7702
START_TIMEOUT_SECONDS=60
STOP_TIMEOUT_SECONDS=10

if ! command -v redis-server >/dev/null || ! command -v redis-benchmark >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server redis-tools >/dev/null
fi
[ -f kv-server/target/kv-server.jar ] || mvn -B -q -DskipTests package -pl kv-server -am

WORK=$(mktemp -d)
source scripts/lib/processes.sh
cleanup() {
  stop_pids
  rm -rf "$WORK"
}
trap cleanup EXIT


java -cp "kv-server/target/kv-server.jar:kv-server/target/lib/*" kv.server.cli.ServerMain \
  --port $SYNOD_PORT --metrics-port 0 --data-dir "$WORK/synod" > "$WORK/synod.log" 2>&1 &
PIDS+=($!)
redis-server --port $REDIS_PORT --bind 127.0.0.1 --dir "$WORK" --save "" \
  --appendonly yes --appendfsync always --daemonize no > "$WORK/redis.log" 2>&1 &
PIDS+=($!)
until_ok "synod on port $SYNOD_PORT" ping_ok $SYNOD_PORT
until_ok "redis-server on port $REDIS_PORT" ping_ok $REDIS_PORT

run() { # port label
  redis-benchmark -p "$1" -t set,get -c "$CLIENTS" -n "$REQUESTS" -r 100000 -q 2>/dev/null \
    | tr '\r' '\n' | grep -E '^(SET|GET): [0-9.]+ requests per second' \
    | sed -E "s/^(SET|GET): ([0-9.]+) requests per second, p50=([0-9.]+) msec.*/\1 \2 \3/" \
    | sed "s/^/$2 /"
}

echo "# redis-benchmark -t set,get -c $CLIENTS -n $REQUESTS -r 100000 -q ($(date -u +%F), $(nproc) cores)"
# Warm Synod's JIT first (not recorded), then measure each server once.
redis-benchmark -p $SYNOD_PORT -t set,get -c "$CLIENTS" -n 50000 -r 100000 -q >/dev/null 2>&1
RESULTS=$( (run $SYNOD_PORT synod; run $REDIS_PORT redis) )
echo "| test | Synod ops/s | Redis ops/s | Synod / Redis | Synod p50 ms | Redis p50 ms |"
echo "|---|---|---|---|---|---|"
for test in SET GET; do
  s=$(echo "$RESULTS" | awk -v t=$test '$1=="synod" && $2==t {print $3" "$4}')
  r=$(echo "$RESULTS" | awk -v t=$test '$1=="redis" && $2==t {print $3" "$4}')
  awk -v t=$test -v s="$s" -v r="$r" 'BEGIN { split(s, a, " "); split(r, b, " ");
    printf "| %s | %.0f | %.0f | %.2f | %s | %s |\n", t, a[1], b[1], a[1] / b[1], a[2], b[2] }'
done
