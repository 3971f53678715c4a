package io.streamrl.actor.serve;

import static io.streamrl.actor.serve.PricingPolicies.PRICING;
import static io.streamrl.actor.serve.PricingPolicies.pricing;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streamrl.actor.KafkaTestSupport;
import io.streamrl.broker.testing.EmbeddedKafkaExtension;
import io.streamrl.broker.testing.SharedKafka;
import io.streamrl.core.policy.PolicySnapshot;
import io.streamrl.kafka.KafkaSettings;
import io.streamrl.schemas.avro.Control;
import io.streamrl.schemas.avro.Decision;
import io.streamrl.schemas.avro.Reward;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

/** Two serve instances on the embedded broker: policies, guardrails, records and hot swaps. */
@ExtendWith(EmbeddedKafkaExtension.class)
class ServeIntegrationTest {

    /** How long a new guardrail setting may take to be in force on both instances. */
    private static final Duration GUARDRAIL_WITHIN = Duration.ofSeconds(5);
    /** How long a published policy may take to reach both instances. */
    private static final Duration POLICY_WITHIN = Duration.ofSeconds(10);
    private static final double[] FALLBACK = {6.0};
    private static final float[] STATE = {0.8f, -1.25f, 3.0f, 0.5f};
    /** The entity of the decisions that wait for a setting to be in force. */
    private static final String PROBE = "probe";

    private KafkaSettings settings;
    private ControlClient control;
    private ServeService a;
    private ServeService b;
    private ServeHttp httpA;
    private ServeHttp httpB;

    @BeforeEach
    void start(SharedKafka broker, TestInfo test) {
        settings = KafkaSettings.of(broker.bootstrapServers(),
                broker.freshNamespace("serve-" + test.getTestMethod().orElseThrow().getName()));
        control = new ControlClient(settings, Clock.systemUTC());
        a = ServeService.start(config("serve-a", 1), settings, Clock.systemUTC());
        b = ServeService.start(config("serve-b", 2), settings, Clock.systemUTC());
        httpA = new ServeHttp(a.port());
        httpB = new ServeHttp(b.port());
    }

    @AfterEach
    void stop() {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }

    private static ServeConfig config(String instance, long seed) {
        return new ServeConfig(PRICING, PRICING, instance, "127.0.0.1", 0, FALLBACK, 0.1, seed, 8);
    }

