package io.streamrl.app;

import io.streamrl.core.train.CurvePoint;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.DeviationRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.LengthAdjustmentType;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

/** Renders a learning curve (mean evaluation return with a one-std band) to a PNG file. */
final class CurvePlot {

    static final String SOLVED_LABEL = "solved";
    private static final Color SOLVED_COLOR = new Color(44, 160, 44);
    private static final int WIDTH = 900;
    private static final int HEIGHT = 500;

    private CurvePlot() {
    }

    /** Writes the learning curve as PNG to {@code out}, which the caller owns (see {@link RunOutput}). */
    static void write(OutputStream out, String title, List<CurvePoint> points, double solvedThreshold)
            throws IOException {
        ChartUtils.writeChartAsPNG(out, chart(title, points, solvedThreshold), WIDTH, HEIGHT);
    }

    /** The chart {@link #write} saves; a NaN threshold draws no solve line. */
    static JFreeChart chart(String title, List<CurvePoint> points, double solvedThreshold) {
        YIntervalSeries series = new YIntervalSeries("evaluation return (mean ± std)");
        for (CurvePoint p : points) {
            series.add(p.envSteps(), p.evalMeanReturn(), p.evalMeanReturn() - p.evalStdReturn(),
                    p.evalMeanReturn() + p.evalStdReturn());
        }
        YIntervalSeriesCollection data = new YIntervalSeriesCollection();
        data.addSeries(series);
        JFreeChart chart = ChartFactory.createXYLineChart(title, "environment steps", "return", data,
                PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        DeviationRenderer renderer = new DeviationRenderer(true, true);
        renderer.setSeriesPaint(0, new Color(31, 119, 180));
        renderer.setSeriesFillPaint(0, new Color(31, 119, 180));
        renderer.setAlpha(0.2f);
        renderer.setSeriesStroke(0, new BasicStroke(2f));
        plot.setRenderer(renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        if (!Double.isNaN(solvedThreshold)) {
            addTarget(plot, solvedThreshold, SOLVED_LABEL);
        }
        return chart;
    }

    /** Saves a chart with one line per named series of (x, y) points; a NaN target draws no line. */
    static void writeLines(OutputStream out, String title, String xLabel, String yLabel,
                           Map<String, List<double[]>> series, double target, String targetLabel) throws IOException {
        ChartUtils.writeChartAsPNG(out, lines(title, xLabel, yLabel, series, target, targetLabel), WIDTH, HEIGHT);
    }

    static JFreeChart lines(String title, String xLabel, String yLabel, Map<String, List<double[]>> series,
                            double target, String targetLabel) {
        XYSeriesCollection data = new XYSeriesCollection();
        series.forEach((name, points) -> {
            XYSeries s = new XYSeries(name);
            for (double[] p : points) {
                s.add(p[0], p[1]);
            }
            data.addSeries(s);
        });
        JFreeChart chart = ChartFactory.createXYLineChart(title, xLabel, yLabel, data, PlotOrientation.VERTICAL,
                true, false, false);
        XYPlot plot = chart.getXYPlot();
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        for (int i = 0; i < data.getSeriesCount(); i++) {
            renderer.setSeriesStroke(i, new BasicStroke(2f));
        }
        plot.setRenderer(renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        // Zoom to the data: the interesting differences are a few percent of the range.
        ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(false);
        if (!Double.isNaN(target)) {
            addTarget(plot, target, targetLabel);
        }
        return chart;
    }

    private static void addTarget(XYPlot plot, double value, String label) {
        ValueMarker marker = new ValueMarker(value, SOLVED_COLOR, new BasicStroke(1.5f));
        marker.setLabel(label);
        // Left end, just above the line: JFreeChart centres the text on the anchor by default, which puts
        // half of it left of the plot, where it is cut off. Curves start low, so the left end stays clear.
        marker.setLabelAnchor(RectangleAnchor.TOP_LEFT);
        marker.setLabelTextAnchor(TextAnchor.BOTTOM_LEFT);
        marker.setLabelOffsetType(LengthAdjustmentType.EXPAND);
        marker.setLabelPaint(SOLVED_COLOR.darker());
        marker.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        marker.setLabelBackgroundColor(new Color(255, 255, 255, 200));
        plot.addRangeMarker(marker);
    }
}
