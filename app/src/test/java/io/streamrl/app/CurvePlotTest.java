package io.streamrl.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrl.core.train.CurvePoint;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.List;
import org.jfree.chart.ChartRenderingInfo;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.Marker;
import org.jfree.chart.ui.Layer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CurvePlotTest {

    /** A colour nothing else in the chart uses, so that the label's box can be found in the image. */
    private static final Color PROBE = new Color(255, 0, 255);

    /**
     * Renders the chart with the solve label's background in {@link #PROBE} and finds that
     * background in the pixels: a label cut off at the edge of the plot shows as a box that
     * touches the edge and is narrower than its text.
     */
    @ParameterizedTest
    @ValueSource(doubles = {-1500, -150})
    void theSolvedLabelIsDrawnWholeInsideThePlot(double lastReturn) {
        List<CurvePoint> curve = List.of(new CurvePoint(1000, 1.0, 0, -1700, 200),
                new CurvePoint(2000, 8.0, 1000, -1200, 300), new CurvePoint(3000, 9.0, 2000, lastReturn, 80));
        JFreeChart chart = CurvePlot.chart("Pendulum-v1 ddpg seed 1", curve, -200);
        Marker solved = chart.getXYPlot().getRangeMarkers(Layer.FOREGROUND).iterator().next();
        assertThat(solved.getLabel()).isEqualTo(CurvePlot.SOLVED_LABEL);
        solved.setLabelBackgroundColor(PROBE);

        BufferedImage image = new BufferedImage(900, 500, BufferedImage.TYPE_INT_RGB);
        Graphics2D g2 = image.createGraphics();
        ChartRenderingInfo info = new ChartRenderingInfo();
        chart.draw(g2, new Rectangle(900, 500), info);
        double textWidth = g2.getFontMetrics(solved.getLabelFont()).getStringBounds(solved.getLabel(), g2).getWidth();
        g2.dispose();

        Rectangle box = boundsOf(image, PROBE.getRGB());
        Rectangle2D dataArea = info.getPlotInfo().getDataArea();
        assertThat(box.isEmpty()).as("the label's box is drawn").isFalse();
        assertThat(box.getMinX()).isGreaterThan(dataArea.getMinX());
        assertThat(box.getMaxX()).isLessThan(dataArea.getMaxX());
        assertThat(box.getMinY()).isGreaterThan(dataArea.getMinY());
        assertThat(box.getMaxY()).isLessThan(dataArea.getMaxY());
        // Anti-aliasing may blend a fractional edge column of the box with the background.
        assertThat((double) box.width).as("box width against text width").isGreaterThanOrEqualTo(textWidth - 2);
    }

    private static Rectangle boundsOf(BufferedImage image, int rgb) {
        Rectangle bounds = new Rectangle();
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if ((image.getRGB(x, y) & 0xFFFFFF) == (rgb & 0xFFFFFF)) {
                    bounds = bounds.isEmpty() ? new Rectangle(x, y, 1, 1) : bounds.union(new Rectangle(x, y, 1, 1));
                }
            }
        }
        return bounds;
    }
}
