package kv.server.consensus;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Scripted interactions in src/test/resources/consensus/*.txt and lease/*.txt (etcd-io/raft
 * {@code interaction_test.go}): each block is a command, {@code ----}, and the expected output
 * (messages sent, events logged, state). {@code -Dkv.rewrite=true} rewrites the expected output
 * from the actual one; review the diff before committing it.
 *
 * <p>Commands: {@code cluster N [leases] [variant=BROKEN_VARIANT]}, {@code campaign I}, {@code propose I CMD...},
 * {@code tick I [COUNT]}, {@code deliver [from=I] [to=J] [type=T] [limit=K]}, {@code drop ...}
 * (same filters), {@code stabilize}, {@code isolate I}, {@code heal I}, {@code restart I},
 * {@code status}, {@code log I}, {@code compact I} (snapshot at the applied slot, truncate the
 * log), {@code cut I J} and {@code mend I J} (lose, or again deliver, messages between two
 * nodes). Leases: {@code read I} (may I read locally, and why), {@code lease I} (lease state),
 * {@code elapse COUNT [nodes=I,J] [drop=TYPE]} (rounds of: tick each node, deliver everything
 * but messages of TYPE; prints only events and changes of chosen and applied slots).
 */
class DataDrivenTest {
    static final List<Path> DIRECTORIES = List.of(Path.of("src/test/resources/consensus"),
            Path.of("src/test/resources/lease"));

    static Stream<Path> scripts() throws IOException {
        List<Path> scripts = new ArrayList<>();
        for (Path directory : DIRECTORIES) {
            try (Stream<Path> files = Files.list(directory)) {
                files.filter(p -> p.toString().endsWith(".txt")).sorted().forEach(scripts::add);
            }
        }
        return scripts.stream();
    }

    @ParameterizedTest
    @MethodSource("scripts")
    void script(Path path) throws IOException {
        List<String> lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        StringBuilder rewritten = new StringBuilder();
        Interpreter interpreter = new Interpreter();
        int i = 0;
        while (i < lines.size()) {
            String line = lines.get(i++);
            if (line.isBlank() || line.startsWith("#")) {
                rewritten.append(line).append('\n');
                continue;
            }
            if (i >= lines.size() || !lines.get(i).equals("----")) {
                throw new IllegalStateException(path + ":" + i + ": expected ---- after " + line);
            }
            i++;
            StringBuilder expected = new StringBuilder();
            while (i < lines.size() && !lines.get(i).isEmpty()) {
                expected.append(lines.get(i++)).append('\n');
            }
            String actual = interpreter.run(line);
            rewritten.append(line).append("\n----\n").append(actual);
            if (i < lines.size()) {
                rewritten.append('\n');
                i++;
            }
            if (!Boolean.getBoolean("kv.rewrite")) {
                assertEquals(expected.toString(), actual, path.getFileName() + ": " + line);
            }
        }
        if (Boolean.getBoolean("kv.rewrite")) {
            Files.writeString(path, rewritten.toString(), StandardCharsets.UTF_8);
        }
    }

    static final class Interpreter {
        TestCluster cluster;
        StringBuilder out;
        int eventsSeen;

