#!/usr/bin/env bash
# Client comparison (issue 7): pipelined GET and SET against one local 3-node Synod cluster
# through kv-client, Lettuce and Jedis at equal concurrency, in one run, several rounds with the
# clients' order rotated per round. Prints each run and kv-client's ratios to the others
# (throughput over all rounds, median p50 and p99 ratios), and writes them to a results folder.
#
#   scripts/bench-clients.sh [--duration-seconds N] [--warmup-seconds N] [--threads N]
#                            [--depth N] [--keys N] [--rounds N] [--ops "SET GET"]
#                            [--clients "KVCLIENT KVCLIENT-PLAIN LETTUCE LETTUCE-LEADER JEDIS"]
#                            [--results-dir DIR]
#
# Defaults: 15 s measured after 5 s warm-up, 8 threads x depth 32 (256 requests in flight for
# every client), 100000 keys of 100 B (loaded once through kv-client before the GETs),
# 2 rounds, results in kv-bench/target/client-results/<UTC time>.
#
# The cluster: nodes 127.0.0.11..13 (peer ports CLIENTS_PORT+10..12), client ports
# CLIENTS_PORT..CLIENTS_PORT+2 on 127.0.0.1 (default 7761), storage.fsync always, fresh data
# directories; every process is tracked by PID and stopped on exit, also on failure.
# kv-client is seeded with the three nodes and routes by itself (SETs to the leader through
# exactly-once sessions); Lettuce holds one shared connection per node and Jedis one
# connection per thread (thread i to node i mod 3): followers forward to the leader.
# KVCLIENT-PLAIN is kv-client with exactlyOnce(false): plain SETs as the Redis clients send
# them (an unknown outcome is reported instead of retried), to compare at equal semantics.
# LETTUCE-LEADER is Lettuce given only the leader's address (found with INFO replication just
# before its run), the best a Redis client can do here without knowing the cluster.
# CLIENT_JFR=1 records a JFR profile of each client run (<client>-<op>-<round>.jfr) for
# `jfr print --events jdk.ExecutionSample`; the table's "client CPU us/op" is the bench JVM's
# CPU time per measured request (client library plus bench threads).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

DURATION_SECONDS=15
WARMUP_SECONDS=5
THREADS=8
DEPTH=32
KEYS=100000
ROUNDS=2
OPS="SET GET"
CLIENTS="KVCLIENT KVCLIENT-PLAIN LETTUCE LETTUCE-LEADER JEDIS"
RESULTS_DIR=""
CLIENTS_PORT=${CLIENTS_PORT:-7761}
START_TIMEOUT_SECONDS=60
STOP_TIMEOUT_SECONDS=20
# A driver run may take its duration plus warm-up plus this (connect, drain, shutdown).
RUN_SLACK_SECONDS=120
LOAD_TIMEOUT_SECONDS=600
# After the load the nodes flush and compact for a while: measured runs start after this.
SETTLE_SECONDS=15

usage() { sed -n '2,/^set -euo pipefail/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
while [ $# -gt 0 ]; do
  case "$1" in
    --duration-seconds) DURATION_SECONDS=$2; shift 2 ;;
    --warmup-seconds) WARMUP_SECONDS=$2; shift 2 ;;
    --threads) THREADS=$2; shift 2 ;;
    --depth) DEPTH=$2; shift 2 ;;
    --keys) KEYS=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --ops) OPS=$2; shift 2 ;;
    --clients) CLIENTS=$2; shift 2 ;;
    --results-dir) RESULTS_DIR=$2; shift 2 ;;
    -h|--help) usage 0 ;;
    *) echo "unknown option $1" >&2; usage 2 ;;
  esac
