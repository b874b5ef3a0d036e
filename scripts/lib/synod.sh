# Shared by the benchmark scripts: a 3-node Synod cluster on loopback. Source after
# scripts/lib/processes.sh, with HOSTS, CLIENT_PORTS, PEER_PORTS (3 each) and WORK set.

# Writes $WORK/synod.yaml: storage.fsync $SYNOD_FSYNC (default always), client and metrics
# bound to loopback, the lines of $SYNOD_CLUSTER_LINES under `cluster:` (each indented two
# spaces, e.g. "  leases: {enabled: false}"), the three members, then the keyspace lines given
# as arguments (one YAML list item each; none: the built-in default keyspace).
write_synod_config() {
  {
    echo "storage: {fsync: ${SYNOD_FSYNC:-always}}"
    echo "client: {bind: 127.0.0.1}"
    echo "metrics: {bind: 127.0.0.1}"
    echo "cluster:"
    [ -n "${SYNOD_CLUSTER_LINES:-}" ] && echo "$SYNOD_CLUSTER_LINES"
    echo "  members:"
    for i in 0 1 2; do
      echo "    - {id: $((i + 1)), host: ${HOSTS[$i]}, client-port: ${CLIENT_PORTS[$i]}, peer-port: ${PEER_PORTS[$i]}, metrics-port: 0}"
    done
    [ $# -gt 0 ] && echo "keyspaces:"
    for keyspace in "$@"; do echo "  - $keyspace"; done
  } > "$WORK/synod.yaml"
}

# Starts nodes 1..3 on $WORK/synod.yaml (server jar: $JAR, default kv-server/target/kv-server.jar;
# JVM options: $SYNOD_JAVA_OPTS), logs in $WORK/synodN.log; their PIDs go to PIDS.
start_synod_nodes() {
  for i in 1 2 3; do
    java ${SYNOD_JAVA_OPTS:-} -cp "${JAR:-kv-server/target/kv-server.jar}:kv-server/target/lib/*" \
      kv.server.cli.ServerMain --config "$WORK/synod.yaml" --node-id $i \
      --data-dir "$WORK/synod$i" > "$WORK/synod$i.log" 2>&1 &
    PIDS+=($!)
  done
}
