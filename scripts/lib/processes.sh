# Shared by the bench scripts (source it): every process they start is tracked in PIDS and
# stopped by PID; every wait is bounded. Callers set WORK (a temp dir with the logs),
# START_TIMEOUT_SECONDS and STOP_TIMEOUT_SECONDS before using these.
PIDS=()

# Stops every tracked process: SIGTERM, a bounded wait, then SIGKILL; forgets them.
stop_pids() {
  local pid
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 1 $((STOP_TIMEOUT_SECONDS * 5))); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  PIDS=()
}

# until_ok DESCRIPTION COMMAND...: retries COMMAND until it succeeds, at most
# START_TIMEOUT_SECONDS; then prints the logs' tails and exits 1.
until_ok() {
  local what=$1; shift
  local deadline=$((SECONDS + START_TIMEOUT_SECONDS))
  until "$@" >/dev/null 2>&1; do
    if [ $SECONDS -ge $deadline ]; then
      echo "$what: not ready after ${START_TIMEOUT_SECONDS}s; logs in $WORK:" >&2
      tail -n 20 "$WORK"/*.log >&2 || true
      exit 1
    fi
    sleep 0.2
  done
}

# ping_ok PORT: the Redis-protocol server on 127.0.0.1:PORT answers PONG.
ping_ok() {
  redis-cli -p "$1" ping 2>/dev/null | grep -q PONG
}
