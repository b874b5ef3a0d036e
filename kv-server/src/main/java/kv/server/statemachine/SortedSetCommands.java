package kv.server.statemachine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import kv.server.Limits;
import kv.server.command.Reply;
import kv.server.statemachine.KeyspaceView.Meta;

/**
 * Sorted-set commands. Each member has two records: member -> score, and (score, member) in
 * score order, so ranges and ranks are ordered scans.
 */
final class SortedSetCommands {
    private SortedSetCommands() {}

    private static final Reply NOT_COMPATIBLE_XX_NX =
            Reply.error("ERR XX and NX options at the same time are not compatible");
    private static final Reply NOT_COMPATIBLE_GT_LT_NX =
            Reply.error("ERR GT, LT, and/or NX options at the same time are not compatible");
    private static final Reply MIN_MAX_NOT_FLOAT = Reply.error("ERR min or max is not a float");

    private static Meta zsetMeta(KeyspaceView view, byte[] key, boolean[] wrongType) {
        Meta meta = view.meta(key);
        wrongType[0] = meta != null && meta.type() != KeyLayout.TYPE_ZSET;
        return meta;
    }

    private static byte[] memberKey(KeyspaceView view, byte[] key, byte[] member) {
        return KeyLayout.concat(
                KeyLayout.subPrefix(view.keyspace, KeyLayout.TAG_ZSET_MEMBER, key), member);
    }

    private static byte[] scorePrefix(KeyspaceView view, byte[] key) {
        return KeyLayout.subPrefix(view.keyspace, KeyLayout.TAG_ZSET_SCORE, key);
    }

    private static Double score(KeyspaceView view, byte[] key, byte[] member) {
        byte[] raw = view.reader.get(memberKey(view, key, member));
        return raw == null ? null : Double.longBitsToDouble(Bytes.getLong(raw, 0));
    }

    /** Stores member at score, replacing its old score record; returns true if it is new. */
    private static boolean putMember(KeyspaceView view, byte[] key, byte[] member, Double old,
                                     double score) {
        byte[] scorePrefix = scorePrefix(view, key);
        if (old != null) view.overlay.delete(KeyLayout.scoreEntry(scorePrefix, old, member));
        view.overlay.put(memberKey(view, key, member), Bytes.ofLong(Double.doubleToLongBits(score)));
        view.overlay.put(KeyLayout.scoreEntry(scorePrefix, score, member), new byte[0]);
        return old == null;
    }

    /** ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...] */
    static Reply zadd(KeyspaceView view, byte[][] args) {
        boolean nx = false, xx = false, gt = false, lt = false, ch = false, incr = false;
        int i = 2;
        for (; i < args.length; i++) {
            byte[] option = args[i];
            if (Args.is(option, "NX")) nx = true;
            else if (Args.is(option, "XX")) xx = true;
            else if (Args.is(option, "GT")) gt = true;
            else if (Args.is(option, "LT")) lt = true;
            else if (Args.is(option, "CH")) ch = true;
            else if (Args.is(option, "INCR")) incr = true;
            else break;
        }
        int pairs = args.length - i;
        if (pairs == 0 || pairs % 2 != 0) return Reply.SYNTAX;
        if (nx && xx) return NOT_COMPATIBLE_XX_NX;
        if ((gt && lt) || (nx && (gt || lt))) return NOT_COMPATIBLE_GT_LT_NX;
        if (incr && pairs != 2) {
            return Reply.error("ERR INCR option supports a single increment-element pair");
        }
        double[] scores = new double[pairs / 2];
        for (int p = 0; p < scores.length; p++) {
            Double parsed = Args.parseDouble(args[i + 2 * p]);
            if (parsed == null) return Reply.NOT_FLOAT;
            scores[p] = parsed;
        }
        boolean[] wrongType = new boolean[1];
        Meta meta = zsetMeta(view, args[1], wrongType);
        if (wrongType[0]) return Reply.WRONGTYPE;
        long count = meta == null ? 0 : meta.count();
        long added = 0;
        long changed = 0;
        Double incrResult = null;
        for (int p = 0; p < scores.length; p++) {
            byte[] member = args[i + 2 * p + 1];
            Double old = meta == null && count == 0 ? null : score(view, args[1], member);
            if ((nx && old != null) || (xx && old == null)) continue;
            double next = incr ? (old == null ? 0 : old) + scores[p] : scores[p];
            if (Double.isNaN(next)) return Reply.error("ERR resulting score is not a number (NaN)");
            if (old != null && ((gt && next <= old) || (lt && next >= old))) continue;
            incrResult = next;
            if (old != null && old == next) continue;
            if (putMember(view, args[1], member, old, next)) added++;
            else changed++;
            count += old == null ? 1 : 0;
        }
        if (added + changed > 0) view.putCount(args[1], KeyLayout.TYPE_ZSET, count, meta);
        if (incr) return incrResult == null ? Reply.NIL : Reply.bulk(Args.formatDouble(incrResult));
        return Reply.integer(ch ? added + changed : added);
    }

