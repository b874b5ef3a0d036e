package kv.bench.load;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * One worker thread with its own connection. Closed loop: the next request starts when the
 * last returned, latency from its actual start. Open loop: request k of this thread is
 * scheduled at start + offset + k x interval; the worker waits for that instant if early and
 * starts at once if late, and latency runs from the scheduled instant (no coordinated
 * omission: a server stall is charged to every request that should have been sent during it).
 */
final class Worker implements Runnable {
    /** Pause after a failed request, so a dead server is not hammered by a busy loop. */
    private static final long ERROR_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    /** Shared by the driver and all workers of one phase. */
    static final class Control {
        final boolean load;
        final long startNanos;
        final long deadlineNanos;
        /** Measured operations still to run (run phase with an operation count), else huge. */
        final AtomicLong remainingOperations;
        final CountDownLatch finished;
        volatile boolean measuring;
        volatile boolean stopped;

        Control(boolean load, long startNanos, long deadlineNanos, long operationCount,
                int threadCount) {
            this.load = load;
            this.startNanos = startNanos;
            this.deadlineNanos = deadlineNanos;
            this.remainingOperations = new AtomicLong(operationCount > 0
                    ? operationCount : Long.MAX_VALUE);
            this.finished = new CountDownLatch(threadCount);
        }
    }

    private final Control control;
    private final TargetConnection connection;
    private final ThreadWorkload workload;
    private final KeySpace keySpace;
    private final Measurements measurements;
    private final RecordShape shape;
    private final boolean readAllFields;
    private final boolean writeAllFields;
    private final long intervalNanos;
    private long scheduledNanos;

    Worker(Control control, TargetConnection connection, ThreadWorkload workload,
           KeySpace keySpace, Measurements measurements, WorkloadConfig config,
           DriverConfig driverConfig, int threadIndex) {
        this.control = control;
        this.connection = connection;
        this.workload = workload;
        this.keySpace = keySpace;
        this.measurements = measurements;
        this.shape = config.shape();
        this.readAllFields = config.readAllFields();
        this.writeAllFields = config.writeAllFields();
        long threads = driverConfig.threadCount();
        this.intervalNanos = driverConfig.openLoop()
                ? Math.max(1, threads * 1_000_000_000L / driverConfig.targetRateOpsPerSecond())
                : 0;
        // Threads start staggered across one interval so the aggregate rate is smooth.
        this.scheduledNanos = control.startNanos + intervalNanos * threadIndex / threads;
    }

    @Override
    public void run() {
        try {
            while (!control.stopped) { // bounded: deadline, record count or operation count
                if (System.nanoTime() >= control.deadlineNanos) break;
                long keyNumber = -1;
                if (control.load) {
                    keyNumber = keySpace.loadSequence.next();
                    if (keyNumber >= keySpace.recordCount) break;
                } else if (control.measuring
                        && control.remainingOperations.decrementAndGet() < 0) {
                    break;
                }
                long startNanos = intervalNanos > 0 ? awaitSchedule() : System.nanoTime();
                if (startNanos < 0) break; // the next slot lies beyond the deadline
                OperationType type = control.load ? OperationType.INSERT : workload.nextOperation();
                execute(type, keyNumber, startNanos);
            }
        } finally {
            control.finished.countDown();
        }
    }

    /** Waits until this thread's next scheduled start; returns it, or -1 past the deadline. */
    private long awaitSchedule() {
        long scheduled = scheduledNanos;
        scheduledNanos += intervalNanos;
        if (scheduled >= control.deadlineNanos) return -1;
        long waitNanos;
        while ((waitNanos = scheduled - System.nanoTime()) > 0 && !control.stopped) {
            LockSupport.parkNanos(waitNanos); // bounded: at most one interval ahead
        }
        return scheduled;
    }

    private void execute(OperationType type, long loadKeyNumber, long startNanos) {
        try {
            boolean ok = switch (type) {
                case READ -> read(workload.nextKeyNumber());
                case UPDATE -> update(workload.nextKeyNumber());
                case INSERT -> insert(loadKeyNumber);
                case SCAN -> scan(workload.nextKeyNumber());
                case READ_MODIFY_WRITE -> readModifyWrite(workload.nextKeyNumber());
            };
            long endNanos = System.nanoTime();
            if (ok) measurements.recordLatency(type, endNanos - startNanos);
            else measurements.recordError(type, "record not found");
        } catch (RuntimeException e) {
            measurements.recordError(type, e.getClass().getSimpleName() + ": " + e.getMessage());
            LockSupport.parkNanos(ERROR_PAUSE_NANOS);
        }
    }

    private boolean read(long keyNumber) {
        return connection.read(KeyHash.keyName(keyNumber), readFields());
    }

    private boolean update(long keyNumber) {
        String key = KeyHash.keyName(keyNumber);
        if (writeAllFields) {
            connection.update(key, shape.fieldNames(), workload.nextValues(shape.fieldCount()));
        } else {
            byte[][] field = {shape.fieldNames()[workload.nextFieldIndex()]};
            connection.update(key, field, new byte[][] {workload.nextValue()});
        }
        return true;
    }

    /** Load phase: the given record. Run phase: the next record of the insert sequence. */
    private boolean insert(long loadKeyNumber) {
        if (loadKeyNumber >= 0) {
            writeRecord(loadKeyNumber);
            return true;
        }
        long keyNumber = keySpace.insertSequence.next();
        try {
            writeRecord(keyNumber);
        } finally {
            keySpace.insertSequence.acknowledge(keyNumber); // even on failure: see the class
        }
        return true;
    }

    private void writeRecord(long keyNumber) {
        connection.insert(KeyHash.keyName(keyNumber), shape.fieldNames(),
                workload.nextValues(shape.fieldCount()));
    }

    private boolean scan(long keyNumber) {
        int length = workload.nextScanLength();
        connection.scan(KeyHash.keyName(keyNumber), length, readFields());
        return true;
    }

    private boolean readModifyWrite(long keyNumber) {
        String key = KeyHash.keyName(keyNumber);
        if (!connection.read(key, readFields())) return false;
        byte[][] field = {shape.fieldNames()[workload.nextFieldIndex()]};
        connection.update(key, field, new byte[][] {workload.nextValue()});
        return true;
    }

    private byte[][] readFields() {
        if (readAllFields) return null;
        return new byte[][] {shape.fieldNames()[workload.nextFieldIndex()]};
    }
}
