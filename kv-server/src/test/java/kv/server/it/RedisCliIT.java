package kv.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/*
 * Property: the stock Redis tools work against a real kv-server: redis-cli (which sends
 * INFO SERVER and COMMAND DOCS at connect) runs ping, set/get, --scan and info; an inline
 * (telnet-style) PING is answered; and redis-benchmark, which opens with CONFIG GET and an
 * inline PING, runs ping/set/get/incr/hset/mset to completion with no error replies.
 */
@ExtendWith(ServerLogOnFailure.class)
@Timeout(120)
class RedisCliIT {
    private static final Path REDIS_CLI = Path.of("/usr/bin/redis-cli");
    private static final Path REDIS_BENCHMARK = Path.of("/usr/bin/redis-benchmark");
    private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration BENCHMARK_TIMEOUT = Duration.ofSeconds(90);

    private static ServerProcess server;
    private static Path workDir;

    @BeforeAll
    static void start() throws IOException {
        Assumptions.assumeTrue(Files.isExecutable(ExternalTools.resolve(REDIS_CLI)) && Files.isExecutable(ExternalTools.resolve(REDIS_BENCHMARK)),
                "redis-cli / redis-benchmark not installed; run scripts/test.sh, which installs redis-tools");
        server = ServerProcess.start(ServerProcess.Options.defaults().name("redis-cli"));
        workDir = Files.createTempDirectory("synod-redis-cli-out-");
    }

    @AfterAll
    static void stop() throws IOException {
        if (server != null) server.close();
        if (workDir != null) {
            try (var files = Files.list(workDir)) {
                for (Path p : files.toList()) Files.deleteIfExists(p);
            }
            Files.deleteIfExists(workDir);
        }
    }

    @AfterEach
    void stillServing() throws IOException {
        server.assertServing();
    }

    private static ExternalTools.Run cli(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(ExternalTools.resolve(REDIS_CLI).toString(),
                "-h", ServerProcess.HOST, "-p", Integer.toString(server.port())));
        command.addAll(Arrays.asList(args));
        ExternalTools.Run run = ExternalTools.run(workDir, TOOL_TIMEOUT, command.toArray(new String[0]));
        assertThat(run.exitCode()).as("redis-cli %s exit code; output:%n%s", String.join(" ", args),
                run.output()).isZero();
        return run;
    }

    @Test
    void pingSetGet() throws Exception {
        assertThat(cli("ping").output().trim()).isEqualTo("PONG");
        assertThat(cli("set", "cli:key", "hello world").output().trim()).isEqualTo("OK");
        assertThat(cli("get", "cli:key").output().trim()).isEqualTo("hello world");
        assertThat(cli("incr", "cli:n").output().trim()).isEqualTo("1");
        assertThat(cli("hset", "cli:h", "f", "v").output().trim()).isEqualTo("1");
        assertThat(cli("hget", "cli:h", "f").output().trim()).isEqualTo("v");
        assertThat(cli("get", "cli:none").output().trim()).isEmpty(); // nil prints an empty line
        assertThat(cli("del", "cli:key", "cli:n", "cli:h").output().trim()).isEqualTo("3");
    }

    @Test
    void scanListsEveryKey() throws Exception {
        Set<String> expected = new HashSet<>();
        try (Resp raw = server.connect()) {
            List<Object> mset = new ArrayList<>(List.of("MSET"));
            for (int i = 0; i < 150; i++) {
                mset.add("scan:" + i);
                mset.add("v");
                expected.add("scan:" + i);
            }
            assertThat(raw.call(mset.toArray())).isEqualTo("OK");
        }
        Set<String> scanned = cli("--scan", "--pattern", "scan:*").output().lines()
                .map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
        assertThat(scanned).isEqualTo(expected);
        Set<String> all = cli("--scan").output().lines().map(String::trim)
                .filter(s -> !s.isEmpty()).collect(Collectors.toSet());
        assertThat(all).containsAll(expected);
        try (Resp raw = server.connect()) {
            raw.call("FLUSHDB");
        }
    }

    @Test
    void infoServerHasRedisVersion() throws Exception {
        String info = cli("info", "server").output();
        assertThat(info).contains("# Server").containsPattern("redis_version:\\d+\\.\\d+");
    }

    @Test
    void inlinePingOverRawSocket() throws Exception {
        try (Resp raw = server.connect()) {
            raw.sendRaw("PING\r\n");
            assertThat(raw.read()).isEqualTo("PONG");
            raw.sendRaw("ECHO hello\r\n");
            assertThat(Resp.show(raw.read())).isEqualTo("\"hello\"");
            raw.sendRaw("SET inline:k \"two words\"\r\nGET inline:k\r\n");
            assertThat(raw.read()).isEqualTo("OK");
            assertThat(Resp.show(raw.read())).isEqualTo("\"two words\"");
            assertThat(raw.call("DEL", "inline:k")).isEqualTo(1L);
        }
    }

    @Test
    void inlineCommandEndedByBareLineFeed() throws Exception {
        // Redis ends an inline command at LF with or without CR (processInlineBuffer), which is
        // what `nc` and many telnet clients send.
        try (Resp raw = server.connect()) {
            raw.sendRaw("PING\n");
            assertThat(raw.read()).isEqualTo("PONG");
            raw.sendRaw("ECHO lf\n");
            assertThat(Resp.show(raw.read())).isEqualTo("\"lf\"");
        }
    }

    @Test
    void redisBenchmarkCompletesWithoutErrors() throws Exception {
        ExternalTools.Run run = ExternalTools.run(workDir, BENCHMARK_TIMEOUT, ExternalTools.resolve(REDIS_BENCHMARK).toString(),
                "-h", ServerProcess.HOST, "-p", Integer.toString(server.port()),
                "-t", "ping,set,get,incr,hset,mset", "-n", "20000", "-r", "100000", "-q");
        String output = run.output();
        System.out.println("redis-benchmark output:\n" + output.replace("\r", "\n"));
        assertThat(run.exitCode()).as("redis-benchmark exit code; output:%n%s", output).isZero();
        // -q rewrites a progress line with CR; the final result of each test ends with LF.
        List<String> lines = Arrays.stream(output.split("[\r\n]+")).map(String::trim)
                .filter(s -> !s.isEmpty()).toList();
        assertThat(lines).noneMatch(l -> l.contains("ERR") || l.toLowerCase().contains("error"));
        List<String> results = lines.stream().filter(l -> l.contains("requests per second")).toList();
        // "ping" runs two tests (inline and multibulk).
        for (String test : List.of("PING_INLINE", "PING_MBULK", "SET", "GET", "INCR", "HSET", "MSET")) {
            assertThat(results).as("one result line for %s in:%n%s", test, output)
                    .filteredOn(l -> l.startsWith(test + ":") || l.startsWith("\"" + test)
                            || l.startsWith(test + " "))
                    .hasSize(1);
        }
        assertThat(results).hasSize(7);
    }
}
