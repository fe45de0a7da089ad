package dev.walletpipeline.benchmarks;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogarithmicAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The throughput-against-latency plot of BENCHMARKS.md, drawn from the points just
 * measured.
 */
final class LatencyPlot {

    /** One measured load level: transfers in flight, and what they gave. */
    record Point(String series, int clients, PipelineBenchmark.Result result) {
    }

    private LatencyPlot() {
    }

    static void write(Path png, List<Point> points, double pgbenchTps, double latencyTargetMs) throws IOException {
        XYSeriesCollection data = new XYSeriesCollection();
        for (String name : points.stream().map(Point::series).distinct().toList()) {
            XYSeries p50 = new XYSeries(name + ", p50", false);
            XYSeries p99 = new XYSeries(name + ", p99", false);
            for (Point point : points) {
                if (point.series().equals(name)) {
                    p50.add(point.result().perSecond(), Math.max(point.result().p50(), 0.1));
                    p99.add(point.result().perSecond(), Math.max(point.result().p99(), 0.1));
                }
            }
            data.addSeries(p50);
            data.addSeries(p99);
        }
        NumberAxis throughput = new NumberAxis(
                "transfers completed per second (closed loop; each point one number of clients, more to the right)");
        throughput.setLowerBound(0);
        throughput.setUpperBound(
                Math.max(pgbenchTps, points.stream().mapToDouble(p -> p.result().perSecond()).max().orElse(1)) * 1.1);
        LogarithmicAxis latency = new LogarithmicAxis("latency, request sent to outcome committed (ms, log scale)");
        latency.setAllowNegativesFlag(false);
        XYLineAndShapeRenderer lines = new XYLineAndShapeRenderer(true, true);
        Color[] colours = { new Color(0x1f77b4), new Color(0x0b3d66), new Color(0xff7f0e), new Color(0x8c3d00) };
        for (int i = 0; i < data.getSeriesCount(); i++) {
            lines.setSeriesStroke(i, new BasicStroke(2f));
            lines.setSeriesPaint(i, colours[i % colours.length]);
        }
        XYPlot plot = new XYPlot(data, throughput, latency, lines);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        ValueMarker target = new ValueMarker(latencyTargetMs, Color.RED, new BasicStroke(1f));
        target.setLabel("p99 target " + (int) latencyTargetMs + " ms");
        target.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
        target.setLabelTextAnchor(TextAnchor.BOTTOM_RIGHT);
        plot.addRangeMarker(target);
        ValueMarker yardstick = new ValueMarker(pgbenchTps, Color.DARK_GRAY, new BasicStroke(1f));
        yardstick.setLabel("pgbench TPC-B " + Math.round(pgbenchTps) + " tps");
        yardstick.setLabelAnchor(RectangleAnchor.TOP_LEFT);
        yardstick.setLabelTextAnchor(TextAnchor.TOP_RIGHT);
        plot.addDomainMarker(yardstick);
        JFreeChart chart = new JFreeChart("Transfers end to end: throughput against latency",
                JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        Files.createDirectories(png.toAbsolutePath().getParent());
        ChartUtils.saveChartAsPNG(png.toFile(), chart, 1000, 600);
    }

}
