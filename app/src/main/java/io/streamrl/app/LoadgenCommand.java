package io.streamrl.app;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrl.bench.Durations;
import io.streamrl.bench.LoadGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "loadgen", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Fixed-rate load on a decision API ('streamrl serve'): many entities ask POST /v1/decisions for an"
                + " action on their state and report a reward for it to POST /v1/rewards, to size a deployment"
                + " or measure its latency.",
            "Open model: decisions are due on a fixed timetable (--rate per second after the --warmup ramp)"
                + " whatever the server does, and"
                + " each one's latency runs from its due time, so a slow or stalled server shows up as latency"
                + " (and, past --connections in flight, as 'unsent' errors), never as a quietly lower rate: no"
                + " coordinated omission. Each entity's states come from its own environment (--env), stepped"
                + " with the actions the server answers; rewards are that environment's.",
            "Sends only to --url, which is meant for loopback or hosts of your own; stops by itself after"
                + " --warmup plus --duration (waiting at most 2 x --timeout + 1 s for the last answers), or"
                + " early on Ctrl-C with what it measured so far.",
            "Prints progress every 5 s and a summary on stderr, then one JSON line on stdout: rate_target,"
                + " rate_achieved (decisions sent per second), ok_per_s, requests, ok, errors (by HTTP status or"
                + " kind: timeout, connect, io, bad_response, unsent, unfinished), p50/p90/p99/p999/max/mean_ms of"
                + " the ok decisions, modes, the same reward_* fields, send_lag_p99_ms/send_lag_max_ms (how late"
                + " decisions left) and slot_waits (decisions that found every connection busy: the server was"
                + " slow; a large lag without them means this machine was short of CPU)."})
final class LoadgenCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Option(names = "--url", required = true, paramLabel = "URL",
            description = "Base URL of the decision API, e.g. http://127.0.0.1:8080 (/v1/decisions and /v1/rewards"
                    + " are appended).")
    String url;

    @Option(names = "--rate", required = true, paramLabel = "PER_S",
            description = "Decisions per second, fixed (1 to " + LoadGenerator.Settings.MAX_RATE + ").")
    int rate;

    @Option(names = "--duration", required = true, paramLabel = "TIME", converter = DurationConverter.class,
            description = "Measured time after the warm-up, e.g. 60s, 500ms, 2m (100ms to 24h).")
    Duration duration;

    @Option(names = "--entities", defaultValue = "1000", paramLabel = "N",
            description = "Distinct entities, loadgen-0 ... loadgen-N-1, each with its own environment"
                    + " (default: ${DEFAULT-VALUE}).")
    int entities;

    @Option(names = "--env", defaultValue = "pricing", paramLabel = "ENV", completionCandidates = EnvNames.class,
            description = "Environment whose states the entities send: ${COMPLETION-CANDIDATES}"
                    + " (default: ${DEFAULT-VALUE}).")
    String env;

    @Option(names = "--reward-share", defaultValue = "1.0", paramLabel = "P",
            description = "Probability that an answered decision is followed by a reward (default: ${DEFAULT-VALUE}).")
    double rewardShare;

    @Option(names = "--connections", defaultValue = "64", paramLabel = "N",
            description = "Most requests in flight at once; a decision and its reward share one"
                    + " (default: ${DEFAULT-VALUE}).")
    int connections;

    @Option(names = "--warmup", defaultValue = "5s", paramLabel = "TIME", converter = DurationConverter.class,
            description = "Time before the measurement, sent but not counted, over which the rate ramps up"
                    + " linearly from 0 to --rate: JIT, connections and caches warm up without a backlog"
                    + " (default: ${DEFAULT-VALUE}).")
    Duration warmup;

    @Option(names = "--timeout", defaultValue = "10s", paramLabel = "TIME", converter = DurationConverter.class,
            description = "Longest wait for one answer (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Mixin
    AuthTokenOption authToken;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "SEED",
            description = "Seed of the entities' states and of the choice of entity and reward per request"
                    + " (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
        LoadGenerator.Settings settings = new LoadGenerator.Settings(url, env, rate, duration, warmup, entities,
                rewardShare, connections, timeout, seed, authToken.load());
        PrintWriter err = spec.commandLine().getErr();
        err.println(String.format(Locale.ROOT, "loadgen: %,d decisions/s to %s for %s after %s warm-up (only this"
                + " URL is sent to)", rate, settings.url(), Durations.format(duration), Durations.format(warmup)));
        err.flush();
        LoadGenerator generator = new LoadGenerator(settings, Clock.systemUTC(), System::nanoTime);
        LoadGenerator.Result result;
        try (GracefulStop stop = new GracefulStop("loadgen", generator::stop)) {
            try {
                result = generator.run(progress -> {
                    err.println(progress.line());
                    err.flush();
                });
            } catch (IOException e) {
                err.println(spec.commandLine().getColorScheme().errorText("streamrl loadgen: " + e.getMessage()));
                return Main.EXIT_UNAVAILABLE;
            }
            result.summary().forEach(err::println);
            err.flush();
            PrintWriter out = spec.commandLine().getOut();
            try {
                out.println(JSON.writeValueAsString(result.line()));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot write the result line as JSON: " + result.line(), e);
            }
            out.flush();
        }
        return 0;
    }

    /** {@code 60s}, {@code 500ms}, {@code 2m}, {@code 1h}, or a bare number of seconds. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return Durations.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
