package io.streamrl.app;

import io.streamrl.core.compute.ComputeBackends;
import io.streamrl.kafka.BrokerUnavailableException;
import io.streamrl.kafka.KafkaAccessException;
import io.streamrl.kafka.ListenFailure;
import io.streamrl.producer.BadFileException;
import java.io.PrintWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/** Entry point of the {@code streamrl} command (see {@code bin/streamrl}). */
public final class Main {

    private static final Logger log = LoggerFactory.getLogger(Main.class);

    /**
     * Exit code for a bad argument value that picocli could not catch (unknown env, bad setting, busy
     * port, an unreadable --kafka-config or credentials Kafka refuses).
     */
    static final int EXIT_USAGE = 2;
    /** Exit code for a retriable failure such as an unreachable broker. */
    static final int EXIT_UNAVAILABLE = 69;
    /**
     * Exit code for input data that is bad (a row or a whole file that replay cannot use):
     * sysexits' EX_DATAERR. The arguments are fine; the data must be fixed.
     */
    static final int EXIT_DATA = 65;
    /**
     * Exit code for output that could not be written (folder not writable, disk full): sysexits'
     * EX_CANTCREAT, like 69 is its EX_UNAVAILABLE. Not 2, because the arguments may be right and
     * the same command works once there is room; a script can tell the two apart.
     */
    static final int EXIT_CANT_CREATE = 73;
    /**
     * Exit code of a learner fenced by another learner of the same namespace and policy (sysexits'
     * EX_TEMPFAIL): nothing is wrong with this one, but the policy has a learner; start this one
     * again only once the other has stopped, or it fences that one in turn.
     */
    static final int EXIT_FENCED = 75;
    /** Exit code of a run stopped by Ctrl-C / SIGTERM before its work was done (128 + SIGINT, as shells report it). */
    static final int EXIT_INTERRUPTED = 130;
    /** {@link #exitCode} of a failure that is a bug, not the user's to fix. */
    private static final int BUG = -1;

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
     * Errors the user can fix (a bad value, a busy port, an unreachable broker, an unwritable
     * output folder) are one clear line, not a stack trace (that goes to the log at DEBUG);
     * anything else is a bug and keeps its trace.
     */
    private static int handleExecutionException(Exception e, CommandLine cli, CommandLine.ParseResult parsed)
            throws Exception {
        int code = exitCode(e);
        if (code == BUG) {
            throw e;
        }
        log.debug("streamrl {} failed", cli.getCommandName(), e);
        PrintWriter err = cli.getErr();
        err.println(cli.getColorScheme().errorText("streamrl " + cli.getCommandName() + ": " + e.getMessage()));
        err.flush();
        return code;
    }

    /** The exit code of a failure the user can fix, or {@link #BUG}. */
    static int exitCode(Throwable e) {
        if (e instanceof OutputException) {
            return EXIT_CANT_CREATE;
        }
        // Wrong credentials or TLS settings, or a user the cluster's ACLs refuse: the same settings
        // fail the same way every time, so it is bad input (the message names --kafka-config).
        if (e instanceof IllegalArgumentException || e instanceof KafkaAccessException) {
            return EXIT_USAGE;
        }
        if (e instanceof BadFileException) {
            return EXIT_DATA;
        }
        if (e instanceof BrokerUnavailableException) {
            return EXIT_UNAVAILABLE;
        }
        // A port that is taken or privileged: Jetty, the JDK and Kafka each wrap the BindException,
        // and the servers word the failure with the option and the port (ListenFailure).
        if (ListenFailure.bindException(e) != null) {
            return EXIT_USAGE;
        }
        return BUG;
    }
}
