package kv.server.consensus;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import kv.server.Limits;

/**
 * Binary encoding of {@link Message}s for the peer transport (which adds framing and a CRC32C),
 * and of {@link Entry}s for the durable log. Decoding validates every count and length against
 * the bytes present and the limits: a malformed body yields null, never an exception past here
 * and never a half-built message.
 */
public final class MessageCodec {
    private static final MessageType[] TYPES = MessageType.values();
    private static final ValueKind[] KINDS = ValueKind.values();

    private MessageCodec() {}

    /** The transport frame type of a message: 1 + ordinal, leaving 0 unused. */
    public static int frameType(MessageType type) {
        return type.ordinal() + 1;
    }

    /** The message type of a transport frame type, or null if it is not a consensus frame. */
    public static MessageType messageType(int frameType) {
        int ordinal = frameType - 1;
        return ordinal >= 0 && ordinal < TYPES.length ? TYPES[ordinal] : null;
    }

    public static byte[] encode(Message message) {
        ByteBuffer out = ByteBuffer.allocate(encodedSize(message));
        out.put((byte) message.from()).put((byte) message.to());
        switch (message.type()) {
            case PREPARE -> {
                Message.Prepare m = (Message.Prepare) message;
                out.putLong(m.ballot()).putLong(m.slotFrom());
            }
            case PROMISE -> {
                Message.Promise m = (Message.Promise) message;
                out.putLong(m.ballot()).putLong(m.chosenBelow()).putLong(m.snapshotBelow());
                putEntries(out, m.entries());
            }
            case ACCEPT -> {
                Message.Accept m = (Message.Accept) message;
                out.putLong(m.ballot()).putLong(m.chosenBelow());
                putEntries(out, m.entries());
            }
            case ACCEPTED -> {
                Message.Accepted m = (Message.Accepted) message;
                out.putLong(m.ballot()).putLong(m.slotFirst()).putLong(m.slotEnd())
                        .putLong(m.chosenBelow()).putInt(m.leaseWaitMask());
                for (long incarnation : m.waitIncarnations()) out.putLong(incarnation);
            }
            case REFUSE -> {
                Message.Refuse m = (Message.Refuse) message;
                out.putLong(m.ballot()).putLong(m.promisedBallot()).putInt(m.leaderIndex());
            }
            case HEARTBEAT -> {
                Message.Heartbeat m = (Message.Heartbeat) message;
                out.putLong(m.ballot()).putLong(m.chosenBelow());
            }
            case HEARTBEAT_REPLY -> {
                Message.HeartbeatReply m = (Message.HeartbeatReply) message;
                out.putLong(m.ballot()).putLong(m.chosenBelow()).putLong(m.heartbeatChosenBelow());
            }
            case LEARN -> putEntries(out, ((Message.Learn) message).entries());
            case SNAPSHOT_CHUNK -> {
                Message.SnapshotChunk m = (Message.SnapshotChunk) message;
                out.putLong(m.slotBelow()).putInt(m.membersMask()).putInt(m.offset())
                        .putInt(m.sizeBytes()).putInt(m.data().length).put(m.data());
            }
            case READ_INDEX_REQUEST -> out.putLong(((Message.ReadIndexRequest) message).requestId());
            case READ_INDEX_REPLY -> {
                Message.ReadIndexReply m = (Message.ReadIndexReply) message;
                out.putLong(m.ballot()).putLong(m.requestId()).putLong(m.index());
            }
            case READ_ROUND -> {
                Message.ReadRound m = (Message.ReadRound) message;
                out.putLong(m.ballot()).putLong(m.round());
            }
            case READ_ROUND_REPLY -> {
                Message.ReadRoundReply m = (Message.ReadRoundReply) message;
                out.putLong(m.ballot()).putLong(m.round());
            }
            case HELD -> {
                Message.Held m = (Message.Held) message;
                out.putLong(m.ballot()).putLong(m.slotFirst()).putLong(m.slotEnd())
                        .putLong(m.incarnation());
            }
            case LEASE_GUARD -> {
                Message.LeaseGuard m = (Message.LeaseGuard) message;
                out.putLong(m.era()).putInt(m.holdersMask());
            }
            case LEASE_PROMISE -> {
                Message.LeasePromise m = (Message.LeasePromise) message;
                out.putLong(m.era()).putInt(m.holdersMask()).putLong(m.holderIncarnation())
                        .putLong(m.anchorTick()).putLong(m.slotBelow());
            }
            case LEASE_ACK -> {
                Message.LeaseAck m = (Message.LeaseAck) message;
                out.putLong(m.era()).putInt(m.holdersMask()).putLong(m.incarnation())
                        .putLong(m.holderTick()).putLong(m.slotRecordedBelow());
            }
        }
        return out.array();
    }

