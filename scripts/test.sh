#!/usr/bin/env bash
# Runs the whole test suite: unit, property, simulation and integration tests (mvn verify).
# Installs what the integration tests need that a fresh machine lacks: redis-tools (redis-cli,
# redis-benchmark) and iptables (partition tests cut loopback links between node addresses).
# Extra arguments go to Maven, e.g. -Dsim.seeds=100000.
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
command -v redis-cli >/dev/null && command -v redis-benchmark >/dev/null || missing+=(redis-tools)
command -v iptables >/dev/null || missing+=(iptables)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]} for the integration tests ..."
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
exec mvn -B verify "$@"
