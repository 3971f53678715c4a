package io.streamrl.actor.serve;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.streamrl.kafka.ListenFailure;
import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP door of {@code streamrl serve}, on Jetty's core handler API (no servlet layer):
 * {@code POST /v1/decisions}, {@code POST /v1/rewards}, {@code GET /v1/policy}, {@code GET
 * /health}, {@code GET /metrics}. Every refused request gets a JSON body
 * {@code {"error": "...", "field": "..."}} naming the field, and publishes nothing.
 *
 * <p>With a {@link BearerToken}, the {@code /v1/} endpoints (decisions, rewards and the policy in
 * use) answer only requests that carry it; any other gets 401 with {@code WWW-Authenticate:
 * Bearer}, before its body is read. {@code /health} and {@code /metrics} stay open for probes and
 * scrapers, which see no decision or entity.
 */
public final class DecisionServer implements AutoCloseable {

    /** Largest request body; a state of a few hundred numbers fits many times over. */
    public static final int MAX_BODY_BYTES = 64 * 1024;

    private static final Logger log = LoggerFactory.getLogger(DecisionServer.class);
    private static final Set<String> DECISION_FIELDS = Set.of("entity", "state", "decision_id", "explore");
    private static final Set<String> REWARD_FIELDS = Set.of("decision_id", "reward", "terminal", "reward_id");

    private final DecisionEngine engine;
    private final DecisionLog decisions;
    private final Supplier<PolicyStatus> policyStatus;
    private final PrometheusMeterRegistry registry;
    // Refuses what it would otherwise half-read: content after the object, a field given twice.
    private final ObjectMapper json = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private final ConcurrentMap<String, Timer> timers = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Counter> modes = new ConcurrentHashMap<>();
    private final Counter clipped;
    private final BearerToken authToken;
    private final Server server;
    private final ServerConnector connector;

    /** What {@code GET /v1/policy} and {@code /health} report about the policy in use. */
    public record PolicyStatus(Long version, String checksum, Double ageSeconds, Long pinnedVersion,
                               boolean pinnedAvailable, long controlRevision, boolean fallbackConfigured) {
    }

    private DecisionServer(DecisionEngine engine, DecisionLog decisions, Supplier<PolicyStatus> policyStatus,
                           PrometheusMeterRegistry registry, String host, int port, int threads,
                           BearerToken authToken) {
        this.engine = engine;
        this.authToken = authToken;
        this.decisions = decisions;
        this.policyStatus = policyStatus;
        this.registry = registry;
        this.clipped = Counter.builder("serve.decisions.clipped")
                .description("decisions whose action a guardrail changed").register(registry);
        QueuedThreadPool pool = new QueuedThreadPool(threads, Math.min(8, threads));
        pool.setName("serve-http");
        this.server = new Server(pool);
        this.connector = new ServerConnector(server);
        connector.setHost(host);
        connector.setPort(port);
        server.addConnector(connector);
        server.setHandler(new Router());
    }

    /**
     * Starts listening.
     *
     * @param port 0 picks a free port (see {@link #port()})
     * @throws IllegalStateException naming the option and the port when it cannot be bound, see
     *     {@link ListenFailure}
     */
    public static DecisionServer start(DecisionEngine engine, DecisionLog decisions,
                                       Supplier<PolicyStatus> policyStatus, PrometheusMeterRegistry registry,
                                       String host, int port, int threads) {
        return start(engine, decisions, policyStatus, registry, host, port, threads, null);
    }

    /**
     * As {@link #start(DecisionEngine, DecisionLog, Supplier, PrometheusMeterRegistry, String, int, int)},
     * with the {@code /v1/} endpoints open only to requests that carry {@code authToken}.
     *
     * @param authToken the token requests must carry, or null for none
     */
    public static DecisionServer start(DecisionEngine engine, DecisionLog decisions,
                                       Supplier<PolicyStatus> policyStatus, PrometheusMeterRegistry registry,
                                       String host, int port, int threads, BearerToken authToken) {
        DecisionServer s = new DecisionServer(engine, decisions, policyStatus, registry, host, port, threads,
                authToken);
        try {
            s.server.start();
        } catch (Exception e) {
            s.close();
            throw ListenFailure.of("--port", host, port, e);
        }
        log.info("serve listens on http://{}:{}{}", host, s.port(),
                authToken == null ? "" : " (the /v1/ endpoints require the bearer token)");
        return s;
    }

