package kv.server.lease;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * A naive real-time reference for {@link QuorumLease}: one holder (node 0) and its grantors,
 * each with its own {@code QuorumLease} and its own clock ticking every
 * {@code PERIOD_UNITS * (1 + drift)} units of true time, exchanging guards, promises and
 * acknowledgements over a network that delays, drops and cuts the holder off for up to two
 * leases at a time, with restarts. After every event it
 * checks in true time what the lease promises:
 *
 * <ul>
 *   <li>while the holder counts grantor g's promise valid, g still counts its grant live (or
 *       is within the window after a restart in which it honours grants it forgot): the
 *       holder's expiry, mapped to true time, never passes the grantor's lengthened one;
 *   <li>while the holder counts g, g acknowledges no accepted slot beyond what the holder has
 *       recorded ({@code gateSlotEnd <= slotRequiredBelow}): no write completes past a holder
 *       that may still read;
 *   <li>while the holder's lease is valid, at least floor(N/2) grantors count their grant live.
 * </ul>
 *
 * <p>The holder filters promises anchored in another incarnation, as the replica does.
 */
final class LeaseModel {
    /** Units of true time per tick of a clock without drift. */
    static final long PERIOD_UNITS = 1_000;

    /** The world: shape of the lease, clocks, network, faults, and how long to run. */
    record Scenario(int membersCount, int leaseTicks, int guardTicks, int renewTicks,
                    int driftBoundPpm, List<Double> driftFractions, long delayUnitsMax,
                    int dropPercent, int restartPermille, int partitionPermille,
                    int slotPercent, int ticksCount, long seed) {}

    /** The implementation under test, or a deliberately broken one to show the checks bite. */
    enum Variant {
        CORRECT,
        /** QuorumLease's test switch: holder and grantor count leases without the bound. */
        IGNORE_DRIFT,
        /** A grantor that acknowledges every slot at once (BrokenVariant.LEASE_WRITE_NO_WAIT). */
        WRITE_NO_WAIT
    }

    private static final int TICK = 0;
    private static final int GUARD = 1;
    private static final int PROMISE = 2;
    private static final int ACK = 3;

    private static final class Event implements Comparable<Event> {
        long time;
        long order;
        int kind;
        int node;
        int incarnationOfTick;
        int from;
        long incarnation;
        long tick;
        long slot;

        @Override
        public int compareTo(Event other) {
            int byTime = Long.compare(time, other.time);
            return byTime != 0 ? byTime : Long.compare(order, other.order);
        }
    }

    private final Scenario scenario;
    private final Variant variant;
    private final SplittableRandom random;
    private final LeaseConfig config;
    private final int membersMask;
    private final long[] periodUnits;
    private final QuorumLease[] leases;
    private final long[] ticks;
    private final int[] restarts;
    private final long[] slotEnd;
    private long holderIncarnation;
    private final PriorityQueue<Event> events = new PriorityQueue<>();
    private long order;
    private long now;
    /** Until this true time the holder is cut off: messages to and from it are lost. */
    private long partitionEnd;
    private final List<String> trace = new ArrayList<>();

    LeaseModel(Scenario scenario, Variant variant) {
        this.scenario = scenario;
        this.variant = variant;
        this.random = new SplittableRandom(scenario.seed());
        int n = scenario.membersCount();
        this.membersMask = (1 << n) - 1;
        this.config = new LeaseConfig(1, 1, scenario.leaseTicks(), scenario.guardTicks(),
                scenario.renewTicks(), scenario.driftBoundPpm());
        this.periodUnits = new long[n];
        this.leases = new QuorumLease[n];
        this.ticks = new long[n];
        this.restarts = new int[n];
        this.slotEnd = new long[n];
        double bound = scenario.driftBoundPpm() / (double) LeaseConfig.PPM;
        for (int i = 0; i < n; i++) {
            double fraction = scenario.driftFractions().get(i % scenario.driftFractions().size());
            // Drift fraction f of the bound (|f| <= 1 within it), rounded towards the inside.
            periodUnits[i] = fraction >= 0
                    ? (long) Math.floor(PERIOD_UNITS * (1 + fraction * bound))
                    : (long) Math.ceil(PERIOD_UNITS * (1 + fraction * bound));
            start(i);
        }
    }

    /** Runs the scenario; returns the first violated property with a trace, or null. */
    String run() {
        long end = scenario.ticksCount() * PERIOD_UNITS;
        while (!events.isEmpty() && events.peek().time <= end) {
            Event event = events.poll();
            now = event.time;
            handle(event);
            String violation = check();
            if (violation != null) {
                int from = Math.max(0, trace.size() - 12);
                return violation + " at time " + now + "; last events:\n  "
                        + String.join("\n  ", trace.subList(from, trace.size()));
            }
        }
        return null;
    }

    private void start(int node) {
        leases[node] = new QuorumLease(config, node, variant == Variant.IGNORE_DRIFT);
        ticks[node] = 0;
        restarts[node]++;
        if (node == 0) holderIncarnation = random.nextLong();
        Event tick = schedule(TICK, node, 1 + random.nextLong(periodUnits[node]));
        tick.incarnationOfTick = restarts[node];
    }

    private Event schedule(int kind, int node, long delay) {
        Event event = new Event();
        event.time = now + delay;
        event.order = order++;
        event.kind = kind;
        event.node = node;
        events.add(event);
        return event;
    }

