/**
 * The Multi-Paxos core: a pure, deterministic state machine (STYLE.md section 1; shape of
 * etcd-io/raft {@code rawnode.go}). It does no I/O, starts no threads, reads no clock and draws
 * randomness only from the injected, seeded {@link java.util.random.RandomGenerator}.
 *
 * <h2>Driving a replica (the node loop)</h2>
 * <pre>{@code
 * Replica replica = new Replica(config, restored, eventLog, new SplittableRandom(seed));
 * // each turn, on the one consensus thread:
 * replica.step(message);                    // every inbound peer message
 * ProposeResult r = replica.propose(bytes); // QUEUED, NOT_LEADER, BUSY or TOO_LARGE
 * replica.tick();                           // every tick interval (e.g. 10 ms, monotonic clock)
 * if (replica.hasReady()) {
 *     Ready ready = replica.ready();
 *     if (ready.mustPersist())              // one WriteBatch, one fsync:
 *         logStore.write(ready.durableStateChanged() ? scalars(ready) : null,
 *                        ready.entriesToPersist());   // slot -> (ballot, value); later wins
 *     transport.send(ready.messagesToSend());         // only after the fsync
 *     if (ready.snapshotToInstall() != null) stateMachine.install(ready.snapshotToInstall());
 *     stateMachine.apply(ready.entriesToApply());     // contiguous slots, in order
 *     for (int peer : ready.snapshotsToSend()) replica.sendSnapshot(peer, latestSnapshot);
 *     replica.advance(ready);
 * }
 * // after taking and storing a snapshot at appliedBelow: replica.compact(appliedBelow)
 * }</pre>
 *
 * <h2>What is durable, and restart</h2>
 * Persist the promised ballot, the chosen prefix ({@code chosenBelow}), the compaction point
 * ({@code snapshotBelow}) and, per slot, the latest accepted {@link kv.server.consensus.Entry}
 * (slot, ballot, value). On restart build a {@link kv.server.consensus.DurableState} from them
 * plus {@code appliedBelow}: the slot the restored state machine stands at (its snapshot slot,
 * or the applied index written in the same batch as the data). The replica re-delivers chosen
 * entries from there in {@link kv.server.consensus.Ready#entriesToApply()}.
 *
 * <h2>Commands and results</h2>
 * Commands are opaque bytes; the server wraps them with {@link kv.server.session.ClientCommand}
 * (clientId, sequence) and its state machine filters them through a
 * {@link kv.server.session.SessionTable}, so a retry applies once and gets the first result.
 * The core never answers clients: a command is chosen when it appears in entriesToApply.
 * Entries of kind NOOP (holes a new leader filled) and CONFIG (membership as replicated state)
 * carry no commands.
 *
 * <h2>Vocabulary</h2>
 * Ballots are longs {@code (round << 8) | nodeIndex} (see {@link kv.server.consensus.Ballots});
 * slots are 0-based; "X below" means every slot {@code < X}.
 */
package kv.server.consensus;
