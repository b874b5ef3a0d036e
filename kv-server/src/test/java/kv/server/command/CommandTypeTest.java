package kv.server.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** Command names resolve case-insensitively, and nothing else resolves. */
class CommandTypeTest {
    private static CommandType lookup(String name) {
        return CommandType.lookup(name.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void everyCommandResolvesInAnyCase() {
        for (CommandType type : CommandType.values()) {
            String name = type.name();
            assertThat(lookup(name)).isEqualTo(type);
            assertThat(lookup(name.toLowerCase(Locale.ROOT))).isEqualTo(type);
            String mixed = name.substring(0, 1).toLowerCase(Locale.ROOT) + name.substring(1);
            assertThat(lookup(mixed)).isEqualTo(type);
        }
    }

    @Test
    void unknownNamesDoNotResolve() {
        for (String name : new String[] {"", "GE", "GETT", "SETX", "X", "ZRANGEBYSCOREX", "{ET", "gEt\u00e9",
                "averyveryverylongcommandname", "1234", "*"}) {
            assertThat(lookup(name)).as(name).isNull();
        }
    }
}
