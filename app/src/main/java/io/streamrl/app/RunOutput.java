package io.streamrl.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.streamrl.core.train.CurvePoint;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

/**
 * The files a run leaves in its output folder: {@code curve.csv} (appended and flushed row by
 * row, so a long run can be watched and an interrupted one keeps its curve),
 * {@code summary.json} and {@code curve.png}.
 */
final class RunOutput implements AutoCloseable {

    private final Path dir;
    private final BufferedWriter curve;

    /** A learning-curve output: {@code curve.csv} holds {@link CurvePoint} rows. */
    RunOutput(Path dir) {
        this(dir, CurvePoint.CSV_HEADER);
    }

    /** @param csvHeader the first line of {@code curve.csv} */
    RunOutput(Path dir, String csvHeader) {
        this.dir = prepare(dir);
        try {
            curve = Files.newBufferedWriter(dir.resolve("curve.csv"), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
            curve.write(csvHeader);
            curve.newLine();
            curve.flush();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot write to output folder " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Creates the output folder if needed.
     *
     * @throws IllegalArgumentException naming the folder when it cannot be created
     */
    static Path prepare(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot write to output folder " + dir + ": " + e.getMessage(), e);
        }
    }

    Path dir() {
        return dir;
    }

    void append(CurvePoint point) {
        appendRow(point.toCsvRow());
    }

    /** Appends one row of {@code curve.csv} and flushes it. */
    void appendRow(String row) {
        try {
            curve.write(row);
            curve.newLine();
            curve.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + dir.resolve("curve.csv"), e);
        }
    }

    void writeSummary(Map<String, Object> summary) {
        try {
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValue(dir.resolve("summary.json").toFile(), summary);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve("summary.json"), e);
        }
    }

    void writePlot(String title, List<CurvePoint> points, double solvedThreshold) {
        CurvePlot.write(dir.resolve("curve.png"), title, points, solvedThreshold);
    }

    /** {@code curve.png} with one line per named series of (x, y) points. */
    void writeLines(String title, String xLabel, String yLabel, Map<String, List<double[]>> series, double target,
                    String targetLabel) {
        CurvePlot.writeLines(dir.resolve("curve.png"), title, xLabel, yLabel, series, target, targetLabel);
    }

    @Override
    public void close() {
        try {
            curve.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
