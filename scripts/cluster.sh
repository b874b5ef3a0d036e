#!/usr/bin/env bash
# Starts, stops and inspects a local Synod deployment on loopback. Processes are tracked by PID
# files under run/ and stopped by PID only.
#
#   scripts/cluster.sh start [3|5|1]    build if needed, start a 3-node (default), 5-node or
#                                       single-node deployment, wait until every node answers PING
#   scripts/cluster.sh stop             stop every node started from here (SIGTERM, then SIGKILL)
#   scripts/cluster.sh status           show which nodes run, their role and the leader
#   scripts/cluster.sh kill N           kill -9 node N (for recovery drills)
#   scripts/cluster.sh restart N        restart node N with its config
#
# Nodes use config/cluster-3.yaml or config/cluster-5.yaml (config/single.yaml for 1); node N
# keeps its data in data/nodeN and logs to run/nodeN.log. Clients connect to 127.0.0.1 on port
# 6379 + N - 1; any node takes reads and writes.
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

port_of() { # $1 config, $2 node id: the node's client port (member entry, else client.port)
  local port
  port=$(grep -E "\{id: $2," "$1" | sed -E 's/.*client-port: *([0-9]+).*/\1/' | head -n 1)
  [ -n "$port" ] || port=$(awk '/^client:/{c=1;next} /^[^ ]/{c=0} c && $1=="port:"{print $2; exit}' "$1")
  echo "${port:-6379}"
}

wait_for_ping() { # $1 port, $2 pid
  local deadline=$((SECONDS + START_TIMEOUT_SECONDS))
  while [ $SECONDS -lt $deadline ]; do
    if ! kill -0 "$2" 2>/dev/null; then return 1; fi
    if { exec 3<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null; then
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

launch_node() { # $1 node number, $2 config file: starts it in the background
  local n=$1 config=$2
  if pid=$(node_pid "$n"); then echo "node $n already runs (pid $pid)"; return 0; fi
  mkdir -p "$RUN_DIR"
  echo "$config" > "$RUN_DIR/node$n.config"
  nohup java ${SYNOD_JAVA_OPTS:-} -cp "$JAR:$ROOT/kv-server/target/lib/*" kv.server.cli.ServerMain \
    --config "$config" --node-id "$n" > "$RUN_DIR/node$n.log" 2>&1 &
  echo $! > "$RUN_DIR/node$n.pid"
}

await_node() { # $1 node number: waits until it answers PING
  local n=$1 config pid port
  config=$(cat "$RUN_DIR/node$n.config")
  pid=$(cat "$RUN_DIR/node$n.pid")
  port=$(port_of "$config" "$n")
  if wait_for_ping "$port" "$pid"; then
    echo "node $n is up (pid $pid): redis-cli -p $port    log: run/node$n.log"
  else
    if kill -0 "$pid" 2>/dev/null; then
      echo "node $n did not answer PING within ${START_TIMEOUT_SECONDS}s; last log lines:" >&2
    else
      echo "node $n exited before it answered PING; last log lines:" >&2
    fi
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

config_for() { # $1 node count
  case "$1" in
    1) echo "config/single.yaml" ;;
    3|5) echo "config/cluster-$1.yaml" ;;
    *) echo "unsupported node count $1: use 1, 3 or 5" >&2; exit 2 ;;
  esac
}

case "${1:-}" in
  start)
    count=${2:-3}
    config=$(config_for "$count")
    build_if_needed
    for n in $(seq 1 "$count"); do launch_node "$n" "$config"; done
    for n in $(seq 1 "$count"); do await_node "$n"; done
    echo "Synod is up with $count node(s). Connect to any: redis-cli -p 6379"
    echo "Stop: scripts/cluster.sh stop    Status: scripts/cluster.sh status"
    ;;
  stop)
    for n in $(nodes); do stop_node "$n"; done
    ;;
  status)
    found=0
    for n in $(nodes); do
      found=1
      if pid=$(node_pid "$n"); then
        port=$(port_of "$(cat "$RUN_DIR/node$n.config")" "$n")
        role=$(redis-cli -p "$port" info replication 2>/dev/null | tr -d '\r' | grep -E '^synod_(role|leader_id):' | tr '\n' ' ' || true)
        echo "node $n: running (pid $pid) port $port ${role}"
      else
        echo "node $n: stopped"
      fi
    done
    [ $found = 1 ] || echo "no nodes started from here"
    ;;
  kill)
    n=${2:?usage: scripts/cluster.sh kill N}
    if pid=$(node_pid "$n"); then kill -KILL "$pid"; echo "node $n killed (pid $pid)"; else echo "node $n is not running"; fi
    ;;
  restart)
    n=${2:?usage: scripts/cluster.sh restart N}
    config=$(cat "$RUN_DIR/node$n.config" 2>/dev/null || config_for 3)
    stop_node "$n"
    launch_node "$n" "$config"
    await_node "$n"
    ;;
  *)
    sed -n '2,16p' "$0"
    exit 2
    ;;
esac
