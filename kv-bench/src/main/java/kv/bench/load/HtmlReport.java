package kv.bench.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * A self-contained HTML page for one phase: a summary table, throughput over time, p50/p99
 * over time, and latency percentile curves (HdrHistogram's plot: x is 1 / (1 - percentile) on
 * a log scale). Inline SVG only; no scripts, styles or fonts from elsewhere.
 */
final class HtmlReport {
    private static final int WIDTH = 760;
    private static final int HEIGHT = 300;
    private static final int MARGIN_LEFT = 70;
    private static final int MARGIN_RIGHT = 130;
    private static final int MARGIN_TOP = 30;
    private static final int MARGIN_BOTTOM = 45;
    private static final String[] COLORS = {
        "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"
    };
    /** Percentiles where the curve's x axis gets a label: 0 to 99.999%. */
    private static final double[] CURVE_TICKS = {0, 90, 99, 99.9, 99.99, 99.999};
    private static final String[] CURVE_TICK_LABELS = {
        "0%", "90%", "99%", "99.9%", "99.99%", "99.999%"
    };

    private record Line(String name, String color, double[] xs, double[] ys) {}

    private record Tick(double value, String label) {}

    private HtmlReport() {}

    static String render(RunResult result) {
        String title = "kv-bench YCSB: " + result.targetName() + ", " + result.phase() + " "
                + result.workloadLabel();
        StringBuilder out = new StringBuilder(16_384);
        out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        out.append("<title>").append(escape(title)).append("</title>\n");
        out.append("<style>body{font-family:sans-serif;margin:2em;max-width:820px}")
                .append("table{border-collapse:collapse}td,th{border:1px solid #ccc;")
                .append("padding:3px 8px;text-align:right}th{background:#eee}")
                .append("svg{display:block;margin:1em 0}</style>\n</head>\n<body>\n");
        out.append("<h1>").append(escape(title)).append("</h1>\n");
        out.append(String.format(Locale.ROOT,
                "<p>Started %s; measured %.1f s; %.0f ops/s; %d errors.</p>\n",
                escape(result.startedAt().toString()), result.measuredSeconds(),
                result.throughputOpsPerSecond(), result.errorCountAll()));
        summaryTable(out, result);
        throughputChart(out, result);
        latencyOverTimeChart(out, result);
        percentileChart(out, result);
        configList(out, result);
        out.append("</body>\n</html>\n");
        return out.toString();
    }

    private static void summaryTable(StringBuilder out, RunResult result) {
        out.append("<table>\n<tr><th>operation</th><th>count</th><th>errors</th>")
                .append("<th>ops/s</th>");
        for (String name : RunResult.PERCENTILES.keySet()) {
            out.append("<th>").append(escape(name)).append(" ms</th>");
        }
        out.append("</tr>\n");
        for (Map.Entry<OperationType, Histogram> entry : result.histograms().entrySet()) {
            summaryRow(out, entry.getKey().name(), entry.getValue(),
                    result.errorCounts().get(entry.getKey()), result.measuredSeconds());
        }
        summaryRow(out, "all", result.totalHistogram(), result.errorCountAll(),
                result.measuredSeconds());
        out.append("</table>\n");
    }

    private static void summaryRow(StringBuilder out, String name, Histogram histogram,
                                   long errors, double measuredSeconds) {
        out.append("<tr><th>").append(escape(name)).append("</th><td>")
                .append(histogram.getTotalCount()).append("</td><td>").append(errors)
                .append("</td><td>").append(format(measuredSeconds > 0
                        ? histogram.getTotalCount() / measuredSeconds : 0)).append("</td>");
        for (double percentile : RunResult.PERCENTILES.values()) {
            out.append("<td>").append(format(RunResult.percentileMillis(histogram, percentile)))
                    .append("</td>");
        }
        out.append("</tr>\n");
    }

