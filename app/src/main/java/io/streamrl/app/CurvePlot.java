package io.streamrl.app;

import io.streamrl.core.train.CurvePoint;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;
import org.jfree.chart.renderer.xy.DeviationRenderer;
import org.jfree.chart.ui.LengthAdjustmentType;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;

/** Renders a learning curve (mean evaluation return with a one-std band) to a PNG file. */
final class CurvePlot {

    static final String SOLVED_LABEL = "solved";
    private static final Color SOLVED_COLOR = new Color(44, 160, 44);
    private static final int WIDTH = 900;
    private static final int HEIGHT = 500;

    private CurvePlot() {
    }

    static void write(Path file, String title, List<CurvePoint> points, double solvedThreshold) {
        try {
            ChartUtils.saveChartAsPNG(file.toFile(), chart(title, points, solvedThreshold), WIDTH, HEIGHT);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
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
            ValueMarker solved = new ValueMarker(solvedThreshold, SOLVED_COLOR, new BasicStroke(1.5f));
            solved.setLabel(SOLVED_LABEL);
            // Left end, just above the line: JFreeChart centres the text on the anchor by default, which puts
            // half of it left of the plot, where it is cut off. Curves start low, so the left end stays clear.
            solved.setLabelAnchor(RectangleAnchor.TOP_LEFT);
            solved.setLabelTextAnchor(TextAnchor.BOTTOM_LEFT);
            solved.setLabelOffsetType(LengthAdjustmentType.EXPAND);
            solved.setLabelPaint(SOLVED_COLOR.darker());
            solved.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            solved.setLabelBackgroundColor(new Color(255, 255, 255, 200));
            plot.addRangeMarker(solved);
        }
        return chart;
    }
}
