package io.streamrl.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.FilterReply;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class LogToFileTest {

    private static final LoggerContext CONTEXT = (LoggerContext) LoggerFactory.getILoggerFactory();
    private static final Logger ROOT = CONTEXT.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private static final Logger LOG = CONTEXT.getLogger(LogToFileTest.class);

    @TempDir
    Path tmp;

    private static List<ConsoleAppender<ILoggingEvent>> consoles() {
        List<ConsoleAppender<ILoggingEvent>> consoles = new ArrayList<>();
        for (Iterator<Appender<ILoggingEvent>> it = ROOT.iteratorForAppenders(); it.hasNext(); ) {
            if (it.next() instanceof ConsoleAppender<ILoggingEvent> console) {
                consoles.add(console);
            }
        }
        return consoles;
    }

    private static FilterReply consoleDecision(ConsoleAppender<ILoggingEvent> console, Level level) {
        return console.getFilterChainDecision(new LoggingEvent(Logger.FQCN, LOG, level, "probe", null, null));
    }

    @Test
    void whileOpenTheFileGetsEverythingAndTheConsoleOnlyWarningsThenTheConsoleIsBack() throws Exception {
        List<ConsoleAppender<ILoggingEvent>> consoles = consoles();
        assertThat(consoles).as("logback-test.xml logs to the console").isNotEmpty();
        int appenders = appenderCount();
        Path file = tmp.resolve("out").resolve(LogToFile.FILE_NAME);

        try (LogToFile ignored = LogToFile.open(file)) {
            LOG.info("detail for the file");
            LOG.warn("trouble for both");
            for (ConsoleAppender<ILoggingEvent> console : consoles) {
                assertThat(consoleDecision(console, Level.INFO)).isEqualTo(FilterReply.DENY);
                assertThat(consoleDecision(console, Level.WARN)).isEqualTo(FilterReply.NEUTRAL);
                assertThat(consoleDecision(console, Level.ERROR)).isEqualTo(FilterReply.NEUTRAL);
            }
        }
        LOG.info("after the command");

        assertThat(Files.readString(file)).contains("INFO  [", "LogToFileTest - detail for the file")
                .contains("WARN  [", "LogToFileTest - trouble for both").doesNotContain("after the command");
        for (ConsoleAppender<ILoggingEvent> console : consoles) {
            assertThat(consoleDecision(console, Level.INFO)).isEqualTo(FilterReply.NEUTRAL);
        }
        assertThat(appenderCount()).isEqualTo(appenders);
    }

    @Test
    void aFileThatCannotBeWrittenIsAnErrorAndLeavesTheConsoleAlone() throws Exception {
        Path notAFolder = Files.writeString(tmp.resolve("plain-file"), "x");
        int appenders = appenderCount();

        assertThatThrownBy(() -> LogToFile.open(notAFolder.resolve("streamrl.log")))
                .isInstanceOf(OutputException.class)
                .hasMessage("cannot write " + notAFolder.resolve("streamrl.log") + ": " + notAFolder
                        + " exists and is not a folder");

        assertThat(appenderCount()).isEqualTo(appenders);
        for (ConsoleAppender<ILoggingEvent> console : consoles()) {
            assertThat(consoleDecision(console, Level.INFO)).isEqualTo(FilterReply.NEUTRAL);
        }
    }

    private static int appenderCount() {
        int count = 0;
        for (Iterator<Appender<ILoggingEvent>> it = ROOT.iteratorForAppenders(); it.hasNext(); it.next()) {
            count++;
        }
        return count;
    }
}
