package kv.client;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reply conversions to typed results; a reply of another type is a {@link ProtocolException}. */
final class Replies {
    private Replies() {}

    static String string(Object reply) {
        if (reply == null) return null;
        if (reply instanceof byte[] bulk) return Resp.text(bulk);
        if (reply instanceof String simple) return simple;
        throw unexpected("a string", reply);
    }

    static byte[] bytes(Object reply) {
        if (reply == null || reply instanceof byte[]) return (byte[]) reply;
        if (reply instanceof String simple) return Resp.bytes(simple);
        throw unexpected("a bulk string", reply);
    }

    static Void ok(Object reply) {
        if ("OK".equals(reply)) return null;
        throw unexpected("+OK", reply);
    }

    static Long integer(Object reply) {
        if (reply instanceof Long value) return value;
        throw unexpected("an integer", reply);
    }

    static Boolean bool(Object reply) {
        return integer(reply) != 0;
    }

    static Double decimal(Object reply) {
        String text = string(reply);
        if (text == null) return null;
        return parseScore(text);
    }

    static List<String> strings(Object reply) {
        List<?> list = list(reply);
        List<String> out = new ArrayList<>(list.size());
        for (Object element : list) out.add(string(element));
        return out;
    }

    static Map<String, String> map(Object reply) {
        List<?> list = list(reply);
        if (list.size() % 2 != 0) throw unexpected("field-value pairs", reply);
        Map<String, String> out = new LinkedHashMap<>(list.size());
        for (int i = 0; i < list.size(); i += 2) out.put(string(list.get(i)), string(list.get(i + 1)));
        return out;
    }

    static List<ScoredMember> scored(Object reply) {
        List<?> list = list(reply);
        if (list.size() % 2 != 0) throw unexpected("member-score pairs", reply);
        List<ScoredMember> out = new ArrayList<>(list.size() / 2);
        for (int i = 0; i < list.size(); i += 2) {
            out.add(new ScoredMember(string(list.get(i)), parseScore(string(list.get(i + 1)))));
        }
        return out;
    }

    static Object raw(Object reply) {
        return reply;
    }

    private static List<?> list(Object reply) {
        if (reply == null) return Collections.emptyList();
        if (reply instanceof List<?> list) return list;
        throw unexpected("an array", reply);
    }

    private static double parseScore(String text) {
        return switch (text) {
            case "inf", "+inf" -> Double.POSITIVE_INFINITY;
            case "-inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(text);
        };
    }

    private static ProtocolException unexpected(String expected, Object reply) {
        return new ProtocolException("expected " + expected + ", got " + Resp.show(reply));
    }
}
