package kv.bench.load;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Distinct error messages with their counts, at most {@link BenchLimits#ERROR_SAMPLES_COUNT_MAX}. */
final class ErrorSamples {
    private final Map<String, Long> samples = new LinkedHashMap<>();

    synchronized void add(String message) {
        Long seen = samples.get(message);
        if (seen != null) samples.put(message, seen + 1);
        else if (samples.size() < BenchLimits.ERROR_SAMPLES_COUNT_MAX) samples.put(message, 1L);
    }

    synchronized List<String> lines() {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, Long> entry : samples.entrySet()) {
            out.add(entry.getValue() + " x " + entry.getKey());
        }
        return out;
    }
}
