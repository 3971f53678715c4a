package io.streamrl.actor.serve;

import static io.streamrl.actor.serve.PricingPolicies.pricing;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamrl.core.env.Envs;
import io.streamrl.kafka.MetricsServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The decision API with a bearer token: every {@code /v1/} request without exactly that token
 * gets 401 with {@code WWW-Authenticate: Bearer} and a JSON error naming the header, and is
 * neither read nor recorded; health and metrics stay open.
 */
class DecisionServerAuthTest {

    private static final String TOKEN = "c0ffee-7e57-70ken-abcdef0123456789";
    private static final String DECISION = "{\"entity\": \"shop-1\", \"state\": [3.5, -0.25, 1.0, 12.0]}";

    private final PolicyHistory history = new PolicyHistory(8);
    private final DecisionServerTest.RecordingLog log = new DecisionServerTest.RecordingLog();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1).build();
    private DecisionServer server;

    @BeforeEach
    void start() {
        AtomicReference<Guardrails> guardrails = new AtomicReference<>(Guardrails.NONE);
        DecisionEngine engine = new DecisionEngine(Envs.spec(PricingPolicies.PRICING), history, guardrails::get, null,
                0.2, new SplittableRandom(11), Clock.systemUTC());
        server = DecisionServer.start(engine, log,
                () -> new DecisionServer.PolicyStatus(3L, "abc", 1.0, null, false, 0, false),
                MetricsServer.newRegistry(), "127.0.0.1", 0, 4, BearerToken.of("test token", TOKEN));
        history.add(pricing(3));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void withoutAnAuthorizationHeaderADecisionIs401AndNotRecorded() throws Exception {
        HttpResponse<String> r = send("POST", "/v1/decisions", DECISION);

        assertUnauthorized(r, "the Authorization header is missing; send Authorization: Bearer <token>",
                "Bearer realm=\"streamrl\"");
        assertThat(log.decisions).isEmpty();
    }

    @Test
    void anotherSchemeIs401() throws Exception {
        assertUnauthorized(send("POST", "/v1/decisions", DECISION, "Basic " + TOKEN),
                "the Authorization header must be one header of the form Authorization: Bearer <token>",
                "Bearer realm=\"streamrl\"");
        assertUnauthorized(send("POST", "/v1/decisions", DECISION, "Bearer"),
                "the Authorization header must be one header of the form Authorization: Bearer <token>",
                "Bearer realm=\"streamrl\"");
        assertUnauthorized(send("POST", "/v1/decisions", DECISION, TOKEN),
                "the Authorization header must be one header of the form Authorization: Bearer <token>",
                "Bearer realm=\"streamrl\"");
        assertThat(log.decisions).isEmpty();
    }

    @Test
    void aWrongTokenIs401WithInvalidToken() throws Exception {
        for (String wrong : new String[] {TOKEN + "x", TOKEN.substring(1), "a-much-shorter-one", TOKEN.toUpperCase()}) {
            assertUnauthorized(send("POST", "/v1/decisions", DECISION, "Bearer " + wrong),
                    "the bearer token in the Authorization header is not the one this server accepts",
                    "Bearer realm=\"streamrl\", error=\"invalid_token\"");
        }
        assertThat(log.decisions).isEmpty();
    }

    @Test
    void theTokenIsCheckedBeforeTheBodyIsRead() throws Exception {
        assertUnauthorized(send("POST", "/v1/decisions", "{not json", "Bearer wrong-token-0000000000"),
                "the bearer token in the Authorization header is not the one this server accepts",
                "Bearer realm=\"streamrl\", error=\"invalid_token\"");
        assertUnauthorized(send("GET", "/v1/decisions", null),
                "the Authorization header is missing; send Authorization: Bearer <token>", "Bearer realm=\"streamrl\"");
    }

    @Test
    void twoAuthorizationHeadersAre401EvenIfOneIsRight() throws Exception {
        HttpRequest request = request("POST", "/v1/decisions", DECISION)
                .header("Authorization", "Bearer " + TOKEN).header("Authorization", "Bearer other-token-000000000")
                .build();
        assertUnauthorized(client.send(request, HttpResponse.BodyHandlers.ofString()),
                "the Authorization header must be one header of the form Authorization: Bearer <token>",
                "Bearer realm=\"streamrl\"");
    }

    @Test
    void theRightTokenOpensEveryV1EndpointWithTheSchemeInAnyCase() throws Exception {
        HttpResponse<String> decision = send("POST", "/v1/decisions", DECISION, "Bearer " + TOKEN);
        assertThat(decision.statusCode()).as(decision.body()).isEqualTo(200);
        String decisionId = ServeHttp.JSON.readTree(decision.body()).get("decision_id").asText();

        HttpResponse<String> reward = send("POST", "/v1/rewards", "{\"decision_id\": \"" + decisionId
                + "\", \"reward\": 1.5}", "bearer  " + TOKEN);
        assertThat(reward.statusCode()).as(reward.body()).isEqualTo(202);
        assertThat(send("GET", "/v1/policy", null, "BEARER " + TOKEN).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/v1/policy", null).statusCode()).isEqualTo(401);
        assertThat(log.decisions).hasSize(1);
        assertThat(log.rewards).hasSize(1);
    }

    @Test
    void healthAndMetricsNeedNoToken() throws Exception {
        assertThat(send("GET", "/health", null).statusCode()).isNotEqualTo(401);
        HttpResponse<String> metrics = send("GET", "/metrics", null);
        assertThat(metrics.statusCode()).isEqualTo(200);
        // The refusals are counted like any other answer.
        send("POST", "/v1/decisions", DECISION);
        assertThat(send("GET", "/metrics", null).body())
                .contains("serve_requests_seconds_count{endpoint=\"/v1/decisions\",status=\"401\"}");
    }

    private void assertUnauthorized(HttpResponse<String> r, String error, String challenge) throws IOException {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(401);
        assertThat(r.headers().allValues("WWW-Authenticate")).containsExactly(challenge);
        JsonNode body = ServeHttp.JSON.readTree(r.body());
        assertThat(body.get("error").asText()).isEqualTo(error);
        assertThat(body.get("field").asText()).isEqualTo("Authorization");
        assertThat(r.body()).doesNotContain(TOKEN);
    }

    private HttpResponse<String> send(String method, String path, String body, String... authorization)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = request(method, path, body);
        for (String value : List.of(authorization)) {
            b.header("Authorization", value);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String method, String path, String body) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
    }
}
