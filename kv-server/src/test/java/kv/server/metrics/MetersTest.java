package kv.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicReference;
import kv.server.Limits;
import kv.server.eventual.EventualStats;
import kv.server.node.EventualStatus;
import org.junit.jupiter.api.Test;

/**
 * The eventual keyspaces' metrics of issue 6 reach /metrics under their Prometheus names, read
 * from the driver's latest published status: replication lag per peer (entries and seconds),
 * anti-entropy ranges compared and repaired, read repairs, conflicts resolved.
 */
class MetersTest {
    @Test
    void eventualMetricsAreExportedPerPeerAndFollowTheLatestStatus() {
        Meters meters = new Meters(2);
        EventualStats stats = new EventualStats();
        stats.peerLagEntries[0] = 42;
        stats.peerLagMillis[0] = 1_500;
        stats.antiEntropyRangesCompared = 7;
        stats.antiEntropyRangesRepaired = 3;
        stats.readRepairs = 5;
        stats.conflictsResolved = 11;
        int[] nodeIdByIndex = {1, 2, 3};
        AtomicReference<EventualStatus> status = new AtomicReference<>(new EventualStatus(stats,
                new long[Limits.KEYSPACES_COUNT_MAX], nodeIdByIndex, 1));
        meters.bindEventual(status::get);

        String scrape = meters.scrape();
        assertThat(scrape)
                .contains("kv_eventual_replication_lag_entries{node=\"2\",peer=\"1\"} 42.0")
                .contains("kv_eventual_replication_lag_seconds{node=\"2\",peer=\"1\"} 1.5")
                .contains("kv_eventual_replication_lag_entries{node=\"2\",peer=\"3\"} 0.0")
                .doesNotContain("peer=\"2\"")
                .contains("kv_eventual_antientropy_ranges_compared_total{node=\"2\"} 7.0")
                .contains("kv_eventual_antientropy_ranges_repaired_total{node=\"2\"} 3.0")
                .contains("kv_eventual_read_repairs_total{node=\"2\"} 5.0")
                .contains("kv_eventual_conflicts_resolved_total{node=\"2\"} 11.0");

        EventualStats later = stats.copy();
        later.readRepairs = 6;
        later.peerLagEntries[0] = 0;
        status.set(new EventualStatus(later, new long[Limits.KEYSPACES_COUNT_MAX],
                nodeIdByIndex, 1));
        assertThat(meters.scrape())
                .contains("kv_eventual_read_repairs_total{node=\"2\"} 6.0")
                .contains("kv_eventual_replication_lag_entries{node=\"2\",peer=\"1\"} 0.0");
    }
}
