#!/usr/bin/env bash
# One-command comparison: the YCSB driver (kv-bench, kv.bench.load.YcsbMain) against a local
# Synod deployment and a local redis-server on the same machine, same settings, one after the
# other. Prints a markdown table of ops/s, p50 and p99 per system and workload with the
# Synod / Redis ratio, and writes it with every JSON and HTML report to a results folder.
#
#   scripts/bench.sh [--duration-seconds N] [--warmup-seconds N] [--threads N]
#                    [--records N] [--workloads "A B C write-only"] [--results-dir DIR]
#                    [--leases on|off]
#
# Defaults: 30 s measured per workload after 5 s warm-up, 64 threads, 100000 records,
# workloads A, B, C and write-only, results in kv-bench/target/ycsb-results/<UTC time>,
# quorum leases on (strong reads served by every node; off: every read through the leader).
#
# Durability is equal: Synod acknowledges a write after its fsync; Redis runs with
# --appendonly yes --appendfsync always (fsync of the AOF before each reply). Redis's
# defaults (appendfsync everysec or no AOF) would be faster and could lose acked writes.
#
# Synod is a 3-node cluster on loopback (peer addresses 127.0.0.11..13, client ports
# SYNOD_PORT..SYNOD_PORT+2), driven through kv-client (cluster-aware, exactly-once writes);
# Redis is one local redis-server driven through Jedis. Every server gets a fresh data directory
# and is stopped by PID on exit, also on failure.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

DURATION_SECONDS=30
WARMUP_SECONDS=5
THREADS=64
RECORDS=100000
WORKLOADS="A B C write-only"
RESULTS_DIR=""
LEASES=on
SYNOD_PORT=${SYNOD_PORT:-7731}
REDIS_PORT=${REDIS_PORT:-7732}
START_TIMEOUT_SECONDS=60
STOP_TIMEOUT_SECONDS=20
# A driver run may take its duration plus warm-up plus this (load, connect, shutdown).
RUN_SLACK_SECONDS=300

usage() { sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
while [ $# -gt 0 ]; do
  case "$1" in
    --duration-seconds) DURATION_SECONDS=$2; shift 2 ;;
    --warmup-seconds) WARMUP_SECONDS=$2; shift 2 ;;
    --threads) THREADS=$2; shift 2 ;;
    --records) RECORDS=$2; shift 2 ;;
    --workloads) WORKLOADS=$2; shift 2 ;;
    --results-dir) RESULTS_DIR=$2; shift 2 ;;
    --leases) LEASES=$2; shift 2 ;;
    -h|--help) usage 0 ;;
    *) echo "unknown option $1" >&2; usage 2 ;;
  esac