        String run(String line) {
            line = line.strip();
            out = new StringBuilder();
            String[] words = line.trim().split("\\s+");
            switch (words[0]) {
                case "cluster" -> {
                    boolean leases = words.length > 2 && words[2].equals("leases");
                    BrokenVariant variant = BrokenVariant.NONE;
                    for (String word : words) {
                        if (word.startsWith("variant=")) {
                            variant = BrokenVariant.valueOf(word.substring("variant=".length()));
                        }
                    }
                    // Leases: every replica holds and grants; 12-tick lease, 8-tick guard, renewed
                    // every 3 ticks, 5% drift bound (holder 11 ticks, grantor 13 + ...).
                    cluster = new TestCluster(Integer.parseInt(words[1]), 42, variant,
                            leases ? mask -> kv.server.lease.LeaseConfig.allHolders(mask, 50_000)
                                    : null);
                    eventsSeen = 0;
                    out.append("ok\n");
                }
                case "campaign" -> {
                    int node = Integer.parseInt(words[1]);
                    cluster.replica(node).campaign();
                    sent(cluster.process(node), "");
                }
                case "propose" -> {
                    int node = Integer.parseInt(words[1]);
                    for (int w = 2; w < words.length; w++) {
                        ProposeResult result = cluster.replica(node).propose(
                                TestCluster.bytes(words[w]));
                        out.append(node).append(": propose ").append(words[w]).append(" -> ")
                                .append(result);
                        if (result == ProposeResult.NOT_LEADER) {
                            out.append(" (leader=").append(cluster.replica(node).leaderIndex())
                                    .append(')');
                        }
                        out.append('\n');
                    }
                    sent(cluster.process(node), "");
                }
                case "tick" -> {
                    int node = Integer.parseInt(words[1]);
                    int count = words.length > 2 ? Integer.parseInt(words[2]) : 1;
                    for (int t = 0; t < count; t++) {
                        cluster.replica(node).tick();
                        sent(cluster.process(node), "");
                    }
                }
                case "deliver" -> deliver(filter(words), limit(words));
                case "drop" -> {
                    for (Message m : cluster.drop(filter(words), limit(words))) {
                        out.append("dropped ").append(describe(m)).append('\n');
                    }
                }
                case "stabilize" -> {
                    while (!cluster.queue.isEmpty()) deliver(m -> true, Integer.MAX_VALUE);
                }
                case "heal" -> {
                    int node = Integer.parseInt(words[1]);
                    cluster.down[node] = false;
                    out.append(node).append(": healed\n");
                }
                case "cut", "mend" -> {
                    int a = Integer.parseInt(words[1]);
                    int b = Integer.parseInt(words[2]);
                    boolean cut = words[0].equals("cut");
                    cluster.cut[a][b] = cut;
                    cluster.cut[b][a] = cut;
                    if (cut) {
                        cluster.queue.removeIf(m -> (m.from() == a && m.to() == b)
                                || (m.from() == b && m.to() == a));
                    }
                    out.append(a).append(" and ").append(b).append(cut ? ": cut\n" : ": mended\n");
                }
                case "read" -> read(Integer.parseInt(words[1]));
                case "lease" -> lease(Integer.parseInt(words[1]));
                case "elapse" -> elapse(Integer.parseInt(words[1]), nodes(words), dropType(words));
                case "isolate" -> {
                    int node = Integer.parseInt(words[1]);
                    cluster.down[node] = true;
                    cluster.queue.removeIf(m -> m.to() == node || m.from() == node);
                    out.append(node).append(": isolated\n");
                }
                case "restart" -> {
                    int node = Integer.parseInt(words[1]);
                    cluster.down[node] = false;
                    cluster.restart(node);
                    out.append(node).append(": restarted from durable state\n");
                    status(node);
                }
                case "status" -> {
                    for (int node = 0; node < cluster.replicas.length; node++) status(node);
                }
                case "log" -> log(Integer.parseInt(words[1]));
                case "compact" -> {
                    int node = Integer.parseInt(words[1]);
                    Replica r = cluster.replica(node);
                    long slot = r.appliedBelow();
                    cluster.durable[node].snapshot = new Snapshot(slot, r.membersMask(),
                            TestCluster.bytes(String.join(",", cluster.appliedCommands(node))));
                    r.compact(slot);
                    cluster.process(node);
                    out.append(node).append(": snapshot taken, log compacted below slot ")
                            .append(slot).append('\n');
                }
                default -> throw new IllegalArgumentException("unknown command " + words[0]);
            }
            events();
            return out.toString();
        }

        private void read(int node) {
            Replica r = cluster.replica(node);
            // readLocal: the replica's own rule; the lease check is what the node combines with
            // its per-key table of accepted, unapplied writes.
            out.append(node).append(": ").append(r.readLocal()).append(" (lease check ")
                    .append(r.leaseReadCheck()).append(") at tick ")
                    .append(r.ticksCount()).append(" (lease valid until tick ")
                    .append(r.leaseValidUntil()).append(", applied below ")
                    .append(r.appliedBelow()).append(", grantors reported below ")
                    .append(r.leaseSlotRequiredBelow()).append(", log ends at ")
                    .append(r.slotEnd()).append(")\n");
        }

        private void lease(int node) {
            Replica r = cluster.replica(node);
            out.append(node).append(": tick ").append(r.ticksCount()).append(" validUntil ")
                    .append(r.leaseValidUntil()).append(" grants until [");
            for (int holder = 0; holder < cluster.replicas.length; holder++) {
                out.append(holder == 0 ? "" : " ").append(holder == node ? "-"
                        : String.valueOf(r.leaseGrantExpiry(holder)));
            }
            out.append("] acceptedDeferred ").append(r.acceptedDeferredCount()).append('\n');
        }

