package io.streamrl.app;

import java.io.PrintWriter;

/**
 * A live status line: rewritten in place on a terminal, one line every few updates otherwise
 * (so that logs and CI output stay readable).
 */
final class ProgressLine {

    private static final int EVERY_NTH_OFF_TERMINAL = 5;

    private final PrintWriter out;
    private final boolean terminal;
    private int shown;
    private int lastLength;

    ProgressLine(PrintWriter out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    void show(String line) {
        if (terminal) {
            out.print('\r' + line + " ".repeat(Math.max(0, lastLength - line.length())));
            lastLength = line.length();
            out.flush();
        } else if (shown++ % EVERY_NTH_OFF_TERMINAL == 0) {
            out.println(line);
            out.flush();
        }
    }

    void end() {
        if (terminal && lastLength > 0) {
            out.println();
            out.flush();
        }
    }
}
