package io.streamrl.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrl.core.train.CurvePoint;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a full disk leaves behind: whole rows of the curve, and whole files or none. */
class RunOutputTest {

    private static final List<CurvePoint> CURVE = List.of(new CurvePoint(100, 1.0, 10, -900.5, 12.25),
            new CurvePoint(200, 2.0, 110, -400.0, 8.5));

    @TempDir
    Path tmp;

    @Test
    void aRowCutShortByAFullDiskIsRemovedAndNamed() throws Exception {
        String header = "env_steps,wall_s,updates,eval_mean_return,eval_std_return";
        int room = header.length() + 1 + CURVE.get(0).toCsvRow().length() + 1 + 5;
        try (RunOutput output = new RunOutput(tmp, header, fullAfter(room))) {
            output.append(CURVE.get(0));
            assertThatThrownBy(() -> output.append(CURVE.get(1))).isInstanceOf(OutputException.class)
                    .hasMessage("cannot write " + tmp.resolve("curve.csv") + ": No space left on device");
        }
        assertThat(Files.readAllLines(tmp.resolve("curve.csv"))).containsExactly(header, CURVE.get(0).toCsvRow());
        assertThat(Files.readString(tmp.resolve("curve.csv"))).endsWith(System.lineSeparator());
    }

    @Test
    void aSummaryOrPlotCutShortLeavesTheOldFileAndNoTemporaryOne() throws Exception {
        Files.writeString(tmp.resolve("summary.json"), "{\"from\": \"the run before\"}");
        try (RunOutput output = new RunOutput(tmp, "h", fullAfter(2 + 10))) {
            assertThatThrownBy(() -> output.writeSummary(Map.of("env", "Pendulum-v1", "solved", true)))
                    .isInstanceOf(OutputException.class)
                    .hasMessage("cannot write " + tmp.resolve("summary.json") + ": No space left on device");
            assertThatThrownBy(() -> output.writePlot("title", CURVE, -200)).isInstanceOf(OutputException.class)
                    .hasMessageStartingWith("cannot write " + tmp.resolve("curve.png") + ": ");
        }
        assertThat(Files.readString(tmp.resolve("summary.json"))).isEqualTo("{\"from\": \"the run before\"}");
        try (Stream<Path> files = Files.list(tmp)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactlyInAnyOrder("curve.csv",
                    "summary.json");
        }
    }

    @Test
    void withRoomTheSummaryAndPlotReplaceTheOldOnes() throws Exception {
        Files.writeString(tmp.resolve("summary.json"), "old");
        try (RunOutput output = new RunOutput(tmp)) {
            output.writeSummary(Map.of("solved", true));
            output.writePlot("title", CURVE, -200);
        }
        assertThat(Files.readString(tmp.resolve("summary.json"))).contains("\"solved\" : true");
        byte[] png = Files.readAllBytes(tmp.resolve("curve.png"));
        assertThat(png).startsWith(0x89, 'P', 'N', 'G');
        try (Stream<Path> files = Files.list(tmp)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactlyInAnyOrder("curve.csv",
                    "summary.json", "curve.png");
        }
    }

    @Test
    void aHeaderThatDoesNotFitLeavesNoCurve() {
        assertThatThrownBy(() -> new RunOutput(tmp, "a,long,header", fullAfter(4)))
                .isInstanceOf(OutputException.class).hasMessageContaining("No space left on device");
        assertThat(tmp.resolve("curve.csv")).doesNotExist();
    }

    /**
     * Opens real files on a disk that holds {@code room} more bytes per file: a write beyond
     * them stores what fits and fails as the JDK reports ENOSPC.
     */
    private static RunOutput.FileOpener fullAfter(int room) {
        return file -> new FilterOutputStream(RunOutput.FILES.open(file)) {
            private int left = room;

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                int fits = Math.min(len, left);
                out.write(b, off, fits);
                left -= fits;
                if (fits < len) {
                    throw new IOException("No space left on device");
                }
            }

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }
        };
    }
}
