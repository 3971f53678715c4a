package io.streamrl.actor.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static io.streamrl.actor.serve.PricingPolicies.pricing;
import static org.assertj.core.api.Assertions.within;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.streamrl.core.env.EnvSpec;
import io.streamrl.core.env.Envs;
import io.streamrl.core.policy.PolicySnapshot;
import io.streamrl.kafka.MetricsServer;
import io.streamrl.schemas.avro.DecisionMode;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The HTTP contract of {@link DecisionServer}, without Kafka: a real engine and a recording log. */
class DecisionServerTest {

    private static final String PRICING = PricingPolicies.PRICING;
    private static final EnvSpec SPEC = Envs.spec(PRICING);
    private static final float[] STATE = {3.5f, -0.25f, 1.0f, 12.0f};
    private static final String GOOD_STATE = "[3.5, -0.25, 1.0, 12.0]";
    private static final double[] FALLBACK = {7.5};

    private final PolicyHistory history = new PolicyHistory(8);
    private final AtomicReference<Guardrails> guardrails = new AtomicReference<>(Guardrails.NONE);
    private final RecordingLog log = new RecordingLog();
    private DecisionServer server;
    private ServeHttp http;
    private final PolicySnapshot policy = pricing(3);

    @BeforeEach
    void start() {
        DecisionEngine engine = new DecisionEngine(SPEC, history, guardrails::get, null, 0.2,
                new SplittableRandom(11), Clock.systemUTC());
        PrometheusMeterRegistry registry = MetricsServer.newRegistry();
        server = DecisionServer.start(engine, log, this::status, registry, "127.0.0.1", 0, 4);
        http = new ServeHttp(server.port());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** As ServeService reports it: the policy in use under the guardrails, and whether a fallback is set. */
    private DecisionServer.PolicyStatus status() {
        Guardrails g = guardrails.get();
        Optional<PolicySnapshot> p = g.pinnedVersion() != null ? history.version(g.pinnedVersion()) : history.newest();
        return new DecisionServer.PolicyStatus(p.map(PolicySnapshot::version).orElse(null),
                p.map(PolicySnapshot::checksumHex).orElse(null), p.map(s -> 1.0).orElse(null), g.pinnedVersion(),
                g.pinnedVersion() != null && p.isPresent(), g.revision(), g.fallbackAction() != null);
    }

    private static Guardrails withFallback(double[] low, double[] high) {
        return new Guardrails(4, low, high, null, 0, false, null, false, FALLBACK);
    }

    @Test
    void aLearnedDecisionAnswersWithItsIdActionVersionAndModeAndIsRecorded() {
        history.add(policy);

        ServeHttp.Reply r = http.post("/v1/decisions", "{\"entity\": \"shop-1\", \"state\": " + GOOD_STATE
                + ", \"explore\": false}");

        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(DecisionIds.entityOf(r.text("decision_id"))).isEqualTo("shop-1");
        assertThat(r.action()).hasSize(1);
        assertThat(r.action()[0]).isCloseTo(policy.act(STATE)[0], within(1e-9));
        assertThat(r.policyVersion()).isEqualTo(3L);
        assertThat(r.text("mode")).isEqualTo("learned");
        assertThat(r.json().get("explored").booleanValue()).isFalse();
        assertThat(r.json().get("clipped").booleanValue()).isFalse();
        assertThat(r.json().get("log_density").isNull()).isTrue();
        assertThat(log.decisions).singleElement().satisfies(d -> {
            assertThat(d.decisionId()).isEqualTo(r.text("decision_id"));
            assertThat(d.entity()).isEqualTo("shop-1");
            assertThat(d.state()).containsExactly(STATE);
            assertThat(d.action()).containsExactly(r.action());
            assertThat(d.mode()).isEqualTo(DecisionMode.LEARNED);
        });
    }

    @Test
    void anExploredDecisionHasALogDensityAndTheCallersIdPart() {
        history.add(policy);

        ServeHttp.Reply r = http.post("/v1/decisions", "{\"entity\": \"shop-2\", \"state\": " + GOOD_STATE
                + ", \"decision_id\": \"order-42_a\"}");

        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.text("decision_id")).endsWith(".order-42_a");
        assertThat(DecisionIds.entityOf(r.text("decision_id"))).isEqualTo("shop-2");
        assertThat(r.json().get("explored").booleanValue()).isTrue();
        assertThat(r.json().get("log_density").isNumber()).as(r.toString()).isTrue();
        assertThat(r.action()[0]).isBetween(1.0, 20.0);
        assertThat(log.decisions).singleElement()
                .satisfies(d -> assertThat(d.logDensity()).isEqualTo(r.json().get("log_density").doubleValue()));
    }