    private static int encodedSize(Message message) {
        return 2 + switch (message.type()) {
            case PREPARE -> 16;
            case PROMISE -> 24 + entriesSize(((Message.Promise) message).entries());
            case ACCEPT -> 16 + entriesSize(((Message.Accept) message).entries());
            case ACCEPTED -> 36 + 8 * ((Message.Accepted) message).waitIncarnations().length;
            case HELD -> 32;
            case READ_INDEX_REQUEST -> 8;
            case READ_INDEX_REPLY -> 24;
            case READ_ROUND, READ_ROUND_REPLY -> 16;
            case REFUSE -> 20;
            case HEARTBEAT -> 16;
            case HEARTBEAT_REPLY -> 24;
            case LEARN -> entriesSize(((Message.Learn) message).entries());
            case SNAPSHOT_CHUNK -> 24 + ((Message.SnapshotChunk) message).data().length;
            case LEASE_GUARD -> 12;
            case LEASE_PROMISE, LEASE_ACK -> 36;
        };
    }

    /** Decodes a body of frame type {@code type}; null if it is malformed. */
    public static Message decode(MessageType type, byte[] body) {
        try {
            ByteBuffer in = ByteBuffer.wrap(body);
            int from = in.get() & 0xff;
            int to = in.get() & 0xff;
            if (from >= Limits.REPLICAS_COUNT_MAX || to >= Limits.REPLICAS_COUNT_MAX) return null;
            Message message = switch (type) {
                case PREPARE -> new Message.Prepare(from, to, in.getLong(), in.getLong());
                case PROMISE -> new Message.Promise(from, to, in.getLong(), in.getLong(), in.getLong(),
                        getEntries(in));
                case ACCEPT -> new Message.Accept(from, to, in.getLong(), null, in.getLong());
                case ACCEPTED -> decodeAccepted(from, to, in);
                case READ_INDEX_REQUEST -> new Message.ReadIndexRequest(from, to, in.getLong());
                case READ_INDEX_REPLY -> new Message.ReadIndexReply(from, to, in.getLong(),
                        in.getLong(), in.getLong());
                case READ_ROUND -> new Message.ReadRound(from, to, in.getLong(), in.getLong());
                case READ_ROUND_REPLY -> new Message.ReadRoundReply(from, to, in.getLong(),
                        in.getLong());
                case HELD -> new Message.Held(from, to, in.getLong(), in.getLong(), in.getLong(),
                        in.getLong());
                case REFUSE -> new Message.Refuse(from, to, in.getLong(), in.getLong(), in.getInt());
                case HEARTBEAT -> new Message.Heartbeat(from, to, in.getLong(), in.getLong());
                case HEARTBEAT_REPLY -> new Message.HeartbeatReply(from, to, in.getLong(), in.getLong(),
                        in.getLong());
                case LEARN -> new Message.Learn(from, to, getEntries(in));
                case SNAPSHOT_CHUNK -> decodeChunk(from, to, in);
                case LEASE_GUARD -> new Message.LeaseGuard(from, to, in.getLong(), getNodeMask(in));
                case LEASE_PROMISE -> new Message.LeasePromise(from, to, in.getLong(),
                        getNodeMask(in), in.getLong(), in.getLong(), in.getLong());
                case LEASE_ACK -> new Message.LeaseAck(from, to, in.getLong(), getNodeMask(in),
                        in.getLong(), in.getLong(), in.getLong());
            };
            if (message instanceof Message.Accept accept) { // entries follow the scalars
                message = new Message.Accept(from, to, accept.ballot(), getEntries(in), accept.chosenBelow());
            }
            return message != null && !in.hasRemaining() ? message : null;
        } catch (BufferUnderflowException | IllegalArgumentException malformed) {
            return null;
        }
    }

