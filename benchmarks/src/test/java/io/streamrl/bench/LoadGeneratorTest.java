package io.streamrl.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrl.actor.serve.BearerToken;
import io.streamrl.bench.LoadGenerator.Latency;
import io.streamrl.bench.LoadGenerator.Progress;
import io.streamrl.bench.LoadGenerator.Result;
import io.streamrl.bench.LoadGenerator.Settings;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The load generator against a fake decision server on 127.0.0.1 (about 6 s in all). */
class LoadGeneratorTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private static Settings settings(String url, String env, int rate, Duration duration, Duration warmup,
                                     int entities, double rewardShare, int connections) {
        return new Settings(url, env, rate, duration, warmup, entities, rewardShare, connections, TIMEOUT, 1L);
    }

    private static Result run(Settings s, List<Progress> reports) throws Exception {
        return new LoadGenerator(s, Clock.systemUTC(), System::nanoTime, Duration.ofMillis(500)).run(reports::add);
    }

    @Test
    void holdsTheRateAndSendsValidStatesAndRewardsForReturnedDecisions() throws Exception {
        try (FakeDecisionServer server = FakeDecisionServer.start(1, 10, true)) {
            Settings s = settings(server.url(), "pricing", 200, Duration.ofSeconds(2), Duration.ZERO, 25, 0.5, 8);
            List<Progress> reports = new CopyOnWriteArrayList<>();
            Result r = run(s, reports);

            // Counted by the generator: exactly rate x duration due, all sent.
            assertThat(r.decisions().requests()).isEqualTo(400);
            assertThat(r.decisions().sent()).isEqualTo(400);
            // The generator sends on its timetable, so its own rate is exact unless requests were
            // given up (a stall of > 1 s at the end); 5 % leaves room for a few of those on a busy CI machine.
            assertThat(r.rateAchieved()).isCloseTo(200, within(10.0));

            // Seen by the server (less the pre-flight decision, the first to arrive): arrivals span the
            // window at the target rate. 10 %: a late scheduler catches up with a burst, so only a
            // stall at the very end (GC, a neighbour on the 2 shared cores) moves the last arrival.
            List<Long> arrivals = new ArrayList<>(server.decisionArrivalNanos);
            arrivals.sort(null);
            List<Long> measured = arrivals.subList(1, arrivals.size());
            assertThat(measured).hasSize(400);
            double serverRate = (measured.size() - 1) / ((measured.get(measured.size() - 1) - measured.get(0)) / 1e9);
            assertThat(serverRate).isCloseTo(200, within(20.0));

            // Every decision body: a known entity and a state Pricing-v0 can produce.
            Set<String> entityIds = new HashSet<>(s.entityIds());
            Set<String> seen = new HashSet<>();
            for (String body : server.decisionBodies) {
                JsonNode node = JSON.readTree(body);
                assertThat(entityIds).contains(node.get("entity").asText());
                seen.add(node.get("entity").asText());
                JsonNode state = node.get("state");
                assertThat(state.size()).as(body).isEqualTo(4);
                for (JsonNode v : state) {
                    assertThat(v.isNumber() && Double.isFinite(v.asDouble())).as(body).isTrue();
                }
                assertThat(state.get(1).asDouble()).as("competitor price / 10").isBetween(0.5, 1.5);
                double sin = state.get(2).asDouble();
                double cos = state.get(3).asDouble();
                assertThat(sin * sin + cos * cos).as("weekday on the unit circle").isCloseTo(1.0, within(1e-5));
            }
            assertThat(seen).hasSizeGreaterThan(20);

            // Errors counted by status: the server answered every 10th decision with 503.
            assertThat(server.failed()).isEqualTo(40);
            assertThat(r.decisions().errors()).isEqualTo(Map.of("503", 40L));
            assertThat(r.decisions().examples().get("503")).contains("no policy yet");
            assertThat(r.decisions().ok()).isEqualTo(360);
            assertThat(r.modes()).isEqualTo(Map.of("learned", 360L));

            // Rewards name decision ids the server issued, each at most once, about half of the ok ones.
            assertThat(r.rewards().requests()).isEqualTo(server.rewards());
            assertThat(r.rewards().ok()).isEqualTo(server.rewards());
            assertThat(r.rewards().errors()).isEmpty();
            assertThat(server.rewards()).isBetween(360 * 35 / 100L, 360 * 65 / 100L);
            Set<String> rewarded = new HashSet<>();
            for (String body : server.rewardBodies) {
                JsonNode node = JSON.readTree(body);
                String id = node.get("decision_id").asText();
                assertThat(server.issuedIds).contains(id);
                assertThat(rewarded.add(id)).as("rewarded twice: " + id).isTrue();
                assertThat(Double.isFinite(node.get("reward").asDouble())).isTrue();
            }

            assertOrdered(r.decisions().latency());
            assertThat(r.decisions().latency().count()).isEqualTo(360);
            assertOrdered(r.rewards().latency());
            assertThat(reports).isNotEmpty();
            assertThat(reports.get(0).phase()).isEqualTo("measuring");

            JsonNode line = JSON.readTree(JSON.writeValueAsString(r.line()));
            assertThat(line.get("benchmark").asText()).isEqualTo("loadgen");
            assertThat(line.get("env").asText()).isEqualTo("Pricing-v0");
            assertThat(line.get("rate_target").asInt()).isEqualTo(200);
            assertThat(line.get("requests").asLong()).isEqualTo(400);
            assertThat(line.get("errors").get("503").asLong()).isEqualTo(40);
            for (String field : List.of("rate_achieved", "ok_per_s", "p50_ms", "p90_ms", "p99_ms", "p999_ms", "max_ms",
                    "reward_p50_ms", "reward_max_ms", "duration_s", "send_lag_max_ms")) {
                assertThat(line.get(field).isNumber()).as(field).isTrue();
            }
            assertThat(String.join("\n", r.summary())).contains("503 x40").contains("learned 360");
        }
    }

    @Test
    void warmupIsSentButNotCountedAndPendulumStatesHaveThreeEntries() throws Exception {
        try (FakeDecisionServer server = FakeDecisionServer.start(1, 0, true)) {
            Settings s = settings(server.url(), "Pendulum-v1", 200, Duration.ofMillis(500), Duration.ofMillis(500), 3,
                    0.0, 4);
            Result r = run(s, new ArrayList<>());
            // The pre-flight decision, the warm-up's ramp (half of 0.5 s at the full rate), the window.
            assertThat(server.decisions()).isEqualTo(1 + 50 + 100);
            assertThat(r.decisions().requests()).isEqualTo(100);
            assertThat(r.decisions().ok()).isEqualTo(100);
            assertThat(r.warmup().ok()).isEqualTo(50);
            assertThat(r.decisions().latency().count()).isEqualTo(100);
            for (String body : server.decisionBodies) {
                assertThat(JSON.readTree(body).get("state").size()).isEqualTo(3);
            }
            assertThat(server.rewards()).isZero();
            assertThat(r.rewards().requests()).isZero();
        }
    }

    @Test
    void aStalledServerShowsUpAsLatencyNotAsALowerRate() throws Exception {
        try (FakeDecisionServer server = FakeDecisionServer.singleThreaded(1)) {
            // Decision 51 (the 50th of the run) holds the only handler thread for 300 ms: the ~60
            // decisions due meanwhile wait behind it, each from its own due time.
            server.stallAtDecision = 51;
            server.stallMillis = 300;
            Settings s = settings(server.url(), "pricing", 200, Duration.ofSeconds(1), Duration.ZERO, 10, 0.0, 64);
            Result r = run(s, new ArrayList<>());
            assertThat(r.decisions().ok()).isEqualTo(200);
            assertThat(r.rateAchieved()).isCloseTo(200, within(10.0));
            // Due times spread the waits over 0..300 ms, so the slowest tenth waited 200 ms or more;
            // a closed loop timed from the actual send would have reported one slow request.
            assertThat(r.decisions().latency().p90Ms()).isGreaterThan(100);
            assertThat(r.decisions().latency().maxMs()).isGreaterThan(250);
            assertOrdered(r.decisions().latency());
        }
    }

    @Test
    void requestsThatFindNoFreeConnectionAreCountedAsUnsent() throws Exception {
        try (FakeDecisionServer server = FakeDecisionServer.singleThreaded(1)) {
            // One connection, and decision 2 (the first of the run) holds it beyond the window and the grace.
            server.stallAtDecision = 2;
            server.stallMillis = 1700;
            Settings s = settings(server.url(), "pricing", 100, Duration.ofMillis(500), Duration.ZERO, 1, 0.0, 1);
            Result r = run(s, new ArrayList<>());
            assertThat(r.decisions().requests()).isEqualTo(50);
            assertThat(r.decisions().sent()).isEqualTo(1);
            assertThat(r.decisions().errors()).containsEntry("unsent", 49L);
            assertThat(r.slotWaits()).isEqualTo(1);
            assertThat(String.join("\n", r.summary())).contains("found all 1 connections in flight");
            assertThat(r.rateAchieved()).isCloseTo(2.0, within(0.01));
        }
    }

    @Test
    void nothingListeningFailsBeforeTheRun() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Settings s = settings("http://127.0.0.1:" + port, "pricing", 100, Duration.ofSeconds(1), Duration.ZERO, 1, 1.0,
                1);
        assertThatThrownBy(() -> run(s, new ArrayList<>())).isInstanceOf(IOException.class)
                .hasMessageContaining("no answer from POST http://127.0.0.1:" + port + "/v1/decisions");
    }

    @Test
    void aUrlWithoutTheDecisionApiIsRefused() throws Exception {
        try (FakeDecisionServer server = FakeDecisionServer.start(1, 0, false)) {
            Settings s = settings(server.url() + "/elsewhere", "pricing", 100, Duration.ofSeconds(1), Duration.ZERO, 1,
                    1.0, 1);
            assertThatThrownBy(() -> run(s, new ArrayList<>())).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("answered 404").hasMessageContaining("base URL");
        }
    }

    @Test
    void aStateTheServerRefusesEndsTheRunBeforeItStarts() throws Exception {
        try (FakeDecisionServer server = FakeDecisionServer.start(1, 0, false)) {
            server.stateLength = 4;
            Settings s = settings(server.url(), "pendulum", 100, Duration.ofSeconds(1), Duration.ZERO, 1, 1.0, 1);
            assertThatThrownBy(() -> run(s, new ArrayList<>())).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("refused a Pendulum-v1 state (3 numbers) with 400")
                    .hasMessageContaining("state must have 4 numbers")
                    .hasMessageContaining("does --env match the server's environment?");
            assertThat(server.decisions()).isZero();
        }
    }

    @Test
    void withATokenEveryDecisionAndRewardCarriesIt() throws Exception {
        BearerToken token = BearerToken.of("test", "loadgen-token-0123456789");
        try (FakeDecisionServer server = FakeDecisionServer.start(1, 0, true)) {
            server.requiredAuthorization = "Bearer loadgen-token-0123456789";
            Settings s = settings(server.url(), "pricing", 100, Duration.ofMillis(500), Duration.ZERO, 5, 1.0, 2);
            Result r = run(new Settings(s.url(), s.env(), s.rate(), s.duration(), s.warmup(), s.entities(),
                    s.rewardShare(), s.connections(), s.timeout(), s.seed(), Optional.of(token)), new ArrayList<>());

            assertThat(r.decisions().ok()).isEqualTo(r.decisions().requests()).isPositive();
            assertThat(server.rewards()).isPositive();
            assertThat(server.authorizations).isNotEmpty().containsOnly("Bearer loadgen-token-0123456789");
        }
    }

    @Test
    void withoutTheTokenAServerThatRequiresOneEndsTheRunBeforeItStartsSayingWhatToPass() throws Exception {
        try (FakeDecisionServer server = FakeDecisionServer.start(1, 0, false)) {
            server.requiredAuthorization = "Bearer loadgen-token-0123456789";
            Settings s = settings(server.url(), "pricing", 100, Duration.ofSeconds(1), Duration.ZERO, 1, 1.0, 1);
            assertThatThrownBy(() -> run(s, new ArrayList<>())).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("answered 401")
                    .hasMessageContaining("the server requires a bearer token: pass --auth-token-file FILE");
            assertThat(server.decisions()).isZero();
        }
    }

    @Test
    void aGeneratorRunsOnce() throws Exception {
        try (FakeDecisionServer server = FakeDecisionServer.start(1, 0, false)) {
            LoadGenerator g = new LoadGenerator(settings(server.url(), "pricing", 100, Duration.ofMillis(100),
                    Duration.ZERO, 1, 0, 1), Clock.systemUTC(), System::nanoTime);
            g.run(p -> { });
            assertThatThrownBy(() -> g.run(p -> { })).isInstanceOf(IllegalStateException.class);
        }
    }

    private static void assertOrdered(Latency l) {
        assertThat(l.count()).isPositive();
        assertThat(l.p50Ms()).isPositive();
        assertThat(l.p50Ms()).isLessThanOrEqualTo(l.p90Ms());
        assertThat(l.p90Ms()).isLessThanOrEqualTo(l.p99Ms());
        assertThat(l.p99Ms()).isLessThanOrEqualTo(l.p999Ms());
        assertThat(l.p999Ms()).isLessThanOrEqualTo(l.maxMs());
    }

    // --- settings, refused at the edge with the option's name and range ---

    private static Settings valid() {
        return settings("http://127.0.0.1:8080", "pricing", 5000, Duration.ofSeconds(60), Duration.ofSeconds(5), 1000,
                1.0, 64);
    }

    private static Settings with(String option, Object value) {
        Settings v = valid();
        return new Settings(
                option.equals("url") ? (String) value : v.url(),
                option.equals("env") ? (String) value : v.env(),
                option.equals("rate") ? (Integer) value : v.rate(),
                option.equals("duration") ? (Duration) value : v.duration(),
                option.equals("warmup") ? (Duration) value : v.warmup(),
                option.equals("entities") ? (Integer) value : v.entities(),
                option.equals("rewardShare") ? (Double) value : v.rewardShare(),
                option.equals("connections") ? (Integer) value : v.connections(),
                option.equals("timeout") ? (Duration) value : v.timeout(),
                v.seed());
    }

    @Test
    void badSettingsNameTheirOptionAndRange() {
        Map<String, List<Object[]>> cases = Map.of(
                "url", List.of(new Object[] {"ftp://127.0.0.1", "--url must start with http:// or https://"},
                        new Object[] {"127.0.0.1:8080", "--url must start with http:// or https://"},
                        new Object[] {"http://127.0.0.1:8080/v1/decisions", "--url is the base URL"},
                        new Object[] {"http://127.0.0.1:8080/?a=b", "without user, query or fragment"},
                        new Object[] {"", "--url must be the server's base URL"}),
                "env", List.<Object[]>of(new Object[] {"acrobot", "--env: unknown environment 'acrobot'"}),
                "rate", List.of(new Object[] {0, "--rate must be in [1, 1000000] requests/s, got 0"},
                        new Object[] {2_000_000, "--rate must be in [1, 1000000] requests/s, got 2000000"}),
                "duration", List.of(new Object[] {Duration.ofMillis(50), "--duration must be in [100ms, 24h], got 50ms"},
                        new Object[] {Duration.ofHours(25), "--duration must be in [100ms, 24h], got 25h"}),
                "warmup", List.<Object[]>of(new Object[] {Duration.ofHours(2), "--warmup must be in [0s, 1h], got 2h"}),
                "entities", List.<Object[]>of(new Object[] {0, "--entities must be in [1, 1000000], got 0"}),
                "rewardShare", List.of(new Object[] {1.5, "--reward-share must be in [0, 1], got 1.5"},
                        new Object[] {Double.NaN, "--reward-share must be in [0, 1], got NaN"}),
                "connections", List.<Object[]>of(new Object[] {0, "--connections must be in [1, 4096], got 0"}),
                "timeout", List.<Object[]>of(new Object[] {Duration.ZERO, "--timeout must be in [1ms, 1m], got 0s"}));
        cases.forEach((option, list) -> {
            for (Object[] c : list) {
                assertThatThrownBy(() -> with(option, c[0])).as(option + "=" + c[0])
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining((String) c[1]);
            }
        });
        assertThatThrownBy(() -> with("warmup", Duration.ofSeconds(-1))).hasMessageContaining("--warmup must be in");
    }

    @Test
    void goodSettingsAreNormalised() {
        Settings s = with("url", "HTTP://localhost:8080/streamrl/");
        assertThat(s.url()).isEqualTo("http://localhost:8080/streamrl");
        assertThat(s.decisionsUri().toString()).isEqualTo("http://localhost:8080/streamrl/v1/decisions");
        assertThat(s.rewardsUri().toString()).isEqualTo("http://localhost:8080/streamrl/v1/rewards");
        assertThat(valid().measuredRequests()).isEqualTo(300_000);
        assertThat(valid().warmupRequests()).isEqualTo(12_500);
        // The timetable: a ramp whose rate reaches 5,000/s at 5 s, then every 0.2 ms.
        assertThat(valid().dueNanos(0)).isZero();
        assertThat(valid().dueNanos(3125)).isEqualTo(2_500_000_000L);
        assertThat(valid().dueNanos(12_500)).isEqualTo(5_000_000_000L);
        assertThat(valid().dueNanos(12_501)).isEqualTo(5_000_200_000L);
        assertThat(valid().dueNanos(12_500 + 300_000 - 1)).isLessThan(65_000_000_000L);
        assertThat(valid().entityIds()).hasSize(1000).startsWith("loadgen-0").endsWith("loadgen-999");
        assertThat(with("env", "Pendulum-v1").envSpec().observationDim()).isEqualTo(3);
        assertThat(with("rewardShare", 0.0).rewardShare()).isZero();
    }
}
