package io.streamrl.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.filter.ThresholdFilter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.filter.Filter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * Moves the log off the screen for a command whose own output (a progress line, a result) is
 * what a person watches: while open, every event the loggers pass (INFO and up unless
 * {@code streamrl.log.level} says otherwise) goes to a file, and the console appenders of the
 * root logger let through only warnings and errors. Closing puts the console back as it was.
 */
final class LogToFile implements AutoCloseable {

    /** The file name in a run's output folder. */
    static final String FILE_NAME = "streamrl.log";
    /** The lowest level that still reaches the console while the log goes to the file. */
    static final Level CONSOLE_LEVEL = Level.WARN;

    private static final String PATTERN = "%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [%thread] %logger{0} - %msg%n";

    private final ch.qos.logback.classic.Logger root;
    private final FileAppender<ILoggingEvent> file;
    private final Map<ConsoleAppender<ILoggingEvent>, List<Filter<ILoggingEvent>>> consoleFilters;

    private LogToFile(ch.qos.logback.classic.Logger root, FileAppender<ILoggingEvent> file,
                      Map<ConsoleAppender<ILoggingEvent>, List<Filter<ILoggingEvent>>> consoleFilters) {
        this.root = root;
        this.file = file;
        this.consoleFilters = consoleFilters;
    }

    /**
     * Starts writing the log to {@code path} (replacing an older file there) and quiets the
     * console.
     *
     * @throws OutputException naming the file and the reason when it cannot be written
     */
    static LogToFile open(Path path) {
        // Logback would only record a failure to open the file in its status list, without the
        // reason; opening it here first gets the reason for the one-line message.
        try {
            Path parent = path.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.newOutputStream(path).close();
        } catch (IOException e) {
            throw new OutputException(path, e);
        }
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (!(factory instanceof LoggerContext context)) {
            throw new IllegalStateException("the log goes through logback in streamrl, found "
                    + factory.getClass().getName());
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        FileAppender<ILoggingEvent> file = new FileAppender<>();
        file.setContext(context);
        file.setName("FILE " + path);
        file.setFile(path.toString());
        file.setAppend(false);
        file.setEncoder(encoder);
        file.start();
        if (!file.isStarted()) {
            throw new OutputException(path, new IOException("logback could not open it; see its status messages"));
        }
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(file);
        Map<ConsoleAppender<ILoggingEvent>, List<Filter<ILoggingEvent>>> consoleFilters = new LinkedHashMap<>();
        for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
            if (it.next() instanceof ConsoleAppender<ILoggingEvent> console) {
                consoleFilters.put(console, console.getCopyOfAttachedFiltersList());
                ThresholdFilter threshold = new ThresholdFilter();
                threshold.setContext(context);
                threshold.setLevel(CONSOLE_LEVEL.levelStr);
                threshold.start();
                console.addFilter(threshold);
            }
        }
        return new LogToFile(root, file, consoleFilters);
    }

    /** Where the log goes. */
    String file() {
        return file.getFile();
    }

    @Override
    public void close() {
        consoleFilters.forEach((console, filters) -> {
            console.clearAllFilters();
            filters.forEach(console::addFilter);
        });
        root.detachAppender(file);
        file.stop();
    }
}
