package io.streamrl.bench;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrl.actor.serve.BearerToken;
import io.streamrl.core.env.Env;
import io.streamrl.core.env.EnvSpec;
import io.streamrl.core.env.Envs;
import io.streamrl.core.env.StepResult;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.eclipse.jetty.client.BufferingResponseListener;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Fixed-rate load on the decision API of {@code streamrl serve}: {@code POST /v1/decisions} for
 * many entities, each followed (with probability {@link Settings#rewardShare()}) by
 * {@code POST /v1/rewards} for the decision it got.
 *
 * <p><b>Open model.</b> Request {@code i} is due at a time fixed before the run starts
 * ({@link Settings#dueNanos}: a linear ramp from 0 to {@code rate} over the warm-up, so that a
 * cold JIT on either side does not start the measurement with a backlog, then every
 * {@code 1 / rate}), whatever happened to the ones before it, and its latency runs from that due time, not from when it actually left.
 * A server that stalls therefore shows up as latency of every request that was due during the
 * stall (and as a backlog sent as soon as it can be), not as a lower request rate with
 * good-looking latencies: the "coordinated omission" of closed-loop generators is avoided. At
 * most {@link Settings#connections()} requests are in flight at once (a decision and the reward
 * that follows it share one slot); a request due while every slot is taken waits for one, its
 * wait counted in its latency. Requests still unsent {@link #SEND_GRACE} after the measured
 * window are given up and counted as the error kind {@code unsent}.
 *
 * <p><b>Entities.</b> Each entity owns one environment ({@link Envs#make}) from the seeded
 * generator, so the states it sends are ones the environment produces (right length, finite).
 * A successful decision steps the entity's environment with the returned action (a new episode
 * starts when one ends); the environment's reward for that step is what the reward request
 * reports, with {@code "terminal": true} when the episode terminated.
 *
 * <p><b>Bounds.</b> A run schedules exactly {@code rate * (warmup / 2 + duration)} decisions, sends
 * nothing after the window plus {@link #SEND_GRACE}, and waits at most {@code 2 * timeout + 1 s}
 * for the last answers; {@link #stop()} ends it early. It sends only to the one base URL it is
 * given, meant for loopback or hosts of one's own.
 *
 * <p>A generator is single-use: one {@link #run} per instance.
 */
public final class LoadGenerator {

    public static final String DECISIONS_PATH = "/v1/decisions";
    public static final String REWARDS_PATH = "/v1/rewards";
    /** Prefix of the entity ids: {@code loadgen-0}, {@code loadgen-1}, ... */
    public static final String ENTITY_PREFIX = "loadgen-";
    /** How late after the measured window a due request may still be sent. */
    public static final Duration SEND_GRACE = Duration.ofSeconds(1);
    public static final Duration DEFAULT_PROGRESS_EVERY = Duration.ofSeconds(5);

    /** Longest single park of the scheduler, so that {@link #stop()} is seen promptly. */
    private static final long MAX_PARK_NANOS = 50_000_000L;
    /** Delay before the first request is due, so that it is not late by construction. */
    private static final long LEAD_NANOS = 1_000_000L;
    /** Longest wait for in-flight answers after a {@link #stop()}. */
    private static final Duration STOPPED_DRAIN = Duration.ofSeconds(5);
    /** Most threads of the HTTP client (selector, reading, and completing answers: parsing, stepping, rewards). */
    private static final int HTTP_THREADS = 4;
    /** Largest answer body kept; the decision API's are a few hundred bytes. */
    private static final int MAX_ANSWER_BYTES = 64 * 1024;
    private static final int EXAMPLE_CHARS = 200;
    private static final String USER_AGENT = "streamrl-loadgen";

    /**
     * What to run; every bad value is refused here with the option name and its range.
     *
     * @param url base URL of the server ({@code http://127.0.0.1:8080}); {@value #DECISIONS_PATH}
     *     and {@value #REWARDS_PATH} are appended
     * @param env environment whose states the entities send ({@link Envs#names()})
     * @param rate decisions per second, fixed
     * @param duration measured time
     * @param warmup time before it, sent but not counted, over which the rate ramps up linearly from 0
     * @param entities distinct entity ids, each with its own environment
     * @param rewardShare probability in [0, 1] that a successful decision is followed by a reward
     * @param connections most requests in flight at once
     * @param timeout longest wait for one answer
     * @param seed seed of the entity states and of the choice of entity and reward per request
     * @param authToken the bearer token every request carries ({@code --auth-token-file}), or empty
     */
    public record Settings(String url, String env, int rate, Duration duration, Duration warmup, int entities,
                           double rewardShare, int connections, Duration timeout, long seed,
                           Optional<BearerToken> authToken) {

        public static final int MAX_RATE = 1_000_000;
        public static final Duration MIN_DURATION = Duration.ofMillis(100);
        public static final Duration MAX_DURATION = Duration.ofHours(24);
        public static final Duration MAX_WARMUP = Duration.ofHours(1);
        public static final int MAX_ENTITIES = 1_000_000;
        public static final int MAX_CONNECTIONS = 4096;
        public static final Duration MIN_TIMEOUT = Duration.ofMillis(1);
        public static final Duration MAX_TIMEOUT = Duration.ofMinutes(1);

        public Settings {
            URI base = baseUri(url);
            if (env == null) {
                throw new IllegalArgumentException("--env must name an environment; valid names (any case): "
                        + String.join(", ", Envs.names()));
            }
            try {
                Envs.spec(env);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--env: " + e.getMessage(), e);
            }
            if (rate < 1 || rate > MAX_RATE) {
                throw new IllegalArgumentException("--rate must be in [1, " + MAX_RATE + "] requests/s, got " + rate);
            }
            requireIn("--duration", duration, MIN_DURATION, MAX_DURATION);
            requireIn("--warmup", warmup, Duration.ZERO, MAX_WARMUP);
            if (entities < 1 || entities > MAX_ENTITIES) {
                throw new IllegalArgumentException("--entities must be in [1, " + MAX_ENTITIES + "], got " + entities);
            }
            if (!(rewardShare >= 0 && rewardShare <= 1)) {
                throw new IllegalArgumentException("--reward-share must be in [0, 1], got " + rewardShare);
            }
            if (connections < 1 || connections > MAX_CONNECTIONS) {
                throw new IllegalArgumentException("--connections must be in [1, " + MAX_CONNECTIONS + "], got "
                        + connections);
            }
            requireIn("--timeout", timeout, MIN_TIMEOUT, MAX_TIMEOUT);
            Objects.requireNonNull(authToken, "authToken must not be null; use Optional.empty() for none");
            url = base.toString();
        }

        /** Without a bearer token. */
        public Settings(String url, String env, int rate, Duration duration, Duration warmup, int entities,
                        double rewardShare, int connections, Duration timeout, long seed) {
            this(url, env, rate, duration, warmup, entities, rewardShare, connections, timeout, seed,
                    Optional.empty());
        }

        /** The base URL checked: http or https, a host, no user, query or fragment; trailing slashes dropped. */
        private static URI baseUri(String url) {
            if (url == null || url.isBlank()) {
                throw new IllegalArgumentException("--url must be the server's base URL, e.g. http://127.0.0.1:8080");
            }
            if (!url.contains("://")) {
                throw new IllegalArgumentException("--url must start with http:// or https://, e.g."
                        + " http://127.0.0.1:8080, got " + url);
            }
            URI uri;
            try {
                uri = new URI(url.strip());
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("--url is not a URL: " + e.getMessage(), e);
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw new IllegalArgumentException("--url must start with http:// or https://, e.g."
                        + " http://127.0.0.1:8080, got " + url);
            }
            if (uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawQuery() != null
                    || uri.getRawFragment() != null) {
                throw new IllegalArgumentException("--url must be a base URL with a host and without user, query or"
                        + " fragment, e.g. http://127.0.0.1:8080, got " + url);
            }
            String path = uri.getRawPath() == null ? "" : uri.getRawPath().replaceAll("/+$", "");
            if (path.endsWith(DECISIONS_PATH) || path.endsWith(REWARDS_PATH)) {
                throw new IllegalArgumentException("--url is the base URL (" + DECISIONS_PATH + " and " + REWARDS_PATH
                        + " are appended), got " + url);
            }
            return URI.create(scheme + "://" + uri.getRawAuthority() + path);
        }

        private static void requireIn(String option, Duration value, Duration min, Duration max) {
            if (value == null || value.compareTo(min) < 0 || value.compareTo(max) > 0) {
                throw new IllegalArgumentException(option + " must be in [" + Durations.format(min) + ", "
                        + Durations.format(max) + "], got " + (value == null ? "nothing" : Durations.format(value)));
            }
        }

        public URI decisionsUri() {
            return URI.create(url + DECISIONS_PATH);
        }

        public URI rewardsUri() {
            return URI.create(url + REWARDS_PATH);
        }

        /** The environment's spec (observation length = the length of every state sent). */
        public EnvSpec envSpec() {
            return Envs.spec(env);
        }

        /** Decisions due in the warm-up, whose rate ramps linearly from 0 to {@link #rate()}: half a full one's. */
        public long warmupRequests() {
            return Math.round(rate * (warmup.toNanos() / 1e9) / 2);
        }

        /** Decisions due in the measured window. */
        public long measuredRequests() {
            return Math.round(rate * (duration.toNanos() / 1e9));
        }

        /**
         * When decision {@code i} (0-based) is due, in nanoseconds from the start: on the warm-up's
         * ramp {@code sqrt(2 warmup i / rate)}, then every {@code 1 / rate} from the end of the
         * warm-up. The timetable is fixed before the first request, whatever the answers.
         */
        public long dueNanos(long i) {
            long ramp = warmupRequests();
            double warmupSeconds = warmup.toNanos() / 1e9;
            if (i < ramp) {
                return (long) (Math.sqrt(2 * warmupSeconds * i / rate) * 1e9);
            }
            return warmup.toNanos() + (long) ((double) (i - ramp) * 1e9 / rate);
        }

        /** The id of entity {@code index}, {@code 0 <= index < entities}. */
        public String entityId(int index) {
            Objects.checkIndex(index, entities);
            return ENTITY_PREFIX + index;
        }

        /** Every entity id the run may send. */
        public List<String> entityIds() {
            List<String> ids = new ArrayList<>(entities);
            for (int i = 0; i < entities; i++) {
                ids.add(entityId(i));
            }
            return ids;
        }
    }

    /** Latency percentiles in milliseconds; NaN (JSON null) when nothing was measured. */
    public record Latency(long count, double p50Ms, double p90Ms, double p99Ms, double p999Ms, double maxMs,
                          double meanMs) {

        static Latency of(Histogram microseconds) {
            if (microseconds.getTotalCount() == 0) {
                return new Latency(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
            }
            return new Latency(microseconds.getTotalCount(), ms(microseconds.getValueAtPercentile(50)),
                    ms(microseconds.getValueAtPercentile(90)), ms(microseconds.getValueAtPercentile(99)),
                    ms(microseconds.getValueAtPercentile(99.9)), ms(microseconds.getMaxValue()),
                    microseconds.getMean() / 1000.0);
        }

        private static double ms(long micros) {
            return micros / 1000.0;
        }

        void put(Map<String, Object> line, String prefix) {
            line.put(prefix + "p50_ms", Json.round(p50Ms, 3));
            line.put(prefix + "p90_ms", Json.round(p90Ms, 3));
            line.put(prefix + "p99_ms", Json.round(p99Ms, 3));
            line.put(prefix + "p999_ms", Json.round(p999Ms, 3));
            line.put(prefix + "max_ms", Json.round(maxMs, 3));
            line.put(prefix + "mean_ms", Json.round(meanMs, 3));
        }

        String describe() {
            if (count == 0) {
                return "none measured";
            }
            return String.format(Locale.ROOT, "p50 %s  p90 %s  p99 %s  p99.9 %s  max %s ms", fmt(p50Ms), fmt(p90Ms),
                    fmt(p99Ms), fmt(p999Ms), fmt(maxMs));
        }

        private static String fmt(double ms) {
            return ms < 10 ? String.format(Locale.ROOT, "%.3f", ms) : String.format(Locale.ROOT, "%.1f", ms);
        }
    }

    /**
     * What became of one kind of request.
     *
     * @param requests requests counted: for decisions, those due in the measured window (sent or
     *     not); for rewards, those sent for measured decisions
     * @param sent of those, requests that went out
     * @param ok answered with a 2xx (decisions: and a usable body)
     * @param errors every other outcome by kind: the HTTP status ("503"), {@code timeout},
     *     {@code connect}, {@code connect_timeout}, {@code io}, {@code bad_response} (2xx without
     *     a decision id or with an action of the wrong length), {@code unsent} (no free
     *     connection in time), {@code unfinished} (no answer when the run ended)
     * @param examples the first message or response body seen per error kind
     * @param latency of the ok requests; decisions from their due time, rewards from their send
     */
    public record Outcome(long requests, long sent, long ok, Map<String, Long> errors, Map<String, String> examples,
                          Latency latency) {

        public long errorCount() {
            return errors.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** One scheduled report while the run goes on. */
    public record Progress(double elapsedSeconds, double plannedSeconds, String phase, long sent, long ok,
                           long errors, int inFlight, double sentPerSecond, double p50Ms, double p99Ms) {

        public String line() {
            String latency = Double.isNaN(p50Ms) ? "no answers"
                    : String.format(Locale.ROOT, "p50 %.2f ms, p99 %.2f ms", p50Ms, p99Ms);
            return String.format(Locale.ROOT, "loadgen %.0f/%.0f s %s: %,.0f req/s sent, %,d ok, %,d errors,"
                    + " %d in flight; last interval %s", elapsedSeconds, plannedSeconds, phase, sentPerSecond, ok,
                    errors, inFlight, latency);
        }
    }

    /**
     * The measurement.
     *
     * @param measuredSeconds length of the measured window (shorter than the duration after a stop)
     * @param okPerSecond ok decisions per second from the window's start to its last answer
     * @param modes decisions per {@code mode} the server reported
     * @param sendLag how late decisions left after their due time: waits for a free connection
     *     (see {@code slotWaits}) and this machine's own lateness (CPU, timer)
     * @param slotWaits measured decisions that found all {@link Settings#connections()} in flight
     *     and had to wait for one
     * @param warmup decisions of the warm-up (not in the figures)
     */
    public record Result(Settings settings, String envId, String startedAt, double measuredSeconds,
                         boolean stoppedEarly, Outcome decisions, Outcome rewards, Map<String, Long> modes,
                         double okPerSecond, Latency sendLag, long slotWaits, Outcome warmup) {

        /** Decisions sent per second of the measured window. */
        public double rateAchieved() {
            return measuredSeconds > 0 ? decisions.sent() / measuredSeconds : Double.NaN;
        }

        /** The JSON result line. */
        public Map<String, Object> line() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("benchmark", "loadgen");
            m.put("url", settings.url());
            m.put("env", envId);
            m.put("entities", settings.entities());
            m.put("connections", settings.connections());
            m.put("reward_share", settings.rewardShare());
            m.put("seed", settings.seed());
            m.put("rate_target", settings.rate());
            m.put("rate_achieved", Json.round(rateAchieved(), 1));
            m.put("duration_s", Json.round(measuredSeconds, 3));
            m.put("warmup_s", Json.round(settings.warmup().toNanos() / 1e9, 3));
            m.put("stopped_early", stoppedEarly);
            m.put("requests", decisions.requests());
            m.put("sent", decisions.sent());
            m.put("ok", decisions.ok());
            m.put("ok_per_s", Json.round(okPerSecond, 1));
            m.put("errors", decisions.errors());
            decisions.latency().put(m, "");
            m.put("modes", modes);
            m.put("reward_requests", rewards.requests());
            m.put("reward_ok", rewards.ok());
            m.put("reward_errors", rewards.errors());
            rewards.latency().put(m, "reward_");
            m.put("send_lag_p99_ms", Json.round(sendLag.p99Ms(), 3));
            m.put("send_lag_max_ms", Json.round(sendLag.maxMs(), 3));
            m.put("slot_waits", slotWaits);
            m.put("started_at", startedAt);
            return m;
        }

        /** A few lines for a person. */
        public List<String> summary() {
            List<String> lines = new ArrayList<>();
            lines.add(String.format(Locale.ROOT, "loadgen %s (%s): %,d decisions/s for %.1f s%s after %.1f s warm-up,"
                    + " %,d entities, %d connections, reward share %s", settings.url(), envId, settings.rate(),
                    measuredSeconds, stoppedEarly ? " (stopped early)" : "", settings.warmup().toNanos() / 1e9,
                    settings.entities(), settings.connections(), settings.rewardShare()));
            lines.add(String.format(Locale.ROOT, "decisions: %,d due, %,d sent (%,.1f/s), %,d ok (%,.1f/s), errors: %s",
                    decisions.requests(), decisions.sent(), rateAchieved(), decisions.ok(), okPerSecond,
                    describeErrors(decisions)));
            lines.add("  latency from the due time: " + decisions.latency().describe());
            if (!modes.isEmpty()) {
                lines.add("  modes: " + describeCounts(modes));
            }
            if (settings.rewardShare() > 0) {
                lines.add(String.format(Locale.ROOT, "rewards: %,d sent, %,d ok, errors: %s", rewards.requests(),
                        rewards.ok(), describeErrors(rewards)));
                lines.add("  latency from the send: " + rewards.latency().describe());
            }
            lines.add(String.format(Locale.ROOT, "send lag behind the timetable: p99 %.3f ms, max %.3f ms%s",
                    nanToZero(sendLag.p99Ms()), nanToZero(sendLag.maxMs()), lagCause()));
            if (warmup.errorCount() > 0) {
                lines.add("warm-up (not counted) errors: " + describeErrors(warmup));
            }
            return lines;
        }

        private String lagCause() {
            if (slotWaits > 0) {
                return String.format(Locale.ROOT, "; %,d decisions found all %d connections in flight and waited:"
                        + " the server answered slower than the rate needs (or raise --connections)", slotWaits,
                        settings.connections());
            }
            if (sendLag.p99Ms() > 1) {
                return " with no wait for a connection: this machine (CPU, timer) was late, not the server";
            }
            return "";
        }

        private static double nanToZero(double v) {
            return Double.isNaN(v) ? 0 : v;
        }

        private static String describeErrors(Outcome o) {
            if (o.errors().isEmpty()) {
                return "none";
            }
            List<String> parts = new ArrayList<>();
            o.errors().forEach((kind, n) -> {
                String example = o.examples().get(kind);
                parts.add(String.format(Locale.ROOT, "%s x%,d", kind, n) + (example == null ? "" : " (" + example + ")"));
            });
            return String.join(", ", parts);
        }

        private static String describeCounts(Map<String, Long> counts) {
            List<String> parts = new ArrayList<>();
            counts.forEach((k, n) -> parts.add(String.format(Locale.ROOT, "%s %,d", k, n)));
            return String.join(", ", parts);
        }
    }

    private final Settings settings;
    private final Clock clock;
    private final LongSupplier nanoTime;
    private final Duration progressEvery;
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile boolean stopRequested;
    private volatile long stoppedAtNanos;

    /**
     * @param clock wall clock, for the start time in the result
     * @param nanoTime monotonic time source in nanoseconds (timetable, latencies)
     * @param progressEvery spacing of the progress reports
     */
    public LoadGenerator(Settings settings, Clock clock, LongSupplier nanoTime, Duration progressEvery) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        if (progressEvery == null || progressEvery.toMillis() < 1) {
            throw new IllegalArgumentException("progressEvery must be at least 1 ms, got " + progressEvery);
        }
        this.progressEvery = progressEvery;
    }

    public LoadGenerator(Settings settings, Clock clock, LongSupplier nanoTime) {
        this(settings, clock, nanoTime, DEFAULT_PROGRESS_EVERY);
    }

    /** Ends the run early (Ctrl-C): no new requests; the answers in flight are awaited briefly. */
    public void stop() {
        if (!stopRequested) {
            stoppedAtNanos = nanoTime.getAsLong();
            stopRequested = true;
        }
    }

    /**
     * Runs the load and returns the measurement.
     *
     * @param progress receives a report every {@code progressEvery} (on another thread)
     * @throws IOException when nothing answers at the decisions URL before the run starts
     * @throws IllegalArgumentException when it answers 404 or 405 (not a decision API at that URL), or
     *     refuses the first decision with another 4xx (other than 408 and 429): a state the server
     *     does not take, which every request would repeat
     */
    public Result run(Consumer<Progress> progress) throws IOException, InterruptedException {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("a LoadGenerator runs once; make a new one");
        }
        Objects.requireNonNull(progress, "progress");
        String startedAt = Instant.now(clock).toString();
        HttpClient client = httpClient();
        ScheduledExecutorService reporter = Executors.newSingleThreadScheduledExecutor(daemonThreads("loadgen-progress"));
        try {
            try {
                client.start();
            } catch (Exception e) {
                throw new IllegalStateException("cannot start the HTTP client: " + e, e);
            }
            Session session = new Session(client);
            session.preflight();
            return session.run(reporter, progress, startedAt);
        } finally {
            reporter.shutdownNow();
            try {
                client.stop();
            } catch (Exception e) {
                // Nothing is left to send; a failing stop loses nothing measured.
            }
        }
    }

    /**
     * Jetty's client, HTTP/1.1 with keep-alive, at most {@code connections} connections. (The
     * JDK's {@code java.net.http.HttpClient} kept about 2,000 requests/s on a 2-core machine
     * against a server that answers 14,000/s; Jetty's kept the 5,000/s asked; see docs/benchmarks.md.)
     */
    private HttpClient httpClient() {
        QueuedThreadPool threads = new QueuedThreadPool(HTTP_THREADS, 2);
        threads.setName("loadgen-http");
        threads.setDaemon(true);
        HttpClient client = new HttpClient();
        client.setExecutor(threads);
        client.setMaxConnectionsPerDestination(settings.connections());
        // The slots bound what is in flight; the queue only holds a reward while a connection is handed back.
        client.setMaxRequestsQueuedPerDestination(Math.max(1024, 2 * settings.connections()));
        client.setConnectTimeout(settings.timeout().toMillis());
        client.setIdleTimeout(Math.max(30_000, 2 * settings.timeout().toMillis()));
        client.setFollowRedirects(false);
        client.setUserAgentField(new HttpField(HttpHeader.USER_AGENT, USER_AGENT));
        // No Accept-Encoding: answers are small, and compressing them would only cost the server CPU.
        client.getContentDecoderFactories().clear();
        return client;
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** One entity: its id as a JSON string and the environment that makes its states. */
    private static final class Entity {
        final String jsonId;
        private final Env env;

        Entity(String id, Env env) {
            this.jsonId = '"' + new String(JsonStringEncoder.getInstance().quoteAsString(id)) + '"';
            this.env = env;
            env.reset();
        }

        synchronized float[] observation() {
            return env.observation();
        }

        /** Steps with the server's action; a new episode begins when this one ended. */
        synchronized StepResult act(double[] action) {
            StepResult r = env.step(action);
            if (r.done()) {
                env.reset();
            }
            return r;
        }
    }

    /** Counters and latencies of one kind of request, filled from any thread. */
    private static final class Tally {
        final LongAdder sent = new LongAdder();
        final LongAdder ok = new LongAdder();
        final ConcurrentMap<String, LongAdder> errors = new ConcurrentHashMap<>();
        final ConcurrentMap<String, String> examples = new ConcurrentHashMap<>();
        /** Written by the answering threads; read by one thread at a time (the reporter, then the caller). */
        final Recorder recorder = new Recorder(3);
        final Histogram total = new Histogram(3);

        void ok(long latencyNanos) {
            ok.increment();
            recorder.recordValue(Math.max(1, latencyNanos / 1000));
        }

        void error(String kind, String example) {
            errors(kind, example, 1);
        }

        void errors(String kind, String example, long count) {
            errors.computeIfAbsent(kind, k -> new LongAdder()).add(count);
            if (example != null) {
                String shortened = example.strip().replaceAll("\\s+", " ");
                examples.putIfAbsent(kind, shortened.length() > EXAMPLE_CHARS
                        ? shortened.substring(0, EXAMPLE_CHARS) + "..." : shortened);
            }
        }

        long errorCount() {
            return errors.values().stream().mapToLong(LongAdder::sum).sum();
        }

        /** The latencies since the last call, also added to {@link #total}. */
        Histogram interval() {
            Histogram h = recorder.getIntervalHistogram();
            total.add(h);
            return h;
        }

        Outcome outcome(long requests) {
            Map<String, Long> counts = new TreeMap<>();
            errors.forEach((k, v) -> counts.put(k, v.sum()));
            return new Outcome(requests, sent.sum(), ok.sum(), Collections.unmodifiableMap(counts),
                    Collections.unmodifiableMap(new TreeMap<>(examples)), Latency.of(total));
        }
    }

    private record Decision(String id, double[] action, String mode) {
    }

    /** The state of the one run. */
    private final class Session {
        private final HttpClient client;
        private final URI decisionsUri = settings.decisionsUri();
        private final URI rewardsUri = settings.rewardsUri();
        private final int actionDim = settings.envSpec().actionDim();
        private final Entity[] entities;
        private final SplittableRandom schedule;
        private final Semaphore slots = new Semaphore(settings.connections());
        private final ObjectMapper json = new ObjectMapper();
        private final Tally warmupDecisions = new Tally();
        private final Tally warmupRewards = new Tally();
        private final Tally decisions = new Tally();
        private final Tally rewards = new Tally();
        private final ConcurrentMap<String, LongAdder> modes = new ConcurrentHashMap<>();
        private final LongAccumulator lastMeasuredAnswer = new LongAccumulator(Math::max, Long.MIN_VALUE);
        /** Written by the scheduling thread only. */
        private final Histogram sendLag = new Histogram(3);
        /** Written by the scheduling thread only. */
        private long slotWaits;

        Session(HttpClient client) {
            this.client = client;
            SplittableRandom root = new SplittableRandom(settings.seed());
            this.schedule = root.split();
            this.entities = new Entity[settings.entities()];
            for (int i = 0; i < entities.length; i++) {
                entities[i] = new Entity(settings.entityId(i), Envs.make(settings.env(), root.split()));
            }
        }

        /** One decision before the clock starts: fails fast when nothing listens or the path is wrong. */
        void preflight() throws IOException, InterruptedException {
            ContentResponse response;
            try {
                response = post(decisionsUri, decisionBody(entities[0])).send();
            } catch (ExecutionException | TimeoutException e) {
                throw new IOException("no answer from POST " + decisionsUri + ": " + describe(e), unwrap(e));
            }
            int status = response.getStatus();
            if (status == 404 || status == 405) {
                throw new IllegalArgumentException("--url: POST " + decisionsUri + " answered " + status
                        + "; is " + settings.url() + " the base URL of 'streamrl serve'?");
            }
            if (status == 401) {
                String body = response.getContentAsString();
                throw new IllegalArgumentException("POST " + decisionsUri + " answered 401 ("
                        + (body.length() > EXAMPLE_CHARS ? body.substring(0, EXAMPLE_CHARS) + "..." : body) + "); "
                        + (settings.authToken().isPresent() ? "is --auth-token-file the token the server was given?"
                                : "the server requires a bearer token: pass --auth-token-file FILE"));
            }
            if (status / 100 == 4 && status != 408 && status != 429) {
                // The run's every request would look like this one: refused alike.
                String body = response.getContentAsString();
                throw new IllegalArgumentException("POST " + decisionsUri + " refused a " + settings.envSpec().id()
                        + " state (" + settings.envSpec().observationDim() + " numbers) with " + status + ": "
                        + (body.length() > EXAMPLE_CHARS ? body.substring(0, EXAMPLE_CHARS) + "..." : body)
                        + "; does --env match the server's environment?");
            }
        }

        Result run(ScheduledExecutorService reporter, Consumer<Progress> progress, String startedAt)
                throws InterruptedException {
            long warmupCount = settings.warmupRequests();
            long total = warmupCount + settings.measuredRequests();
            long start = nanoTime.getAsLong() + LEAD_NANOS;
            long windowStart = start + settings.warmup().toNanos();
            long windowEnd = windowStart + settings.duration().toNanos();
            long sendDeadline = windowEnd + SEND_GRACE.toNanos();
            Reporter report = new Reporter(start, windowStart, windowEnd, progress);
            long every = progressEvery.toNanos();
            reporter.scheduleAtFixedRate(report, every, every, TimeUnit.NANOSECONDS);

            int n = entities.length;
            double share = settings.rewardShare();
            for (long i = 0; i < total; i++) {
                long due = start + settings.dueNanos(i);
                if (!waitUntil(due)) {
                    break;
                }
                boolean measured = i >= warmupCount;
                if (!slots.tryAcquire()) {
                    if (measured) {
                        slotWaits++;
                    }
                    if (!awaitSlot(sendDeadline)) {
                        break;
                    }
                }
                if (measured) {
                    sendLag.recordValue(Math.max(0, nanoTime.getAsLong() - due) / 1000);
                }
                Entity entity = entities[n == 1 ? 0 : schedule.nextInt(n)];
                boolean reward = share > 0 && (share >= 1 || schedule.nextDouble() < share);
                sendDecision(entity, due, measured, reward);
            }

            drain();
            reporter.shutdown();
            reporter.awaitTermination(5, TimeUnit.SECONDS);

            // Only this thread reads the recorders from here on.
            warmupDecisions.interval();
            warmupRewards.interval();
            decisions.interval();
            rewards.interval();
            long windowClose = windowEnd;
            long requests = settings.measuredRequests();
            boolean stopped = stopRequested && stoppedAtNanos < windowEnd;
            if (stopped) {
                windowClose = Math.max(windowStart, stoppedAtNanos);
                requests = stoppedAtNanos < windowStart ? 0 : Math.min(requests,
                        (long) Math.floor((stoppedAtNanos - windowStart) / 1e9 * settings.rate()) + 1);
            }
            long unsent = requests - decisions.sent.sum();
            if (unsent > 0) {
                decisions.errors("unsent", "no free connection (--connections " + settings.connections()
                        + ") by " + SEND_GRACE.toSeconds() + " s after the window", unsent);
            }
            markUnfinished(decisions);
            markUnfinished(rewards);
            double seconds = (windowClose - windowStart) / 1e9;
            long lastAnswer = Math.max(windowClose, lastMeasuredAnswer.get());
            double okPerSecond = lastAnswer > windowStart ? decisions.ok.sum() / ((lastAnswer - windowStart) / 1e9)
                    : Double.NaN;
            Map<String, Long> modeCounts = new TreeMap<>();
            modes.forEach((k, v) -> modeCounts.put(k, v.sum()));
            return new Result(settings, settings.envSpec().id(), startedAt, seconds, stopped,
                    decisions.outcome(requests), rewards.outcome(rewards.sent.sum()),
                    Collections.unmodifiableMap(modeCounts), okPerSecond, Latency.of(sendLag), slotWaits,
                    warmupDecisions.outcome(warmupDecisions.sent.sum()));
        }

        /** Parks until {@code due}; false when stopped. */
        private boolean waitUntil(long due) {
            for (long left = due - nanoTime.getAsLong(); left > 0; left = due - nanoTime.getAsLong()) {
                if (stopRequested) {
                    return false;
                }
                LockSupport.parkNanos(Math.min(left, MAX_PARK_NANOS));
            }
            return !stopRequested;
        }

        /** Waits for a free in-flight slot until {@code deadline}; false when none came or stopped. */
        private boolean awaitSlot(long deadline) throws InterruptedException {
            while (!stopRequested) {
                long left = deadline - nanoTime.getAsLong();
                if (left <= 0) {
                    return false;
                }
                if (slots.tryAcquire(Math.min(left, MAX_PARK_NANOS), TimeUnit.NANOSECONDS)) {
                    return true;
                }
            }
            return false;
        }

        /** Waits for every slot back: a decision's and its reward's timeouts, plus a second. */
        private void drain() throws InterruptedException {
            Duration bound = settings.timeout().multipliedBy(2).plusSeconds(1);
            long deadline = nanoTime.getAsLong() + bound.toNanos();
            int all = settings.connections();
            while (true) {
                long left = deadline - nanoTime.getAsLong();
                if (stopRequested) {
                    left = Math.min(left, stoppedAtNanos + STOPPED_DRAIN.toNanos() - nanoTime.getAsLong());
                }
                if (left <= 0) {
                    return;
                }
                if (slots.tryAcquire(all, Math.min(left, MAX_PARK_NANOS), TimeUnit.NANOSECONDS)) {
                    slots.release(all);
                    return;
                }
            }
        }

        /** Sent requests without an outcome yet count as {@code unfinished}. */
        private void markUnfinished(Tally t) {
            long pending = t.sent.sum() - t.ok.sum() - t.errorCount()
                    + t.errors.getOrDefault("unsent", new LongAdder()).sum();
            if (pending > 0) {
                t.errors("unfinished", "no answer when the run ended", pending);
            }
        }

        private void sendDecision(Entity entity, long due, boolean measured, boolean reward) {
            Tally tally = measured ? decisions : warmupDecisions;
            tally.sent.increment();
            try {
                post(decisionsUri, decisionBody(entity)).send(new BufferingResponseListener(MAX_ANSWER_BYTES) {
                    @Override
                    public void onComplete(org.eclipse.jetty.client.Result result) {
                        onDecision(entity, due, measured, reward, result.isFailed() ? result.getFailure() : null,
                                result.isFailed() ? 0 : result.getResponse().getStatus(), getContent());
                    }
                });
            } catch (RuntimeException e) {
                tally.error("client", describe(e));
                slots.release();
            }
        }

        private void onDecision(Entity entity, long due, boolean measured, boolean reward, Throwable error,
                                int status, byte[] body) {
            long now = nanoTime.getAsLong();
            Tally tally = measured ? decisions : warmupDecisions;
            boolean slotPassedOn = false;
            try {
                if (measured) {
                    lastMeasuredAnswer.accumulate(now);
                }
                if (error != null) {
                    tally.error(kind(error), describe(error));
                    return;
                }
                if (status / 100 != 2) {
                    tally.error(Integer.toString(status), new String(body, StandardCharsets.UTF_8));
                    return;
                }
                Decision decision;
                StepResult step;
                try {
                    decision = parse(body);
                    step = entity.act(decision.action());
                } catch (IOException | IllegalArgumentException e) {
                    tally.error("bad_response", e.getMessage());
                    return;
                }
                tally.ok(now - due);
                if (measured && decision.mode() != null) {
                    modes.computeIfAbsent(decision.mode(), k -> new LongAdder()).increment();
                }
                if (reward) {
                    sendReward(decision.id(), step, measured);
                    slotPassedOn = true;
                }
            } catch (RuntimeException e) {
                tally.error("client", describe(e));
            } finally {
                if (!slotPassedOn) {
                    slots.release();
                }
            }
        }

        /** Sends the reward in the decision's slot and frees the slot when it is answered. */
        private void sendReward(String decisionId, StepResult step, boolean measured) {
            Tally tally = measured ? rewards : warmupRewards;
            tally.sent.increment();
            long sentAt = nanoTime.getAsLong();
            try {
                post(rewardsUri, rewardBody(decisionId, step)).send(new BufferingResponseListener(MAX_ANSWER_BYTES) {
                    @Override
                    public void onComplete(org.eclipse.jetty.client.Result result) {
                        try {
                            long now = nanoTime.getAsLong();
                            if (result.isFailed()) {
                                tally.error(kind(result.getFailure()), describe(result.getFailure()));
                            } else if (result.getResponse().getStatus() / 100 == 2) {
                                tally.ok(now - sentAt);
                            } else {
                                tally.error(Integer.toString(result.getResponse().getStatus()), getContentAsString());
                            }
                        } finally {
                            slots.release();
                        }
                    }
                });
            } catch (RuntimeException e) {
                tally.error("client", describe(e));
                slots.release();
            }
        }

        private Request post(URI uri, String body) {
            Request request = client.newRequest(uri)
                    .method(HttpMethod.POST)
                    .timeout(settings.timeout().toMillis(), TimeUnit.MILLISECONDS)
                    .body(new StringRequestContent("application/json", body, StandardCharsets.UTF_8));
            settings.authToken().ifPresent(token -> request.headers(
                    h -> h.put(HttpHeader.AUTHORIZATION, token.authorizationHeader())));
            return request;
        }

        /** Reports progress; the only reader of the recorders while the run goes on. */
        private final class Reporter implements Runnable {
            private final long start;
            private final long windowStart;
            private final long windowEnd;
            private final Consumer<Progress> progress;
            private long lastAt;
            private long lastSent;

            Reporter(long start, long windowStart, long windowEnd, Consumer<Progress> progress) {
                this.start = start;
                this.windowStart = windowStart;
                this.windowEnd = windowEnd;
                this.progress = progress;
                this.lastAt = start;
            }

            @Override
            public void run() {
                try {
                    long now = nanoTime.getAsLong();
                    Histogram latest = warmupDecisions.interval().copy();
                    latest.add(decisions.interval());
                    long sent = warmupDecisions.sent.sum() + decisions.sent.sum();
                    long ok = warmupDecisions.ok.sum() + decisions.ok.sum();
                    long errors = warmupDecisions.errorCount() + decisions.errorCount();
                    double rate = now > lastAt ? (sent - lastSent) / ((now - lastAt) / 1e9) : Double.NaN;
                    lastAt = now;
                    lastSent = sent;
                    String phase = now < windowStart ? "warm-up" : now < windowEnd ? "measuring" : "draining";
                    Latency l = Latency.of(latest);
                    progress.accept(new Progress((now - start) / 1e9, (windowEnd - start) / 1e9, phase, sent, ok,
                            errors, settings.connections() - slots.availablePermits(), rate, l.p50Ms(), l.p99Ms()));
                } catch (RuntimeException e) {
                    // A failing progress listener must not end the reports or the run.
                }
            }
        }

        private Decision parse(byte[] body) throws IOException {
            JsonNode node = json.readTree(body);
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException("not a JSON object: " + new String(body, StandardCharsets.UTF_8));
            }
            JsonNode id = node.get("decision_id");
            if (id == null || !id.isTextual() || id.asText().isEmpty()) {
                throw new IllegalArgumentException("no decision_id in " + node);
            }
            JsonNode action = node.get("action");
            if (action == null || !action.isArray() || action.size() != actionDim) {
                throw new IllegalArgumentException("action must be an array of " + actionDim + " numbers in " + node);
            }
            double[] a = new double[actionDim];
            for (int k = 0; k < actionDim; k++) {
                JsonNode v = action.get(k);
                if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
                    throw new IllegalArgumentException("action must be finite numbers in " + node);
                }
                a[k] = v.asDouble();
            }
            JsonNode mode = node.get("mode");
            return new Decision(id.asText(), a, mode != null && mode.isTextual() ? mode.asText() : null);
        }
    }

    static String describe(Throwable e) {
        Throwable cause = unwrap(e);
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
    }

    static String kind(Throwable e) {
        Throwable cause = unwrap(e);
        if (cause instanceof SocketTimeoutException) {
            return "connect_timeout";
        }
        if (cause instanceof TimeoutException) {
            return "timeout";
        }
        if (cause instanceof ConnectException) {
            return "connect";
        }
        if (cause instanceof IOException) {
            return "io";
        }
        return "client";
    }

    private static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static String decisionBody(Entity entity) {
        float[] state = entity.observation();
        StringBuilder b = new StringBuilder(32 + 14 * state.length);
        b.append("{\"entity\":").append(entity.jsonId).append(",\"state\":[");
        for (int k = 0; k < state.length; k++) {
            if (k > 0) {
                b.append(',');
            }
            b.append(state[k]);
        }
        return b.append("]}").toString();
    }

    private static String rewardBody(String decisionId, StepResult step) {
        StringBuilder b = new StringBuilder(64);
        b.append("{\"decision_id\":\"").append(JsonStringEncoder.getInstance().quoteAsString(decisionId))
                .append("\",\"reward\":").append(step.reward());
        if (step.terminated()) {
            b.append(",\"terminal\":true");
        }
        return b.append('}').toString();
    }
}
