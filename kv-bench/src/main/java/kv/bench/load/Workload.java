package kv.bench.load;

import java.util.Locale;

/**
 * The YCSB core workloads with their published proportions (REFERENCE.md, "YCSB core
 * workloads"), plus WRITE_ONLY (100% update) for the comparison suite.
 */
enum Workload {
    A("update heavy", 0.50, 0.50, 0, 0, 0, RequestDistribution.ZIPFIAN),
    B("read mostly", 0.95, 0.05, 0, 0, 0, RequestDistribution.ZIPFIAN),
    C("read only", 1.00, 0, 0, 0, 0, RequestDistribution.ZIPFIAN),
    D("read latest", 0.95, 0, 0.05, 0, 0, RequestDistribution.LATEST),
    E("short ranges", 0, 0, 0.05, 0.95, 0, RequestDistribution.ZIPFIAN),
    F("read-modify-write", 0.50, 0, 0, 0, 0.50, RequestDistribution.ZIPFIAN),
    WRITE_ONLY("write only", 0, 1.00, 0, 0, 0, RequestDistribution.ZIPFIAN);

    final String description;
    final double readProportion;
    final double updateProportion;
    final double insertProportion;
    final double scanProportion;
    final double readModifyWriteProportion;
    final RequestDistribution distribution;

    Workload(String description, double read, double update, double insert, double scan,
             double readModifyWrite, RequestDistribution distribution) {
        this.description = description;
        this.readProportion = read;
        this.updateProportion = update;
        this.insertProportion = insert;
        this.scanProportion = scan;
        this.readModifyWriteProportion = readModifyWrite;
        this.distribution = distribution;
    }

    /** Proportion of one operation type; the proportions of a workload sum to 1. */
    double proportion(OperationType type) {
        return switch (type) {
            case READ -> readProportion;
            case UPDATE -> updateProportion;
            case INSERT -> insertProportion;
            case SCAN -> scanProportion;
            case READ_MODIFY_WRITE -> readModifyWriteProportion;
        };
    }

    /** The report's name: "A".."F" or "write-only". */
    String label() {
        return this == WRITE_ONLY ? "write-only" : name();
    }

    /** Accepts "a", "A", "workloada", "write-only", "write_only", "writeonly". */
    static Workload parse(String text) {
        String name = text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        if (name.startsWith("WORKLOAD") && name.length() == "WORKLOAD".length() + 1) {
            name = name.substring("WORKLOAD".length());
        }
        if (name.equals("WRITEONLY")) name = "WRITE_ONLY";
        for (Workload workload : values()) {
            if (workload.name().equals(name)) return workload;
        }
        throw new IllegalArgumentException("unknown workload '" + text
                + "'; expected one of A, B, C, D, E, F, write-only");
    }

    static {
        for (Workload workload : values()) {
            double sum = 0;
            for (OperationType type : OperationType.values()) sum += workload.proportion(type);
            BenchLimits.check(Math.abs(sum - 1.0) < 1e-9, "proportions of a workload sum to 1");
        }
    }
}
