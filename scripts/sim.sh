#!/usr/bin/env bash
# Replays one simulator seed: scripts/sim.sh <seed> [extra maven args]
# The same seed gives the same trace hash; add -Dsim.variant=ACCEPT_LOWER_BALLOT (etc.) to
# replay a seed against a deliberately broken variant, -Dsim.profile=LEASES (or
# LEASES_DRIFT_AT_BOUND, LEASES_DRIFT_BEYOND_BOUND) for a lease world, and
# -Dsim.leaseReadChecker=false to leave only the end-to-end checkers. Failures print the exact line.
set -euo pipefail
if [ $# -lt 1 ]; then
  echo "usage: scripts/sim.sh <seed> [maven args]" >&2
  exit 2
fi
seed="$1"; shift
cd "$(dirname "$0")/.."
exec mvn -B -q -o -pl kv-server test -Dtest='kv.server.sim.SimulationTest#replaySeed' \
  -Dsurefire.failIfNoSpecifiedTests=false -Dsim.seed="$seed" "$@"
