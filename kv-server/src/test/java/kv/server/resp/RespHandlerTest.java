package kv.server.resp;

import static kv.server.resp.RespTestSupport.encode;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.redis.FixedRedisMessagePool;
import io.netty.handler.codec.redis.RedisDecoder;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import kv.server.Limits;
import kv.server.command.Command;
import kv.server.command.Keyspaces;
import kv.server.log.MemoryLog;
import kv.server.log.ReplicatedLog;
import org.junit.jupiter.api.Test;

/**
 * The connection layer: replies come back in request order, pipelined reads observe earlier
 * pipelined writes, transactions and connect-time commands behave as Redis clients expect.
 * The log and read path are {@link MemoryLog}: the real state machine, in memory.
 */
class RespHandlerTest {
    private final List<String> proposals = new ArrayList<>();
    private final MemoryLog memory = new MemoryLog();

    /** The in-memory log, recording which commands were proposed. */
    private final ReplicatedLog log = new ReplicatedLog() {
        @Override
        public void propose(Command command, Callback callback) {
            proposals.add(command.type().wireName);
            memory.propose(command, callback);
        }

        @Override
        public long appliedSlot() {
            return memory.appliedSlot();
        }

        @Override
        public void close() {}
    };

    private EmbeddedChannel channel() {
        Keyspaces keyspaces = new Keyspaces(List.of(
                new Keyspaces.Keyspace("default", 0, Keyspaces.Mode.STRONG),
                new Keyspaces.Keyspace("cache", 1, Keyspaces.Mode.STRONG)));
        TreeMap<String, String> config = new TreeMap<>();
        config.put("save", "");
        config.put("appendonly", "yes");
        InfoSource info = new InfoSource() {
            @Override
            public String section(String name) {
                return name.equals("server") ? "# Server\r\nredis_version:7.2.0\r\n" : "";
            }

            @Override
            public List<String> defaultSections() {
                return List.of("server");
            }
        };
        RespContext context = new RespContext(keyspaces, log, memory, RespMetrics.NONE, info,
                config, 4, new ClientRegistry());
        return new EmbeddedChannel(new io.netty.channel.ChannelInitializer<io.netty.channel.Channel>() {
            @Override
            protected void initChannel(io.netty.channel.Channel ch) {
                RespPipeline.initialize(ch.pipeline(), context);
            }
        });
    }

