#!/usr/bin/env bash
# Replays one simulator seed: scripts/sim.sh <seed> [extra maven args]
# The same seed gives the same trace hash; add -Dsim.variant=ACCEPT_LOWER_BALLOT (etc.) to
# replay a seed against a deliberately broken variant.
set -euo pipefail
if [ $# -lt 1 ]; then
  echo "usage: scripts/sim.sh <seed> [maven args]" >&2
  exit 2
fi
seed="$1"; shift
cd "$(dirname "$0")/.."
exec mvn -B -q -o -pl kv-server test -Dtest='kv.server.sim.SimulationTest#replaySeed' \
  -Dsurefire.failIfNoSpecifiedTests=false -Dsim.seed="$seed" "$@"
