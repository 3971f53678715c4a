package io.streamrl.join;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamrl.join.JoinConfig.RewardCombine;
import io.streamrl.schemas.Topics;
import io.streamrl.schemas.avro.Decision;
import io.streamrl.schemas.avro.DecisionMode;
import io.streamrl.schemas.avro.DeadLetter;
import io.streamrl.schemas.avro.JoinResult;
import io.streamrl.schemas.avro.Reward;
import io.streamrl.schemas.avro.Transition;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every case of the reward join, driven by {@link TopologyTestDriver}: wall-clock time (which
 * ends waits) and record times are advanced explicitly; nothing sleeps.
 */
class RewardJoinTopologyTest {

    private static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration GAP = Duration.ofMinutes(5);
    private static final JoinConfig CONFIG = JoinConfig.defaults().withRewardWait(WAIT).withEpisodeGap(GAP)
            .withPunctuateEvery(Duration.ofSeconds(1));

    private final Topics topics = Topics.of("t");
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> decisions;
    private TestInputTopic<byte[], byte[]> rewards;
    private TestOutputTopic<byte[], byte[]> transitions;
    private TestOutputTopic<byte[], byte[]> late;
    private TestOutputTopic<byte[], byte[]> deadLetters;

    private void start(JoinConfig config) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "join-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(RewardJoinTopology.build(topics, config, new JoinMetrics(registry)), props,
                T0);
        ByteArraySerializer out = new ByteArraySerializer();
        ByteArrayDeserializer in = new ByteArrayDeserializer();
        decisions = driver.createInputTopic(topics.decisions().name(), out, out);
        rewards = driver.createInputTopic(topics.rewards().name(), out, out);
        transitions = driver.createOutputTopic(topics.transitions().name(), in, in);
        late = driver.createOutputTopic(topics.lateRewards().name(), in, in);
        deadLetters = driver.createOutputTopic(topics.deadLetter().name(), in, in);
    }

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
        }
    }

    // ---- on time, s' from the next decision ---------------------------------------------------

    @Test
    void aRewardWithinTheWaitJoinsAndTheNextDecisionGivesSPrime() {
        start(CONFIG);
        decide("d1", "shop-1", 0, 1f);
        reward("d1", "shop-1", 1_000, 2.5, false, null);
        assertThat(transitions.isEmpty()).as("s' is not known before the next decision").isTrue();

        decide("d2", "shop-1", 2_000, 2f);

        Transition t = single();
        assertThat(t.getDecisionId()).isEqualTo("d1");
        assertThat(t.getActorId()).isEqualTo("shop-1");
        assertThat(t.getObservation()).containsExactly(1f, 0f);
        assertThat(t.getNextObservation()).containsExactly(2f, 0f);
        assertThat(t.getAction()).containsExactly(10.5f);
        assertThat(t.getReward()).isEqualTo(2.5);
        assertThat(t.getTerminated()).isFalse();
        assertThat(t.getTruncated()).isFalse();
        assertThat(t.getEpisode()).isZero();
        assertThat(t.getStep()).isEqualTo(1);
        assertThat(t.getJoin().getResult()).isEqualTo(JoinResult.JOINED);
        assertThat(t.getJoin().getRewardCount()).isEqualTo(1);
        assertThat(t.getJoin().getWaitMs()).isEqualTo(1_000);
        assertThat(counter("join.transitions", "outcome", "joined")).isEqualTo(1);
        assertThat(registry.get("join.reward.wait").timer().count()).isEqualTo(1);
    }

    @Test
    void theTransitionCarriesTheBehaviourDensityNoiseAndVersion() {
        start(CONFIG);
        decide("d1", "shop-1", 0, 1f);
        reward("d1", "shop-1", 10, 1.0, false, null);
        decide("d2", "shop-1", 20, 2f);

        Transition t = single();
        assertThat(t.getLogDensity()).isEqualTo(-1.25);
        assertThat(t.getPolicyVersion()).isEqualTo(7);
        assertThat(t.getExplorationNoise()).containsExactly(0.5f); // action 10.5 - policy action 10.0
        assertThat(t.getEventTime()).isEqualTo(T0);
    }

    @Test
    void aFallbackDecisionIsLearnedFromAsTheFallbacksBehaviour() {
        start(CONFIG);
        decisions.pipeInput(key("shop-1"), encode(decision("d1", "shop-1", 0, 1f).setMode(DecisionMode.HOLDOUT)
                .setExplored(false).setLogDensity(null).build()), T0);
        reward("d1", "shop-1", 10, 1.0, false, null);
        decide("d2", "shop-1", 20, 2f);

        Transition t = single();
        assertThat(t.getPolicyVersion()).isEqualTo(-1);
        assertThat(t.getExplorationNoise()).isEmpty();
        assertThat(t.getLogDensity()).isNull();
    }

    // ---- late, missing, default, drop -------------------------------------------------------

    @Test
    void aRewardStampedAfterTheWaitGoesToLateRewardsAndTheDecisionGetsTheDefault() {
        start(CONFIG.withDefaultReward(-1.0));
        decide("d1", "shop-1", 0, 1f);
        decide("d2", "shop-1", 1_000, 2f);
        reward("d1", "shop-1", WAIT.toMillis() + 1, 9.0, false, null);

        TestRecord<byte[], byte[]> lateOne = late.readRecord();
        assertThat(topics.lateRewards().decodeValue(lateOne.value()).getDecisionId()).isEqualTo("d1");
        assertThat(reason(lateOne)).isEqualTo("late");
        assertThat(new String(lateOne.key(), StandardCharsets.UTF_8)).isEqualTo("shop-1");
        assertThat(transitions.isEmpty()).isTrue();

        driver.advanceWallClockTime(WAIT);
        Transition t = single();
        assertThat(t.getReward()).isEqualTo(-1.0);
        assertThat(t.getJoin().getResult()).isEqualTo(JoinResult.DEFAULTED);
        assertThat(t.getJoin().getRewardCount()).isZero();
        assertThat(counter("join.rewards", "result", "late")).isEqualTo(1);
        assertThat(counter("join.transitions", "outcome", "defaulted")).isEqualTo(1);
    }

    @Test
    void aRewardProcessedAfterItsDecisionSettledIsLateEvenIfStampedInTime() {
        start(CONFIG.withCombine(RewardCombine.SUM));
        decide("d1", "shop-1", 0, 1f);
        decide("d2", "shop-1", 1_000, 2f);
        driver.advanceWallClockTime(WAIT.plusSeconds(1));
        assertThat(single().getJoin().getResult()).isEqualTo(JoinResult.DEFAULTED);

        reward("d1", "shop-1", 5_000, 3.0, false, null); // the join was behind: the transition is already out

        assertThat(reason(late.readRecord())).isEqualTo("late");
        assertThat(transitions.isEmpty()).isTrue();
    }

    @Test
    void aMissingRewardIsDroppedWhenThereIsNoDefault() {
        start(CONFIG.withDefaultReward(null));
        decide("d1", "shop-1", 0, 1f);
        decide("d2", "shop-1", 1_000, 2f);
        reward("d2", "shop-1", 2_000, 4.0, false, null);
        decide("d3", "shop-1", 3_000, 3f);

        driver.advanceWallClockTime(WAIT.plusSeconds(5));

        List<Transition> out = all();
        assertThat(out).extracting(Transition::getDecisionId).containsExactly("d2");
        assertThat(out.get(0).getObservation()).containsExactly(2f, 0f);
        assertThat(out.get(0).getNextObservation()).containsExactly(3f, 0f);
        assertThat(counter("join.decisions.dropped", null, null)).isEqualTo(2); // d1 and d3
    }

    @Test
    void aQuietPartitionStillTimesOutOnWallClockTime() {
        start(CONFIG.withDefaultReward(0.0).withEpisodeGap(Duration.ofSeconds(10)));
        decide("d1", "shop-1", 0, 1f);
        // No record follows: stream time stands still, only the wall clock moves.
        driver.advanceWallClockTime(WAIT.minusSeconds(1));
        assertThat(transitions.isEmpty()).isTrue();

        driver.advanceWallClockTime(Duration.ofSeconds(2));

        Transition t = single();
        assertThat(t.getJoin().getResult()).isEqualTo(JoinResult.DEFAULTED);
        assertThat(t.getJoin().getWaitMs()).isEqualTo(WAIT.toMillis());
        assertThat(t.getTruncated()).as("idle past the gap: the episode ends without s'").isTrue();
        assertThat(t.getNextObservation()).isEqualTo(t.getObservation());
    }

    // ---- repeats, early, out of order --------------------------------------------------------

    @Test
    void aRepeatedRewardIsCountedOnce() {
        start(CONFIG.withCombine(RewardCombine.SUM));
        decide("d1", "shop-1", 0, 1f);
        reward("d1", "shop-1", 100, 2.0, false, null);
        reward("d1", "shop-1", 200, 2.0, false, null); // the same report again (a client retry)
        reward("d1", "shop-1", 300, 1.0, false, "sale-1");
        reward("d1", "shop-1", 400, 1.0, false, "sale-2"); // same value, another reward id: a second sale
        reward("d1", "shop-1", 500, 1.0, false, "sale-2");
        decide("d2", "shop-1", 1_000, 2f);
        driver.advanceWallClockTime(WAIT);

        Transition t = single();
        assertThat(t.getReward()).isEqualTo(4.0);
        assertThat(t.getJoin().getRewardCount()).isEqualTo(3);
        assertThat(counter("join.rewards", "result", "repeated")).isEqualTo(2);
    }

    @Test
    void aRewardBeforeItsDecisionWaitsForIt() {
        start(CONFIG);
        reward("d1", "shop-1", 50, 3.0, false, null);
        reward("d1", "shop-1", 60, 3.0, false, null); // repeated while waiting
        assertThat(counter("join.rewards", "result", "early")).isEqualTo(1);

        decide("d1", "shop-1", 0, 1f);
        decide("d2", "shop-1", 100, 2f);

        Transition t = single();
        assertThat(t.getReward()).isEqualTo(3.0);
        assertThat(t.getJoin().getResult()).isEqualTo(JoinResult.JOINED);
        assertThat(counter("join.rewards", "result", "repeated")).isEqualTo(1);
        driver.advanceWallClockTime(WAIT.multipliedBy(3));
        assertThat(late.isEmpty()).as("the early reward was used, so it never becomes an orphan").isTrue();
    }

    @Test
    void rewardsOutOfOrderJoinTheirOwnDecisions() {
        start(CONFIG);
        decide("a1", "shop-a", 0, 1f);
        decide("b1", "shop-b", 0, 5f);
        decide("a2", "shop-a", 100, 2f);
        decide("b2", "shop-b", 100, 6f);
        reward("b2", "shop-b", 200, 20.0, false, null);
        reward("a2", "shop-a", 300, 10.0, false, null);
        reward("b1", "shop-b", 400, 2.0, false, null);
        reward("a1", "shop-a", 500, 1.0, false, null);
        decide("a3", "shop-a", 600, 3f);
        decide("b3", "shop-b", 600, 7f);

        List<Transition> out = all();
        assertThat(out).extracting(Transition::getDecisionId).containsExactlyInAnyOrder("a1", "a2", "b1", "b2");
        for (Transition t : out) {
            double expected = switch (t.getDecisionId()) {
                case "a1" -> 1.0;
                case "a2" -> 10.0;
                case "b1" -> 2.0;
                default -> 20.0;
            };
            assertThat(t.getReward()).as(t.getDecisionId()).isEqualTo(expected);
            assertThat(t.getNextObservation().get(0)).isEqualTo(t.getObservation().get(0) + 1f);
        }
    }

    @Test
    void aRewardWhoseDecisionNeverComesIsAnOrphan() {
        start(CONFIG);
        reward("ghost", "shop-1", 0, 1.0, false, null);
        driver.advanceWallClockTime(WAIT.plusSeconds(1));

        TestRecord<byte[], byte[]> orphan = late.readRecord();
        assertThat(reason(orphan)).isEqualTo("orphaned");
        assertThat(topics.lateRewards().decodeValue(orphan.value()).getDecisionId()).isEqualTo("ghost");
        assertThat(counter("join.rewards", "result", "orphaned")).isEqualTo(1);
    }

    // ---- several rewards under each rule ---------------------------------------------------

    @Test
    void firstTakesTheFirstRewardAndDoesNotWaitForTheRest() {
        start(CONFIG.withCombine(RewardCombine.FIRST));
        decide("d1", "shop-1", 0, 1f);
        decide("d2", "shop-1", 10, 2f);
        reward("d1", "shop-1", 100, 1.0, false, null);
        assertThat(single().getReward()).as("sent at once: s' and the first reward are known").isEqualTo(1.0);

        reward("d1", "shop-1", 200, 5.0, false, null);
        assertThat(counter("join.rewards", "result", "ignored")).isEqualTo(1);
        assertThat(transitions.isEmpty()).isTrue();
        assertThat(late.isEmpty()).isTrue();
    }

    @Test
    void sumAddsEveryRewardWithinTheWait() {
        start(CONFIG.withCombine(RewardCombine.SUM));
        decide("d1", "shop-1", 0, 1f);
        decide("d2", "shop-1", 10, 2f);
        reward("d1", "shop-1", 100, 1.0, false, null);
        reward("d1", "shop-1", 200, 5.0, false, null);
        reward("d1", "shop-1", 300, -0.5, false, null);
        assertThat(transitions.isEmpty()).as("sum waits for the whole wait").isTrue();

        driver.advanceWallClockTime(WAIT);

        Transition t = single();
        assertThat(t.getReward()).isCloseTo(5.5, within(1e-12));
        assertThat(t.getJoin().getRewardCount()).isEqualTo(3);
        assertThat(t.getJoin().getWaitMs()).isEqualTo(100);
    }

    @Test
    void lastTakesTheLatestRewardWithinTheWait() {
        start(CONFIG.withCombine(RewardCombine.LAST));
        decide("d1", "shop-1", 0, 1f);
        decide("d2", "shop-1", 10, 2f);
        reward("d1", "shop-1", 100, 1.0, false, null);
        reward("d1", "shop-1", 200, 5.0, false, null);
        reward("d1", "shop-1", 300, 2.0, false, null);
        driver.advanceWallClockTime(WAIT);

        assertThat(single().getReward()).isEqualTo(2.0);
    }

    // ---- episodes --------------------------------------------------------------------------

    @Test
    void aTerminalRewardEndsTheEpisode() {
        start(CONFIG);
        decide("d1", "shop-1", 0, 1f);
        reward("d1", "shop-1", 100, 1.0, true, null);

        Transition t = single();
        assertThat(t.getTerminated()).isTrue();
        assertThat(t.getEpisode()).isZero();

        decide("d2", "shop-1", 200, 2f);
        reward("d2", "shop-1", 300, 1.0, false, null);
        decide("d3", "shop-1", 400, 3f);
        Transition next = single();
        assertThat(next.getDecisionId()).isEqualTo("d2");
        assertThat(next.getEpisode()).as("a new episode").isEqualTo(1);
        assertThat(next.getStep()).isEqualTo(1);
    }

    @Test
    void anEntityIdlePastTheGapEndsItsEpisode() {
        start(CONFIG);
        decide("d1", "shop-1", 0, 1f);
        reward("d1", "shop-1", 100, 1.0, false, null);
        decide("d2", "shop-1", 1_000, 2f);
        reward("d2", "shop-1", 1_100, 2.0, false, null);
        assertThat(single().getStep()).isEqualTo(1);

        // The next decision comes after the gap: d2's episode ended idle, d3 starts another.
        decide("d3", "shop-1", 1_000 + GAP.toMillis() + 1, 3f);
        Transition idle = single();
        assertThat(idle.getDecisionId()).isEqualTo("d2");
        assertThat(idle.getTruncated()).isTrue();
        assertThat(idle.getTerminated()).isFalse();
        assertThat(idle.getNextObservation()).containsExactly(2f, 0f);
        assertThat(idle.getStep()).isEqualTo(2);

        reward("d3", "shop-1", 1_000 + GAP.toMillis() + 2, 1.0, false, null);
        decide("d4", "shop-1", 1_000 + GAP.toMillis() + 3, 4f);
        Transition fresh = single();
        assertThat(fresh.getEpisode()).isEqualTo(1);
        assertThat(fresh.getStep()).isEqualTo(1);
    }

    @Test
    void banditModeSendsOneStepTransitionsWithoutWaitingForTheNextDecision() {
        start(CONFIG.withBandit(true));
        decide("d1", "shop-1", 0, 1f);
        reward("d1", "shop-1", 100, 1.5, false, null);

        Transition t = single();
        assertThat(t.getTerminated()).isTrue();
        assertThat(t.getNextObservation()).isEqualTo(t.getObservation());
        assertThat(t.getReward()).isEqualTo(1.5);
        decide("d2", "shop-1", 200, 2f);
        reward("d2", "shop-1", 300, 2.5, false, null);
        assertThat(single().getEpisode()).isEqualTo(1);
    }

    // ---- bad input -------------------------------------------------------------------------

    @Test
    void undecodableOrInvalidRecordsAreDeadLetteredAndTheJoinGoesOn() {
        start(CONFIG);
        decisions.pipeInput(key("shop-1"), new byte[] {1, 2, 3}, T0);
        rewards.pipeInput(key("shop-1"), encode(rewardRecord("d1", "shop-1", 0, Double.NaN, false, null)), T0);

        List<DeadLetter> letters = deadLetters.readValuesToList().stream()
                .map(topics.deadLetter()::decodeValue).toList();
        assertThat(letters).extracting(l -> l.getOriginalTopic())
                .containsExactly(topics.decisions().name(), topics.rewards().name());
        assertThat(letters.get(1).getReason()).contains("reward");
        assertThat(counter("join.dead.letters", null, null)).isEqualTo(2);

        decide("d1", "shop-1", 0, 1f);
        reward("d1", "shop-1", 10, 1.0, false, null);
        decide("d2", "shop-1", 20, 2f);
        assertThat(single().getDecisionId()).isEqualTo("d1");
    }

    @Test
    void aDeadLetterTooLargeForItsTopicIsTruncatedAndMarked() {
        start(CONFIG);
        byte[] huge = new byte[Topics.DEAD_LETTER_MAX_MESSAGE_BYTES + 1000];
        decisions.pipeInput(key("shop-1"), huge, T0);

        DeadLetter letter = topics.deadLetter().decodeValue(deadLetters.readValue());
        assertThat(letter.getOriginalValueTruncated()).isTrue();
        assertThat(letter.getOriginalValueSize()).isEqualTo(huge.length);
        assertThat(letter.getOriginalValue().remaining()).isLessThan(Topics.DEAD_LETTER_MAX_MESSAGE_BYTES);
    }

    @Test
    void aRepeatedDecisionIsIgnored() {
        start(CONFIG);
        decide("d1", "shop-1", 0, 1f);
        decide("d1", "shop-1", 0, 1f);
        reward("d1", "shop-1", 10, 1.0, false, null);
        decide("d2", "shop-1", 20, 2f);

        assertThat(all()).hasSize(1);
        assertThat(counter("join.decisions.repeated", null, null)).isEqualTo(1);
    }

    @Test
    void finishedDecisionsAreForgottenAfterTwiceTheWait() {
        start(CONFIG);
        decide("d1", "shop-1", 0, 1f);
        reward("d1", "shop-1", 10, 1.0, false, null);
        decide("d2", "shop-1", 20, 2f);
        assertThat(single().getDecisionId()).isEqualTo("d1");

        driver.advanceWallClockTime(WAIT.multipliedBy(2).plusSeconds(2));

        var store = driver.<String, byte[]>getKeyValueStore(RewardJoinTopology.DECISIONS_STORE);
        assertThat(store.get("d1")).isNull();
    }

    @Test
    void aDecisionProcessedLongAfterItsWaitSettlesAtOnceAndIsStillForgotten() {
        start(CONFIG.withBandit(true).withDefaultReward(-2.0));
        driver.advanceWallClockTime(Duration.ofMinutes(2)); // the punctuator has scanned up to T0 + 2 min
        // A join that lags: the decision was made two minutes before it is processed.
        decide("old", "shop-1", 0, 1f);

        Transition t = single();
        assertThat(t.getJoin().getResult()).isEqualTo(JoinResult.DEFAULTED);
        assertThat(t.getReward()).isEqualTo(-2.0);
        // Its clean-up timer (T0 + 2 x wait) lies before the last scan and must fire all the same.
        driver.advanceWallClockTime(Duration.ofSeconds(2));
        assertThat(driver.<String, byte[]>getKeyValueStore(RewardJoinTopology.DECISIONS_STORE).get("old")).isNull();
    }

    // ---- helpers ---------------------------------------------------------------------------

    private void decide(String id, String entity, long offsetMillis, float state0) {
        decisions.pipeInput(key(entity), encode(decision(id, entity, offsetMillis, state0).build()),
                T0.plusMillis(offsetMillis));
    }

    private static Decision.Builder decision(String id, String entity, long offsetMillis, float state0) {
        return Decision.newBuilder()
                .setDecisionId(id)
                .setEntity(entity)
                .setEnvId("Pricing-v0")
                .setState(List.of(state0, 0f))
                .setAction(List.of(10.5f))
                .setPolicyAction(List.of(10.0f))
                .setLogDensity(-1.25)
                .setPolicyVersion(7)
                .setMode(DecisionMode.LEARNED)
                .setExplored(true)
                .setClipped(false)
                .setControlRevision(-1)
                .setInstanceId("serve-1")
                .setEventTime(T0.plusMillis(offsetMillis));
    }

    private void reward(String id, String entity, long offsetMillis, double value, boolean terminal, String rewardId) {
        rewards.pipeInput(key(entity), encode(rewardRecord(id, entity, offsetMillis, value, terminal, rewardId)),
                T0.plusMillis(offsetMillis));
    }

    private static Reward rewardRecord(String id, String entity, long offsetMillis, double value, boolean terminal,
                                       String rewardId) {
        return Reward.newBuilder()
                .setDecisionId(id)
                .setEntity(entity)
                .setReward(value)
                .setTerminal(terminal)
                .setInstanceId("serve-2")
                .setEventTime(T0.plusMillis(offsetMillis))
                .setRewardId(rewardId)
                .build();
    }

    private byte[] encode(Decision d) {
        return topics.decisions().valueSerde().codec().encode(d);
    }

    private byte[] encode(Reward r) {
        return topics.rewards().valueSerde().codec().encode(r);
    }

    private static byte[] key(String entity) {
        return entity.getBytes(StandardCharsets.UTF_8);
    }

    private Transition single() {
        List<Transition> out = all();
        assertThat(out).hasSize(1);
        return out.get(0);
    }

    private List<Transition> all() {
        return transitions.readValuesToList().stream().map(topics.transitions()::decodeValue).toList();
    }

    private static String reason(TestRecord<byte[], byte[]> record) {
        Header h = record.headers().lastHeader(RewardJoinProcessor.REASON_HEADER);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private double counter(String name, String tag, String value) {
        var search = registry.find(name);
        if (tag != null) {
            search = search.tag(tag, value);
        }
        return search.counter() == null ? 0 : search.counter().count();
    }
}