done
case $LEASES in on|off) ;; *) echo "--leases must be on or off, not '$LEASES'" >&2; exit 2 ;; esac
RESULTS_DIR=${RESULTS_DIR:-$ROOT/kv-bench/target/ycsb-results/$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$RESULTS_DIR"

if ! command -v redis-server >/dev/null || ! command -v redis-cli >/dev/null; then
  echo "installing redis-server and redis-tools ..." >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server redis-tools >/dev/null
fi

BENCH_JAR=kv-bench/target/benchmarks.jar
SERVER_JAR=kv-server/target/kv-server.jar
stale() { # $1 artifact, rest: sources; true if missing or older than any source
  local artifact=$1; shift
  [ ! -f "$artifact" ] || [ -n "$(find "$@" -newer "$artifact" -print -quit 2>/dev/null)" ]
}
if stale "$BENCH_JAR" kv-bench/src kv-bench/pom.xml kv-server/src kv-server/pom.xml pom.xml \
   || stale "$SERVER_JAR" kv-server/src kv-server/pom.xml pom.xml; then
  echo "building kv-server and kv-bench (mvn package -DskipTests) ..." >&2
  mvn -B -q -DskipTests package -pl kv-bench -am
fi

WORK=$(mktemp -d)
source scripts/lib/processes.sh
cleanup() {
  stop_pids
  rm -rf "$WORK"
}
trap cleanup EXIT

port_free() { ! redis-cli -p "$1" ping >/dev/null 2>&1; }

for n in 0 1 2; do
  port_free $((SYNOD_PORT + n)) || { echo "port $((SYNOD_PORT + n)) is in use (set SYNOD_PORT)" >&2; exit 1; }
done
port_free $REDIS_PORT || { echo "port $REDIS_PORT is in use (set REDIS_PORT)" >&2; exit 1; }
CLUSTER_CONFIG="$WORK/cluster.yaml"
{
  echo "storage:"
  echo "  fsync: always"
  echo "cluster:"
  echo "  leases: {enabled: $([ "$LEASES" = on ] && echo true || echo false)}"
  echo "  members:"
  for n in 1 2 3; do
    echo "    - {id: $n, host: 127.0.0.1$n, client-port: $((SYNOD_PORT + n - 1)), peer-port: $((SYNOD_PORT + n + 9))}"
  done
} > "$CLUSTER_CONFIG"
for n in 1 2 3; do
  java ${SYNOD_JAVA_OPTS:-} -cp "$SERVER_JAR:kv-server/target/lib/*" kv.server.cli.ServerMain \
    --config "$CLUSTER_CONFIG" --node-id $n --data-dir "$WORK/synod$n" \
    > "$RESULTS_DIR/synod-node$n.log" 2>&1 &
  PIDS+=($!)
done
for n in 0 1 2; do until_ok "synod node $((n + 1)) on port $((SYNOD_PORT + n))" ping_ok $((SYNOD_PORT + n)); done
redis-server --port $REDIS_PORT --bind 127.0.0.1 --dir "$WORK" --save "" \
  --appendonly yes --appendfsync always --daemonize no > "$RESULTS_DIR/redis-server.log" 2>&1 &
PIDS+=($!)
until_ok "redis-server on port $REDIS_PORT" ping_ok $REDIS_PORT

SUMMARY="$RESULTS_DIR/summary.txt"
: > "$SUMMARY"
ycsb() { # name port phase workload [extra args]
  local name=$1 port=$2 phase=$3 workload=$4; shift 4
  local bound=$((DURATION_SECONDS + WARMUP_SECONDS + RUN_SLACK_SECONDS))
  local log="$RESULTS_DIR/$name-$workload-run.log"
  [ "$phase" = load ] && log="$RESULTS_DIR/$name-load.log"
  echo "$(date -u +%T) $name $phase $([ "$phase" = load ] || echo "$workload") ..." >&2
  timeout --signal=TERM --kill-after=10 "$bound" \
    java -cp "$BENCH_JAR" kv.bench.load.YcsbMain --port "$port" --target-name "$name" \
      --phase "$phase" --workload "$workload" --records "$RECORDS" --threads "$THREADS" \
      --output-dir "$RESULTS_DIR" --quiet "$@" 2> "$log" \
    | grep '^SUMMARY' | tee -a "$SUMMARY" >&2 \
    || echo "$name $phase $workload failed; see $log" >&2
}

for system in synod redis; do
  port=$SYNOD_PORT; target=SYNOD
  [ $system = redis ] && { port=$REDIS_PORT; target=JEDIS; }
  ycsb $system $port load A --target $target
  for workload in $WORKLOADS; do
    ycsb $system $port run "$workload" --duration-seconds "$DURATION_SECONDS" \
      --warmup-seconds "$WARMUP_SECONDS" --target $target
  done
done

TABLE="$RESULTS_DIR/table.md"
{
  echo "YCSB (kv-bench) $(date -u +%F), $(nproc) cores, $THREADS threads, $RECORDS records" \
    "of 10 x 100 B, ${DURATION_SECONDS}s per workload after ${WARMUP_SECONDS}s warm-up," \
    "closed loop; Synod 3 nodes via kv-client (fsync always, leases $LEASES), Redis appendfsync always."
  echo
  echo "| workload | Synod ops/s | Redis ops/s | Synod / Redis | Synod p50 ms | Redis p50 ms | Synod p99 ms | Redis p99 ms | errors S/R |"
  echo "|---|---|---|---|---|---|---|---|---|"
  for workload in load $WORKLOADS; do
    awk -v w="$workload" '
      { delete f; for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] } }
      f["workload"] == w { ops[f["target"]] = f["opsPerSecond"]; p50[f["target"]] = f["p50Ms"];
                           p99[f["target"]] = f["p99Ms"]; err[f["target"]] = f["errors"] }
      END {
        if (!("synod" in ops) || !("redis" in ops)) { printf "| %s | missing run, see logs |\n", w; exit }
        ratio = ops["redis"] > 0 ? sprintf("%.2f", ops["synod"] / ops["redis"]) : "n/a"
        printf "| %s | %.0f | %.0f | %s | %.2f | %.2f | %.2f | %.2f | %d/%d |\n", w,
          ops["synod"], ops["redis"], ratio, p50["synod"], p50["redis"], p99["synod"],
          p99["redis"], err["synod"], err["redis"]
      }' "$SUMMARY"
  done
} > "$TABLE"
cat "$TABLE"
echo >&2
echo "results: $RESULTS_DIR (table.md, summary.txt, <system>-load.* and <system>-<workload>-run.* JSON/HTML)" >&2
