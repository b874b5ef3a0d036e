#!/usr/bin/env bash
# Strong reads with quorum leases on vs off, next to etcd 3.4 and a local redis-server, in one
# run with one load generator (kv-bench's put-load driver: closed loop, THREADS workers spread
# round-robin over the 3 nodes of each cluster, random keys of KEYS, 100-byte values, a
# warm-up then a fixed measured time; HdrHistogram; errors counted apart):
#
#   scripts/bench-leases.sh [DURATION_SECONDS] [THREADS] [PEER_DELAY_MILLIS]   defaults: 10 64 0
#
# For each of Synod leases on, Synod leases off (both 3 nodes, storage.fsync: always), etcd
# (3 members; linearizable and serializable ranges) and redis-server (one unreplicated node,
# no persistence): fill KEYS keys with puts, then measure GET, then measure PUT (not for
# Redis). With PEER_DELAY_MILLIS > 0 Synod's peer links get that one-way delay
# (cluster.peer-delay-millis) and the read run uses one worker against a follower, to show
# what a read costs at a non-leader holder in a wide-area deployment; etcd and Redis are
# skipped then. SYNOD_FSYNC=never (default always) separates the cost of waiting for every
# holder's fsync (the three nodes share one disk here) from the rest; SYNOD_ONLY=1 skips
# etcd and Redis (leases on vs off alone, for repeated A/B runs). Installs etcd-server, redis-server and redis-tools with apt-get if missing.
# Every process started here is stopped by PID at exit; data lives in a fresh temporary dir.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-10}
THREADS=${2:-64}
PEER_DELAY_MILLIS=${3:-0}
WARMUP=3
FILL_SECONDS=5
KEYS=10000
START_TIMEOUT_SECONDS=60
STOP_TIMEOUT_SECONDS=10
HOSTS=(127.0.0.11 127.0.0.12 127.0.0.13)
CLIENT_PORTS=(7801 7802 7803)
PEER_PORTS=(7811 7812 7813)
ETCD_HOSTS=(127.0.0.21 127.0.0.22 127.0.0.23)
ETCD_CLIENT_PORT=7831
ETCD_PEER_PORT=7841
REDIS_PORT=7804

source scripts/lib/processes.sh
source scripts/lib/etcd.sh
source scripts/lib/synod.sh
need redis-cli redis-tools
need redis-server redis-server
[ "$PEER_DELAY_MILLIS" = 0 ] && need etcd etcd-server
[ -f kv-server/target/kv-server.jar ] || mvn -B -q -DskipTests package -pl kv-server -am
[ -f kv-bench/target/benchmarks.jar ] || mvn -B -q -DskipTests package -pl kv-bench -am
BENCH_JAR=kv-bench/target/benchmarks.jar

WORK=$(mktemp -d)
cleanup() {
  stop_pids
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'echo "$0: failed at line $LINENO: $BASH_COMMAND" >&2' ERR

load() { # label target operation endpoints threads seconds warmup
  java -cp "$BENCH_JAR" kv.bench.load.PutLoadMain --label "$1" --target "$2" --operation "$3" \
    --endpoints "$4" --threads "$5" --duration-seconds "$6" --warmup-seconds "$7" \
    --value-size-bytes 100 --keys "$KEYS"
}

synod_run() { # leases(true|false) label
  rm -rf "$WORK"/synod*
  SYNOD_CLUSTER_LINES="  peer-delay-millis: $PEER_DELAY_MILLIS
  leases: {enabled: $1}" write_synod_config
  start_synod_nodes
  synod_set() { [ "$(redis-cli -p "$1" SET bench:ready 1)" = OK ]; }
  for port in "${CLIENT_PORTS[@]}"; do until_ok "synod on port $port" synod_set "$port"; done
  local all; all=$(printf '127.0.0.1:%s,' "${CLIENT_PORTS[@]}"); all=${all%,}
  load fill RESP PUT "$all" 16 "$FILL_SECONDS" 0 > /dev/null
  if [ "$PEER_DELAY_MILLIS" = 0 ]; then
    load "$2-get" RESP GET "$all" "$THREADS" "$DURATION" "$WARMUP" | tee -a "$WORK/reads"
    load "$2-set" RESP PUT "$all" "$THREADS" "$DURATION" "$WARMUP" | tee -a "$WORK/writes"
  else
    local follower=""
    for port in "${CLIENT_PORTS[@]}"; do
      redis-cli -p "$port" info replication | grep -q "synod_role:follower" && { follower=$port; break; }
    done
    [ -n "$follower" ] || { echo "no follower found" >&2; exit 1; }
    load "$2-get-at-follower" RESP GET "127.0.0.1:$follower" 1 "$DURATION" "$WARMUP" | tee -a "$WORK/reads"
  fi
  for port in "${CLIENT_PORTS[@]}"; do
    echo "node on port $port: $(redis-cli -p "$port" info replication | grep -E 'synod_role|synod_lease_reads' | tr -d '\r' | tr '\n' ' ')"
  done
  stop_pids
}

synod_run true synod-leases-on
synod_run false synod-leases-off

if [ "$PEER_DELAY_MILLIS" = 0 ] && [ -z "${SYNOD_ONLY:-}" ]; then
  # --- etcd 3.4, 3 members --------------------------------------------------------------
  start_etcd_cluster
  ALL=$(printf "%s:$ETCD_CLIENT_PORT," "${ETCD_HOSTS[@]}"); ALL=${ALL%,}
  load fill ETCD PUT "$ALL" 16 "$FILL_SECONDS" 0 > /dev/null
  load etcd-get-linearizable ETCD GET "$ALL" "$THREADS" "$DURATION" "$WARMUP" | tee -a "$WORK/reads"
  load etcd-get-serializable ETCD GET_SERIALIZABLE "$ALL" "$THREADS" "$DURATION" "$WARMUP" | tee -a "$WORK/reads"
  load etcd-put ETCD PUT "$ALL" "$THREADS" "$DURATION" "$WARMUP" | tee -a "$WORK/writes"
  ETCD_VERSION=$(etcd --version | awk '/etcd Version/ {print $3}')
  stop_pids

  # --- redis-server, one node, no persistence --------------------------------------------
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no \
    --dir "$WORK" > "$WORK/redis.log" 2>&1 &
  PIDS+=($!)
  until_ok "redis-server" ping_ok "$REDIS_PORT"
  load fill RESP PUT "127.0.0.1:$REDIS_PORT" 16 "$FILL_SECONDS" 0 > /dev/null
  load redis-get RESP GET "127.0.0.1:$REDIS_PORT" "$THREADS" "$DURATION" "$WARMUP" | tee -a "$WORK/reads"
  stop_pids
fi

echo
echo "Strong reads, $(date -u +%F), $(nproc) cores, Synod $(git rev-parse --short HEAD)$( [ -n "${ETCD_VERSION:-}" ] && echo ", etcd $ETCD_VERSION"):"
echo "$( [ "$PEER_DELAY_MILLIS" = 0 ] && echo "$THREADS workers spread over the nodes" || echo "1 worker at a follower, ${PEER_DELAY_MILLIS} ms one-way peer delay"), $KEYS keys, ${DURATION}s measured after ${WARMUP}s warm-up."
echo
java -cp "$BENCH_JAR" kv.bench.load.PutLoadMain --table < "$WORK/reads"
if [ -s "$WORK/writes" ]; then
  echo
  java -cp "$BENCH_JAR" kv.bench.load.PutLoadMain --table < "$WORK/writes"
fi
