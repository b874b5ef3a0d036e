#!/usr/bin/env bash
# Durable writes on this machine: a 3-node Synod cluster vs a 3-node etcd 3.4 cluster, both on
# loopback with fsync before every acknowledgement, driven the same way by kv-bench's
# put-load driver (closed loop, THREADS workers, 100-byte values, random keys of 100,000,
# warm-up then a fixed measured time; HdrHistogram; errors counted apart). Workers are spread
# round-robin over the 3 nodes of each system (worker i -> node i mod 3); followers forward
# writes to their leader in both systems. The systems run one after the other, never together.
#
#   scripts/bench-vs-etcd.sh [DURATION_SECONDS] [THREADS] [SPREAD]      defaults: 20 64 all
#
# SPREAD all: worker i -> node i mod 3 (both systems); one: every worker -> node 1 (both).
#
# Synod: SET key value over RESP (Jedis), storage.fsync: always (majority fsync before ack).
# etcd:  POST /v3/kv/put (HTTP/JSON gateway on the client URL, base64 key and value, keep-alive
#        HTTP/1.1 connections); etcd fsyncs its WAL before acknowledging by default.
# Installs etcd-server and redis-tools with apt-get if missing. Every process started here is
# stopped by PID at exit, also on failure; data lives in a fresh temporary directory.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-20}
THREADS=${2:-64}
SPREAD=${3:-all}
case $SPREAD in all) NODES=3 ;; one) NODES=1 ;; *) echo "SPREAD must be all or one, not '$SPREAD'" >&2; exit 2 ;; esac
WARMUP=5
VALUE_BYTES=100
KEYS=100000
START_TIMEOUT_SECONDS=60
STOP_TIMEOUT_SECONDS=10
HOSTS=(127.0.0.11 127.0.0.12 127.0.0.13)
CLIENT_PORTS=(7801 7802 7803)
PEER_PORTS=(7811 7812 7813)
ETCD_HOSTS=(127.0.0.21 127.0.0.22 127.0.0.23)
ETCD_CLIENT_PORT=7831
ETCD_PEER_PORT=7841

source scripts/lib/processes.sh
source scripts/lib/etcd.sh
source scripts/lib/synod.sh
need etcd etcd-server
need redis-cli redis-tools
[ -f kv-server/target/kv-server.jar ] || mvn -B -q -DskipTests package -pl kv-server -am
[ -f kv-bench/target/benchmarks.jar ] || mvn -B -q -DskipTests package -pl kv-bench -am
BENCH_JAR=kv-bench/target/benchmarks.jar

WORK=$(mktemp -d)
LOG_DIR=kv-bench/target/bench-vs-etcd-logs  # the last run's node logs, kept for diagnosis
cleanup() {
  stop_pids
  rm -rf "$LOG_DIR" && mkdir -p "$LOG_DIR" && cp "$WORK"/*.log "$LOG_DIR"/ 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'echo "$0: failed at line $LINENO: $BASH_COMMAND (node logs are copied to $LOG_DIR)" >&2' ERR


# --- Synod, 3 nodes ---------------------------------------------------------------------
write_synod_config "{name: default, index: 0, mode: strong}"
start_synod_nodes
synod_set() { [ "$(redis-cli -p "$1" SET bench:ready 1)" = OK ]; }
for port in "${CLIENT_PORTS[@]}"; do until_ok "synod on port $port" synod_set "$port"; done

ENDPOINTS=$(printf '127.0.0.1:%s,' "${CLIENT_PORTS[@]:0:$NODES}")
COMMON=(--threads "$THREADS" --duration-seconds "$DURATION" --warmup-seconds "$WARMUP"
        --value-size-bytes "$VALUE_BYTES" --keys "$KEYS")
java -cp "$BENCH_JAR" kv.bench.load.PutLoadMain --target RESP --label synod \
  --endpoints "${ENDPOINTS%,}" "${COMMON[@]}" | tee -a "$WORK/results"
stop_pids

# --- etcd 3.4, 3 members ----------------------------------------------------------------
start_etcd_cluster

ENDPOINTS=$(printf "%s:$ETCD_CLIENT_PORT," "${ETCD_HOSTS[@]:0:$NODES}")
java -cp "$BENCH_JAR" kv.bench.load.PutLoadMain --target ETCD --label etcd \
  --endpoints "${ENDPOINTS%,}" "${COMMON[@]}" | tee -a "$WORK/results"
ETCD_VERSION=$(etcd --version | awk '/etcd Version/ {print $3}')
stop_pids

echo
echo "Durable writes, $(date -u +%F), $(nproc) cores: 3 nodes each on loopback, fsync before ack,"
echo "$THREADS threads closed loop $( [ $NODES = 3 ] && echo "spread over the 3 nodes" || echo "all to node 1"), ${VALUE_BYTES}-byte values, $KEYS keys,"
echo "${DURATION}s measured after ${WARMUP}s warm-up; Synod $(git rev-parse --short HEAD), etcd $ETCD_VERSION."
echo
java -cp "$BENCH_JAR" kv.bench.load.PutLoadMain --table < "$WORK/results"
