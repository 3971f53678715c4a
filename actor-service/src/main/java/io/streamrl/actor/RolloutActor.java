package io.streamrl.actor;

import io.streamrl.core.env.Env;
import io.streamrl.core.env.EnvSpec;
import io.streamrl.core.env.Envs;
import io.streamrl.core.env.StepResult;
import io.streamrl.core.policy.PolicySnapshot;
import io.streamrl.core.rollout.RolloutCollector;
import io.streamrl.core.rollout.RolloutSink;
import io.streamrl.core.rollout.Segment;
import io.streamrl.core.rollout.SegmentBuilder;
import io.streamrl.core.rollout.SnapshotPolicy;
import io.streamrl.kafka.RolloutSegments;
import io.streamrl.kafka.ServiceStop;
import io.streamrl.schemas.RecordCodec;
import io.streamrl.schemas.Topics;
import io.streamrl.schemas.avro.EpisodeSummary;
import io.streamrl.schemas.avro.RolloutSegment;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.InterruptException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An on-policy (A2C) actor: {@code num-envs} simulated environments stepped in lock-step by the
 * core {@link RolloutCollector} with the stochastic policy snapshot from the policy topic (hot
 * swapped between rollouts), each rollout published as one {@link RolloutSegment} per
 * environment on the rollouts topic (with the version and the behaviour log-probabilities),
 * each finished episode as an {@link EpisodeSummary}, all keyed by the actor id.
 *
 * <p>It acts only with a policy: it waits for the learner's first one (which the A2C learner
 * publishes at start). Flow control is the {@link PolicyLagGate}'s, counted on the newest
 * version the actor has seen, {@code rollouts-per-version} rollouts per version. With
 * {@code lag-versions K} it acts with the newest version it saw that is at least K older than
 * the newest, to study stale actors.
 *
 * <p>Owns the subscriber and the producer it is given and closes both.
 */
final class RolloutActor implements ActorLoop {

    private static final Logger log = LoggerFactory.getLogger(RolloutActor.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final RolloutActorConfig config;
    private final PolicySubscriber policies;
    private final Producer<byte[], byte[]> producer;
    private final Clock clock;
    private final PolicyLagGate gate;
    private final RolloutCollector collector;
    private final SplittableRandom actionRandom;
    private final String envId;
    private final byte[] key;
    private final String segmentTopic;
    private final String episodeTopic;
    private final RecordCodec<RolloutSegment> segmentCodec = RecordCodec.rolloutSegment();
    private final RecordCodec<EpisodeSummary> episodeCodec = RecordCodec.episodeSummary();
    private final Deliveries segments = new Deliveries("rollout segment");
    private final Deliveries summaries = new Deliveries("episode summary");
    /** The versions seen, newest last, as many as {@code lag-versions} needs. */
    private final TreeMap<Long, PolicySnapshot> seen = new TreeMap<>();
    private SnapshotPolicy acting;
    private long sequence;

    private final AtomicLong steps = new AtomicLong();
    private final AtomicLong episodes = new AtomicLong();
    private volatile double lastEpisodeReturn = Double.NaN;
    private volatile long policyVersion = -1;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile boolean stopRequested;

    RolloutActor(RolloutActorConfig config, PolicySubscriber policies, Producer<byte[], byte[]> producer,
                 Topics topics, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.policies = Objects.requireNonNull(policies, "policies");
        this.producer = Objects.requireNonNull(producer, "producer");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.gate = new PolicyLagGate(config.actorId(), version -> config.stepAllowance(), config.stepAllowance(), config.policyWait(),
                PolicyLagGate.Versions.of(policies), new PolicyWaitWarning(config.actorId(), config.policyWait(), clock, allowance -> "check that"
                + " the actors send at least the learner's num-envs segments per version (actors x num-envs x"
                + " rollouts-per-version, of segments it does not discard); raise --rollouts-per-version (now "
                + config.rolloutsPerVersion() + ") otherwise"));
        // One seed, split in a fixed order: the environments, then the action draws.
        SplittableRandom master = new SplittableRandom(config.seed());
        List<Env> envs = new ArrayList<>();
        for (int i = 0; i < config.numEnvs(); i++) {
            envs.add(Envs.make(config.env(), master.split()));
        }
        this.actionRandom = master.split();
        EnvSpec spec = envs.get(0).spec();
        this.envId = spec.id();
        this.key = config.actorId().getBytes(StandardCharsets.UTF_8);
        this.segmentTopic = topics.rollouts().name();
        this.episodeTopic = topics.episodes().name();
        int actionDim = spec.actionDim();
        SegmentBuilder builder = new SegmentBuilder(config.actorId(), config.numEnvs(), config.nSteps(),
                spec.observationDim(), actionDim, this::publish);
        this.collector = new RolloutCollector(envs, config.nSteps(), new RolloutSink() {
            @Override
            public void step(int env, float[] observations, float[] actions, double logProb, StepResult result) {
                builder.step(env, observations, actions, logProb, result);
            }

            @Override
            public void episodeEnded(int env, double episodeReturn, int length, boolean terminated, long version) {
                summarize(episodeReturn, length, terminated, version);
            }

            @Override
            public void rolloutEnded(long version, float[] observations) {
                builder.rolloutEnded(version, observations);
            }
        });
    }

    @Override
    public String actorId() {
        return config.actorId();
    }

    @Override
    public void run() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("actor " + config.actorId() + " was already run; create a new one");
        }
        try {
            log.info("rollout actor {} starts on {} ({} environments, {} steps per segment, {})", config.actorId(),
                    envId, config.numEnvs(), config.nSteps(),
                    config.maxSteps() == 0 ? "until stopped" : config.maxSteps() + " steps");
            if (!awaitFirstPolicy()) {
                return;
            }
            while (!stopRequested && (config.maxSteps() == 0 || steps.get() < config.maxSteps())) {
                if (!gate.awaitFreshEnoughPolicy() || stopRequested) {
                    break;
                }
                PolicySnapshot newest = policies.current().orElseThrow();
                SnapshotPolicy policy = choose(newest);
                policyVersion = policy.snapshot().version();
                collector.collect(policy, policy.snapshot().version(), actionRandom);
                int taken = collector.stepsPerRollout();
                steps.addAndGet(taken);
                for (int i = 0; i < taken; i++) {
                    gate.stepped(newest.version());
                }
            }
            producer.flush();
            log.info("rollout actor {} stopped after {} steps and {} episodes; {} of {} segments acknowledged, {}"
                    + " failed", config.actorId(), steps.get(), episodes.get(), segments.acked(), segments.sent(),
                    segments.failed());
        } catch (InterruptException e) {
            Thread.currentThread().interrupt();
            log.warn("rollout actor {} was interrupted after {} steps; records not yet acknowledged may be lost",
                    config.actorId(), steps.get());
        } finally {
            finished.countDown();
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        stopRequested = true;
        policies.close();
        if (started.get()) {
            ServiceStop.await(finished, CLOSE_TIMEOUT, log, "actor " + config.actorId());
        }
        producer.close(CLOSE_TIMEOUT);
    }

