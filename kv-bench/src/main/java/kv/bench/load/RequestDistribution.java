package kv.bench.load;

/** How a workload picks the record a read, update, scan or read-modify-write touches. */
enum RequestDistribution {
    /** Scrambled zipfian over the loaded records (YCSB's default, constant 0.99). */
    ZIPFIAN,
    /** Zipfian over "records before the newest" (workload D). */
    LATEST,
    UNIFORM
}