    public int port() {
        return connector.getLocalPort();
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            log.warn("stopping the HTTP server: {}", e.toString());
        }
    }

    /** A refused request: its HTTP status and the field to name. */
    static final class BadRequest extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int status;
        final String field;

        BadRequest(int status, String field, String message) {
            super(message);
            this.status = status;
            this.field = field;
        }
    }

    /**
     * A request to a {@code /v1/} endpoint without this server's token. RFC 6750: the answer
     * names the scheme in {@code WWW-Authenticate}, with {@code error="invalid_token"} when a
     * token was presented but is not the one.
     */
    static final class Unauthorized extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final BearerToken.Refusal refusal;

        Unauthorized(BearerToken.Refusal refusal) {
            super(refusal.message());
            this.refusal = refusal;
        }

        String challenge() {
            return BearerToken.SCHEME + " realm=\"streamrl\""
                    + (refusal == BearerToken.Refusal.WRONG_TOKEN ? ", error=\"invalid_token\"" : "");
        }
    }

    private final class Router extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            long start = System.nanoTime();
            String path = Request.getPathInContext(request);
            String method = request.getMethod();
            String endpoint = switch (path) {
                case "/v1/decisions", "/v1/rewards", "/v1/policy", "/health", "/metrics" -> path;
                default -> "other";
            };
            Reply reply;
            try {
                authorize(endpoint, request);
                reply = route(endpoint, method, request);
            } catch (Unauthorized e) {
                reply = Reply.error(401, HttpHeader.AUTHORIZATION.asString(), e.getMessage());
                response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, e.challenge());
            } catch (BadRequest e) {
                reply = Reply.error(e.status, e.field, e.getMessage());
            } catch (DecisionEngine.Unavailable e) {
                reply = Reply.error(503, null, e.getMessage());
            } catch (RuntimeException e) {
                log.error("{} {} failed", method, path, e);
                reply = Reply.error(500, null, "internal error: " + e);
            }
            response.setStatus(reply.status);
            if (reply.status == 401 || reply.status == 404 || reply.status == 405 || reply.status == 413) {
                // The body was not read (all of it): the connection cannot carry the client's next request, and
                // a client that is not told reuses it and loses that request.
                response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
            }
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, reply.contentType);
            Content.Sink.write(response, true, reply.body, callback);
            timer(endpoint, reply.status).record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
            return true;
        }
    }

    /** Throws {@link Unauthorized} for a {@code /v1/} request without the token, when there is one. */
    private void authorize(String endpoint, Request request) {
        if (authToken == null || !endpoint.startsWith("/v1/")) {
            return;
        }
        BearerToken.Refusal refusal = authToken.check(request.getHeaders().getValuesList(HttpHeader.AUTHORIZATION));
        if (refusal != null) {
            throw new Unauthorized(refusal);
        }
    }

    private Reply route(String endpoint, String method, Request request) {
        return switch (endpoint) {
            case "/v1/decisions" -> {
                requireMethod(method, HttpMethod.POST);
                yield decide(readObject(request));
            }
            case "/v1/rewards" -> {
                requireMethod(method, HttpMethod.POST);
                yield reward(readObject(request));
            }
            case "/v1/policy" -> {
                requireMethod(method, HttpMethod.GET);
                yield Reply.json(200, policyJson(policyStatus.get()));
            }
            case "/health" -> {
                requireMethod(method, HttpMethod.GET);
                yield health();
            }
            case "/metrics" -> {
                requireMethod(method, HttpMethod.GET);
                yield new Reply(200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape());
            }
            default -> throw new BadRequest(404, null, "no such endpoint; see /v1/decisions, /v1/rewards, /v1/policy,"
                    + " /health, /metrics");
        };
    }

    private Reply decide(ObjectNode body) {
        rejectUnknown(body, DECISION_FIELDS);
        String entity = text(body, "entity", true);
        String problem = DecisionIds.entityProblem(entity);
        if (problem != null) {
            throw new BadRequest(400, "entity", problem);
        }
        float[] state = state(body.get("state"), engine.spec().observationDim());
        String unique = text(body, "decision_id", false);
        if (unique != null && DecisionIds.uniqueProblem(unique) != null) {
            throw new BadRequest(400, "decision_id", DecisionIds.uniqueProblem(unique));
        }
        boolean explore = bool(body, "explore", true);
        String unavailable = decisions.unavailableReason();
        if (unavailable != null) {
            throw new DecisionEngine.Unavailable(unavailable);
        }
        DecisionResult d = engine.decide(entity, state, unique, explore);
        decisions.decided(d);
        engine.answered(d);
        modes.computeIfAbsent(d.mode().name(), m -> Counter.builder("serve.decisions")
                .description("answered decisions by who answered").tag("mode", m.toLowerCase(Locale.ROOT))
                .register(registry)).increment();
        if (d.clipped()) {
            clipped.increment();
        }
        ObjectNode out = json.createObjectNode();
        out.put("decision_id", d.decisionId());
        ArrayNode action = out.putArray("action");
        for (double a : d.action()) {
            action.add(a);
        }
        if (d.policyVersion() < 0) {
            out.putNull("policy_version");
        } else {
            out.put("policy_version", d.policyVersion());
        }
        out.put("mode", d.mode().name().toLowerCase(Locale.ROOT));
        out.put("explored", d.explored());
        out.put("clipped", d.clipped());
        if (d.logDensity() == null || !Double.isFinite(d.logDensity())) {
            out.putNull("log_density");
        } else {
            out.put("log_density", d.logDensity());
        }
        return Reply.json(200, out);
    }

    private Reply reward(ObjectNode body) {
        rejectUnknown(body, REWARD_FIELDS);
        String decisionId = text(body, "decision_id", true);
        String entity;
        try {
            entity = DecisionIds.entityOf(decisionId);
        } catch (IllegalArgumentException e) {
            throw new BadRequest(400, "decision_id", e.getMessage());
        }
        double reward = finite(body.get("reward"), "reward", true);
        boolean terminal = bool(body, "terminal", false);
        String rewardId = text(body, "reward_id", false);
        if (rewardId != null && DecisionIds.idProblem("reward_id", rewardId) != null) {
            throw new BadRequest(400, "reward_id", DecisionIds.idProblem("reward_id", rewardId));
        }
        String unavailable = decisions.unavailableReason();
        if (unavailable != null) {
            throw new DecisionEngine.Unavailable(unavailable);
        }
        decisions.rewarded(decisionId, entity, reward, terminal, rewardId);
        ObjectNode out = json.createObjectNode();
        out.put("decision_id", decisionId);
        out.put("accepted", true);
        return Reply.json(202, out);
    }

    private Reply health() {
        PolicyStatus p = policyStatus.get();
        String kafka = decisions.unavailableReason();
        boolean canAnswer = (p.version() != null && (p.pinnedVersion() == null || p.pinnedAvailable()))
                || p.fallbackConfigured();
        ObjectNode out = json.createObjectNode();
        out.put("status", canAnswer && kafka == null ? "ready" : "unavailable");
        out.put("kafka", kafka == null ? "reachable" : kafka);
        out.put("policy", p.version() == null ? (p.fallbackConfigured() ? "none yet; the fallback answers"
                : "none yet and no fallback action") : "version " + p.version());
        return Reply.json(canAnswer && kafka == null ? 200 : 503, out);
    }

    private ObjectNode policyJson(PolicyStatus p) {
        ObjectNode out = json.createObjectNode();
        putNullable(out, "version", p.version());
        if (p.checksum() == null) {
            out.putNull("checksum");
        } else {
            out.put("checksum", p.checksum());
        }
        if (p.ageSeconds() == null) {
            out.putNull("age_s");
        } else {
            out.put("age_s", p.ageSeconds());
        }
        out.put("pinned", p.pinnedVersion() != null);
        putNullable(out, "pinned_version", p.pinnedVersion());
        out.put("pinned_available", p.pinnedAvailable());
        out.put("control_revision", p.controlRevision());
        return out;
    }

    private static void putNullable(ObjectNode out, String key, Long value) {
        if (value == null) {
            out.putNull(key);
        } else {
            out.put(key, value);
        }
    }

    private static void requireMethod(String method, HttpMethod allowed) {
        if (!allowed.is(method)) {
            throw new BadRequest(405, null, "use " + allowed.asString() + " here, not " + method);
        }
    }

    private ObjectNode readObject(Request request) {
        byte[] body;
        try (InputStream in = Content.Source.asInputStream(request)) {
            body = in.readNBytes(MAX_BODY_BYTES + 1);
        } catch (IOException e) {
            throw new BadRequest(400, null, "could not read the request body: " + e.getMessage());
        }
        if (body.length > MAX_BODY_BYTES) {
            throw new BadRequest(413, null, "request body larger than " + MAX_BODY_BYTES + " bytes");
        }
        JsonNode node;
        try {
            node = json.readTree(body);
        } catch (JsonProcessingException e) {
            throw new BadRequest(400, null, "malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new BadRequest(400, null, "could not read the request body: " + e.getMessage());
        }
        if (node == null || !node.isObject()) {
            throw new BadRequest(400, null, "the body must be a JSON object, e.g. {\"entity\": \"shop-1\", ...}");
        }
        return (ObjectNode) node;
    }

    private static void rejectUnknown(ObjectNode body, Set<String> accepted) {
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!accepted.contains(name)) {
                throw new BadRequest(400, name, "unknown field '" + name + "'; accepted: "
                        + String.join(", ", accepted.stream().sorted().toList()));
            }
        }
    }

    private static String text(ObjectNode body, String field, boolean required) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            if (required) {
                throw new BadRequest(400, field, field + " is required");
            }
            return null;
        }
        if (!n.isTextual()) {
            throw new BadRequest(400, field, field + " must be a string, got " + n.getNodeType().name()
                    .toLowerCase(Locale.ROOT));
        }
        return n.textValue();
    }

    private static boolean bool(ObjectNode body, String field, boolean absent) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return absent;
        }
        if (!n.isBoolean()) {
            throw new BadRequest(400, field, field + " must be true or false");
        }
        return n.booleanValue();
    }

    private static double finite(JsonNode n, String field, boolean required) {
        if (n == null || n.isNull()) {
            if (required) {
                throw new BadRequest(400, field, field + " is required");
            }
            return Double.NaN;
        }
        if (!n.isNumber()) {
            throw new BadRequest(400, field, field + " must be a finite number, got " + n);
        }
        double v = n.doubleValue();
        if (!Double.isFinite(v)) {
            throw new BadRequest(400, field, field + " must be a finite number, got " + n);
        }
        return v;
    }

    private static float[] state(JsonNode n, int dim) {
        if (n == null || n.isNull()) {
            throw new BadRequest(400, "state", "state is required: an array of " + dim + " numbers");
        }
        if (!n.isArray()) {
            throw new BadRequest(400, "state", "state must be an array of " + dim + " numbers");
        }
        if (n.size() != dim) {
            throw new BadRequest(400, "state", "state must have " + dim + " numbers, got " + n.size());
        }
        float[] state = new float[dim];
        for (int i = 0; i < dim; i++) {
            JsonNode e = n.get(i);
            String field = "state[" + i + "]";
            double v = finite(e, field, true);
            if (Math.abs(v) > Float.MAX_VALUE) {
                throw new BadRequest(400, field, field + " is too large for a float32, got " + e);
            }
            state[i] = (float) v;
        }
        return state;
    }

    private Timer timer(String endpoint, int status) {
        return timers.computeIfAbsent(endpoint + " " + status, k -> Timer.builder("serve.requests")
                .description("HTTP requests by endpoint and status")
                .tag("endpoint", endpoint).tag("status", Integer.toString(status))
                .publishPercentiles(0.5, 0.99, 0.999)
                .register(registry));
    }

    private record Reply(int status, String contentType, String body) {
        static Reply json(int status, JsonNode node) {
            return new Reply(status, "application/json", node.toString());
        }

        static Reply error(int status, String field, String message) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            out.put("error", message);
            if (field == null) {
                out.putNull("field");
            } else {
                out.put("field", field);
            }
            return json(status, out);
        }
    }
}