    @Override
    public ActorStats stats() {
        return new ActorStats(steps.get(), segments.sent(), segments.acked(), segments.failed(), episodes.get(),
                summaries.failed(), lastEpisodeReturn, policyVersion, policies.swaps(), policies.rejected(),
                gate.waitTimeouts());
    }

    RolloutActorConfig config() {
        return config;
    }

    /** Waits (in {@code policy-wait} slices, until stopped) for the learner's first policy. */
    private boolean awaitFirstPolicy() {
        boolean said = false;
        while (!stopRequested) {
            try {
                if (policies.awaitNewerThan(-1, config.policyWait()).isPresent()) {
                    return true;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            if (!said) {
                log.info("rollout actor {}: no policy {} yet; an on-policy actor waits for the learner's first",
                        config.actorId(), config.policyName());
                said = true;
            }
        }
        return false;
    }

    /** The policy to act with: the newest, or with {@code lag-versions} the newest seen that far behind it. */
    private SnapshotPolicy choose(PolicySnapshot newest) {
        seen.put(newest.version(), newest);
        Map.Entry<Long, PolicySnapshot> entry = Optional.ofNullable(
                seen.floorEntry(newest.version() - config.lagVersions())).orElse(seen.firstEntry());
        // Versions older than the one chosen are never needed again.
        seen.headMap(entry.getKey()).clear();
        PolicySnapshot snapshot = entry.getValue();
        if (acting == null || acting.snapshot() != snapshot) {
            acting = new SnapshotPolicy(snapshot);
        }
        return acting;
    }

    private void publish(Segment segment) {
        RolloutSegment record = RolloutSegments.toRecord(segment, envId, sequence++, Instant.ofEpochMilli(clock.millis()));
        segments.send(producer, new ProducerRecord<>(segmentTopic, key, segmentCodec.encode(segmentTopic, record)));
    }

    private void summarize(double episodeReturn, int length, boolean terminated, long version) {
        lastEpisodeReturn = episodeReturn;
        EpisodeSummary summary = EpisodeSummary.newBuilder()
                .setActorId(config.actorId())
                .setEnvId(envId)
                .setEpisode(episodes.getAndIncrement())
                .setEpisodeReturn(episodeReturn)
                .setLength(length)
                .setTerminated(terminated)
                .setPolicyVersion(version)
                .setEventTime(Instant.ofEpochMilli(clock.millis()))
                .build();
        summaries.send(producer, new ProducerRecord<>(episodeTopic, key, episodeCodec.encode(episodeTopic, summary)));
    }
}
