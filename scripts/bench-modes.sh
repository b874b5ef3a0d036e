#!/usr/bin/env bash
# Strong vs eventual keyspaces on a 3-node Synod cluster (loopback, storage.fsync: always), and
# a local redis-server with AOF everysec, in one run with the same redis-benchmark command:
#
#   scripts/bench-modes.sh [REQUESTS] [CLIENTS]      defaults: 100000 64
#   = redis-benchmark -t set,get -c CLIENTS -n REQUESTS -r 100000 -d 100 -q --dbnum K
#     against node 1 (client port 7801) for keyspace 0 (strong), 2 (eventual, write-level and
#     read-level ONE) and 3 (eventual, QUORUM), then against redis-server --appendonly yes
#     --appendfsync everysec (port 7804).
#
# Node 1 is whichever role the election gave it (printed); a strong write sent to a follower
# is forwarded to the leader. Installs redis-server and redis-tools if missing. Every process
# started here is stopped by PID at exit, also on failure; data lives in a fresh temporary dir.
set -euo pipefail
cd "$(dirname "$0")/.."
REQUESTS=${1:-100000}
CLIENTS=${2:-64}
START_TIMEOUT_SECONDS=60
STOP_TIMEOUT_SECONDS=10
BENCH_TIMEOUT_SECONDS=900
HOSTS=(127.0.0.11 127.0.0.12 127.0.0.13)
CLIENT_PORTS=(7801 7802 7803)
PEER_PORTS=(7811 7812 7813)
REDIS_PORT=7804

if ! command -v redis-server >/dev/null || ! command -v redis-benchmark >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server redis-tools >/dev/null
fi
[ -f kv-server/target/kv-server.jar ] || mvn -B -q -DskipTests package -pl kv-server -am

WORK=$(mktemp -d)
source scripts/lib/processes.sh
source scripts/lib/synod.sh
cleanup() {
  stop_pids
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'echo "$0: failed at line $LINENO: $BASH_COMMAND (logs and data in $WORK are removed at exit)" >&2' ERR


write_synod_config "{name: default, index: 0, mode: strong}" "{name: cache, index: 2, mode: eventual, write-level: ONE, read-level: ONE}" "{name: quorum, index: 3, mode: eventual, write-level: QUORUM, read-level: QUORUM}"
start_synod_nodes
redis-server --port $REDIS_PORT --bind 127.0.0.1 --dir "$WORK" --save "" \
  --appendonly yes --appendfsync everysec --daemonize no > "$WORK/redis.log" 2>&1 &
PIDS+=($!)

set_ok() { [ "$(redis-cli -p "$1" -n "$2" SET bench:ready 1)" = OK ]; }
for port in "${CLIENT_PORTS[@]}"; do
  for db in 0 2 3; do until_ok "synod on port $port, keyspace $db" set_ok "$port" "$db"; done
done
until_ok "redis-server on port $REDIS_PORT" set_ok $REDIS_PORT 0
ROLE=$(redis-cli -p "${CLIENT_PORTS[0]}" INFO replication | tr -d '\r' | awk -F: '$1=="synod_role" {print $2}')

run() { # label port dbnum
  timeout $BENCH_TIMEOUT_SECONDS redis-benchmark -p "$2" --dbnum "$3" -t set,get -c "$CLIENTS" \
      -n "$REQUESTS" -r 100000 -d 100 -q 2>/dev/null \
    | tr '\r' '\n' | grep -E '^(SET|GET): [0-9.]+ requests per second' \
    | sed -E "s/^(SET|GET): ([0-9.]+) requests per second, p50=([0-9.]+) msec.*/\1 \2 \3/" \
    | sed "s/^/$1 /" | tee -a "$WORK/results" >&2
}

# Warm Synod's JIT on every path measured (not recorded).
for db in 0 2 3; do
  timeout $BENCH_TIMEOUT_SECONDS redis-benchmark -p "${CLIENT_PORTS[0]}" --dbnum $db -t set,get \
    -c "$CLIENTS" -n 20000 -r 100000 -d 100 -q >/dev/null 2>&1
done
run strong "${CLIENT_PORTS[0]}" 0
run eventual-ONE "${CLIENT_PORTS[0]}" 2
run eventual-QUORUM "${CLIENT_PORTS[0]}" 3
run redis $REDIS_PORT 0

get() { # label test field(2=ops/s, 3=p50)
  awk -v l="$1" -v t="$2" -v f="$3" '$1==l && $2==t {print $(f+2)}' "$WORK/results"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "n/a" }'; }

echo
echo "redis-benchmark -t set,get -c $CLIENTS -n $REQUESTS -r 100000 -d 100 -q ($(date -u +%F), $(nproc) cores,"
echo "Synod $(git rev-parse --short HEAD), 3 nodes, fsync always, all requests to node 1 ($ROLE); Redis $(redis-server --version | sed -E "s/.*v=([0-9.]+).*/\1/"))"
echo
echo "| target | SET ops/s | SET p50 ms | GET ops/s | GET p50 ms |"
echo "|---|---|---|---|---|"
for label in strong eventual-ONE eventual-QUORUM redis; do
  case $label in
    strong) name="Synod keyspace 0, strong" ;;
    eventual-ONE) name="Synod keyspace 2, eventual ONE" ;;
    eventual-QUORUM) name="Synod keyspace 3, eventual QUORUM" ;;
    redis) name="redis-server, AOF everysec" ;;
  esac
  printf "| %s | %.0f | %s | %.0f | %s |\n" "$name" "$(get $label SET 1)" "$(get $label SET 2)" \
    "$(get $label GET 1)" "$(get $label GET 2)"
done
echo
echo "| ratio | ops/s | p50 |"
echo "|---|---|---|"
echo "| eventual SET@ONE / strong SET | $(ratio "$(get eventual-ONE SET 1)" "$(get strong SET 1)") | $(ratio "$(get eventual-ONE SET 2)" "$(get strong SET 2)") |"
echo "| eventual SET@QUORUM / strong SET | $(ratio "$(get eventual-QUORUM SET 1)" "$(get strong SET 1)") | $(ratio "$(get eventual-QUORUM SET 2)" "$(get strong SET 2)") |"
echo "| eventual GET@ONE / strong GET | $(ratio "$(get eventual-ONE GET 1)" "$(get strong GET 1)") | $(ratio "$(get eventual-ONE GET 2)" "$(get strong GET 2)") |"
echo "| eventual GET@ONE / Redis GET | $(ratio "$(get eventual-ONE GET 1)" "$(get redis GET 1)") | $(ratio "$(get eventual-ONE GET 2)" "$(get redis GET 2)") |"
echo "| eventual SET@ONE / Redis SET | $(ratio "$(get eventual-ONE SET 1)" "$(get redis SET 1)") | $(ratio "$(get eventual-ONE SET 2)" "$(get redis SET 2)") |"
