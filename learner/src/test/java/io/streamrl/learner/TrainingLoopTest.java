package io.streamrl.learner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamrl.core.agent.Ddpg;
import io.streamrl.core.agent.DdpgConfig;
import io.streamrl.core.agent.GuardedUpdates;
import io.streamrl.core.compute.ComputeBackend;
import io.streamrl.core.compute.ComputeBackends;
import io.streamrl.core.env.Envs;
import io.streamrl.core.policy.ActionScaling;
import io.streamrl.core.policy.ObservationNormalizer;
import io.streamrl.core.policy.PolicySnapshot;
import io.streamrl.core.replay.Batch;
import io.streamrl.core.replay.ReplayBuffer;
import io.streamrl.core.train.CurvePoint;
import io.streamrl.core.train.Evaluation;
import io.streamrl.core.train.TrainListener;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The training thread on its own, fed through the inbox as the ingest thread would. */
class TrainingLoopTest {

    private static final int OBS = 3;
    private static final int ACT = 1;
    private static final double[] LOW = {-2};
    private static final double[] HIGH = {2};

    private final SplittableRandom data = new SplittableRandom(3);
    private final ComputeBackend backend = ComputeBackends.create(ComputeBackends.defaultName());
    private final List<Long> publishedAtUpdate = new CopyOnWriteArrayList<>();
    private final List<Long> republishedAtUpdate = new CopyOnWriteArrayList<>();
    private final List<float[]> publishedWeights = new CopyOnWriteArrayList<>();
    private final List<CurvePoint> curve = new CopyOnWriteArrayList<>();
    private TrainingLoop loop;
    private Thread thread;
    private ExperienceInbox inbox;
    private LearnerMetrics metrics;
    private Ddpg agent;
    /** Set before {@code start} for an offline loop: its updates (0 online) and ingest sources. */
    private long offlineUpdates;
    private int sources = 1;
    /** Set before {@code start}: offline, standardise the observations with the log's statistics. */
    private boolean standardize;
    private final List<ObservationNormalizer> publishedNormalizers = new CopyOnWriteArrayList<>();
    private final List<PolicySnapshot> publishedSnapshots = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        if (loop != null) {
            loop.shutdown();
            thread.join(Duration.ofSeconds(10).toMillis());
        }
        backend.close();
    }

    @Test
    void theReplayRatioBoundsUpdatesAndTrainingWaitsForDataWithoutSpinning() throws Exception {
        start(0.5, 100, Long.MAX_VALUE, 0, null);

        offer(99);
        awaitBufferSize(99);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                .until(() -> metrics.snapshot().updates() == 0);
        offer(1); // learning-starts reached, but no transition after it yet
        awaitBufferSize(100);
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2))
                .until(() -> metrics.snapshot().updates() == 0);

        for (int fed = 0; fed < 400; fed += 8) {
            offer(8);
            // Updates first, then the buffer: the bound can only have grown in between.
            long updates = metrics.snapshot().updates();
            int size = metrics.snapshot().bufferSize();
            assertThat(updates).isLessThanOrEqualTo((long) Math.floor(0.5 * (size - 100)));
        }
        awaitBufferSize(500);
        await().atMost(Duration.ofSeconds(30)).until(() -> metrics.snapshot().updates() == 200);

        // Data has stopped: the thread must sleep in its wait, not spin, and take no further update.
        await().atMost(Duration.ofSeconds(5)).until(() -> thread.getState() == Thread.State.TIMED_WAITING);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpuBefore = threads.getThreadCpuTime(thread.getId());
        long wallBefore = System.nanoTime();
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                .until(() -> metrics.snapshot().updates() == 200);
        long cpu = threads.getThreadCpuTime(thread.getId()) - cpuBefore;
        long wall = System.nanoTime() - wallBefore;
        assertThat(cpu).as("CPU ns used by the idle training thread in %d ns", wall)
                .isLessThan(Duration.ofMillis(100).toNanos());

        offer(1); // 401 after learning-starts: floor(200.5) = 200, still no update allowed
        awaitBufferSize(501);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                .until(() -> metrics.snapshot().updates() == 200);
        offer(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> metrics.snapshot().updates() == 201);
        assertThat(agent.updates()).isEqualTo(201);
        assertThat(loop.failure()).isEmpty();
    }

    @Test
    void offlineTheLoopWaitsForTheWholeLogThenTakesExactlyItsUpdatesPublishesAtTheEndAndStops() throws Exception {
        offlineUpdates = 130;
        sources = 2;
        // The replay ratio would allow floor(0.01 * (200 - 100)) = 1 update online.
        start(0.01, 100, 50, 0, null);
        offer(150);
        awaitBufferSize(150);
        inbox.sourceDone();
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                .until(() -> metrics.snapshot().updates() == 0); // one ingest thread is still reading
        offer(50);
        inbox.sourceDone();
        thread.join(Duration.ofSeconds(30).toMillis());
        assertThat(thread.isAlive()).as("the loop ended by itself").isFalse();
        assertThat(loop.completed()).isTrue();
        assertThat(loop.failure()).isEmpty();
        assertThat(agent.updates()).isEqualTo(130);
        assertThat(metrics.snapshot().bufferSize()).isEqualTo(200);
        assertThat(publishedAtUpdate).containsExactly(50L, 100L, 130L);
        assertThat(publishedNormalizers).as("not standardised unless asked").containsOnly(
                ObservationNormalizer.identity(OBS));
    }

    @Test
    void offlineStandardisationUsesTheLogsMeanAndStdAndThePublishedPolicyAppliesIt() throws Exception {
        offlineUpdates = 30;
        standardize = true;
        start(1.0, 100, 10, 0, null);
        // Per dimension a different centre and spread, far from zero mean and unit scale.
        double[] centre = {5, -40, 0.25};
        double[] spread = {0.5, 20, 0.001};
        int rows = 300;
        Batch log = new Batch(rows, OBS, ACT);
        for (int i = 0; i < rows; i++) {
            for (int d = 0; d < OBS; d++) {
                log.observations()[i * OBS + d] = (float) (centre[d] + spread[d] * data.nextDouble(-1, 1));
                log.nextObservations()[i * OBS + d] = (float) (centre[d] + 3 * spread[d] * data.nextDouble(-1, 1));
            }
            log.actions()[i] = (float) data.nextDouble(-1, 1);
            log.rewards()[i] = (float) -data.nextDouble();
        }
        inbox.offer(log, rows, rows, Map.of());
        inbox.sourceDone();
        thread.join(Duration.ofSeconds(30).toMillis());
        assertThat(loop.completed()).isTrue();

        // The dataset's statistics over s (not s'), population std, as the paper's NumPy code takes them.
        double[] mean = new double[OBS];
        double[] std = new double[OBS];
        for (int d = 0; d < OBS; d++) {
            for (int i = 0; i < rows; i++) {
                mean[d] += log.observations()[i * OBS + d] / (double) rows;
            }
            for (int i = 0; i < rows; i++) {
                double deviation = log.observations()[i * OBS + d] - mean[d];
                std[d] += deviation * deviation / rows;
            }
            std[d] = Math.sqrt(std[d]);
        }
        assertThat(publishedNormalizers).hasSize(3).allSatisfy(n -> {
            for (int d = 0; d < OBS; d++) {
                assertThat((double) n.shift()[d]).isCloseTo(mean[d], within(1e-6 * Math.abs(mean[d]) + 1e-9));
                assertThat((double) n.scale()[d]).isCloseTo(1 / (std[d] + 1e-3), within(1e-5 / (std[d] + 1e-3)));
            }
        });
        // The last published policy acts as the network does on the standardised observation.
        PolicySnapshot last = publishedSnapshots.get(publishedSnapshots.size() - 1);
        ObservationNormalizer standardization = publishedNormalizers.get(publishedNormalizers.size() - 1);
        assertThat(last.normalizer()).isEqualTo(standardization);
        for (int i = 0; i < 5; i++) {
            float[] raw = {(float) (centre[0] + data.nextDouble(-1, 1)), (float) (centre[1] + data.nextDouble(-1, 1)),
                (float) centre[2]};
            assertThat(last.act(raw)).containsExactly(
                    ActionScaling.toEnvironment(agent.act(standardization.apply(raw)), LOW, HIGH));
        }
    }

    @Test
    void offlineALogBelowLearningStartsEndsTheLoopWithNoData() throws Exception {
        offlineUpdates = 10;
        start(1.0, 100, 50, 0, null);
        offer(99);
        inbox.sourceDone();
        thread.join(Duration.ofSeconds(10).toMillis());
        assertThat(thread.isAlive()).isFalse();
        assertThat(loop.completed()).isFalse();
        assertThat(loop.failure()).get().extracting(TrainingLoop.Failure::outcome)
                .isEqualTo(LearnerResult.Outcome.NO_DATA);
        assertThat(agent.updates()).isZero();
        assertThat(publishedAtUpdate).isEmpty();
    }

    @Test
    void publishesEveryPublishEveryUpdates() {
        start(1.0, 50, 25, 0, null);
        offer(150);
        await().atMost(Duration.ofSeconds(30)).until(() -> metrics.snapshot().updates() == 100);
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2))
                .until(() -> metrics.snapshot().updates() == 100);
        assertThat(publishedAtUpdate).containsExactly(25L, 50L, 75L, 100L);
    }

    @Test
    void evaluatesTheDeterministicPolicyEveryEvalEveryEnvironmentStepsWorthOfUpdates() {
        PolicyEvaluator evaluator = PolicyEvaluator.of(Envs.make("pendulum", new SplittableRandom(5)), 2);
        start(1.0, 50, Long.MAX_VALUE, 30, evaluator);
        metrics.ingested(110, 0);
        offer(110);
        await().atMost(Duration.ofSeconds(30)).until(() -> curve.size() == 2);
        // Steps 60 and 90 (eval-every 30), where 10 and 40 updates are earned past learning-starts 50.
        assertThat(curve).extracting(CurvePoint::updates).containsExactly(10L, 40L);
        assertThat(curve).extracting(CurvePoint::envSteps).containsExactly(110L, 110L);
        // Pendulum's reward per step is in [-16.27, 0] and an episode has 200 steps.
        assertThat(curve).allSatisfy(p -> assertThat(p.evalMeanReturn()).isBetween(-16.3 * 200, 0.0));
        assertThat(metrics.snapshot().evalMeanReturn()).isEqualTo(curve.get(1).evalMeanReturn());
    }

    @Test
    void evaluationsFallOnTheUpdateCountsALocalTrainerHasAtEveryEvalEverySteps() {
        PolicyEvaluator never = (a, normalizer) -> new Evaluation(0, 0, 1);
        // learning-starts 1000, eval-every 2000: steps 2000, 4000, 6000 hold 1000, 3000, 5000 updates.
        start(1.0, 1000, 100, 2000, never);
        assertThat(loop.evaluationDue(0)).isEqualTo(1000);
        assertThat(loop.evaluationDue(999)).isEqualTo(1000);
        assertThat(loop.evaluationDue(1000)).isEqualTo(3000);
        assertThat(loop.evaluationDue(4321)).isEqualTo(5000);
        loop.shutdown();

        // Replay ratio 0.5: step 2000 holds floor(0.5 x 1000) = 500 updates, step 4000 1500.
        start(0.5, 1000, 100, 2000, never);
        assertThat(loop.evaluationDue(0)).isEqualTo(500);
        assertThat(loop.evaluationDue(500)).isEqualTo(1500);
        loop.shutdown();

        // learning-starts beyond eval-every: step 2000 would have no update yet, so the first is at step 4000.
        start(2.0, 3000, 100, 2000, never);
        assertThat(loop.evaluationDue(0)).isEqualTo(2000);
        assertThat(loop.evaluationDue(2000)).isEqualTo(6000);
    }

    @Test
    void updatesRefusedTimeAfterTimeStopTrainingWithTheReasonAndPublishNothing() {
        start(Map.of("learning-starts", "50", "max-consecutive-trips", "3"), 10, 0, null);
        // Valid by the schema, but squared TD errors of 1e30-sized values overflow float32.
        inbox.offer(extreme(200), 200, 200, Map.of());
        await().atMost(Duration.ofSeconds(30)).until(() -> !thread.isAlive());
        assertThat(loop.failure()).hasValueSatisfying(f -> {
            assertThat(f.outcome()).isEqualTo(LearnerResult.Outcome.UPDATE_FAILED);
            assertThat(f.reason()).contains("was refused").contains("not finite").contains("refusal 3 in a row")
                    .contains("Training stopped");
        });
        LearnerStats stats = metrics.snapshot();
        assertThat(stats.updateFailures()).isEqualTo(3);
        assertThat(metrics.guardTrips(GuardedUpdates.Reason.NON_FINITE_LOSS)
                + metrics.guardTrips(GuardedUpdates.Reason.NON_FINITE_GRADIENT)).isEqualTo(3);
        assertThat(agent.parametersFinite()).isTrue();
        assertThat(publishedAtUpdate).isEmpty();
    }

    @Test
    void aTripMidRunRollsBackKeepsTheWeightsFiniteAndPublishesNothingAfterIt() {
        start(Map.of("learning-starts", "50", "max-consecutive-trips", "1000000"), 25, 0, null);
        offer(150);
        await().atMost(Duration.ofSeconds(30)).until(() -> metrics.snapshot().updates() == 100);
        await().atMost(Duration.ofSeconds(5)).until(() -> publishedAtUpdate.size() == 4);
        assertThat(metrics.snapshot().updateFailures()).isZero(); // a healthy start trips nothing

        // 200 poisoned transitions among 150 good ones: nearly every minibatch of 16 holds one.
        inbox.offer(extreme(200), 200, 200, Map.of());
        awaitBufferSize(350);
        // Their budget (200 updates) is spent, every one refused, and then training waits for data.
        await().atMost(Duration.ofSeconds(30)).until(() -> metrics.snapshot().updateFailures() >= 190);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5))
                .until(() -> thread.getState() == Thread.State.TIMED_WAITING);
        assertThat(loop.failure()).isEmpty();
        assertThat(agent.parametersFinite()).isTrue();
        assertThat(publishedAtUpdate).containsExactly(25L, 50L, 75L, 100L);
        assertThat(publishedWeights).allSatisfy(w -> assertThat(w).doesNotContain(Float.NaN,
                Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY));
        // The rollback went to the last published weights.
        assertThat(agent.actor().parametersToArray()).isEqualTo(publishedWeights.get(3));
    }

    @Test
    void afterTheLastTransitionAtMostReplayRatioTimesTheBufferOfUpdatesFollow() {
        // A learner 950 updates behind with a buffer of 200: the credit of the 750 transitions that
        // were overwritten before it got to them lapses instead of being spent on the 200 left.
        start(Map.of("learning-starts", "50", "buffer-capacity", "200"), Long.MAX_VALUE, 0, null);
        offer(1000);
        await().atMost(Duration.ofSeconds(30)).until(() -> metrics.snapshot().updates() == 200);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(3))
                .until(() -> metrics.snapshot().updates() == 200);
        assertThat(metrics.snapshot().updatesForfeited()).isEqualTo(750);
        // New data earns new credit as before.
        offer(10);
        await().atMost(Duration.ofSeconds(10)).until(() -> metrics.snapshot().updates() == 210);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(3))
                .until(() -> metrics.snapshot().updates() == 210);
        assertThat(metrics.snapshot().updatesForfeited()).isEqualTo(750);
    }

    @Test
    void actorsStoppedForALongTimeLeaveTheWeightsFiniteAndNothingIsPublishedAfterTheBudget() {
        // Progress every 20 ms: the idle thread wakes, reports and checks its budget 100 times in
        // the 2 s below, as often as in 8 minutes at the default 5 s interval.
        Duration progress = Duration.ofMillis(20);
        start(Map.of("learning-starts", "50", "buffer-capacity", "200"), 25, 0, null, progress);
        offer(1000);
        // The budget after the last transition: replay-ratio x the 200 in the buffer.
        await().atMost(Duration.ofSeconds(30)).until(() -> metrics.snapshot().updates() == 200
                && publishedAtUpdate.size() == 8);

        // The actors are gone: no update, no publish, however long the loop idles.
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> metrics.snapshot().updates() == 200 && publishedAtUpdate.size() == 8);
        LearnerStats stats = metrics.snapshot();
        assertThat(loop.failure()).isEmpty();
        // Asleep in its wait between two progress lines, not spinning.
        await().atMost(Duration.ofSeconds(1)).until(() -> thread.getState() == Thread.State.TIMED_WAITING);
        // The progress lines kept coming while it idled, and saw no update.
        assertThat(stats.updatesPerSecond()).isZero();
        assertThat(stats.updates()).isEqualTo(200);
        assertThat(agent.updates()).isEqualTo(200);
        assertThat(stats.updateFailures()).isZero();
        assertThat(stats.updatesForfeited()).isEqualTo(750);
        assertThat(agent.parametersFinite()).isTrue();
        assertThat(publishedAtUpdate).containsExactly(25L, 50L, 75L, 100L, 125L, 150L, 175L, 200L);
        assertThat(publishedWeights).allSatisfy(w -> assertThat(w).doesNotContain(Float.NaN,
                Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY));
        // The weights in use are the last ones published: idling changed nothing.
        assertThat(agent.actor().parametersToArray()).isEqualTo(publishedWeights.get(7));
    }

    @Test
    void aPolicyWhoseEvaluationCollapsedIsWithheldUntilItRecovers() {
        // Scripted scores, one per evaluation (every 10 updates), and a publish every 10 updates.
        double[] scores = {-300, -150, -700, -600, -640, -200};
        List<Double> script = new CopyOnWriteArrayList<>();
        PolicyEvaluator scripted = (a, n) -> {
            double score = scores[script.size()];
            script.add(score);
            return new Evaluation(score, 0, 1);
        };
        start(Map.of("learning-starts", "50", "eval-withhold-margin", "450"), 10, 10, scripted);
        offer(110);
        await().atMost(Duration.ofSeconds(30)).until(() -> script.size() == scores.length);
        await().atMost(Duration.ofSeconds(5)).until(() -> metrics.snapshot().updates() == 60);
        // Best -150, so anything below -600 is withheld: -700 and -640, not -600.
        assertThat(publishedAtUpdate).containsExactly(10L, 20L, 40L, 60L);
        assertThat(metrics.snapshot().policiesWithheld()).isEqualTo(2);
        // In their place the last good policy goes out again, so flow-controlled actors keep stepping.
        assertThat(republishedAtUpdate).containsExactly(30L, 50L);
    }

    @Test
    void shutdownWakesAWaitingTrainingThread() {
        start(1.0, 50, 10, 0, null);
        await().atMost(Duration.ofSeconds(5)).until(() -> thread.getState() == Thread.State.TIMED_WAITING);
        loop.shutdown();
        // The progress interval is 5 s: ending well before it shows the wait was woken, not timed out.
        await().atMost(Duration.ofSeconds(2)).until(() -> !thread.isAlive());
        assertThat(loop.failure()).isEmpty();
    }

    private void start(double replayRatio, int learningStarts, long publishEvery, long evalEvery,
                       PolicyEvaluator evaluator) {
        start(Map.of("learning-starts", Integer.toString(learningStarts), "replay-ratio",
                Double.toString(replayRatio)), publishEvery, evalEvery, evaluator);
    }

    private void start(Map<String, String> overrides, long publishEvery, long evalEvery, PolicyEvaluator evaluator) {
        start(overrides, publishEvery, evalEvery, evaluator, Duration.ofSeconds(5));
    }

    /** A small agent with {@code overrides} on top of the test's defaults. */
    private void start(Map<String, String> overrides, long publishEvery, long evalEvery, PolicyEvaluator evaluator,
                       Duration progressInterval) {
        Map<String, String> settings = new HashMap<>(Map.of("actor-hidden", "16,16", "critic-hidden", "16,16",
                "batch-size", "16", "buffer-capacity", "10000"));
        settings.putAll(overrides);
        DdpgConfig config = DdpgConfig.ddpg().with(settings);
        agent = new Ddpg(config, OBS, ACT, backend, new SplittableRandom(1));
        inbox = new ExperienceInbox(sources);
        metrics = new LearnerMetrics(new SimpleMeterRegistry(), "test", config.bufferCapacity());
        TrainListener listener = curve::add;
        loop = new TrainingLoop(agent, new ReplayBuffer(config.bufferCapacity(), OBS, ACT), new SplittableRandom(2),
                inbox, publishEvery, new PolicySink() {
                    @Override
                    public void publish(Ddpg a, ObservationNormalizer n) {
                        publishedAtUpdate.add(a.updates());
                        publishedWeights.add(a.actor().parametersToArray());
                        publishedNormalizers.add(n);
                        publishedSnapshots.add(a.snapshot("test", a.updates(), 0, n, LOW, HIGH));
                    }

                    @Override
                    public void republishLast() {
                        republishedAtUpdate.add(agent.updates());
                    }
                }, evalEvery, evaluator, listener, metrics,
                new ProgressLog("test", config.bufferCapacity(), metrics, Clock.systemUTC().millis()),
                Clock.systemUTC(), progressInterval, null, null, offlineUpdates, ObservationNormalizer.identity(OBS),
                standardize);
        thread = new Thread(loop, "test-train");
        thread.start();
    }

    private void offer(int count) {
        Batch batch = new Batch(count, OBS, ACT);
        for (int i = 0; i < count; i++) {
            System.arraycopy(vector(OBS), 0, batch.observations(), i * OBS, OBS);
            System.arraycopy(vector(ACT), 0, batch.actions(), i * ACT, ACT);
            batch.rewards()[i] = (float) -data.nextDouble();
            System.arraycopy(vector(OBS), 0, batch.nextObservations(), i * OBS, OBS);
        }
        inbox.offer(batch, count, count, Map.of());
    }

    /** Transitions valid by the schema whose 1e30-sized values overflow float32 in any update. */
    private static Batch extreme(int count) {
        Batch extreme = new Batch(count, OBS, ACT);
        Arrays.fill(extreme.observations(), 1e30f);
        Arrays.fill(extreme.actions(), 0.5f);
        Arrays.fill(extreme.rewards(), 1e30f);
        Arrays.fill(extreme.nextObservations(), 1e30f);
        return extreme;
    }

    private float[] vector(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) data.nextDouble(-1, 1);
        }
        return v;
    }

    private void awaitBufferSize(int size) {
        await().atMost(Duration.ofSeconds(5)).until(() -> metrics.snapshot().bufferSize() == size);
    }
}