    static Reply zincrby(KeyspaceView view, byte[][] args) {
        Double delta = Args.parseDouble(args[2]);
        if (delta == null) return Reply.NOT_FLOAT;
        boolean[] wrongType = new boolean[1];
        Meta meta = zsetMeta(view, args[1], wrongType);
        if (wrongType[0]) return Reply.WRONGTYPE;
        Double old = meta == null ? null : score(view, args[1], args[3]);
        double next = (old == null ? 0 : old) + delta;
        if (Double.isNaN(next)) return Reply.error("ERR resulting score is not a number (NaN)");
        putMember(view, args[1], args[3], old, next);
        long count = (meta == null ? 0 : meta.count()) + (old == null ? 1 : 0);
        view.putCount(args[1], KeyLayout.TYPE_ZSET, count, meta);
        return Reply.bulk(Args.formatDouble(next));
    }

    static Reply zrem(KeyspaceView view, byte[][] args) {
        boolean[] wrongType = new boolean[1];
        Meta meta = zsetMeta(view, args[1], wrongType);
        if (wrongType[0]) return Reply.WRONGTYPE;
        if (meta == null) return Reply.ZERO;
        long removed = 0;
        byte[] scorePrefix = scorePrefix(view, args[1]);
        for (int i = 2; i < args.length; i++) {
            Double old = score(view, args[1], args[i]);
            if (old == null) continue;
            view.overlay.delete(memberKey(view, args[1], args[i]));
            view.overlay.delete(KeyLayout.scoreEntry(scorePrefix, old, args[i]));
            removed++;
        }
        if (removed > 0) view.putCount(args[1], KeyLayout.TYPE_ZSET, meta.count() - removed, meta);
        return Reply.integer(removed);
    }

    static Reply zscore(KeyspaceView view, byte[][] args) {
        boolean[] wrongType = new boolean[1];
        Meta meta = zsetMeta(view, args[1], wrongType);
        if (wrongType[0]) return Reply.WRONGTYPE;
        Double score = meta == null ? null : score(view, args[1], args[2]);
        return score == null ? Reply.NIL : Reply.bulk(Args.formatDouble(score));
    }

    static Reply zcard(KeyspaceView view, byte[][] args) {
        boolean[] wrongType = new boolean[1];
        Meta meta = zsetMeta(view, args[1], wrongType);
        if (wrongType[0]) return Reply.WRONGTYPE;
        return Reply.integer(meta == null ? 0 : meta.count());
    }