    @Test
    void bothInstancesFollowThePolicyAndEveryGuardrailWithinSeconds() {
        assertThat(httpA.get("/health").status()).isEqualTo(200);
        assertThat(httpB.get("/health").status()).isEqualTo(200);
        ServeHttp.Reply before = httpA.decide("shop-1", STATE, false);
        assertThat(before.text("mode")).isEqualTo("fallback");
        assertThat(before.action()).containsExactly(FALLBACK);

        // (a) a published policy answers on both
        PolicySnapshot v1 = pricing(1);
        KafkaTestSupport.publish(settings, v1);
        awaitOnBoth(POLICY_WITHIN, "learned with version 1", r -> learnedBy(r, v1));

        // bounds clip on both
        double learned = v1.act(STATE)[0];
        double low = learned < 10 ? 15 : 3;
        double clippedTo = learned < 10 ? low : low + 0.5;
        set(c -> c.setActionLow(List.of(low)).setActionHigh(List.of(low + 0.5)));
        awaitOnBoth(GUARDRAIL_WITHIN, "clipped to " + clippedTo, r -> r.action()[0] == clippedTo && clipped(r));
        for (ServeHttp http : List.of(httpA, httpB)) {
            for (int i = 0; i < 10; i++) {
                ServeHttp.Reply r = http.decide("bounded-" + i, state(i), true);
                assertThat(r.action()[0]).as(r.toString()).isBetween(low, low + 0.5);
            }
        }

        // holdout: stable per entity, the same on both instances, about the share asked for
        long holdoutRevision = set(c -> c.setActionLow(null).setActionHigh(null).setHoldoutShare(0.3)).getRevision();
        awaitOnBoth(GUARDRAIL_WITHIN, "control revision " + holdoutRevision,
                "/v1/policy", r -> r.json().get("control_revision").longValue() == holdoutRevision);
        Map<String, String> modesA = modes(httpA, 300);
        Map<String, String> modesB = modes(httpB, 300);
        assertThat(modesB).isEqualTo(modesA);
        assertThat(modes(httpA, 300)).as("the same entities again").isEqualTo(modesA);
        assertThat(modesA.values()).containsOnly("holdout", "learned");
        long held = modesA.values().stream().filter("holdout"::equals).count();
        assertThat(held / 300.0).isBetween(0.22, 0.38);
        modesA.forEach((entity, mode) ->
                assertThat(mode).as(entity).isEqualTo(DecisionEngine.inHoldout(entity, 0.3) ? "holdout" : "learned"));
        String heldOut = modesA.entrySet().stream().filter(e -> e.getValue().equals("holdout")).findFirst()
                .orElseThrow().getKey();
        assertThat(httpB.decide(heldOut, STATE, true).action()).containsExactly(FALLBACK);

        // shadow: the fallback answers, the policy version is still reported
        set(c -> c.setHoldoutShare(0).setShadow(true));
        awaitOnBoth(GUARDRAIL_WITHIN, "shadow", r -> r.text("mode").equals("shadow")
                && r.action()[0] == FALLBACK[0] && r.policyVersion() == 1L);
        set(c -> c.setShadow(false));
        awaitOnBoth(GUARDRAIL_WITHIN, "learned again", r -> learnedBy(r, v1));

        // pin to 1 while 2 and 3 are out; roll back from the newest (3) to 2
        PolicySnapshot v2 = pricing(2);
        PolicySnapshot v3 = pricing(3);
        KafkaTestSupport.publish(settings, v2);
        KafkaTestSupport.publish(settings, v3);
        awaitOnBoth(POLICY_WITHIN, "learned with version 3", r -> learnedBy(r, v3));
        set(c -> c.setPinnedVersion(1L));
        awaitOnBoth(GUARDRAIL_WITHIN, "pinned to 1", r -> learnedBy(r, v1));
        assertThat(httpA.get("/v1/policy").json().get("pinned_version").longValue()).isEqualTo(1);
        long rollbackTo = control.newestPolicyVersion(PRICING).orElseThrow() - 1;
        assertThat(rollbackTo).isEqualTo(2);
        set(c -> c.setPinnedVersion(rollbackTo));
        awaitOnBoth(GUARDRAIL_WITHIN, "rolled back to 2", r -> learnedBy(r, v2));

        // kill switch: everything falls back; off and unpinned: the newest answers again
        set(c -> c.setKillSwitch(true));
        awaitOnBoth(GUARDRAIL_WITHIN, "killed", r -> r.text("mode").equals("fallback")
                && r.action()[0] == FALLBACK[0]);
        for (ServeHttp http : List.of(httpA, httpB)) {
            for (int i = 0; i < 20; i++) {
                ServeHttp.Reply r = http.decide("killed-" + i, state(i), true);
                assertThat(r.text("mode")).as(r.toString()).isEqualTo("fallback");
                assertThat(r.action()).containsExactly(FALLBACK);
                assertThat(r.json().get("log_density").isNull()).isTrue();
            }
        }
        set(c -> c.setKillSwitch(false).setPinnedVersion(null));
        awaitOnBoth(GUARDRAIL_WITHIN, "learned with version 3 again", r -> learnedBy(r, v3));
        assertThat(a.guardrails()).isEqualTo(b.guardrails());
        assertThat(control.current(PRICING).orElseThrow().getRevision()).isEqualTo(a.guardrails().revision());
    }

    @Test
    void decisionAndRewardRecordsMatchWhatWasAnswered() {
        PolicySnapshot v1 = pricing(1);
        KafkaTestSupport.publish(settings, v1);
        awaitOnBoth(POLICY_WITHIN, "learned with version 1", r -> learnedBy(r, v1));
        set(c -> c.setHoldoutShare(0.3));
        awaitOnBoth(GUARDRAIL_WITHIN, "holdout", "/v1/policy", r -> r.json().get("control_revision").longValue() == 1);

        List<Answered> answered = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            ServeHttp http = i % 2 == 0 ? httpA : httpB;
            String entity = "customer-" + i;
            float[] state = state(i);
            ServeHttp.Reply r = http.decide(entity, state, i % 3 != 0, i % 4 == 0 ? "call-" + i : null);
            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            answered.add(new Answered(http == httpA ? "serve-a" : "serve-b", entity, state, r));
        }
        set(c -> c.setKillSwitch(true));
        awaitOnBoth(GUARDRAIL_WITHIN, "killed", r -> r.text("mode").equals("fallback"));
        for (int i = 0; i < 4; i++) {
            ServeHttp http = i % 2 == 0 ? httpA : httpB;
            ServeHttp.Reply r = http.decide("customer-" + i, state(i), true);
            answered.add(new Answered(http == httpA ? "serve-a" : "serve-b", "customer-" + i, state(i), r));
        }
        assertThat(answered).extracting(x -> x.reply().text("mode")).contains("learned", "holdout", "fallback");
        assertThat(answered).anySatisfy(x -> assertThat(x.reply().json().get("log_density").isNumber()).isTrue());
        // Refused requests leave nothing behind.
        assertThat(httpA.post("/v1/decisions", "{\"entity\": \"customer-0\", \"state\": [1, 2]}").status())
                .isEqualTo(400);
        assertThat(httpB.post("/v1/rewards", "{\"decision_id\": \"nope\", \"reward\": 1}").status()).isEqualTo(400);