    private static void throughputChart(StringBuilder out, RunResult result) {
        List<Measurements.SeriesPoint> series = result.series();
        double[] xs = new double[series.size()];
        double[] ys = new double[series.size()];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = series.get(i).elapsedSeconds();
            ys[i] = series.get(i).operationsPerSecond();
        }
        chart(out, "Throughput over time", "elapsed (s)", "ops/s",
                List.of(new Line("ops/s", COLORS[0], xs, ys)), null);
    }

    private static void latencyOverTimeChart(StringBuilder out, RunResult result) {
        List<Measurements.SeriesPoint> series = result.series();
        double[] xs = new double[series.size()];
        double[] p50 = new double[series.size()];
        double[] p99 = new double[series.size()];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = series.get(i).elapsedSeconds();
            p50[i] = series.get(i).p50Millis();
            p99[i] = series.get(i).p99Millis();
        }
        chart(out, "Latency per second (all operations)", "elapsed (s)", "ms",
                List.of(new Line("p50", COLORS[0], xs, p50), new Line("p99", COLORS[1], xs, p99)),
                null);
    }

    private static void percentileChart(StringBuilder out, RunResult result) {
        List<Line> lines = new ArrayList<>();
        int colorIndex = 0;
        for (Map.Entry<OperationType, Histogram> entry : result.histograms().entrySet()) {
            Histogram histogram = entry.getValue();
            if (histogram.getTotalCount() == 0) continue;
            int pointCount = RunResult.CURVE_PERCENTILES.length - 1; // 100% has no finite x
            double[] xs = new double[pointCount];
            double[] ys = new double[pointCount];
            for (int i = 0; i < pointCount; i++) {
                xs[i] = curveX(RunResult.CURVE_PERCENTILES[i]);
                ys[i] = RunResult.percentileMillis(histogram, RunResult.CURVE_PERCENTILES[i]);
            }
            lines.add(new Line(entry.getKey().name(), COLORS[colorIndex++ % COLORS.length],
                    xs, ys));
        }
        List<Tick> ticks = new ArrayList<>();
        for (int i = 0; i < CURVE_TICKS.length; i++) {
            ticks.add(new Tick(curveX(CURVE_TICKS[i]), CURVE_TICK_LABELS[i]));
        }
        chart(out, "Latency by percentile", "percentile", "ms", lines, ticks);
    }

    /** log10(1 / (1 - p)): 0 at p = 0, 1 at 90%, 2 at 99%, 3 at 99.9%... */
    static double curveX(double percentile) {
        return Math.log10(1.0 / (1.0 - percentile / 100.0));
    }

    private static void configList(StringBuilder out, RunResult result) {
        out.append("<h2>Configuration</h2>\n<table>\n");
        for (Map.Entry<String, String> entry : result.config().entrySet()) {
            out.append("<tr><th>").append(escape(entry.getKey())).append("</th><td>")
                    .append(escape(entry.getValue())).append("</td></tr>\n");
        }
        out.append("</table>\n");
        if (!result.errorSamples().isEmpty()) {
            out.append("<h2>Errors</h2>\n<ul>\n");
            for (Map.Entry<String, Long> entry : result.errorSamples().entrySet()) {
                out.append("<li>").append(entry.getValue()).append(" x ")
                        .append(escape(entry.getKey())).append("</li>\n");
            }
            out.append("</ul>\n");
        }
    }

    /** A line chart; xTicks null means five evenly spaced numeric ticks. */
    private static void chart(StringBuilder out, String title, String xLabel, String yLabel,
                              List<Line> lines, List<Tick> xTicks) {
        double xMax = 0;
        double yMax = 0;
        for (Line line : lines) {
            for (double x : line.xs()) xMax = Math.max(xMax, x);
            for (double y : line.ys()) yMax = Math.max(yMax, y);
        }
        if (xTicks != null) for (Tick tick : xTicks) xMax = Math.max(xMax, tick.value());
        xMax = xTicks != null ? xMax : niceMax(xMax);
        yMax = niceMax(yMax * 1.05);
        int plotWidth = WIDTH - MARGIN_LEFT - MARGIN_RIGHT;
        int plotHeight = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM;
        out.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\""
                + " width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-size=\"11\">\n",
                WIDTH, HEIGHT, WIDTH, HEIGHT));
        out.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" font-size=\"14\">%s"
                + "</text>\n", MARGIN_LEFT, escape(title)));
        out.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\""
                + " height=\"%d\" fill=\"none\" stroke=\"#888\"/>\n",
                MARGIN_LEFT, MARGIN_TOP, plotWidth, plotHeight));
        List<Tick> ticks = xTicks != null ? xTicks : evenTicks(xMax);
        for (Tick tick : ticks) {
            double x = MARGIN_LEFT + tick.value() / xMax * plotWidth;
            out.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\""
                    + " y2=\"%d\" stroke=\"#eee\"/><text x=\"%.1f\" y=\"%d\""
                    + " text-anchor=\"middle\">%s</text>\n", x, MARGIN_TOP, x,
                    MARGIN_TOP + plotHeight, x, MARGIN_TOP + plotHeight + 15,
                    escape(tick.label())));
        }
        for (Tick tick : evenTicks(yMax)) {
            double y = MARGIN_TOP + plotHeight - tick.value() / yMax * plotHeight;
            out.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\""
                    + " y2=\"%.1f\" stroke=\"#eee\"/><text x=\"%d\" y=\"%.1f\""
                    + " text-anchor=\"end\">%s</text>\n", MARGIN_LEFT, y,
                    MARGIN_LEFT + plotWidth, y, MARGIN_LEFT - 5, y + 4, escape(tick.label())));
        }
        out.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">"
                + "%s</text>\n", MARGIN_LEFT + plotWidth / 2, HEIGHT - 8, escape(xLabel)));
        out.append(String.format(Locale.ROOT, "<text x=\"14\" y=\"%d\" text-anchor=\"middle\""
                + " transform=\"rotate(-90 14 %d)\">%s</text>\n", MARGIN_TOP + plotHeight / 2,
                MARGIN_TOP + plotHeight / 2, escape(yLabel)));
        for (int i = 0; i < lines.size(); i++) {
            polyline(out, lines.get(i), xMax, yMax, plotWidth, plotHeight);
            out.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\""
                    + " y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"/><text x=\"%d\" y=\"%d\">%s"
                    + "</text>\n", WIDTH - MARGIN_RIGHT + 10, MARGIN_TOP + 10 + i * 16,
                    WIDTH - MARGIN_RIGHT + 30, MARGIN_TOP + 10 + i * 16, lines.get(i).color(),
                    WIDTH - MARGIN_RIGHT + 35, MARGIN_TOP + 14 + i * 16,
                    escape(lines.get(i).name())));
        }
        out.append("</svg>\n");
    }

    private static void polyline(StringBuilder out, Line line, double xMax, double yMax,
                                 int plotWidth, int plotHeight) {
        out.append("<polyline fill=\"none\" stroke-width=\"2\" stroke=\"").append(line.color())
                .append("\" points=\"");
        for (int i = 0; i < line.xs().length; i++) {
            double x = MARGIN_LEFT + line.xs()[i] / xMax * plotWidth;
            double y = MARGIN_TOP + plotHeight - line.ys()[i] / yMax * plotHeight;
            out.append(String.format(Locale.ROOT, "%s%.1f,%.1f", i > 0 ? " " : "", x, y));
        }
        out.append("\"/>\n");
    }

    /** Tick spacing of 1, 2 or 5 times a power of ten, about five ticks up to max. */
    static double niceStep(double max) {
        double raw = max / 5;
        double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        double fraction = raw / magnitude;
        double nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
        return nice * magnitude;
    }

    /** The axis end: max rounded up to a whole tick step (1 for an empty chart). */
    static double niceMax(double max) {
        if (!(max > 0)) return 1;
        double step = niceStep(max);
        return Math.ceil(max / step - 1e-9) * step;
    }

    private static List<Tick> evenTicks(double max) {
        double step = niceStep(max);
        List<Tick> ticks = new ArrayList<>(12);
        for (int i = 0; i * step <= max * (1 + 1e-9) && i <= 10; i++) {
            ticks.add(new Tick(i * step, format(i * step)));
        }
        return ticks;
    }

    private static String format(double value) {
        if (value >= 100 || Math.abs(value - Math.rint(value)) < 1e-9) {
            return String.format(Locale.ROOT, "%.0f", value);
        }
        String text = String.format(Locale.ROOT, value >= 1 ? "%.2f" : "%.3f", value);
        return text.replaceAll("0+$", "");
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                .replace("\"", "&quot;");
    }
}