    /** ZRANK key member [WITHSCORE]: counts the members ordered before it. */
    static Reply zrank(KeyspaceView view, byte[][] args) {
        boolean withScore = args.length == 4 && Args.is(args[3], "WITHSCORE");
        if (args.length > 4 || (args.length == 4 && !withScore)) return Reply.SYNTAX;
        boolean[] wrongType = new boolean[1];
        Meta meta = zsetMeta(view, args[1], wrongType);
        if (wrongType[0]) return Reply.WRONGTYPE;
        Double score = meta == null ? null : score(view, args[1], args[2]);
        if (score == null) return withScore ? Reply.NIL_ARRAY : Reply.NIL;
        byte[] prefix = scorePrefix(view, args[1]);
        byte[] self = KeyLayout.scoreEntry(prefix, score, args[2]);
        long rank = 0;
        try (StateCursor cursor = view.reader.scan(prefix, self)) {
            for (; cursor.valid(); cursor.next()) rank++;
        }
        if (!withScore) return Reply.integer(rank);
        return Reply.array(List.of(Reply.integer(rank), Reply.bulk(Args.formatDouble(score))));
    }

    /** A score bound: "(1.5" is exclusive, "-inf"/"+inf" unbounded. */
    private record Bound(double value, boolean exclusive) {
        static Bound parse(byte[] arg) {
            boolean exclusive = arg.length > 0 && arg[0] == '(';
            byte[] number = exclusive ? KeyLayout.suffix(arg, 1) : arg;
            Double value = Args.parseDouble(number);
            return value == null ? null : new Bound(value, exclusive);
        }

        boolean belowOrAt(double score) { // score >= this as a minimum
            return exclusive ? score > value : score >= value;
        }

        boolean aboveOrAt(double score) { // score <= this as a maximum
            return exclusive ? score < value : score <= value;
        }
    }

    /** ZRANGEBYSCORE key min max [WITHSCORES] [LIMIT offset count] */
    static Reply zrangeByScore(KeyspaceView view, byte[][] args) {
        byte[][] normalized = new byte[args.length + 1][];
        normalized[0] = args[0];
        System.arraycopy(args, 1, normalized, 1, 3);
        normalized[4] = Args.ascii("BYSCORE");
        System.arraycopy(args, 4, normalized, 5, args.length - 4);
        return zrange(view, normalized);
    }

    /** ZRANGE key start stop [BYSCORE] [REV] [LIMIT offset count] [WITHSCORES] */
    static Reply zrange(KeyspaceView view, byte[][] args) {
        boolean byScore = false, rev = false, withScores = false;
        long offset = 0;
        long limit = -1;
        for (int i = 4; i < args.length; i++) {
            if (Args.is(args[i], "BYSCORE")) byScore = true;
            else if (Args.is(args[i], "REV")) rev = true;
            else if (Args.is(args[i], "WITHSCORES")) withScores = true;
            else if (Args.is(args[i], "BYLEX")) {
                return Reply.error("ERR ZRANGE BYLEX is not supported yet; use BYSCORE or ranks");
            } else if (Args.is(args[i], "LIMIT") && i + 2 < args.length) {
                Long parsedOffset = Args.parseLong(args[i + 1]);
                Long parsedCount = Args.parseLong(args[i + 2]);
                if (parsedOffset == null || parsedCount == null) return Reply.NOT_INTEGER;
                offset = parsedOffset;
                limit = parsedCount;
                i += 2;
            } else {
                return Reply.SYNTAX;
            }
        }
        if (limit != -1 && !byScore) {
            return Reply.error("ERR syntax error, LIMIT is only supported in combination with"
                    + " either BYSCORE or BYLEX");
        }
        boolean[] wrongType = new boolean[1];
        Meta meta = zsetMeta(view, args[1], wrongType);
        if (wrongType[0]) return Reply.WRONGTYPE;
        List<byte[][]> entries = byScore
                ? scoreRange(view, args, rev, offset, limit, meta)
                : rankRange(view, args, rev, meta);
        if (entries == null) {
            return byScore ? MIN_MAX_NOT_FLOAT : Reply.NOT_INTEGER;
        }
        if (entries.size() == 1 && entries.get(0) == TOO_MANY) {
            return Reply.error("LIMIT ZRANGE reply would exceed " + Limits.REPLY_ELEMENTS_COUNT_MAX
                    + " elements; narrow the range or use LIMIT");
        }
        List<Reply> out = new ArrayList<>(entries.size() * (withScores ? 2 : 1));
        for (byte[][] entry : entries) {
            out.add(Reply.bulk(entry[0]));
            if (withScores) out.add(Reply.bulk(Args.formatDouble(
                    KeyLayout.scoreFromSortable(Bytes.getLong(entry[1], 0)))));
        }
        return Reply.array(out);
    }

