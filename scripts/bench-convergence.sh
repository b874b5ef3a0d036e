#!/usr/bin/env bash
# Convergence of an eventual keyspace after a partition heals (issue 6), on a 3-node Synod
# cluster on loopback (peer addresses 127.0.0.11..13, storage.fsync: always, keyspace 2
# eventual with write-level ONE):
#
#   scripts/bench-convergence.sh [KEYS] [PARTITION_SECONDS]      defaults: 100000 30
#
# 0. warms up (not measured): the same load as below without a partition, until the replicas
#    agree, so every node has merged and pushed at volume (JIT-compiled paths, as after a real
#    uptime) and every key exists;
# 1. cuts node 3 off from nodes 1 and 2 (iptables DROP both ways, in a chain of its own,
#    SYNOD_BENCH_CONVERGENCE, hooked into OUTPUT and removed at exit);
# 2. writes the same KEYS keys (key:0 .. key:KEYS-1, 100-byte values naming the side) on both
#    sides: node 1 (majority) and node 3 (minority), each through one pipelined redis-cli;
# 3. keeps the partition PARTITION_SECONDS in all, then heals it and measures the time until
#    INFO eventual shows the same digest of keyspace 2 on all three nodes (polled every 20 ms,
#    at most HEAL_TIMEOUT_SECONDS), then checks DBSIZE and a sample of keys on every node.
#
# The digest is an XOR over live keys of a hash of (key, version) (README, "INFO eventual"): equal
# digests mean the replicas hold the same value versions. Every process started here is stopped
# by PID at exit, also on failure; data lives in a fresh temporary directory. Needs root (iptables;
# installed with redis-tools if missing).
set -euo pipefail
cd "$(dirname "$0")/.."
KEYS=${1:-100000}
PARTITION_SECONDS=${2:-30}
START_TIMEOUT_SECONDS=60
STOP_TIMEOUT_SECONDS=10
LOAD_TIMEOUT_SECONDS=300
HEAL_TIMEOUT_SECONDS=120
POLL_SECONDS=0.02
SAMPLE_KEYS=200
CHAIN=SYNOD_BENCH_CONVERGENCE
HOSTS=(127.0.0.11 127.0.0.12 127.0.0.13)
CLIENT_PORTS=(7821 7822 7823)
PEER_PORTS=(7831 7832 7833)
DB=2

APT_UPDATED=0
need() { # command package...
  command -v "$1" >/dev/null && return
  if [ $APT_UPDATED = 0 ]; then apt-get update -qq; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${@:2}" >/dev/null
  command -v "$1" >/dev/null || { echo "cannot install $2: $1 not found after apt-get" >&2; exit 1; }
}
need redis-cli redis-tools
need iptables iptables
iptables -L OUTPUT -n >/dev/null 2>&1 || { echo "iptables is not permitted here: run as root" >&2; exit 1; }
[ -f kv-server/target/kv-server.jar ] || mvn -B -q -DskipTests package -pl kv-server -am