    private static Message decodeChunk(int from, int to, ByteBuffer in) {
        long slotBelow = in.getLong();
        int membersMask = in.getInt();
        int offset = in.getInt();
        int sizeBytes = in.getInt();
        int length = in.getInt();
        if (length < 0 || length > in.remaining() || offset < 0 || sizeBytes < 0
                || (long) offset + length > sizeBytes) {
            return null;
        }
        byte[] data = new byte[length];
        in.get(data);
        return new Message.SnapshotChunk(from, to, slotBelow, membersMask, offset, sizeBytes, data);
    }

    private static int entriesSize(List<Entry> entries) {
        int size = 4;
        for (Entry entry : entries) size += entrySize(entry);
        return size;
    }

    public static int entrySize(Entry entry) {
        int size = 8 + 8 + 1 + 4 + 4;
        for (byte[] command : entry.value().commands()) size += 4 + command.length;
        return size;
    }

    private static void putEntries(ByteBuffer out, List<Entry> entries) {
        out.putInt(entries.size());
        for (Entry entry : entries) putEntry(out, entry);
    }

    public static void putEntry(ByteBuffer out, Entry entry) {
        Value value = entry.value();
        out.putLong(entry.slot()).putLong(entry.ballot()).put((byte) value.kind().ordinal())
                .putInt(value.mask()).putInt(value.commands().length);
        for (byte[] command : value.commands()) out.putInt(command.length).put(command);
    }

    public static byte[] encodeEntry(Entry entry) {
        ByteBuffer out = ByteBuffer.allocate(entrySize(entry));
        putEntry(out, entry);
        return out.array();
    }

    private static List<Entry> getEntries(ByteBuffer in) {
        int count = in.getInt();
        if (count < 0 || count > in.remaining()) throw new IllegalArgumentException("entry count");
        List<Entry> entries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) entries.add(getEntry(in));
        return entries;
    }

    private static Message decodeAccepted(int from, int to, ByteBuffer in) {
        long ballot = in.getLong();
        long slotFirst = in.getLong();
        long slotEnd = in.getLong();
        long chosenBelow = in.getLong();
        int waitMask = getNodeMask(in);
        long[] incarnations = new long[Integer.bitCount(waitMask)];
        for (int i = 0; i < incarnations.length; i++) incarnations[i] = in.getLong();
        return new Message.Accepted(from, to, ballot, slotFirst, slotEnd, chosenBelow, waitMask,
                incarnations);
    }

    private static int getNodeMask(ByteBuffer in) {
        int mask = in.getInt();
        if (mask < 0 || mask >= (1 << Limits.REPLICAS_COUNT_MAX)) {
            throw new IllegalArgumentException("node mask");
        }
        return mask;
    }

    /** Reads one entry; throws IllegalArgumentException or BufferUnderflowException if malformed. */
    public static Entry getEntry(ByteBuffer in) {
        long slot = in.getLong();
        long ballot = in.getLong();
        int kind = in.get();
        int membersMask = in.getInt();
        int count = in.getInt();
        if (kind < 0 || kind >= KINDS.length || slot < 0 || count < 0 || count > in.remaining()) {
            throw new IllegalArgumentException("malformed entry");
        }
        byte[][] commands = new byte[count][];
        for (int i = 0; i < count; i++) {
            int length = in.getInt();
            if (length < 0 || length > in.remaining()) throw new IllegalArgumentException("command length");
            commands[i] = new byte[length];
            in.get(commands[i]);
        }
        return new Entry(slot, ballot, new Value(KINDS[kind], commands, membersMask));
    }
}