    private void send(int kind, int from, int to, long incarnation, long tick, long slot) {
        if (now < partitionEnd || random.nextInt(100) < scenario.dropPercent()) return;
        Event message = schedule(kind, to, random.nextLong(scenario.delayUnitsMax() + 1));
        message.from = from;
        message.incarnation = incarnation;
        message.tick = tick;
        message.slot = slot;
    }

    private void handle(Event event) {
        int node = event.node;
        switch (event.kind) {
            case TICK -> {
                if (event.incarnationOfTick != restarts[node]) return;
                if (random.nextInt(1000) < scenario.restartPermille()) {
                    trace.add(now + " node " + node + " restarts");
                    start(node);
                    return;
                }
                ticks[node]++;
                schedule(TICK, node, periodUnits[node]).incarnationOfTick = restarts[node];
                if (node == 0 && random.nextInt(1000) < scenario.partitionPermille()) {
                    partitionEnd = now + random.nextLong(2L * scenario.leaseTicks() + 1)
                            * PERIOD_UNITS;
                    trace.add(now + " holder cut off until " + partitionEnd);
                }
                if (node != 0) {
                    if (random.nextInt(100) < scenario.slotPercent()) slotEnd[node]++;
                    grantorSends(node);
                }
            }
            case GUARD -> {
                if (now < partitionEnd) return;
                leases[0].onGuard(event.from, ticks[0]);
                trace.add(now + " holder took guard from " + event.from + " at tick " + ticks[0]);
                send(ACK, 0, event.from, holderIncarnation, ticks[0], 0);
            }
            case PROMISE -> {
                if (now < partitionEnd) return;
                if (event.incarnation != holderIncarnation || event.tick > ticks[0]) return;
                boolean taken = leases[0].onPromise(event.from, ticks[0], event.tick, event.slot);
                trace.add(now + " holder " + (taken ? "took" : "ignored") + " promise from "
                        + event.from + " anchored at " + event.tick + " slot " + event.slot
                        + " at tick " + ticks[0] + ": expiry "
                        + leases[0].promiseExpiryTick(event.from));
                if (taken) send(ACK, 0, event.from, holderIncarnation, ticks[0], event.slot);
            }
            case ACK -> {
                if (now < partitionEnd) return;
                leases[node].onAck(0, ticks[node], event.incarnation, event.tick, event.slot);
                trace.add(now + " grantor " + node + " got ack of holder tick " + event.tick
                        + " slot " + event.slot + " at its tick " + ticks[node]);
                grantorSends(node);
            }
            default -> throw new IllegalStateException("event " + event.kind);
        }
    }

    /** What Replica.sendLeaseMessages does for the one holder. */
    private void grantorSends(int grantor) {
        QuorumLease lease = leases[grantor];
        long tick = ticks[grantor];
        if (lease.promiseDue(0, tick, slotEnd[grantor], true)) {
            send(PROMISE, grantor, 0, lease.anchorIncarnation(0), lease.anchorTick(0),
                    slotEnd[grantor]);
            lease.promiseSent(0, tick, slotEnd[grantor]);
            trace.add(now + " grantor " + grantor + " promised on anchor " + lease.anchorTick(0)
                    + " slot " + slotEnd[grantor] + " at its tick " + tick + ": grant until "
                    + lease.grantExpiryTick(0));
        } else if (lease.guardDue(0, tick)) {
            send(GUARD, grantor, 0, 0, 0, 0);
            lease.guardSent(0, tick);
        }
    }

    /** The three properties, in true time now; null when they hold. */
    private String check() {
        QuorumLease holder = leases[0];
        int liveGrants = 0;
        for (int g = 1; g < scenario.membersCount(); g++) {
            boolean grantLive = leases[g].grantLive(0, ticks[g])
                    || ticks[g] < leases[g].grantorLeaseTicks();
            if (grantLive) liveGrants++;
            if (ticks[0] >= holder.promiseExpiryTick(g)) continue;
            if (!grantLive) {
                return "holder counts grantor " + g + "'s promise until its tick "
                        + holder.promiseExpiryTick(g) + " (now " + ticks[0] + ") but the grant"
                        + " ended at the grantor's tick " + leases[g].grantExpiryTick(0)
                        + " (now " + ticks[g] + ")";
            }
            long gate = variant == Variant.WRITE_NO_WAIT ? Long.MAX_VALUE
                    : leases[g].gateSlotEnd(ticks[g], membersMask);
            if (gate > holder.slotRequiredBelow()) {
                return "grantor " + g + " acknowledges slots below " + gate + " while the"
                        + " holder, still counting its promise, has recorded only "
                        + holder.slotRequiredBelow();
            }
            boolean waits = variant == Variant.WRITE_NO_WAIT
                    || (leases[g].waitMask(ticks[g], membersMask, holder.slotRequiredBelow() + 1)
                            & 1) != 0;
            if (!waits) {
                return "grantor " + g + " would let its acceptance of slot "
                        + holder.slotRequiredBelow() + " count without the holder, which still"
                        + " counts its promise and has not recorded that slot";
            }
        }
        if (ticks[0] < holder.validUntil(membersMask)
                && liveGrants < scenario.membersCount() / 2) {
            return "holder's lease valid until its tick " + holder.validUntil(membersMask)
                    + " (now " + ticks[0] + ") with only " + liveGrants + " live grants";
        }
        return null;
    }
}