WORK=$(mktemp -d)
source scripts/lib/processes.sh
source scripts/lib/synod.sh
LOG_DIR=kv-bench/target/bench-convergence-logs  # the last run's node logs, kept for diagnosis
firewall_off() {
  iptables -D OUTPUT -j $CHAIN 2>/dev/null || true
  iptables -F $CHAIN 2>/dev/null || true
  iptables -X $CHAIN 2>/dev/null || true
}
cleanup() {
  firewall_off
  stop_pids
  rm -rf "$LOG_DIR" && mkdir -p "$LOG_DIR" && cp "$WORK"/*.log "$LOG_DIR"/ 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'echo "$0: failed at line $LINENO: $BASH_COMMAND (node logs are copied to $LOG_DIR)" >&2' ERR

write_synod_config "{name: default, index: 0, mode: strong}" "{name: cache, index: $DB, mode: eventual, write-level: ONE, read-level: ONE}"
start_synod_nodes
set_ok() { [ "$(redis-cli -p "$1" -n $DB SET bench:ready 1)" = OK ]; }
for port in "${CLIENT_PORTS[@]}"; do until_ok "synod on port $port" set_ok "$port"; done

# digest PORT: keyspace 2's digest on that node, as INFO eventual prints it.
digest() {
  redis-cli -p "$1" INFO eventual | tr -d '\r' | awk -F'[:=,]' -v db="eventual_db$DB" '$1==db {print $3}'
}
same_digests() {
  local a b c
  a=$(digest ${CLIENT_PORTS[0]}); b=$(digest ${CLIENT_PORTS[1]}); c=$(digest ${CLIENT_PORTS[2]})
  [ -n "$a" ] && [ "$a" = "$b" ] && [ "$b" = "$c" ]
}
until_ok "replicas identical before the partition" same_digests
now_ms() { date +%s%3N; }

# load PORT SIDE: SET key:i to a 100-byte value naming SIDE for every i, pipelined.
load() {
  awk -v n="$KEYS" -v side="$2" -v db=$DB 'BEGIN {
    printf "*2\r\n$6\r\nSELECT\r\n$%d\r\n%s\r\n", length(db), db
    pad = sprintf("%0100d", 0)
    for (i = 0; i < n; i++) {
      key = "key:" i; value = substr(side "-" i "-" pad, 1, 100)
      printf "*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n", length(key), key, length(value), value
    }
  }' | timeout $LOAD_TIMEOUT_SECONDS redis-cli -p "$1" --pipe > "$WORK/load-$2.out" 2>&1
  grep -q "errors: 0, replies: $((KEYS + 1))" "$WORK/load-$2.out" \
    || { echo "loading side $2 failed:" >&2; cat "$WORK/load-$2.out" >&2; exit 1; }
}

# Warm-up: both sides load while connected; wait until the replicas agree.
load ${CLIENT_PORTS[0]} warm-majority &
LOAD_MAJORITY=$!
load ${CLIENT_PORTS[2]} warm-minority
wait $LOAD_MAJORITY
START_TIMEOUT_SECONDS=$HEAL_TIMEOUT_SECONDS until_ok "replicas identical after the warm-up" same_digests

firewall_off
iptables -N $CHAIN
iptables -I OUTPUT -j $CHAIN
for other in "${HOSTS[0]}" "${HOSTS[1]}"; do
  iptables -A $CHAIN -s "${HOSTS[2]}" -d "$other" -j DROP
  iptables -A $CHAIN -s "$other" -d "${HOSTS[2]}" -j DROP
done
PARTITION_START=$(now_ms)
load ${CLIENT_PORTS[0]} majority &
LOAD_MAJORITY=$!
load ${CLIENT_PORTS[2]} minority
wait $LOAD_MAJORITY
LOADED=$(now_ms)
REMAINING_MS=$((PARTITION_SECONDS * 1000 - (LOADED - PARTITION_START)))
[ $REMAINING_MS -gt 0 ] || { echo "loading took $((LOADED - PARTITION_START)) ms, longer than the ${PARTITION_SECONDS}s partition" >&2; exit 1; }
sleep "$(awk -v ms=$REMAINING_MS 'BEGIN { printf "%.3f", ms / 1000 }')"
if same_digests; then echo "replicas identical while partitioned: the partition did not hold" >&2; exit 1; fi
lag_line() { redis-cli -p "$1" INFO eventual | tr -d '\r' | grep '^eventual_peer' | tr '\n' ' '; }
LAG_BEFORE="node 1: $(lag_line ${CLIENT_PORTS[0]}) node 3: $(lag_line ${CLIENT_PORTS[2]})"

iptables -F $CHAIN
HEALED=$(now_ms)
deadline=$((HEALED + HEAL_TIMEOUT_SECONDS * 1000))
until same_digests; do
  if [ "$(now_ms)" -ge $deadline ]; then
    echo "replicas not identical ${HEAL_TIMEOUT_SECONDS}s after heal; logs in $LOG_DIR" >&2
    for port in "${CLIENT_PORTS[@]}"; do redis-cli -p "$port" INFO eventual >&2; done
    exit 1
  fi
  sleep $POLL_SECONDS
done
CONVERGED=$(now_ms)

# Beyond the digest: the same key count and the same values of a sample on every node.
for port in "${CLIENT_PORTS[@]}"; do
  count=$(redis-cli -p "$port" -n $DB DBSIZE)
  [ "$count" = $((KEYS + 1)) ] || { echo "node on port $port holds $count keys, expected $((KEYS + 1))" >&2; exit 1; }
done
sample() { # PORT: the values of SAMPLE_KEYS keys spread over the key range
  local args=()
  for ((i = 0; i < SAMPLE_KEYS; i++)); do args+=("key:$((i * KEYS / SAMPLE_KEYS))"); done
  redis-cli -p "$1" -n $DB MGET "${args[@]}" | md5sum
}
[ "$(sample ${CLIENT_PORTS[0]})" = "$(sample ${CLIENT_PORTS[1]})" ] \
  && [ "$(sample ${CLIENT_PORTS[1]})" = "$(sample ${CLIENT_PORTS[2]})" ] \
  || { echo "sampled values differ between nodes although digests agree" >&2; exit 1; }
STATS=$(redis-cli -p ${CLIENT_PORTS[2]} INFO eventual | tr -d '\r' \
  | grep -E '^eventual_(conflicts_resolved|anti_entropy_keys_repaired|anti_entropy_ranges_repaired):' | tr '\n' ' ')

echo
echo "Convergence after a ${PARTITION_SECONDS}s partition of node 3 ($(date -u +%F), $(nproc) cores, Synod $(git rev-parse --short HEAD)):"
echo "$KEYS keys written on each side (the same keys), loaded in $((LOADED - PARTITION_START)) ms"
echo "lag at heal: $LAG_BEFORE"
echo "heal -> identical digests on all 3 nodes: $((CONVERGED - HEALED)) ms"
echo "node 3 after: $STATS"
