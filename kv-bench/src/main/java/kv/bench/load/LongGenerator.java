package kv.bench.load;

/** A source of record numbers or lengths. Instances belong to one worker thread. */
interface LongGenerator {
    long next();
}
