package kv.server.eventual;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import kv.server.Limits;
import kv.server.eventual.EventualMessage.KeyVersion;
import kv.server.statemachine.Bytes;
import kv.server.statemachine.KeyRecords;
import kv.server.statemachine.MemoryState;
import kv.server.statemachine.StateOverlay;
import org.junit.jupiter.api.Test;

/**
 * Anti-entropy lists a bucket from two sources (live keys' scan-order records per keyspace,
 * tombstones in the metadata family): the merged listing must hold every key of the bucket once,
 * in listing order, page by page, and nothing of other buckets or of keyspaces the store never
 * held; the digests rebuilt from disk must equal the ones kept while writing.
 */
class BucketListingTest {
    private static final int BUCKET = 7;
    private static final int LAST_BUCKET = Limits.EVENTUAL_DIGEST_BUCKETS_COUNT - 1;
    private final MemoryState state = new MemoryState();
    private final MemoryState metadata = new MemoryState();
    private final SplittableRandom random = new SplittableRandom(42);
    private long nextTimestamp = 1000;

    @Test
    void pagesThroughLiveKeysAndTombstonesInListingOrder() {
        EventualStore store = new EventualStore(state, metadata);
        List<KeyVersion> expected = new ArrayList<>();
        for (int keyspace : new int[] {3, 1}) {
            for (byte[] key : keysOfBucket(BUCKET, 12)) {
                expected.add(write(store, keyspace, key, random.nextInt(3) == 0));
            }
            // A live key deleted later and a tombstone written over: the latest state counts.
            byte[] revived = keysOfBucket(BUCKET, 1).get(0);
            write(store, keyspace, revived, true);
            expected.add(write(store, keyspace, revived, false));
            byte[] deleted = keysOfBucket(BUCKET, 1).get(0);
            write(store, keyspace, deleted, false);
            expected.add(write(store, keyspace, deleted, true));
        }
        for (int bucket : new int[] {BUCKET - 1, BUCKET + 1}) {
            for (byte[] key : keysOfBucket(bucket, 3)) write(store, 1, key, false);
        }
        putRaw(state, KeyRecords.scanOrderKey(2, EventualLayout.bucketFirstHash(BUCKET) + 1,
                "strong".getBytes(StandardCharsets.US_ASCII)), new byte[0]); // not eventual
        persist(store);
        expected.sort(Comparator.comparing(item -> EventualLayout.listing(item.keyspace(),
                item.key()), Bytes.ORDER));

        assertThat(render(listAll(store, BUCKET, 5))).isEqualTo(render(expected));
        assertThat(render(listAll(store, BUCKET, 1000))).isEqualTo(render(expected));
    }

    @Test
    void theLastBucketEndsAtTheKeyspaceEnd() {
        EventualStore store = new EventualStore(state, metadata);
        List<KeyVersion> expected = new ArrayList<>();
        for (byte[] key : keysOfBucket(LAST_BUCKET, 4)) expected.add(write(store, 5, key, false));
        persist(store);
        expected.sort(Comparator.comparing(item -> EventualLayout.listing(item.keyspace(),
                item.key()), Bytes.ORDER));
        assertThat(render(listAll(store, LAST_BUCKET, 2))).isEqualTo(render(expected));
        assertThat(listAll(store, 0, 2)).isEmpty();
    }

    @Test
    void anAfterKeyOfAnotherBucketListsNothing() {
        EventualStore store = new EventualStore(state, metadata);
        for (byte[] key : keysOfBucket(BUCKET, 3)) write(store, 1, key, false);
        persist(store);
        byte[] elsewhere = keysOfBucket(BUCKET + 1, 1).get(0);
        boolean[] complete = {false};
        assertThat(store.listBucket(BUCKET, EventualLayout.compound(1, elsewhere), 10,
                Limits.EVENTUAL_RANGE_SIZE_BYTES_MAX, complete)).isEmpty();
        assertThat(complete[0]).isTrue();
    }

    @Test
    void digestsRebuiltFromDiskEqualTheOnesKeptWhileWriting() {
        EventualStore store = new EventualStore(state, metadata);
        for (int i = 0; i < 300; i++) {
            byte[] key = ("k" + random.nextInt(100)).getBytes(StandardCharsets.US_ASCII);
            write(store, 1 + random.nextInt(2), key, random.nextInt(4) == 0);
        }
        persist(store);
        EventualStore reopened = new EventualStore(state, metadata);
        assertThat(reopened.digests()).isEqualTo(store.digests());
        assertThat(reopened.keyspaceDigest(1)).isEqualTo(store.keyspaceDigest(1));
        assertThat(reopened.keyspaceDigest(2)).isEqualTo(store.keyspaceDigest(2));
    }

    @Test
    void dataOfAnotherLayoutIsRefused() {
        putRaw(metadata, EventualLayout.NODE_SEQ, Bytes.ofLong(5)); // written before format markers
        assertThatThrownBy(() -> new EventualStore(state, metadata))
                .hasMessageContaining("layout 1").hasMessageContaining("move its data directory");
    }

    private KeyVersion write(EventualStore store, int keyspace, byte[] key, boolean tombstone) {
        Version version = new Version(nextTimestamp++, random.nextInt(3));
        Versioned value = tombstone ? Versioned.tombstone(version)
                : new Versioned(version, KeyRecords.stringBlob(key, version.stamp()));
        store.put(keyspace, key, value);
        return new KeyVersion(keyspace, key, version, tombstone);
    }

    private static void putRaw(MemoryState target, byte[] key, byte[] value) {
        StateOverlay overlay = new StateOverlay(target);
        overlay.put(key, value);
        target.write(overlay.sortedWrites());
    }

    private void persist(EventualStore store) {
        store.endTurn();
        state.write(store.stateWrites());
        metadata.write(store.metadataWrites());
        store.startTurn();
    }

    private List<KeyVersion> listAll(EventualStore store, int bucket, int pageItemsMax) {
        List<KeyVersion> all = new ArrayList<>();
        byte[] after = new byte[0];
        boolean[] complete = {false};
        for (int page = 0; !complete[0]; page++) {
            assertThat(page).as("pages").isLessThan(1000);
            List<KeyVersion> items = store.listBucket(bucket, after, pageItemsMax,
                    Limits.EVENTUAL_RANGE_SIZE_BYTES_MAX, complete);
            assertThat(items.size()).isLessThanOrEqualTo(pageItemsMax);
            all.addAll(items);
            if (!items.isEmpty()) {
                KeyVersion last = items.get(items.size() - 1);
                after = EventualLayout.compound(last.keyspace(), last.key());
            }
        }
        return all;
    }

    private List<byte[]> keysOfBucket(int bucket, int count) {
        List<byte[]> keys = new ArrayList<>();
        while (keys.size() < count) {
            byte[] key = ("key:" + random.nextLong()).getBytes(StandardCharsets.US_ASCII);
            if (EventualLayout.bucketOf(0, key) == bucket) keys.add(key);
        }
        return keys;
    }

    private static List<String> render(List<KeyVersion> items) {
        List<String> out = new ArrayList<>();
        for (KeyVersion item : items) {
            out.add(item.keyspace() + "/" + new String(item.key(), StandardCharsets.US_ASCII)
                    + "@" + item.version() + (item.tombstone() ? " tombstone" : ""));
        }
        return out;
    }
}
