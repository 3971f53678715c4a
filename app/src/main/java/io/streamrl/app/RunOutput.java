package io.streamrl.app;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.streamrl.core.train.CurvePoint;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

/**
 * The files a run leaves in its output folder: {@code curve.csv} (appended and flushed row by
 * row, so a long run can be watched and an interrupted one keeps its curve),
 * {@code summary.json}, {@code curve.png} and, after training, {@code policy.bin}. A file that cannot be written (folder not
 * writable, disk full) is an {@link OutputException} naming it, and leaves nothing half-written:
 * {@code curve.csv} is cut back to its last whole row, and the summary and the plot appear
 * complete or not at all.
 */
final class RunOutput implements AutoCloseable {

    static final String CURVE = "curve.csv";
    static final String SUMMARY = "summary.json";
    static final String PLOT = "curve.png";
    static final String POLICY = "policy.bin";

    /**
     * Opens a file for writing, creating or truncating it. The one way this class writes, so
     * that a test can make writing fail midway as a full disk does.
     */
    @FunctionalInterface
    interface FileOpener {
        OutputStream open(Path file) throws IOException;
    }

    /** The opener of a real run. */
    static final FileOpener FILES = file -> Files.newOutputStream(file, StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);

    /** The whole content of a file written in one go. */
    @FunctionalInterface
    private interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    private final Path dir;
    private final FileOpener opener;
    private final OutputStream curve;
    /** Bytes of {@code curve.csv} that are whole rows; what a failed append is cut back to. */
    private long curveBytes;

    /** A learning-curve output: {@code curve.csv} holds {@link CurvePoint} rows. */
    RunOutput(Path dir) {
        this(dir, CurvePoint.CSV_HEADER);
    }

    /** @param csvHeader the first line of {@code curve.csv} */
    RunOutput(Path dir, String csvHeader) {
        this(dir, csvHeader, FILES);
    }

    RunOutput(Path dir, String csvHeader, FileOpener opener) {
        this.dir = prepare(dir);
        this.opener = opener;
        Path file = this.dir.resolve(CURVE);
        try {
            curve = opener.open(file);
        } catch (IOException e) {
            throw new OutputException(file, e);
        }
        try {
            appendRow(csvHeader);
        } catch (OutputException e) {
            // Nobody will close an object whose constructor failed, nor want a curve without a header.
            closeQuietly(curve, e);
            deleteQuietly(file, e);
            throw e;
        }
    }

    /**
     * Creates the output folder if needed.
     *
     * @throws OutputException naming the folder when it cannot be created
     */
    static Path prepare(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new OutputException(dir, e);
        }
    }

    Path dir() {
        return dir;
    }

    void append(CurvePoint point) {
        appendRow(point.toCsvRow());
    }

    /**
     * Appends one row of {@code curve.csv} and flushes it. Written unbuffered, in one call, so
     * that a failure leaves nothing queued for {@link #close} to fail on again.
     */
    void appendRow(String row) {
        byte[] bytes = (row + System.lineSeparator()).getBytes(StandardCharsets.UTF_8);
        Path file = dir.resolve(CURVE);
        try {
            curve.write(bytes);
            curve.flush();
            curveBytes += bytes.length;
        } catch (IOException e) {
            // A full disk can take part of a row; a reader of the curve should not see half of one.
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                channel.truncate(curveBytes);
            } catch (IOException truncating) {
                e.addSuppressed(truncating);
            }
            throw new OutputException(file, e);
        }
    }

    void writeSummary(Map<String, Object> summary) {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        writeWhole(SUMMARY, out -> json.writeValue(out, summary));
    }

    /** {@code policy.bin}: a policy snapshot's binary form, which {@code streamrl evaluate --policy} reads. */
    void writePolicy(byte[] snapshot) {
        writeWhole(POLICY, out -> out.write(snapshot));
    }

    void writePlot(String title, List<CurvePoint> points, double solvedThreshold) {
        writeWhole(PLOT, out -> CurvePlot.write(out, title, points, solvedThreshold));
    }

    /** {@code curve.png} with one line per named series of (x, y) points. */
    void writeLines(String title, String xLabel, String yLabel, Map<String, List<double[]>> series, double target,
                    String targetLabel) {
        writeWhole(PLOT, out -> CurvePlot.writeLines(out, title, xLabel, yLabel, series, target, targetLabel));
    }

    /**
     * Writes a temporary file in the same folder and renames it over {@code name} in one step, so
     * that {@code name} is the old file or the whole new one, never a part; the temporary file is
     * removed when anything fails. (Not synced to disk: this guards against a full disk or a
     * crash of this process, not against losing power.)
     */
    private void writeWhole(String name, Content content) {
        Path target = dir.resolve(name);
        Path temp = dir.resolve("." + name + ".tmp");
        try {
            try (OutputStream out = opener.open(temp)) {
                content.writeTo(out);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            deleteQuietly(temp, e);
            throw new OutputException(target, e);
        }
    }

    private static void closeQuietly(OutputStream out, Exception failure) {
        try {
            out.close();
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    private static void deleteQuietly(Path file, Exception failure) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    @Override
    public void close() {
        try {
            curve.close();
        } catch (IOException e) {
            throw new OutputException(dir.resolve(CURVE), e);
        }
    }
}
