package io.streamrl.app;

import io.streamrl.core.compute.ComputeBackends;
import io.streamrl.kafka.BrokerUnavailableException;
import java.io.PrintWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/** Entry point of the {@code streamrl} command (see {@code bin/streamrl}). */
public final class Main {

    private static final Logger log = LoggerFactory.getLogger(Main.class);

    /** Exit code for a bad argument value that picocli could not catch (unknown env, bad setting). */
    static final int EXIT_USAGE = 2;
    /** Exit code for a retriable failure such as an unreachable broker. */
    static final int EXIT_UNAVAILABLE = 69;

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String... args) {
        if (!ComputeBackends.vectorApiAvailable()) {
            log.warn("the JDK Vector API module is not loaded (bin/streamrl adds --add-modules jdk.incubator.vector);"
                    + " the default compute backend is nd4j");
        }
        return commandLine().execute(args);
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new StreamrlCommand());
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler(Main::handleExecutionException);
        return cli;
    }

    /**
     * Errors the user can fix (a bad value, an unreachable broker) are one clear line, not a
     * stack trace; anything else is a bug and keeps its trace.
     */
    private static int handleExecutionException(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        PrintWriter err = cli.getErr();
        if (e instanceof IllegalArgumentException) {
            err.println(cli.getColorScheme().errorText("streamrl " + cli.getCommandName() + ": " + e.getMessage()));
            return EXIT_USAGE;
        }
        if (e instanceof BrokerUnavailableException) {
            err.println(cli.getColorScheme().errorText("streamrl " + cli.getCommandName() + ": " + e.getMessage()));
            return EXIT_UNAVAILABLE;
        }
        throw new IllegalStateException(e);
    }
}