    @Test
    void aGuardrailBoundClipsTheAnswerAndDropsTheDensity() {
        history.add(policy);
        double learned = policy.act(STATE)[0];
        double bound = learned < 10 ? 15 : 5;
        guardrails.set(withFallback(new double[] {bound}, new double[] {bound}));

        ServeHttp.Reply r = http.decide("shop-3", STATE, true);

        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.action()).containsExactly(bound);
        assertThat(r.json().get("clipped").booleanValue()).isTrue();
        assertThat(r.json().get("log_density").isNull()).isTrue();
    }

    @Test
    void withoutPolicyTheFallbackAnswersAndHealthIsReady() {
        guardrails.set(withFallback(null, null));

        ServeHttp.Reply r = http.decide("shop-4", STATE, true);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.text("mode")).isEqualTo("fallback");
        assertThat(r.action()).containsExactly(FALLBACK);
        assertThat(r.policyVersion()).isNull();
        assertThat(r.json().get("log_density").isNull()).isTrue();

        ServeHttp.Reply health = http.get("/health");
        assertThat(health.status()).as(health.toString()).isEqualTo(200);
        assertThat(health.text("status")).isEqualTo("ready");
        assertThat(health.text("policy")).contains("fallback");
    }

    @Test
    void aRewardForAnIssuedDecisionIsAcceptedAndRecordedUnderItsEntity() {
        history.add(policy);
        String id = http.decide("customer/7 ü", STATE, false).text("decision_id");

        ServeHttp.Reply r = http.post("/v1/rewards", "{\"decision_id\": \"" + id + "\", \"reward\": -1.5,"
                + " \"terminal\": true}");

        assertThat(r.status()).as(r.toString()).isEqualTo(202);
        assertThat(r.text("decision_id")).isEqualTo(id);
        assertThat(r.json().get("accepted").booleanValue()).isTrue();
        assertThat(log.rewards).containsExactly(new RecordedReward(id, "customer/7 ü", -1.5, true, null));

        ServeHttp.Reply plain = http.post("/v1/rewards", "{\"decision_id\": \"" + id + "\", \"reward\": 2}");
        assertThat(plain.status()).as(plain.toString()).isEqualTo(202);
        assertThat(log.rewards).last().isEqualTo(new RecordedReward(id, "customer/7 ü", 2, false, null));

        ServeHttp.Reply withId = http.post("/v1/rewards", "{\"decision_id\": \"" + id + "\", \"reward\": 3,"
                + " \"reward_id\": \"sale-2\"}");
        assertThat(withId.status()).as(withId.toString()).isEqualTo(202);
        assertThat(log.rewards).last().isEqualTo(new RecordedReward(id, "customer/7 ü", 3, false, "sale-2"));
    }

    @Test
    void policyAndHealthReportThePolicyInUse() {
        ServeHttp.Reply none = http.get("/v1/policy");
        assertThat(none.status()).isEqualTo(200);
        assertThat(none.json().get("version").isNull()).isTrue();
        ServeHttp.Reply unhealthy = http.get("/health");
        assertThat(unhealthy.status()).as(unhealthy.toString()).isEqualTo(503);
        assertThat(unhealthy.text("status")).isEqualTo("unavailable");
        assertThat(unhealthy.text("policy")).contains("no fallback");

        history.add(pricing(1));
        history.add(policy);
        ServeHttp.Reply p = http.get("/v1/policy");
        assertThat(p.status()).isEqualTo(200);
        assertThat(p.json().get("version").longValue()).isEqualTo(3);
        assertThat(p.text("checksum")).isEqualTo(policy.checksumHex());
        assertThat(p.json().get("pinned").booleanValue()).isFalse();
        ServeHttp.Reply ready = http.get("/health");
        assertThat(ready.status()).as(ready.toString()).isEqualTo(200);
        assertThat(ready.text("status")).isEqualTo("ready");
        assertThat(ready.text("kafka")).isEqualTo("reachable");
        assertThat(ready.text("policy")).isEqualTo("version 3");

        guardrails.set(new Guardrails(9, null, null, null, 0, false, 1L, false, null));
        ServeHttp.Reply pinned = http.get("/v1/policy");
        assertThat(pinned.json().get("version").longValue()).isEqualTo(1);
        assertThat(pinned.json().get("pinned_version").longValue()).isEqualTo(1);
        assertThat(pinned.json().get("pinned_available").booleanValue()).isTrue();
        assertThat(pinned.json().get("control_revision").longValue()).isEqualTo(9);
        assertThat(http.decide("e", STATE, false).policyVersion()).isEqualTo(1L);

        guardrails.set(new Guardrails(10, null, null, null, 0, false, 99L, false, null));
        ServeHttp.Reply missingPin = http.get("/health");
        assertThat(missingPin.status()).as(missingPin.toString()).isEqualTo(503);
        ServeHttp.Reply refused = http.decide("e", STATE, false);
        assertThat(refused.status()).as(refused.toString()).isEqualTo(503);
        assertThat(refused.text("error")).contains("pinned policy version 99");
    }

    @Test
    void withoutPolicyOrFallbackADecisionIsUnavailableAndNothingIsRecorded() {
        ServeHttp.Reply r = http.decide("shop-5", STATE, true);

        assertThat(r.status()).as(r.toString()).isEqualTo(503);
        assertThat(r.text("error")).contains("no policy has been published yet").contains("--fallback-action");
        assertThat(r.json().has("field")).isTrue();
        assertThat(log.decisions).isEmpty();
    }

    @Test
    void whileTheLogIsUnavailableDecisionsRewardsAndHealthAre503AndNothingIsRecorded() {
        history.add(policy);
        String id = http.decide("shop-6", STATE, false).text("decision_id");
        log.decisions.clear();
        log.unavailable = "Kafka at the bootstrap servers does not answer (TimeoutException)";

        ServeHttp.Reply d = http.decide("shop-6", STATE, false);
        assertThat(d.status()).as(d.toString()).isEqualTo(503);
        assertThat(d.text("error")).contains("Kafka");
        ServeHttp.Reply r = http.reward(id, 1, false);
        assertThat(r.status()).as(r.toString()).isEqualTo(503);
        assertThat(r.text("error")).contains("Kafka");
        ServeHttp.Reply health = http.get("/health");
        assertThat(health.status()).as(health.toString()).isEqualTo(503);
        assertThat(health.text("status")).isEqualTo("unavailable");
        assertThat(health.text("kafka")).contains("Kafka").contains("does not answer");
        assertThat(log.decisions).isEmpty();
        assertThat(log.rewards).isEmpty();

        log.unavailable = null;
        assertThat(http.decide("shop-6", STATE, false).status()).isEqualTo(200);
        assertThat(http.get("/health").status()).isEqualTo(200);
    }

    @Test
    void aLogThatRefusesWhileRecordingGives503() {
        history.add(policy);
        log.refuseNext = true;

        ServeHttp.Reply d = http.decide("shop-7", STATE, false);

        assertThat(d.status()).as(d.toString()).isEqualTo(503);
        assertThat(d.text("error")).contains("Kafka");
        assertThat(log.decisions).isEmpty();
    }

    @Test
    void metricsCountRequestsAndDecisionsByMode() {
        history.add(policy);
        http.decide("shop-8", STATE, false);
        http.post("/v1/decisions", "{}");

        ServeHttp.Reply m = http.get("/metrics");

        assertThat(m.status()).isEqualTo(200);
        assertThat(m.body()).contains("serve_requests").contains("serve_decisions")
                .containsPattern("serve_decisions_total\\{[^}]*mode=\"learned\"[^}]*} 1\\.0")
                .containsPattern("serve_requests_seconds_count\\{[^}]*status=\"400\"[^}]*} 1");
    }

    /**
     * A refusal sent before the request's body was read must close the connection and say so:
     * the unread body would otherwise be taken for the client's next request, or the server
     * drops the connection under a client that then sends its next request on it.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedBeforeTheBodyIsRead")
    void aRefusalThatLeavesTheBodyUnreadClosesTheConnection(String request, int status, int bodyBytesSent)
            throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.write("x".repeat(bodyBytesSent).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.US_ASCII).contains("\r\n\r\n")) {
                int b = in.read();
                assertThat(b).as("response so far: " + head).isNotNegative();
                head.write(b);
            }
            String headers = head.toString(StandardCharsets.US_ASCII);
            assertThat(headers).startsWith("HTTP/1.1 " + status);
            assertThat(headers.toLowerCase(java.util.Locale.ROOT)).contains("\r\nconnection: close\r\n");
            byte[] rest = in.readAllBytes();
            assertThat(new String(rest, StandardCharsets.UTF_8)).contains("\"field\"");
        }
        assertThat(log.decisions).isEmpty();
    }

    static Stream<Arguments> refusedBeforeTheBodyIsRead() {
        return Stream.of(
                Arguments.of("POST /v1/policy HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 2\r\n\r\n", 405, 0),
                Arguments.of("PUT /v1/decisions HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\n", 405, 0),
                Arguments.of("POST /v2/decisions HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\n", 404, 0),
                Arguments.of("POST /v1/decisions HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\n", 413,
                        DecisionServer.MAX_BODY_BYTES + 2_000));
    }

    static Stream<Arguments> refused() {
        String ok = "\"state\": " + GOOD_STATE;
        String id = DecisionIds.create("shop-1", "abc", new SplittableRandom(1));
        return Stream.of(
                // decisions
                bad("malformed JSON", "POST", "/v1/decisions", "{\"entity\": \"a\", " + ok, 400, null),
                bad("trailing garbage after the object", "POST", "/v1/decisions",
                        "{\"entity\": \"a\", " + ok + "} {\"entity\": \"b\"}", 400, null),
                bad("a field given twice", "POST", "/v1/decisions",
                        "{\"entity\": \"a\", " + ok + ", \"entity\": \"b\"}", 400, null),
                bad("empty body", "POST", "/v1/decisions", "", 400, null),
                bad("body is an array", "POST", "/v1/decisions", "[1, 2]", 400, null),
                bad("body is a string", "POST", "/v1/decisions", "\"entity\"", 400, null),
                bad("body is null", "POST", "/v1/decisions", "null", 400, null),
                bad("body over 64 KiB", "POST", "/v1/decisions", "{\"entity\": \"" + "x".repeat(70_000) + "\", "
                        + ok + "}", 413, null),
                bad("missing entity", "POST", "/v1/decisions", "{" + ok + "}", 400, "entity"),
                bad("entity null", "POST", "/v1/decisions", "{\"entity\": null, " + ok + "}", 400, "entity"),
                bad("entity a number", "POST", "/v1/decisions", "{\"entity\": 7, " + ok + "}", 400, "entity"),
                bad("entity an object", "POST", "/v1/decisions", "{\"entity\": {}, " + ok + "}", 400, "entity"),
                bad("empty entity", "POST", "/v1/decisions", "{\"entity\": \"\", " + ok + "}", 400, "entity"),
                bad("entity over 256 characters", "POST", "/v1/decisions",
                        "{\"entity\": \"" + "e".repeat(257) + "\", " + ok + "}", 400, "entity"),
                bad("entity with a control character", "POST", "/v1/decisions",
                        "{\"entity\": \"shop\\u0001\", " + ok + "}", 400, "entity"),
                bad("entity with a newline", "POST", "/v1/decisions", "{\"entity\": \"shop\\n1\", " + ok + "}",
                        400, "entity"),
                bad("missing state", "POST", "/v1/decisions", "{\"entity\": \"a\"}", 400, "state"),
                bad("state null", "POST", "/v1/decisions", "{\"entity\": \"a\", \"state\": null}", 400, "state"),
                bad("state not an array", "POST", "/v1/decisions", "{\"entity\": \"a\", \"state\": 1.5}", 400,
                        "state"),
                bad("state an object", "POST", "/v1/decisions", "{\"entity\": \"a\", \"state\": {\"0\": 1}}", 400,
                        "state"),
                bad("state too short", "POST", "/v1/decisions", "{\"entity\": \"a\", \"state\": [1, 2, 3]}", 400,
                        "state"),
                bad("state too long", "POST", "/v1/decisions", "{\"entity\": \"a\", \"state\": [1, 2, 3, 4, 5]}",
                        400, "state"),
                bad("state entry \"NaN\"", "POST", "/v1/decisions",
                        "{\"entity\": \"a\", \"state\": [1, \"NaN\", 3, 4]}", 400, "state[1]"),
                bad("state entry \"Infinity\"", "POST", "/v1/decisions",
                        "{\"entity\": \"a\", \"state\": [1, 2, \"Infinity\", 4]}", 400, "state[2]"),
                bad("state entry bare NaN (not JSON)", "POST", "/v1/decisions",
                        "{\"entity\": \"a\", \"state\": [NaN, 2, 3, 4]}", 400, null),
                bad("state entry 1e400 (infinite as a double)", "POST", "/v1/decisions",
                        "{\"entity\": \"a\", \"state\": [1, 2, 3, 1e400]}", 400, "state[3]"),
                bad("state entry a string of digits", "POST", "/v1/decisions",
                        "{\"entity\": \"a\", \"state\": [\"1\", 2, 3, 4]}", 400, "state[0]"),
                bad("state entry a boolean", "POST", "/v1/decisions",
                        "{\"entity\": \"a\", \"state\": [1, true, 3, 4]}", 400, "state[1]"),
                bad("state entry null", "POST", "/v1/decisions",
                        "{\"entity\": \"a\", \"state\": [1, 2, null, 4]}", 400, "state[2]"),
                bad("state entry an array", "POST", "/v1/decisions",
                        "{\"entity\": \"a\", \"state\": [1, 2, 3, [4]]}", 400, "state[3]"),
                bad("state entry too big for float32", "POST", "/v1/decisions",
                        "{\"entity\": \"a\", \"state\": [1, 2, 1e39, 4]}", 400, "state[2]"),
                bad("state entry a huge integer", "POST", "/v1/decisions",
                        "{\"entity\": \"a\", \"state\": [-" + "9".repeat(45) + ", 2, 3, 4]}", 400, "state[0]"),
                bad("decision_id with a space", "POST", "/v1/decisions",
                        "{\"entity\": \"a\", " + ok + ", \"decision_id\": \"my id\"}", 400, "decision_id"),
                bad("decision_id with a dot", "POST", "/v1/decisions",
                        "{\"entity\": \"a\", " + ok + ", \"decision_id\": \"a.b\"}", 400, "decision_id"),
                bad("decision_id too long", "POST", "/v1/decisions",
                        "{\"entity\": \"a\", " + ok + ", \"decision_id\": \"" + "d".repeat(65) + "\"}", 400,
                        "decision_id"),
                bad("decision_id empty", "POST", "/v1/decisions",
                        "{\"entity\": \"a\", " + ok + ", \"decision_id\": \"\"}", 400, "decision_id"),
                bad("decision_id a number", "POST", "/v1/decisions",
                        "{\"entity\": \"a\", " + ok + ", \"decision_id\": 12}", 400, "decision_id"),
                bad("explore not a boolean", "POST", "/v1/decisions",
                        "{\"entity\": \"a\", " + ok + ", \"explore\": \"yes\"}", 400, "explore"),
                bad("explore a number", "POST", "/v1/decisions",
                        "{\"entity\": \"a\", " + ok + ", \"explore\": 1}", 400, "explore"),
                bad("unknown field", "POST", "/v1/decisions", "{\"entity\": \"a\", " + ok + ", \"price\": 3}", 400,
                        "price"),
                bad("GET on decisions", "GET", "/v1/decisions", null, 405, null),
                bad("PUT on decisions", "PUT", "/v1/decisions", "{\"entity\": \"a\", " + ok + "}", 405, null),
                bad("unknown path", "POST", "/v1/decision", "{\"entity\": \"a\", " + ok + "}", 404, null),
                bad("unknown path under v1", "GET", "/v1/decisions/x", null, 404, null),
                // rewards
                bad("reward: malformed JSON", "POST", "/v1/rewards", "{\"decision_id\": ", 400, null),
                bad("reward: body not an object", "POST", "/v1/rewards", "[\"" + id + "\", 1]", 400, null),
                bad("reward: missing decision_id", "POST", "/v1/rewards", "{\"reward\": 1}", 400, "decision_id"),
                bad("reward: decision_id a number", "POST", "/v1/rewards", "{\"decision_id\": 5, \"reward\": 1}",
                        400, "decision_id"),
                bad("reward: decision_id without a dot", "POST", "/v1/rewards",
                        "{\"decision_id\": \"abc\", \"reward\": 1}", 400, "decision_id"),
                bad("reward: decision_id without an entity", "POST", "/v1/rewards",
                        "{\"decision_id\": \".abc\", \"reward\": 1}", 400, "decision_id"),
                bad("reward: decision_id with a bad unique part", "POST", "/v1/rewards",
                        "{\"decision_id\": \"c2hvcC0x.a b\", \"reward\": 1}", 400, "decision_id"),
                bad("reward: decision_id whose entity is not base64url", "POST", "/v1/rewards",
                        "{\"decision_id\": \"sh*p.abc\", \"reward\": 1}", 400, "decision_id"),
                bad("reward: decision_id whose entity has a control character", "POST", "/v1/rewards",
                        "{\"decision_id\": \"AQ.abc\", \"reward\": 1}", 400, "decision_id"),
                bad("reward: missing reward", "POST", "/v1/rewards", "{\"decision_id\": \"" + id + "\"}", 400,
                        "reward"),
                bad("reward: reward null", "POST", "/v1/rewards",
                        "{\"decision_id\": \"" + id + "\", \"reward\": null}", 400, "reward"),
                bad("reward: reward \"NaN\"", "POST", "/v1/rewards",
                        "{\"decision_id\": \"" + id + "\", \"reward\": \"NaN\"}", 400, "reward"),
                bad("reward: reward 1e400", "POST", "/v1/rewards",
                        "{\"decision_id\": \"" + id + "\", \"reward\": -1e400}", 400, "reward"),
                bad("reward: reward not a number", "POST", "/v1/rewards",
                        "{\"decision_id\": \"" + id + "\", \"reward\": [1]}", 400, "reward"),
                bad("reward: terminal not a boolean", "POST", "/v1/rewards",
                        "{\"decision_id\": \"" + id + "\", \"reward\": 1, \"terminal\": \"true\"}", 400, "terminal"),
                bad("reward: reward_id with a space", "POST", "/v1/rewards",
                        "{\"decision_id\": \"" + id + "\", \"reward\": 1, \"reward_id\": \"a b\"}", 400, "reward_id"),
                bad("reward: reward_id not a string", "POST", "/v1/rewards",
                        "{\"decision_id\": \"" + id + "\", \"reward\": 1, \"reward_id\": 7}", 400, "reward_id"),
                bad("reward: unknown field", "POST", "/v1/rewards",
                        "{\"decision_id\": \"" + id + "\", \"reward\": 1, \"entity\": \"shop-1\"}", 400, "entity"),
                bad("reward: GET", "GET", "/v1/rewards", null, 405, null),
                bad("policy: POST", "POST", "/v1/policy", "{}", 405, null),
                bad("health: DELETE", "DELETE", "/health", null, 405, null));
    }

    private static Arguments bad(String name, String method, String path, String body, int status, String field) {
        return Arguments.of(name, method, path, body, status, field);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void everyBadRequestIsRefusedNamingTheFieldAndRecordsNothing(String name, String method, String path, String body,
                                                                 int status, String field) {
        history.add(policy);
        guardrails.set(withFallback(null, null));

        ServeHttp.Reply r = http.send(method, path, body);

        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        assertThat(r.json()).as("a JSON body: " + r).isNotNull();
        assertThat(r.json().has("field")).as(r.toString()).isTrue();
        assertThat(r.text("field")).as(r.toString()).isEqualTo(field);
        assertThat(r.text("error")).as(r.toString()).isNotBlank();
        assertThat(log.decisions).as("decisions recorded").isEmpty();
        assertThat(log.rewards).as("rewards recorded").isEmpty();
        // The server still answers well-formed requests afterwards.
        assertThat(http.decide("after", STATE, false).status()).isEqualTo(200);
    }

    record RecordedReward(String decisionId, String entity, double reward, boolean terminal, String rewardId) {
    }

    /** Records what it is given; can be switched to unavailable, or to refuse the next record. */
    static final class RecordingLog implements DecisionLog {
        final List<DecisionResult> decisions = new CopyOnWriteArrayList<>();
        final List<RecordedReward> rewards = new CopyOnWriteArrayList<>();
        volatile String unavailable;
        volatile boolean refuseNext;

        @Override
        public void decided(DecisionResult decision) {
            refuseIfAsked();
            decisions.add(decision);
        }

        @Override
        public void rewarded(String decisionId, String entity, double reward, boolean terminal, String rewardId) {
            refuseIfAsked();
            rewards.add(new RecordedReward(decisionId, entity, reward, terminal, rewardId));
        }

        private void refuseIfAsked() {
            if (refuseNext) {
                refuseNext = false;
                throw new DecisionEngine.Unavailable("could not record the request in Kafka within 500 ms; retry later");
            }
        }

        @Override
        public String unavailableReason() {
            return unavailable;
        }

        @Override
        public String toString() {
            return "decisions " + decisions.stream().map(DecisionResult::decisionId).toList() + " rewards " + rewards
                    + Arrays.toString(new Object[0]);
        }
    }
}
