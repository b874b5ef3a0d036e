package kv.server.eventual;

import java.util.ArrayList;
import java.util.List;
import kv.server.Limits;
import kv.server.command.Reply;
import kv.server.eventual.EventualMessage.Update;
import kv.server.eventual.EventualReady.OutboundMessage;
import kv.server.eventual.EventualReady.ReplyToSend;

/** Messages and replies produced during one turn, handed out in the next {@link EventualReady}. */
final class Outbox {
    private final Hlc hlc;
    private List<OutboundMessage> messages = new ArrayList<>();
    private List<ReplyToSend> replies = new ArrayList<>();

    Outbox(Hlc hlc) {
        this.hlc = hlc;
    }

    /** Encodes now, stamped with a fresh clock reading (the clock advances on every send). */
    void send(int toNodeIndex, EventualMessage message) {
        byte[] body = EventualCodec.encode(message, hlc.now());
        kv.server.Assert.that(body.length <= Limits.EVENTUAL_MESSAGE_SIZE_BYTES_MAX,
                "eventual message of %d bytes", body.length);
        messages.add(new OutboundMessage(toNodeIndex, message.type().frameType, body));
    }

    void reply(long requestId, Reply reply) {
        replies.add(new ReplyToSend(requestId, reply));
    }

    /**
     * Splits {@code updates} into chunks of about {@link Limits#EVENTUAL_MESSAGE_SIZE_BYTES_TARGET}
     * (at least one update each, so one largest value still travels).
     */
    static List<List<Update>> chunks(List<Update> updates) {
        List<List<Update>> chunks = new ArrayList<>();
        List<Update> chunk = new ArrayList<>();
        int sizeBytes = 0;
        for (Update update : updates) {
            int updateBytes = EventualCodec.updateSizeBytes(update);
            boolean full = chunk.size() == Limits.EVENTUAL_MESSAGE_UPDATES_COUNT_MAX
                    || sizeBytes + updateBytes > Limits.EVENTUAL_MESSAGE_SIZE_BYTES_TARGET;
            if (full && !chunk.isEmpty()) {
                chunks.add(chunk);
                chunk = new ArrayList<>();
                sizeBytes = 0;
            }
            chunk.add(update);
            sizeBytes += updateBytes;
        }
        if (!chunk.isEmpty()) chunks.add(chunk);
        return chunks;
    }

    List<OutboundMessage> takeMessages() {
        List<OutboundMessage> taken = messages;
        messages = new ArrayList<>();
        return taken;
    }

    List<ReplyToSend> takeReplies() {
        List<ReplyToSend> taken = replies;
        replies = new ArrayList<>();
        return taken;
    }
}