done
RESULTS_DIR=${RESULTS_DIR:-$ROOT/kv-bench/target/client-results/$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$RESULTS_DIR"

if ! command -v redis-cli >/dev/null; then
  echo "installing redis-tools (redis-cli, for readiness checks) ..." >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-tools >/dev/null
fi

BENCH_JAR=kv-bench/target/benchmarks.jar
stale() { # $1 artifact, rest: sources; true if missing or older than any source
  local artifact=$1; shift
  [ ! -f "$artifact" ] || [ -n "$(find "$@" -newer "$artifact" -print -quit 2>/dev/null)" ]
}
if stale "$BENCH_JAR" kv-bench/src kv-bench/pom.xml kv-client/src kv-client/pom.xml \
    kv-server/src kv-server/pom.xml pom.xml; then
  echo "building kv-bench (mvn package -DskipTests) ..." >&2
  mvn -B -q -o -DskipTests package -pl kv-bench -am
fi

WORK=$(mktemp -d)
source scripts/lib/processes.sh
cleanup() {
  stop_pids
  rm -rf "$WORK"
}
trap cleanup EXIT

for n in 0 1 2; do
  if ping_ok $((CLIENTS_PORT + n)); then
    echo "port $((CLIENTS_PORT + n)) is in use (set CLIENTS_PORT)" >&2; exit 1
  fi
done
CLUSTER_CONFIG="$WORK/cluster.yaml"
{
  echo "storage:"
  echo "  fsync: always"
  echo "cluster:"
  echo "  members:"
  for n in 1 2 3; do
    echo "    - {id: $n, host: 127.0.0.1$n, client-port: $((CLIENTS_PORT + n - 1)), peer-port: $((CLIENTS_PORT + n + 9))}"
  done
} > "$CLUSTER_CONFIG"
for n in 1 2 3; do
  java ${SYNOD_JAVA_OPTS:-} -cp "$BENCH_JAR" kv.server.cli.ServerMain --config "$CLUSTER_CONFIG" \
    --node-id $n --data-dir "$WORK/node$n" --metrics-port 0 > "$RESULTS_DIR/synod-node$n.log" 2>&1 &
  PIDS+=($!)
done
for n in 0 1 2; do until_ok "synod node $((n + 1)) on port $((CLIENTS_PORT + n))" ping_ok $((CLIENTS_PORT + n)); done
ENDPOINTS="127.0.0.1:$CLIENTS_PORT,127.0.0.1:$((CLIENTS_PORT + 1)),127.0.0.1:$((CLIENTS_PORT + 2))"

leader_endpoint() { # 127.0.0.1:port of the node that reports synod_role:leader
  local n
  for _ in $(seq 1 $((START_TIMEOUT_SECONDS * 5))); do
    for n in 0 1 2; do
      if redis-cli -p $((CLIENTS_PORT + n)) info replication 2>/dev/null | grep -q 'synod_role:leader'; then
        echo "127.0.0.1:$((CLIENTS_PORT + n))"; return 0
      fi
    done
    sleep 0.2
  done
  echo "no leader within ${START_TIMEOUT_SECONDS}s" >&2; return 1
}

bench() { # client op round
  local client=$1 label=${1,,} endpoints=$ENDPOINTS
  local extra=()
  if [ "$1" = LETTUCE-LEADER ]; then client=LETTUCE; endpoints=$(leader_endpoint); fi
  if [ "$1" = KVCLIENT-PLAIN ]; then client=KVCLIENT; extra=(--exactly-once false); fi
  local bound=$((DURATION_SECONDS + WARMUP_SECONDS + RUN_SLACK_SECONDS))
  [ "$2" = LOAD ] && bound=$LOAD_TIMEOUT_SECONDS
  local jfr=()
  [ "${CLIENT_JFR:-0}" = 1 ] && jfr=("-XX:StartFlightRecording=filename=$RESULTS_DIR/$1-$2-$3.jfr,settings=profile")
  echo "$(date -u +%T) $1 $2 round $3 ..." >&2
  timeout --signal=TERM --kill-after=10 "$bound" \
    java "${jfr[@]}" -cp "$BENCH_JAR" kv.bench.load.ClientBenchMain --client "$client" --op "$2" \
      --round "$3" --label "$label" --endpoints "$endpoints" --threads "$THREADS" --depth "$DEPTH" --keys "$KEYS" \
      --duration-seconds "$DURATION_SECONDS" --warmup-seconds "$WARMUP_SECONDS" "${extra[@]}" \
      2> "$RESULTS_DIR/$1-$2-$3.log" | tee -a "$RESULTS_DIR/results.txt" >&2 \
    || echo "$1 $2 round $3 failed; see $RESULTS_DIR/$1-$2-$3.log" >&2
}

bench KVCLIENT LOAD 0
sleep "$SETTLE_SECONDS"
read -r -a CLIENT_LIST <<< "$CLIENTS"
for round in $(seq 1 "$ROUNDS"); do
  for op in $OPS; do
    count=${#CLIENT_LIST[@]}
    for i in $(seq 0 $((count - 1))); do # rotate the order each round: no client always first
      bench "${CLIENT_LIST[$(((i + round - 1) % count))]}" "$op" "$round"
    done
  done
done

TABLE="$RESULTS_DIR/table.md"
{
  echo "Client comparison $(date -u +%F), $(nproc) cores, 3-node Synod (fsync always) on this machine," \
    "$THREADS threads x depth $DEPTH = $((THREADS * DEPTH)) in flight per client, $KEYS keys of 100 B," \
    "${DURATION_SECONDS}s measured after ${WARMUP_SECONDS}s warm-up, $ROUNDS round(s)."
  echo
  java -cp "$BENCH_JAR" kv.bench.load.ClientBenchMain --table < "$RESULTS_DIR/results.txt"
} > "$TABLE"
cat "$TABLE"
echo >&2
echo "results: $RESULTS_DIR (table.md, results.txt, per-run logs, node logs)" >&2
