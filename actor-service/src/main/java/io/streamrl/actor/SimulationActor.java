package io.streamrl.actor;

import io.streamrl.core.env.ActionSpace;
import io.streamrl.core.env.Env;
import io.streamrl.core.env.EnvSpec;
import io.streamrl.core.env.Envs;
import io.streamrl.core.explore.BehaviourPolicy;
import io.streamrl.core.explore.Experience;
import io.streamrl.core.explore.Explorer;
import io.streamrl.core.policy.PolicySnapshot;
import io.streamrl.kafka.ServiceStop;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.errors.InterruptException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one simulated environment with the newest policy plus exploration noise through the core
 * {@link Explorer}, which hands every step to a {@link KafkaTransitionSink}.
 *
 * <p>The policy is read once at the top of each step, so a swap takes effect between two steps.
 * Before any policy arrives the actor acts uniformly at random (policy version -1, no noise).
 * Flow control is the {@link PolicyLagGate}'s.
 *
 * <p>The actor owns the subscriber and the sink it is given and closes both. {@link #run()}
 * runs on the caller's thread until the step budget is spent or {@link #close()} is called
 * (from any thread, e.g. a shutdown hook); either way it stops between two steps and flushes.
 */
public final class SimulationActor implements ActorLoop {

    private static final Logger log = LoggerFactory.getLogger(SimulationActor.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final ActorConfig config;
    private final PolicySubscriber policies;
    private final KafkaTransitionSink sink;
    private final Explorer explorer;
    private final PolicyLagGate gate;

    private final AtomicLong steps = new AtomicLong();
    private final AtomicLong episodes = new AtomicLong();
    private volatile double lastEpisodeReturn = Double.NaN;
    private volatile long policyVersion = -1;

    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile boolean stopRequested;

    /**
     * @param policies the subscriber to act from; closed with this actor
     * @param sink where the steps go; closed with this actor
     */
    SimulationActor(ActorConfig config, PolicySubscriber policies, KafkaTransitionSink sink, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.policies = Objects.requireNonNull(policies, "policies");
        this.sink = Objects.requireNonNull(sink, "sink");
        // One seed, split in a fixed order: environment, exploration noise, random actions.
        SplittableRandom master = new SplittableRandom(config.seed());
        Env env = Envs.make(config.env(), master.split());
        ActionSpace.Box box = (ActionSpace.Box) env.spec().actionSpace();
        BehaviourPolicy behaviour = BehaviourPolicy.of(config.exploration(), master.split(), master.split(), box);
        this.explorer = new Explorer(env, behaviour, sink);
        this.gate = new PolicyLagGate(config, policies, clock);
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
            log.info("actor {} starts on {} ({})", config.actorId(), explorer.spec().id(),
                    config.maxSteps() == 0 ? "until stopped" : config.maxSteps() + " steps");
            while (!stopRequested && (config.maxSteps() == 0 || steps.get() < config.maxSteps())) {
                if (!gate.awaitFreshEnoughPolicy() || stopRequested) {
                    break;
                }
                step();
            }
            sink.flush();
            Deliveries transitions = sink.transitions();
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
            ServiceStop.await(finished, CLOSE_TIMEOUT, log, "actor " + config.actorId());
        }
        sink.close(CLOSE_TIMEOUT);
    }

    /** The current counters. */
    @Override
    public ActorStats stats() {
        Deliveries transitions = sink.transitions();
        return new ActorStats(steps.get(), transitions.sent(), transitions.acked(), transitions.failed(),
                episodes.get(), sink.summaries().failed(), lastEpisodeReturn, policyVersion, policies.swaps(),
                policies.rejected(), gate.waitTimeouts());
    }

    public ActorConfig config() {
        return config;
    }

    @Override
    public String actorId() {
        return config.actorId();
    }

    public EnvSpec envSpec() {
        return explorer.spec();
    }

    private void step() {
        PolicySnapshot policy = policies.current().orElse(null);
        Experience experience = policy == null
                ? explorer.step(null, -1)
                : explorer.step(policy::actNormalized, policy.version());
        steps.incrementAndGet();
        policyVersion = experience.policyVersion();
        gate.stepped(experience.policyVersion());
        if (experience.done()) {
            lastEpisodeReturn = experience.episodeReturn();
            episodes.incrementAndGet();
        }
    }
}
