package io.streamrl.app;

import java.util.Locale;

/** "ETA 1:23" from how much of a known total is done after how long, for progress lines. */
final class Eta {

    private Eta() {
    }

    static String of(long done, long total, long elapsedMillis) {
        if (done <= 0 || total <= 0 || elapsedMillis <= 0) {
            return "ETA unknown";
        }
        if (done >= total) {
            return "done";
        }
        long seconds = Math.round((total - done) * (elapsedMillis / 1000.0) / done);
        return String.format(Locale.ROOT, "%d%% ETA %d:%02d", done * 100 / total, seconds / 60, seconds % 60);
    }
}