    private static final byte[][] TOO_MANY = new byte[0][];

    /** Entries (member, sortable score) with rank in [start, stop]; null on a bad index. */
    private static List<byte[][]> rankRange(KeyspaceView view, byte[][] args, boolean rev,
                                            Meta meta) {
        Long start = Args.parseLong(args[2]);
        Long stop = Args.parseLong(args[3]);
        if (start == null || stop == null) return null;
        long count = meta == null ? 0 : meta.count();
        long from = start < 0 ? Math.max(0, count + start) : start;
        long to = stop < 0 ? count + stop : Math.min(stop, count - 1);
        if (from > to || from >= count) return List.of();
        if (rev) { // rank r from the end is rank count-1-r from the start
            long forwardFrom = count - 1 - to;
            to = count - 1 - from;
            from = forwardFrom;
        }
        if (to - from + 1 > Limits.REPLY_ELEMENTS_COUNT_MAX) return Collections.singletonList(TOO_MANY);
        List<byte[][]> out = new ArrayList<>((int) (to - from + 1));
        byte[] prefix = scorePrefix(view, args[1]);
        long rank = 0;
        try (StateCursor cursor = view.reader.scan(prefix, Bytes.prefixEnd(prefix))) {
            for (; cursor.valid() && rank <= to; cursor.next(), rank++) {
                if (rank >= from) out.add(splitScoreEntry(cursor.key(), prefix.length));
            }
        }
        if (rev) Collections.reverse(out);
        return out;
    }

    /** Entries with score within [min, max] (REV: args give max first), after LIMIT. */
    private static List<byte[][]> scoreRange(KeyspaceView view, byte[][] args, boolean rev,
                                             long offset, long limit, Meta meta) {
        Bound min = Bound.parse(args[rev ? 3 : 2]);
        Bound max = Bound.parse(args[rev ? 2 : 3]);
        if (min == null || max == null) return null;
        if (meta == null || offset < 0) return List.of();
        byte[] prefix = scorePrefix(view, args[1]);
        byte[] from = KeyLayout.concat(prefix, Bytes.ofLong(KeyLayout.sortableScore(min.value())));
        List<byte[][]> matched = new ArrayList<>();
        long skipped = 0;
        try (StateCursor cursor = view.reader.scan(from, Bytes.prefixEnd(prefix))) {
            for (; cursor.valid(); cursor.next()) {
                byte[][] entry = splitScoreEntry(cursor.key(), prefix.length);
                double score = KeyLayout.scoreFromSortable(Bytes.getLong(entry[1], 0));
                if (!min.belowOrAt(score)) continue;
                if (!max.aboveOrAt(score)) break;
                if (!rev && skipped < offset) {
                    skipped++;
                    continue;
                }
                if (matched.size() >= Limits.REPLY_ELEMENTS_COUNT_MAX) return Collections.singletonList(TOO_MANY);
                matched.add(entry);
                if (!rev && limit >= 0 && matched.size() >= limit) break;
            }
        }
        if (!rev) return matched;
        Collections.reverse(matched);
        int fromIndex = (int) Math.min(offset, matched.size());
        int toIndex = limit < 0 ? matched.size() : (int) Math.min(matched.size(), fromIndex + limit);
        return matched.subList(fromIndex, toIndex);
    }

    /** A score-order key split into {member, sortable score bytes}. */
    private static byte[][] splitScoreEntry(byte[] key, int prefixLength) {
        byte[] score = new byte[8];
        System.arraycopy(key, prefixLength, score, 0, 8);
        return new byte[][] {KeyLayout.suffix(key, prefixLength + 8), score};
    }
}
