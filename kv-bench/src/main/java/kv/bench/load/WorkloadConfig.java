package kv.bench.load;

/**
 * What a run does, independent of the target and of how it is measured.
 *
 * @param expectedNewKeyCount inserts the run is expected to add; the zipfian key chooser
 *     spans the loaded records plus these (YCSB: operations x insert proportion x 2), and
 *     draws of records not inserted yet are redrawn
 */
record WorkloadConfig(
        Workload workload,
        RequestDistribution distribution,
        long recordCount,
        RecordShape shape,
        double zipfianConstant,
        boolean readAllFields,
        boolean writeAllFields,
        int scanLengthMax,
        long expectedNewKeyCount,
        long seed) {

    WorkloadConfig {
        BenchLimits.check(recordCount >= 1 && recordCount <= BenchLimits.RECORDS_COUNT_MAX,
                "record count within limits");
        BenchLimits.check(scanLengthMax >= 1 && scanLengthMax <= BenchLimits.SCAN_LENGTH_MAX,
                "scan length within limits");
        BenchLimits.check(expectedNewKeyCount >= 0, "expected new keys not negative");
    }
}
