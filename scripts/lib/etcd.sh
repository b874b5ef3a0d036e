# Shared by the bench scripts that compare with etcd or need packages (source it after
# scripts/lib/processes.sh): apt installs on demand, and a 3-member etcd cluster on loopback
# whose processes join PIDS. Callers set WORK, ETCD_HOSTS (3 addresses), ETCD_CLIENT_PORT and
# ETCD_PEER_PORT first.
APT_UPDATED=0

# need COMMAND PACKAGE...: installs the packages with apt-get unless COMMAND exists.
need() {
  command -v "$1" >/dev/null && return
  if [ $APT_UPDATED = 0 ]; then apt-get update -qq; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${@:2}" >/dev/null
  command -v "$1" >/dev/null || { echo "cannot install $2: $1 not found after apt-get" >&2; exit 1; }
}

# etcd_put HOST: a put through HOST's HTTP/JSON gateway is acknowledged.
etcd_put() {
  curl -sf --max-time 5 -X POST "http://$1:$ETCD_CLIENT_PORT/v3/kv/put" \
    -d '{"key":"YmVuY2g6cmVhZHk=","value":"MQ=="}' | grep -q '"revision"'
}

# start_etcd_cluster: starts the 3 members (data and logs in WORK) and waits until each
# acknowledges a put, within START_TIMEOUT_SECONDS.
start_etcd_cluster() {
  local cluster="" i host
  for i in 0 1 2; do cluster+="e$((i + 1))=http://${ETCD_HOSTS[$i]}:$ETCD_PEER_PORT,"; done
  for i in 0 1 2; do
    host=${ETCD_HOSTS[$i]}
    etcd --name "e$((i + 1))" --data-dir "$WORK/etcd$((i + 1))" \
      --listen-client-urls "http://$host:$ETCD_CLIENT_PORT" --advertise-client-urls "http://$host:$ETCD_CLIENT_PORT" \
      --listen-peer-urls "http://$host:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://$host:$ETCD_PEER_PORT" \
      --initial-cluster "${cluster%,}" --initial-cluster-token "synod-bench-$$" \
      --initial-cluster-state new > "$WORK/etcd$((i + 1)).log" 2>&1 &
    PIDS+=($!)
  done
  for host in "${ETCD_HOSTS[@]}"; do until_ok "etcd on $host" etcd_put "$host"; done
}
