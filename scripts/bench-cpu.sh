#!/usr/bin/env bash
# CPU per operation, per node and thread group, on the 3-node loopback cluster of bench-modes.sh
# (storage.fsync: always; keyspace 0 strong, 2 eventual at ONE). On a 2-core machine shared by
# three nodes and the client, CPU per operation decides throughput and is far less noisy than it.
#
#   scripts/bench-cpu.sh REQUESTS TEST...   e.g. scripts/bench-cpu.sh 100000 set:2:set get:2:get
#   TEST = label:keyspace:redis-benchmark test; each runs
#   redis-benchmark -p 7801 --dbnum K -t T -c 64 -n REQUESTS -r 100000 -d 100 -q against node 1.
#
# Before the tests: WARM (default 60000) SET and GET requests on keyspaces 0 and 2 (JIT). Prints
# ops/s, then CPU microseconds per operation (utime+stime of /proc/PID/task/TID/stat, threads
# grouped by name) and context switches per operation, and redis-benchmark's own CPU.
# Environment: SYNOD_JAVA_OPTS (e.g. -XX:+PreserveFramePointer), JAR (server jar to run),
# PERF=DIR records `perf record -F 2999 $PERF_G` of the three nodes per test into DIR/LABEL.data
# (with /tmp/perf-PID.map written by jcmd Compiler.perfmap for Java symbols).
# Every process started here is stopped by PID at exit; data lives in a fresh temporary dir.
set -euo pipefail
cd "$(dirname "$0")/.."
REQUESTS=$1; shift
CLIENTS=64
START_TIMEOUT_SECONDS=60
STOP_TIMEOUT_SECONDS=10
BENCH_TIMEOUT_SECONDS=900
HOSTS=(127.0.0.11 127.0.0.12 127.0.0.13)
CLIENT_PORTS=(7801 7802 7803)
PEER_PORTS=(7811 7812 7813)
[ -f kv-server/target/kv-server.jar ] || mvn -B -q -DskipTests package -pl kv-server -am
WORK=$(mktemp -d)
source scripts/lib/processes.sh
source scripts/lib/synod.sh
PERF_PID=
cleanup() {
  [ -n "$PERF_PID" ] && kill -INT "$PERF_PID" 2>/dev/null || true
  stop_pids
  rm -rf "$WORK"
}
trap cleanup EXIT
write_synod_config "{name: default, index: 0, mode: strong}" "{name: cache, index: 2, mode: eventual, write-level: ONE, read-level: ONE}"
start_synod_nodes
NODE_PIDS=("${PIDS[@]}")
set_ok() { [ "$(redis-cli -p "$1" -n "$2" SET bench:ready 1)" = OK ]; }
for port in "${CLIENT_PORTS[@]}"; do
  for db in 0 2; do until_ok "synod on port $port, keyspace $db" set_ok "$port" "$db"; done
done
echo "node 1 role: $(redis-cli -p 7801 INFO replication | tr -d '\r' | awk -F: '$1=="synod_role" {print $2}')"

snapshot() { # one line per thread: node tid group cpu-ticks context-switches
  local node=0 pid task group ticks switches
  for pid in "${NODE_PIDS[@]}"; do
    node=$((node + 1))
    for task in /proc/$pid/task/*; do
      [ -r "$task/stat" ] || continue
      group=$(tr ' ' '_' < "$task/comm" | sed -E 's/[0-9]+/N/g')
      ticks=$(sed -E 's/^.*\) //' "$task/stat" | awk '{print $12 + $13}')
      switches=$(awk '/^(non)?voluntary_ctxt_switches/ {s += $2} END {print s}' "$task/status")
      echo "$node ${task##*/} $group $ticks $switches"
    done
  done
}

for db in 0 2; do
  timeout $BENCH_TIMEOUT_SECONDS redis-benchmark -p 7801 --dbnum $db -t set,get -c $CLIENTS \
    -n "${WARM:-60000}" -r 100000 -d 100 -q > /dev/null 2>&1
done
HZ=$(getconf CLK_TCK)
for test in "$@"; do
  IFS=: read -r label db command <<< "$test"
  snapshot > "$WORK/before"
  if [ -n "${PERF:-}" ]; then
    perf record -F 2999 ${PERF_G:-} -p "$(IFS=,; echo "${NODE_PIDS[*]}")" -o "$PERF/$label.data" \
      > /dev/null 2>&1 &
    PERF_PID=$!
  fi
  result=$( { /usr/bin/time -f "%U %S" -o "$WORK/time" timeout $BENCH_TIMEOUT_SECONDS \
      redis-benchmark -p 7801 --dbnum "$db" -t "$command" -c $CLIENTS -n "$REQUESTS" \
      -r 100000 -d 100 -q 2> /dev/null; } | tr '\r' '\n' | grep 'requests per second' | tail -1)
  snapshot > "$WORK/after"
  if [ -n "${PERF:-}" ]; then
    kill -INT "$PERF_PID"; wait "$PERF_PID" || true; PERF_PID=
    for pid in "${NODE_PIDS[@]}"; do jcmd "$pid" Compiler.perfmap > /dev/null; done
  fi
  client_us=$(awk -v n="$REQUESTS" 'END {printf "%.1f", ($1 + $2) * 1e6 / n}' "$WORK/time")
  echo "== $label (keyspace $db, $command): $result; redis-benchmark $client_us us/op"
  join <(awk '{print $1 "_" $2, $3, $4, $5}' "$WORK/before" | sort) \
       <(awk '{print $1 "_" $2, $4, $5}' "$WORK/after" | sort) \
    | awk -v hz="$HZ" -v n="$REQUESTS" '{
        split($1, id, "_"); key = id[1] " " $2
        cpu[key] += $5 - $3; switches[key] += $6 - $4; total[id[1]] += $5 - $3 }
      END {
        for (key in cpu) if (cpu[key] > 0) {
          split(key, part, " ")
          printf "  node%s %-18s %6.1f us/op %6.2f switches/op\n", part[1], part[2],
            cpu[key] * 1e6 / hz / n, switches[key] / n }
        for (node in total) printf "  node%s %-18s %6.1f us/op\n", node, "TOTAL",
          total[node] * 1e6 / hz / n }' | sort
done
