package io.streamrl.actor;

import io.streamrl.core.agent.NoiseType;
import io.streamrl.core.env.ActionSpace;
import io.streamrl.core.env.Env;
import io.streamrl.core.env.EnvSpec;
import io.streamrl.core.env.Envs;
import io.streamrl.core.env.StepResult;
import io.streamrl.core.noise.ExplorationNoise;
import io.streamrl.core.noise.GaussianNoise;
import io.streamrl.core.noise.OrnsteinUhlenbeckNoise;
import io.streamrl.core.policy.ActionScaling;
import io.streamrl.core.policy.PolicySnapshot;
import io.streamrl.schemas.FloatLists;
import io.streamrl.schemas.RecordCodec;
import io.streamrl.schemas.Topics;
import io.streamrl.schemas.TransitionValidator;
import io.streamrl.schemas.avro.EpisodeSummary;
import io.streamrl.schemas.avro.Transition;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.InterruptException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one simulated environment with the newest policy plus exploration noise and publishes
 * every step as a {@link Transition} and every finished episode as an {@link EpisodeSummary},
 * both keyed by the actor id.
 *
 * <p>The policy is read once at the top of each step, so a swap takes effect between two steps.
 * Before any policy arrives the actor acts uniformly at random (policy version -1, no noise).
 * With a policy it adds noise to the policy's output in the normalised range [-1, 1], clips,
 * and maps to environment units; {@code exploration_noise} is the resulting environment action
 * minus the policy's own (clipped, mapped) action.
 *
 * <p>Flow control ({@code max-policy-lag} > 0): after that many steps on one policy version
 * the actor waits for a newer one, at most {@code policy-wait}; after a timeout it is granted
 * another {@code max-policy-lag} steps, so a slow learner slows the actor and a dead one only
 * throttles it.
 *
 * <p>The actor owns the subscriber and the producer it is given and closes both. {@link #run()}
 * runs on the caller's thread until the step budget is spent or {@link #close()} is called
 * (from any thread, e.g. a shutdown hook); either way it stops between two steps and flushes.
 */
public final class SimulationActor implements Runnable, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SimulationActor.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final ActorConfig config;
    private final PolicySubscriber policies;
    private final Producer<byte[], byte[]> producer;
    private final Clock clock;
    private final String transitionTopic;
    private final String episodeTopic;
    private final RecordCodec<Transition> transitionCodec = RecordCodec.transition();
    private final RecordCodec<EpisodeSummary> episodeCodec = RecordCodec.episodeSummary();
    private final TransitionValidator validator = new TransitionValidator();
    private final byte[] key;

    private final Env env;
    private final EnvSpec spec;
    private final double[] low;
    private final double[] high;
    private final ExplorationNoise noise;
    private final SplittableRandom actionRandom;

    private final Deliveries transitions = new Deliveries("transition");
    private final Deliveries summaries = new Deliveries("episode summary");
    private final AtomicLong steps = new AtomicLong();
    private final AtomicLong episodes = new AtomicLong();
    private final AtomicLong waitTimeouts = new AtomicLong();
    private volatile double lastEpisodeReturn = Double.NaN;
    private volatile long policyVersion = -1;

    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile boolean stopRequested;

    // Episode and flow-control state, touched only by the thread in run().
    private float[] observation;
    private long episode;
    private int episodeStep;
    private double episodeReturn;
    private long lagVersion = Long.MIN_VALUE;
    private long stepsOnVersion;
    private boolean waitTimedOut;

    /**
     * @param policies the subscriber to act from; closed with this actor
     * @param producer a producer of raw bytes (see {@code KafkaSettings.producer}); closed with this actor
     * @param topics the experiment's topics; transitions and episodes are published there
     */
    public SimulationActor(ActorConfig config, PolicySubscriber policies, Producer<byte[], byte[]> producer,
                           Topics topics, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.policies = Objects.requireNonNull(policies, "policies");
        this.producer = Objects.requireNonNull(producer, "producer");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.transitionTopic = topics.transitions().name();
        this.episodeTopic = topics.episodes().name();
        this.key = config.actorId().getBytes(StandardCharsets.UTF_8);
        // One seed, split in a fixed order: environment, exploration noise, random actions.
        SplittableRandom master = new SplittableRandom(config.seed());
        this.env = Envs.make(config.env(), master.split());
        this.spec = env.spec();
        ActionSpace.Box box = (ActionSpace.Box) spec.actionSpace();
        this.low = box.low();
        this.high = box.high();
        this.noise = config.noise() == NoiseType.OU
                ? new OrnsteinUhlenbeckNoise(box.dim(), config.ouTheta(), config.noiseSchedule(), master.split())
                : new GaussianNoise(box.dim(), config.noiseSchedule(), master.split());
        this.actionRandom = master.split();
    }

    /**
     * Steps the environment until {@code max-steps} steps were taken or {@link #close()} was
     * called, then flushes the producer. May be called once.
     */
    @Override
    public void run() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("actor " + config.actorId() + " was already run; create a new one");
        }
        try {
            if (stopRequested) {
                return;
            }
            log.info("actor {} starts on {} ({})", config.actorId(), spec.id(),
                    config.maxSteps() == 0 ? "until stopped" : config.maxSteps() + " steps");
            startEpisode();
            while (!stopRequested && (config.maxSteps() == 0 || steps.get() < config.maxSteps())) {
                if (!awaitFreshEnoughPolicy()) {
                    break;
                }
                step();
            }
            producer.flush();
            log.info("actor {} stopped after {} steps and {} episodes; {} of {} transitions acknowledged, {} failed",
                    config.actorId(), steps.get(), episodes.get(), transitions.acked(), transitions.sent(),
                    transitions.failed());
        } catch (InterruptException e) {
            // The producer saw the interrupt; keep the flag for the caller.
            Thread.currentThread().interrupt();
            log.warn("actor {} was interrupted after {} steps; records not yet acknowledged may be lost",
                    config.actorId(), steps.get());
        } finally {
            finished.countDown();
        }
    }

    /** Asks {@link #run()} to stop after its current step, without waiting. */
    public void requestStop() {
        stopRequested = true;
    }

    /**
     * Stops {@link #run()} between two steps and waits for it to flush, then closes the policy
     * subscriber and the producer. Safe to call from a shutdown hook and more than once.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        stopRequested = true;
        // Closing the subscriber also ends a wait for a newer policy at once.
        policies.close();
        if (started.get()) {
            try {
                if (!finished.await(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    log.warn("actor {} did not stop within {} s", config.actorId(), CLOSE_TIMEOUT.toSeconds());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        producer.close(CLOSE_TIMEOUT);
    }

    /** The current counters. */
    public ActorStats stats() {
        return new ActorStats(steps.get(), transitions.sent(), transitions.acked(), transitions.failed(),
                episodes.get(), summaries.failed(), lastEpisodeReturn, policyVersion, policies.swaps(),
                policies.rejected(), waitTimeouts.get());
    }

    public ActorConfig config() {
        return config;
    }

    public EnvSpec envSpec() {
        return spec;
    }

    /**
     * Flow control: once {@code max-policy-lag} steps were taken on the held version, waits for
     * a newer one for at most {@code policy-wait}.
     *
     * @return false when the actor is to stop instead of stepping
     */
    private boolean awaitFreshEnoughPolicy() {
        long allowance = config.stepAllowance(lagVersion);
        if (allowance == 0 || stepsOnVersion < allowance || currentVersion() != lagVersion) {
            return true;
        }
        Optional<PolicySnapshot> newer;
        try {
            newer = policies.awaitNewerThan(lagVersion, config.policyWait());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        if (stopRequested) {
            return false;
        }
        if (newer.isPresent()) {
            waitTimedOut = false;
        } else {
            waitTimeouts.incrementAndGet();
            // Another allowance of steps, so that a dead learner throttles the actor instead of stopping it.
            stepsOnVersion = 0;
            if (!waitTimedOut) {
                log.warn("actor {}: no policy newer than version {} within {} ms after {} steps on it; going on "
                        + "(is the learner running?)", config.actorId(), lagVersion, config.policyWait().toMillis(),
                        allowance);
                waitTimedOut = true;
            }
        }
        return true;
    }

    private long currentVersion() {
        return policies.current().map(PolicySnapshot::version).orElse(-1L);
    }

    private void step() {
        PolicySnapshot policy = policies.current().orElse(null);
        long version = policy == null ? -1 : policy.version();
        double[] action;
        List<Float> explorationNoise;
        if (policy == null) {
            float[] uniform = new float[low.length];
            for (int i = 0; i < uniform.length; i++) {
                uniform[i] = (float) actionRandom.nextDouble(-1.0, 1.0);
            }
            action = ActionScaling.toEnvironment(uniform, low, high);
            explorationNoise = List.of();
        } else {
            float[] deterministic = clip(policy.actNormalized(observation));
            float[] behaviour = deterministic.clone();
            noise.perturb(behaviour);
            action = ActionScaling.toEnvironment(behaviour, low, high);
            double[] policyAction = ActionScaling.toEnvironment(deterministic, low, high);
            explorationNoise = new ArrayList<>(action.length);
            for (int i = 0; i < action.length; i++) {
                explorationNoise.add((float) (action[i] - policyAction[i]));
            }
        }
        StepResult result = env.step(action);
        episodeStep++;
        episodeReturn += result.reward();
        Transition transition = Transition.newBuilder()
                .setActorId(config.actorId())
                .setEnvId(spec.id())
                .setEpisode(episode)
                .setStep(episodeStep)
                .setObservation(FloatLists.of(observation))
                .setAction(FloatLists.of(action))
                .setReward(result.reward())
                .setNextObservation(FloatLists.of(result.observation()))
                .setTerminated(result.terminated())
                .setTruncated(result.truncated())
                .setPolicyVersion(version)
                .setExplorationNoise(explorationNoise)
                .setEventTime(Instant.ofEpochMilli(clock.millis()))
                .setDecisionId(null)
                .build();
        // An invalid transition (a non-finite observation) is a bug in the environment: stop loudly.
        validator.requireValid(transition);
        transitions.send(producer, new ProducerRecord<>(transitionTopic, key,
                transitionCodec.encode(transitionTopic, transition)));
        steps.incrementAndGet();
        policyVersion = version;
        if (version == lagVersion) {
            stepsOnVersion++;
        } else {
            lagVersion = version;
            stepsOnVersion = 1;
        }
        if (result.done()) {
            endEpisode(result.terminated(), version);
            episode++;
            startEpisode();
        } else {
            observation = result.observation();
        }
    }

    private void startEpisode() {
        observation = env.reset();
        noise.reset(episode);
        episodeStep = 0;
        episodeReturn = 0;
    }

    private void endEpisode(boolean terminated, long version) {
        EpisodeSummary summary = EpisodeSummary.newBuilder()
                .setActorId(config.actorId())
                .setEnvId(spec.id())
                .setEpisode(episode)
                .setEpisodeReturn(episodeReturn)
                .setLength(episodeStep)
                .setTerminated(terminated)
                .setPolicyVersion(version)
                .setEventTime(Instant.ofEpochMilli(clock.millis()))
                .build();
        summaries.send(producer, new ProducerRecord<>(episodeTopic, key, episodeCodec.encode(episodeTopic, summary)));
        lastEpisodeReturn = episodeReturn;
        episodes.incrementAndGet();
    }

    private static float[] clip(float[] action) {
        for (int i = 0; i < action.length; i++) {
            action[i] = Math.max(-1f, Math.min(1f, action[i]));
        }
        return action;
    }
}
