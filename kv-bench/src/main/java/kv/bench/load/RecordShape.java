package kv.bench.load;

import java.nio.charset.StandardCharsets;

/** Fields of a record ("field0".."field{n-1}") and the size of each value, in bytes. */
record RecordShape(int fieldCount, int fieldSizeBytes, byte[][] fieldNames) {
    static final int FIELD_COUNT_DEFAULT = 10;
    static final int FIELD_SIZE_BYTES_DEFAULT = 100;

    static RecordShape of(int fieldCount, int fieldSizeBytes) {
        BenchLimits.check(fieldCount >= 1 && fieldCount <= BenchLimits.FIELDS_COUNT_MAX,
                "field count within limits");
        BenchLimits.check(fieldSizeBytes >= 1
                && fieldSizeBytes <= BenchLimits.FIELD_SIZE_BYTES_MAX, "field size within limits");
        byte[][] names = new byte[fieldCount][];
        for (int i = 0; i < fieldCount; i++) {
            names[i] = ("field" + i).getBytes(StandardCharsets.US_ASCII);
        }
        return new RecordShape(fieldCount, fieldSizeBytes, names);
    }
}