    private static String exchange(EmbeddedChannel channel, byte[]... requests) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] request : requests) all.writeBytes(request);
        channel.writeInbound(Unpooled.wrappedBuffer(all.toByteArray()));
        channel.runPendingTasks();
        StringBuilder out = new StringBuilder();
        ByteBuf buf;
        while ((buf = channel.readOutbound()) != null) {
            out.append(buf.toString(StandardCharsets.UTF_8));
            buf.release();
        }
        return out.toString();
    }

    @Test
    void pipelinedRepliesKeepOrderAndReadsSeeEarlierWrites() {
        EmbeddedChannel channel = channel();
        String replies = exchange(channel, encode("SET", "a", "1"), encode("GET", "a"),
                encode("INCR", "a"), encode("GET", "a"), encode("PING"), encode("MGET", "a", "b"));
        assertThat(replies).isEqualTo("+OK\r\n$1\r\n1\r\n:2\r\n$1\r\n2\r\n+PONG\r\n*2\r\n$1\r\n2\r\n$-1\r\n");
    }

    @Test
    void connectTimeCommandsOfRedisClients() {
        EmbeddedChannel channel = channel();
        assertThat(exchange(channel, encode("HELLO", "3"))).startsWith("-NOPROTO");
        assertThat(exchange(channel, encode("HELLO", "2"))).contains("proto").contains(":2\r\n");
        assertThat(exchange(channel, encode("CLIENT", "SETINFO", "LIB-NAME", "jedis"))).isEqualTo("+OK\r\n");
        assertThat(exchange(channel, encode("CLIENT", "SETNAME", "worker"))).isEqualTo("+OK\r\n");
        assertThat(exchange(channel, encode("CLIENT", "GETNAME"))).isEqualTo("$6\r\nworker\r\n");
        assertThat(exchange(channel, encode("CONFIG", "GET", "save"))).isEqualTo("*2\r\n$4\r\nsave\r\n$0\r\n\r\n");
        assertThat(exchange(channel, encode("CONFIG", "GET", "appendonly")))
                .isEqualTo("*2\r\n$10\r\nappendonly\r\n$3\r\nyes\r\n");
        assertThat(exchange(channel, encode("INFO", "server"))).contains("redis_version:7.2.0");
        assertThat(exchange(channel, encode("COMMAND", "COUNT"))).startsWith(":");
        assertThat(exchange(channel, encode("COMMAND", "DOCS"))).isEqualTo("*0\r\n");
        assertThat(exchange(channel, "PING\r\n".getBytes())).isEqualTo("+PONG\r\n");
    }

    @Test
    void selectSwitchesKeyspaceByIndexOrName() {
        EmbeddedChannel channel = channel();
        exchange(channel, encode("SET", "k", "zero"));
        assertThat(exchange(channel, encode("SELECT", "cache"), encode("GET", "k"))).isEqualTo("+OK\r\n$-1\r\n");
        assertThat(exchange(channel, encode("SELECT", "0"), encode("GET", "k"))).isEqualTo("+OK\r\n$4\r\nzero\r\n");
        assertThat(exchange(channel, encode("SELECT", "9"))).startsWith("-ERR DB index is out of range");
    }

    @Test
    void transactionsQueueThenApplyAsOneProposal() {
        EmbeddedChannel channel = channel();
        String replies = exchange(channel, encode("MULTI"), encode("SET", "a", "1"), encode("INCR", "a"),
                encode("GET", "a"), encode("EXEC"));
        assertThat(replies).isEqualTo("+OK\r\n+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n*3\r\n+OK\r\n:2\r\n$1\r\n2\r\n");
        assertThat(proposals).containsExactly("exec");
    }

    @Test
    void queuingErrorAbortsExecAndChangesNothing() {
        EmbeddedChannel channel = channel();
        String replies = exchange(channel, encode("MULTI"), encode("SET", "a", "1"), encode("NOSUCH"),
                encode("EXEC"), encode("GET", "a"));
        assertThat(replies).contains("-ERR unknown command 'NOSUCH'").contains("-EXECABORT")
                .endsWith("$-1\r\n");
        assertThat(proposals).isEmpty();
    }

    @Test
    void watchedKeyChangedByAnotherClientAbortsExec() {
        EmbeddedChannel first = channel();
        EmbeddedChannel second = channel();
        exchange(first, encode("SET", "balance", "10"));
        assertThat(exchange(first, encode("WATCH", "balance"))).isEqualTo("+OK\r\n");
        exchange(second, encode("SET", "balance", "20"));
        assertThat(exchange(first, encode("MULTI"), encode("SET", "balance", "0"), encode("EXEC")))
                .isEqualTo("+OK\r\n+QUEUED\r\n*-1\r\n");
        assertThat(exchange(first, encode("GET", "balance"))).isEqualTo("$2\r\n20\r\n");
        // After EXEC the watch is gone: the next transaction applies.
        assertThat(exchange(first, encode("MULTI"), encode("SET", "balance", "0"), encode("EXEC")))
                .endsWith("*1\r\n+OK\r\n");
    }

    @Test
    void errorsKeepTheConnectionOpenExceptProtocolErrors() {
        EmbeddedChannel channel = channel();
        assertThat(exchange(channel, encode("GET"))).startsWith("-ERR wrong number of arguments for 'get'");
        assertThat(exchange(channel, encode("GET", "x".repeat(Limits.KEY_SIZE_BYTES_MAX + 1))))
                .startsWith("-LIMIT key size 1025 bytes exceeds max 1024 bytes");
        assertThat(channel.isOpen()).isTrue();
        assertThat(exchange(channel, "*1\r\n*1\r\n".getBytes())).startsWith("-ERR Protocol error");
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void sessionWritesApplyOnceAndPipelineInOneBatch() {
        EmbeddedChannel channel = channel();
        String replies = exchange(channel, encode("SESSION", "42", "1", "INCR", "n"),
                encode("SESSION", "43", "1", "INCR", "n"), encode("SESSION", "42", "1", "INCR", "n"),
                encode("SESSION", "42", "2", "GET", "n"));
        assertThat(replies).isEqualTo(":1\r\n:2\r\n:1\r\n$1\r\n2\r\n"); // the retry got its first result
        assertThat(proposals).containsExactly("incr", "incr", "incr");
        assertThat(exchange(channel, encode("SESSION", "0", "1", "INCR", "n"))).startsWith("-ERR SESSION needs");
        assertThat(exchange(channel, encode("SESSION", "44", "1", "PING"))).startsWith("-ERR SESSION wraps");
    }

    @Test
    void quitRepliesThenCloses() {
        EmbeddedChannel channel = channel();
        assertThat(exchange(channel, encode("QUIT"))).isEqualTo("+OK\r\n");
        assertThat(channel.isOpen()).isFalse();
    }
}
