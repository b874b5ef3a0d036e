package kv.bench.load;

/** Record-number sequences shared by every worker of one driver (load and run phases). */
final class KeySpace {
    /** Load phase: records 0..recordCount-1, each inserted once. */
    final CounterGenerator loadSequence = new CounterGenerator(0);
    /** Run phase inserts continue after the loaded records. */
    final AcknowledgedCounter insertSequence;
    final long recordCount;

    KeySpace(long recordCount) {
        this.recordCount = recordCount;
        this.insertSequence = new AcknowledgedCounter(recordCount);
    }
}