        // Rewards, each reported to the instance that did not answer the decision.
        Map<String, Double> rewardOf = new HashMap<>();
        for (int i = 0; i < answered.size(); i += 2) {
            Answered x = answered.get(i);
            String id = x.reply().text("decision_id");
            ServeHttp other = x.instance().equals("serve-a") ? httpB : httpA;
            assertThat(other.reward(id, i * 0.5 - 3, i % 4 == 0).status()).isEqualTo(202);
            rewardOf.put(id, i * 0.5 - 3);
        }

        // The probes (awaiting the policy and the guardrails) were recorded too; nothing else was.
        Map<String, Answered> byId = answered.stream().collect(Collectors.toMap(x -> x.reply().text("decision_id"),
                x -> x, (x, y) -> x, LinkedHashMap::new));
        List<ConsumerRecord<String, Decision>> decisions = new ArrayList<>();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            decisions.clear();
            decisions.addAll(KafkaTestSupport.readAll(settings, settings.topics().decisions()));
            assertThat(decisions.stream().filter(r -> byId.containsKey(r.value().getDecisionId().toString())))
                    .hasSize(answered.size());
        });
        assertThat(decisions).filteredOn(r -> !byId.containsKey(r.value().getDecisionId().toString()))
                .extracting(ConsumerRecord::key).containsOnly(PROBE);
        Map<String, ConsumerRecord<String, Decision>> recordOf = new HashMap<>();
        for (ConsumerRecord<String, Decision> r : decisions) {
            Decision d = r.value();
            assertThat(r.key()).isEqualTo(d.getEntity().toString());
            Answered x = byId.get(d.getDecisionId().toString());
            if (x == null) {
                continue;
            }
            recordOf.put(d.getDecisionId().toString(), r);
            ServeHttp.Reply reply = x.reply();
            assertThat(r.key()).isEqualTo(x.entity());
            assertThat(d.getInstanceId().toString()).isEqualTo(x.instance());
            assertThat(d.getEnvId().toString()).isEqualTo(PRICING);
            assertThat(d.getState()).containsExactly(boxed(x.state()));
            assertThat(d.getAction()).containsExactly((float) reply.action()[0]);
            assertThat(d.getMode().name().toLowerCase(Locale.ROOT)).isEqualTo(reply.text("mode"));
            assertThat(d.getPolicyVersion()).isEqualTo(reply.policyVersion() == null ? -1 : reply.policyVersion());
            assertThat(d.getExplored()).isEqualTo(reply.json().get("explored").booleanValue());
            assertThat(d.getClipped()).isEqualTo(reply.json().get("clipped").booleanValue());
            if (reply.json().get("log_density").isNull()) {
                assertThat(d.getLogDensity()).as(reply.toString()).isNull();
            } else {
                assertThat(d.getLogDensity()).isEqualTo(reply.json().get("log_density").doubleValue());
            }
            assertThat(d.getPolicyAction()).containsExactly((float) v1.act(x.state())[0]);
        }
        assertThat(recordOf).hasSameSizeAs(byId);

        List<ConsumerRecord<String, Reward>> rewards = new ArrayList<>();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            rewards.clear();
            rewards.addAll(KafkaTestSupport.readAll(settings, settings.topics().rewards()));
            assertThat(rewards).hasSize(rewardOf.size());
        });
        assertThat(rewards.stream().map(r -> r.partition()).distinct().count()).as("partitions used").isGreaterThan(1);
        for (ConsumerRecord<String, Reward> r : rewards) {
            String id = r.value().getDecisionId().toString();
            ConsumerRecord<String, Decision> decision = recordOf.get(id);
            assertThat(decision).as(id).isNotNull();
            assertThat(r.key()).isEqualTo(decision.key());
            assertThat(r.value().getEntity().toString()).isEqualTo(decision.key());
            assertThat(r.partition()).as("partition of the reward of " + id).isEqualTo(decision.partition());
            assertThat(r.value().getReward()).isEqualTo(rewardOf.get(id));
            assertThat(r.value().getInstanceId().toString())
                    .isNotEqualTo(decision.value().getInstanceId().toString());
        }
        assertThat(a.recordCounts()[2] + b.recordCounts()[2]).as("records Kafka refused").isZero();
    }

    @Test
    void hotSwapsUnderLoadNeverMixPoliciesNorGoBack() throws Exception {
        int versions = 8;
        Map<Long, PolicySnapshot> snapshots = new ConcurrentHashMap<>();
        for (long v = 1; v <= versions; v++) {
            snapshots.put(v, pricing(v));
        }
        int threads = 4;
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong answers = new AtomicLong();
        List<Long> newestSeen = new CopyOnWriteArrayList<>();
        List<String> problems = new CopyOnWriteArrayList<>();
        Map<Long, AtomicLong> perVersion = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> loops = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            newestSeen.add(-1L);
            // Each thread keeps to one instance: versions may only go down across instances.
            ServeHttp http = t % 2 == 0 ? httpA : httpB;
            loops.add(pool.submit(() -> {
                SplittableRandom random = new SplittableRandom(thread);
                long last = -1;
                int n = 0;
                while (!stop.get()) {
                    float[] state = new float[4];
                    for (int i = 0; i < state.length; i++) {
                        state[i] = (float) (random.nextDouble(-5, 5));
                    }
                    ServeHttp.Reply r = http.decide("load-" + thread + "-" + (n++ % 50), state, false);
                    answers.incrementAndGet();
                    if (r.status() != 200) {
                        problems.add("thread " + thread + ": " + r);
                        continue;
                    }
                    Long version = r.policyVersion();
                    long v = version == null ? -1 : version;
                    if (v < last) {
                        problems.add("thread " + thread + " saw version " + v + " after " + last);
                    }
                    last = Math.max(last, v);
                    newestSeen.set(thread, last);
                    perVersion.computeIfAbsent(v, k -> new AtomicLong()).incrementAndGet();
                    if (version == null) {
                        if (!r.text("mode").equals("fallback") || r.action()[0] != FALLBACK[0]) {
                            problems.add("thread " + thread + " without a policy: " + r);
                        }
                    } else {
                        double expected = snapshots.get(version).act(state)[0];
                        if (!r.text("mode").equals("learned") || r.action()[0] != expected) {
                            problems.add("thread " + thread + " version " + version + " state "
                                    + java.util.Arrays.toString(state) + ": expected " + expected + ", got " + r);
                        }
                    }
                }
                return null;
            }));
        }
        try {
            await().atMost(Duration.ofSeconds(5)).until(() -> answers.get() > 50);
            for (long v = 1; v <= versions; v++) {
                KafkaTestSupport.publish(settings, snapshots.get(v));
                long before = answers.get();
                await().atMost(Duration.ofSeconds(5)).until(() -> answers.get() > before + 40);
            }
            await().atMost(POLICY_WITHIN).until(() -> newestSeen.stream().allMatch(v -> v == versions));
            long at = answers.get();
            await().atMost(Duration.ofSeconds(5)).until(() -> answers.get() > at + 100);
        } finally {
            stop.set(true);
            pool.shutdown();
            assertThat(pool.awaitTermination(20, TimeUnit.SECONDS)).isTrue();
        }
        for (Future<?> loop : loops) {
            loop.get();
        }
        assertThat(problems).isEmpty();
        assertThat(perVersion.keySet()).as("versions answered with (%s)", perVersion)
                .contains((long) versions).hasSizeGreaterThan(3);
    }

    private record Answered(String instance, String entity, float[] state, ServeHttp.Reply reply) {
    }

    private Control set(UnaryOperator<Control.Builder> change) {
        return control.publish(PRICING, change, "ServeIntegrationTest");
    }

    private void awaitOnBoth(Duration within, String what, Predicate<ServeHttp.Reply> holds) {
        for (ServeHttp http : List.of(httpA, httpB)) {
            await(what + " on port " + http.port()).atMost(within).pollInterval(Duration.ofMillis(50))
                    .until(() -> http.decide(PROBE, STATE, false), r -> r.status() == 200 && holds.test(r));
        }
    }

    private void awaitOnBoth(Duration within, String what, String path, Predicate<ServeHttp.Reply> holds) {
        for (ServeHttp http : List.of(httpA, httpB)) {
            await(what + " on port " + http.port()).atMost(within).pollInterval(Duration.ofMillis(50))
                    .until(() -> http.get(path), r -> r.status() == 200 && holds.test(r));
        }
    }

    private static boolean learnedBy(ServeHttp.Reply r, PolicySnapshot policy) {
        return r.text("mode").equals("learned") && r.policyVersion() == policy.version()
                && r.action()[0] == policy.act(STATE)[0] && !clipped(r);
    }

    private static boolean clipped(ServeHttp.Reply r) {
        return r.json().get("clipped").booleanValue();
    }

    private static Map<String, String> modes(ServeHttp http, int entities) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < entities; i++) {
            ServeHttp.Reply r = http.decide("entity-" + i, STATE, false);
            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            out.put("entity-" + i, r.text("mode"));
        }
        return out;
    }

    private static float[] state(int i) {
        return new float[] {i * 0.25f, -1.5f + i, 2.0f - 0.1f * i, 0.75f};
    }

    private static Float[] boxed(float[] values) {
        Float[] out = new Float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }
}
