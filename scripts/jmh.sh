#!/usr/bin/env bash
# Runs the JMH suite (or the benchmarks matching a regex) with settings sane for a 2-core
# machine: one fork, short iterations, the GC profiler for bytes allocated per operation.
#
#   scripts/jmh.sh                      every benchmark: RESP decode+dispatch, consensus core,
#                                       log append with group commit, HLC and LWW merge
#   scripts/jmh.sh RespBenchmark        only those matching the regex
#
# Results go to kv-bench/target/jmh-results.txt; copy the table into kv-bench/RESULTS.md with
# the command you ran.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -DskipTests install
java -jar kv-bench/target/benchmarks.jar "${1:-.*Benchmark.*}" -f 1 -wi 2 -i 3 -w 2s -r 2s \
  -prof gc -rf text -rff kv-bench/target/jmh-results.txt
echo "results: kv-bench/target/jmh-results.txt"