        /** Rounds of ticking {@code nodes} once each, then delivering (but drop) until quiet. */
        private void elapse(int rounds, int[] nodes, MessageType drop) {
            int n = cluster.replicas.length;
            long[] chosen = new long[n];
            long[] applied = new long[n];
            for (int i = 0; i < n; i++) {
                chosen[i] = cluster.replica(i).chosenBelow();
                applied[i] = cluster.replica(i).appliedBelow();
            }
            for (int round = 1; round <= rounds; round++) {
                for (int node : nodes) {
                    cluster.replica(node).tick();
                    cluster.process(node);
                }
                for (int step = 0; !cluster.queue.isEmpty(); step++) {
                    if (step > 10_000) throw new IllegalStateException("never quiet");
                    if (drop != null) cluster.drop(m -> m.type() == drop, Integer.MAX_VALUE);
                    cluster.deliver(m -> true, Integer.MAX_VALUE);
                }
                events();
                for (int i = 0; i < n; i++) {
                    Replica r = cluster.replica(i);
                    if (r.chosenBelow() == chosen[i] && r.appliedBelow() == applied[i]) continue;
                    chosen[i] = r.chosenBelow();
                    applied[i] = r.appliedBelow();
                    out.append("round ").append(round).append(": ").append(i)
                            .append(" chosenBelow=").append(chosen[i]).append(" appliedBelow=")
                            .append(applied[i]).append(" (tick ").append(r.ticksCount())
                            .append(")\n");
                }
            }
            out.append("elapsed ").append(rounds).append(" rounds\n");
        }

        private static MessageType dropType(String[] words) {
            for (String w : words) {
                if (w.startsWith("drop=")) return MessageType.valueOf(w.substring(5).toUpperCase());
            }
            return null;
        }

        private int[] nodes(String[] words) {
            for (String w : words) {
                if (w.startsWith("nodes=")) {
                    return java.util.Arrays.stream(w.substring(6).split(","))
                            .mapToInt(Integer::parseInt).toArray();
                }
            }
            int[] all = new int[cluster.replicas.length];
            for (int i = 0; i < all.length; i++) all[i] = i;
            return all;
        }

        private void deliver(Predicate<Message> filter, int limit) {
            int delivered = 0;
            while (delivered < limit) {
                Message next = null;
                for (Message m : cluster.queue) {
                    if (filter.test(m)) {
                        next = m;
                        break;
                    }
                }
                if (next == null) break;
                Message chosen = next;
                cluster.queue.remove(chosen);
                delivered++;
                out.append(describe(chosen)).append('\n');
                if (cluster.down[chosen.to()]) continue;
                cluster.replica(chosen.to()).step(chosen);
                events();
                sent(cluster.process(chosen.to()), "  ");
            }
        }

        private void sent(List<Message> messages, String indent) {
            events();
            for (Message m : messages) {
                out.append(indent).append("sent ").append(describe(m)).append('\n');
            }
        }

        private void events() {
            while (eventsSeen < cluster.events.size()) {
                out.append("  event: ").append(cluster.events.get(eventsSeen++)).append('\n');
            }
        }

        private void status(int node) {
            Replica r = cluster.replica(node);
            out.append(node).append(": ").append(r.role().name().toLowerCase())
                    .append(" promised=").append(Ballots.toString(r.promisedBallot()))
                    .append(" leader=").append(r.leaderIndex())
                    .append(" chosenBelow=").append(r.chosenBelow())
                    .append(" appliedBelow=").append(r.appliedBelow())
                    .append(" applied=").append(cluster.appliedCommands(node)).append('\n');
        }

        private void log(int node) {
            Replica r = cluster.replica(node);
            for (long slot = r.snapshotBelow(); slot < r.slotEnd(); slot++) {
                Entry entry = r.entry(slot);
                out.append(node).append(": slot ").append(slot).append(' ')
                        .append(entry == null ? "hole" : Ballots.toString(entry.ballot()) + " "
                                + entry.value())
                        .append(r.isChosen(slot) ? " chosen" : "").append('\n');
            }
        }

        private static int limit(String[] words) {
            for (String w : words) {
                if (w.startsWith("limit=")) return Integer.parseInt(w.substring(6));
            }
            return Integer.MAX_VALUE;
        }

        private static Predicate<Message> filter(String[] words) {
            Predicate<Message> filter = m -> true;
            for (String w : words) {
                if (w.startsWith("from=")) {
                    int from = Integer.parseInt(w.substring(5));
                    filter = filter.and(m -> m.from() == from);
                } else if (w.startsWith("to=")) {
                    int to = Integer.parseInt(w.substring(3));
                    filter = filter.and(m -> m.to() == to);
                } else if (w.startsWith("type=")) {
                    MessageType type = MessageType.valueOf(w.substring(5).toUpperCase());
                    filter = filter.and(m -> m.type() == type);
                }
            }
            return filter;
        }
    }

