#!/usr/bin/env bash
# Starts, stops and inspects a local Synod deployment on loopback. Processes are tracked by PID
# files under run/ and stopped by PID only.
#
#   scripts/cluster.sh start [CONFIG]   build if needed, start, wait until it answers PING
#   scripts/cluster.sh stop             stop every node started from here (SIGTERM, then SIGKILL)
#   scripts/cluster.sh status           show which nodes run and where
#   scripts/cluster.sh kill N           kill -9 node N (for recovery drills)
#   scripts/cluster.sh restart N        restart node N with its last config
#
# Until the multi-node cluster lands, a deployment is one node (default: the embedded config,
# 127.0.0.1:6379, data in data/node1).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
RUN_DIR="$ROOT/run"
JAR="$ROOT/kv-server/target/kv-server.jar"
START_TIMEOUT_SECONDS=60
STOP_TIMEOUT_SECONDS=20

build_if_needed() {
  if [ ! -f "$JAR" ] || [ -n "$(find kv-server/src pom.xml kv-server/pom.xml -newer "$JAR" -print -quit)" ]; then
    echo "building kv-server (mvn package -DskipTests) ..."
    mvn -B -q -DskipTests package -pl kv-server -am
  fi
}

node_pid() { # prints the PID of node $1 if it runs
  local file="$RUN_DIR/node$1.pid"
  [ -f "$file" ] || return 1
  local pid; pid=$(cat "$file")
  kill -0 "$pid" 2>/dev/null || return 1
  echo "$pid"
}

port_of() { # client port from a config file, default 6379
  local port
  port=$(awk '/^client:/{c=1;next} /^[^ ]/{c=0} c && $1=="port:"{print $2; exit}' "$1" 2>/dev/null || true)
  echo "${port:-6379}"
}

wait_for_ping() { # $1 port, $2 pid
  local deadline=$((SECONDS + START_TIMEOUT_SECONDS))
  while [ $SECONDS -lt $deadline ]; do
    if ! kill -0 "$2" 2>/dev/null; then return 1; fi
    if exec 3<>"/dev/tcp/127.0.0.1/$1" 2>/dev/null; then
      printf 'PING\r\n' >&3
      local reply=""
      read -r -t 2 reply <&3 || true
      exec 3>&- 3<&-
      [[ "$reply" == +PONG* ]] && return 0
    fi
    sleep 0.2
  done
  return 1
}

start_node() { # $1 node number, $2 config file or "" for the embedded default
  local n=$1 config=$2
  if pid=$(node_pid "$n"); then echo "node $n already runs (pid $pid)"; return 0; fi
  mkdir -p "$RUN_DIR"
  local args=()
  local port=6379
  if [ -n "$config" ]; then args+=(--config "$config"); port=$(port_of "$config"); fi
  echo "$config" > "$RUN_DIR/node$n.config"
  nohup java ${SYNOD_JAVA_OPTS:-} -cp "$JAR:$ROOT/kv-server/target/lib/*" kv.server.cli.ServerMain \
    "${args[@]}" > "$RUN_DIR/node$n.log" 2>&1 &
  local pid=$!
  echo "$pid" > "$RUN_DIR/node$n.pid"
  if wait_for_ping "$port" "$pid"; then
    echo "node $n is up (pid $pid), log: run/node$n.log"
    echo "connect: redis-cli -p $port"
  else
    echo "node $n did not answer PING within ${START_TIMEOUT_SECONDS}s; last log lines:" >&2
    tail -n 20 "$RUN_DIR/node$n.log" >&2 || true
    return 1
  fi
}

stop_node() { # $1 node number
  local n=$1 pid
  if ! pid=$(node_pid "$n"); then rm -f "$RUN_DIR/node$n.pid"; return 0; fi
  kill -TERM "$pid"
  local deadline=$((SECONDS + STOP_TIMEOUT_SECONDS))
  while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then
    echo "node $n did not stop within ${STOP_TIMEOUT_SECONDS}s; sending SIGKILL" >&2
    kill -KILL "$pid"
  fi
  rm -f "$RUN_DIR/node$n.pid"
  echo "node $n stopped"
}

nodes() { ls "$RUN_DIR"/node*.pid 2>/dev/null | sed 's/.*node\([0-9]*\)\.pid/\1/' || true; }

case "${1:-}" in
  start)
    build_if_needed
    start_node 1 "${2:-}"
    ;;
  stop)
    for n in $(nodes); do stop_node "$n"; done
    ;;
  status)
    found=0
    for n in $(nodes); do
      found=1
      if pid=$(node_pid "$n"); then echo "node $n: running (pid $pid)"; else echo "node $n: stopped"; fi
    done
    [ $found = 1 ] || echo "no nodes started from here"
    ;;
  kill)
    n=${2:?usage: scripts/cluster.sh kill N}
    if pid=$(node_pid "$n"); then kill -KILL "$pid"; echo "node $n killed (pid $pid)"; else echo "node $n is not running"; fi
    ;;
  restart)
    n=${2:?usage: scripts/cluster.sh restart N}
    stop_node "$n"
    start_node "$n" "$(cat "$RUN_DIR/node$n.config" 2>/dev/null || true)"
    ;;
  *)
    sed -n '2,14p' "$0"
    exit 2
    ;;
esac