    static String describe(Message message) {
        String head = message.from() + "->" + message.to() + " " + message.type();
        return head + switch (message.type()) {
            case PREPARE -> {
                Message.Prepare m = (Message.Prepare) message;
                yield " ballot=" + Ballots.toString(m.ballot()) + " slotFrom=" + m.slotFrom();
            }
            case PROMISE -> {
                Message.Promise m = (Message.Promise) message;
                yield " ballot=" + Ballots.toString(m.ballot()) + " chosenBelow=" + m.chosenBelow()
                        + " entries=" + m.entries();
            }
            case ACCEPT -> {
                Message.Accept m = (Message.Accept) message;
                yield " ballot=" + Ballots.toString(m.ballot()) + " chosenBelow=" + m.chosenBelow()
                        + " entries=" + m.entries();
            }
            case ACCEPTED -> {
                Message.Accepted m = (Message.Accepted) message;
                yield " ballot=" + Ballots.toString(m.ballot()) + " slots=[" + m.slotFirst() + ","
                        + m.slotEnd() + ") chosenBelow=" + m.chosenBelow()
                        + (m.leaseWaitMask() == 0 ? "" : " waitFor=" + Integer.toBinaryString(m.leaseWaitMask()));
            }
            case REFUSE -> {
                Message.Refuse m = (Message.Refuse) message;
                yield " ballot=" + Ballots.toString(m.ballot()) + " promised="
                        + Ballots.toString(m.promisedBallot()) + " leader=" + m.leaderIndex();
            }
            case HEARTBEAT -> {
                Message.Heartbeat m = (Message.Heartbeat) message;
                yield " ballot=" + Ballots.toString(m.ballot()) + " chosenBelow=" + m.chosenBelow();
            }
            case HEARTBEAT_REPLY -> {
                Message.HeartbeatReply m = (Message.HeartbeatReply) message;
                yield " ballot=" + Ballots.toString(m.ballot()) + " chosenBelow=" + m.chosenBelow()
                        + " heartbeatChosenBelow=" + m.heartbeatChosenBelow();
            }
            case LEARN -> " entries=" + ((Message.Learn) message).entries();
            case SNAPSHOT_CHUNK -> {
                Message.SnapshotChunk m = (Message.SnapshotChunk) message;
                yield " slotBelow=" + m.slotBelow() + " offset=" + m.offset() + " size="
                        + m.sizeBytes();
            }
            case READ_INDEX_REQUEST -> " request=" + ((Message.ReadIndexRequest) message).requestId();
            case READ_INDEX_REPLY -> {
                Message.ReadIndexReply m = (Message.ReadIndexReply) message;
                yield " ballot=" + Ballots.toString(m.ballot()) + " request=" + m.requestId()
                        + " index=" + m.index();
            }
            case READ_ROUND -> {
                Message.ReadRound m = (Message.ReadRound) message;
                yield " ballot=" + Ballots.toString(m.ballot()) + " round=" + m.round();
            }
            case READ_ROUND_REPLY -> {
                Message.ReadRoundReply m = (Message.ReadRoundReply) message;
                yield " ballot=" + Ballots.toString(m.ballot()) + " round=" + m.round();
            }
            case HELD -> {
                Message.Held m = (Message.Held) message;
                yield " ballot=" + Ballots.toString(m.ballot()) + " slots=[" + m.slotFirst() + ","
                        + m.slotEnd() + ")";
            }
            case LEASE_GUARD -> {
                Message.LeaseGuard m = (Message.LeaseGuard) message;
                yield era(m.era(), m.holdersMask());
            }
            case LEASE_PROMISE -> {
                Message.LeasePromise m = (Message.LeasePromise) message;
                yield era(m.era(), m.holdersMask()) + " anchorTick=" + m.anchorTick()
                        + " slotBelow=" + m.slotBelow();
            }
            case LEASE_ACK -> {
                Message.LeaseAck m = (Message.LeaseAck) message;
                yield era(m.era(), m.holdersMask()) + " holderTick=" + m.holderTick()
                        + " slotRecordedBelow=" + m.slotRecordedBelow();
            }
        };
    }

    /** The lease era, and the holder set when a log entry changed it (bootstrap era: all). */
    private static String era(long era, int holdersMask) {
        return " era=" + era + (era == kv.server.lease.LeaseConfig.BOOTSTRAP_ERA ? ""
                : " holders=" + Integer.toBinaryString(holdersMask));
    }
}
