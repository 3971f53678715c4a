package io.streamrl.actor.serve;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.streamrl.core.env.ActionSpace;
import io.streamrl.core.env.EnvSpec;
import io.streamrl.core.explore.BehaviourAction;
import io.streamrl.core.explore.BehaviourPolicy;
import io.streamrl.core.noise.ExplorationConfig;
import io.streamrl.core.policy.ActionScaling;
import io.streamrl.core.policy.PolicySnapshot;
import io.streamrl.schemas.avro.DecisionMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Answers decisions: who answers (the learned policy, or the fallback for the kill switch,
 * holdout entities, shadow mode and while there is no policy), the learned action with
 * exploration noise from the core {@link BehaviourPolicy} (the same policy-plus-noise step the
 * simulation actors take), and the guardrails (bounds, largest change per entity). No HTTP and
 * no Kafka here: {@link DecisionServer} is the door, {@link DecisionLog} the record.
 *
 * <p>Thread-safe: each decision draws its noise from a generator split off a seeded master
 * under a lock, and the per-entity memory is a concurrent bounded cache.
 */
public final class DecisionEngine {

    /** Entities whose last action is remembered for {@code max-change}; the least recently used go first. */
    public static final int MAX_REMEMBERED_ENTITIES = 200_000;

    private final EnvSpec spec;
    private final ActionSpace.Box box;
    private final PolicyHistory policies;
    private final Supplier<Guardrails> guardrails;
    private final double[] defaultFallback;
    private final ExplorationConfig exploration;
    private final SplittableRandom master;
    private final Clock clock;
    private final Cache<String, double[]> lastActions = Caffeine.newBuilder()
            .maximumSize(MAX_REMEMBERED_ENTITIES).build();

    /**
     * @param defaultFallback the fixed action (environment units) that answers when the learned
     *     policy may not, unless the control topic sets another; null for none (then such
     *     decisions are refused as unavailable)
     * @param noiseSigma exploration scale (normalised units) of decisions that ask for exploration
     */
    public DecisionEngine(EnvSpec spec, PolicyHistory policies, Supplier<Guardrails> guardrails,
                          double[] defaultFallback, double noiseSigma, SplittableRandom random, Clock clock) {
        if (!(spec.actionSpace() instanceof ActionSpace.Box b)) {
            throw new IllegalArgumentException("serve needs a continuous action space; " + spec.id() + " has "
                    + spec.actionSpace());
        }
        this.spec = spec;
        this.box = b;
        this.policies = policies;
        this.guardrails = guardrails;
        this.defaultFallback = defaultFallback == null ? null : checkAction("fallback-action", defaultFallback);
        this.exploration = ExplorationConfig.gaussian(noiseSigma);
        this.master = random;
        this.clock = clock;
    }

    public EnvSpec spec() {
        return spec;
    }

    /**
     * Answers one decision. The request was validated at the door.
     *
     * @param uniqueId the caller's own id part, or null for a random one
     * @param explore add exploration noise to the learned action
     * @throws Unavailable when the fallback must answer and none is configured
     */
    public DecisionResult decide(String entity, float[] state, String uniqueId, boolean explore) {
        Guardrails g = guardrails.get();
        SplittableRandom random;
        synchronized (master) {
            random = master.split();
        }
        Optional<PolicySnapshot> policy = g.pinnedVersion() != null ? policies.version(g.pinnedVersion())
                : policies.newest();
        DecisionMode mode = g.killSwitch() || policy.isEmpty() ? DecisionMode.FALLBACK
                : inHoldout(entity, g.holdoutShare()) ? DecisionMode.HOLDOUT
                : g.shadow() ? DecisionMode.SHADOW : DecisionMode.LEARNED;

        double[] policyAction = null;
        double[] answer;
        Double logDensity = null;
        boolean explored = false;
        if (policy.isPresent()) {
            PolicySnapshot snapshot = policy.get();
            boolean noisy = explore && mode == DecisionMode.LEARNED && exploration.noiseSigma() > 0;
            BehaviourPolicy behaviour = BehaviourPolicy.of(exploration, random, random, box);
            BehaviourAction learned = noisy ? behaviour.act(snapshot::actNormalized, state)
                    : deterministic(snapshot, state);
            policyAction = learned.policyEnvironment();
            answer = learned.environment();
            if (noisy) {
                explored = true;
                logDensity = learned.logDensity();
            }
        } else {
            answer = null;
        }
        if (mode != DecisionMode.LEARNED) {
            double[] fallback = g.fallbackAction() != null ? g.fallbackAction() : defaultFallback;
            if (fallback == null) {
                throw new Unavailable(policy.isEmpty() && !g.killSwitch()
                        ? (g.pinnedVersion() != null ? "pinned policy version " + g.pinnedVersion()
                        + " is not on this instance" : "no policy has been published yet")
                        + " and no fallback action is configured (serve --fallback-action, or control --fallback-action)"
                        : "the " + mode.name().toLowerCase() + " mode answers with the fallback, and no fallback"
                        + " action is configured (serve --fallback-action, or control --fallback-action)");
            }
            answer = fallback.clone();
            logDensity = null;
        }
        double[] guarded = applyGuardrails(entity, answer, g);
        boolean clipped = !java.util.Arrays.equals(guarded, answer);
        if (clipped) {
            // The density of the noisy action no longer describes the answered one.
            logDensity = null;
        }
        return new DecisionResult(DecisionIds.create(entity, uniqueId, random), entity, state.clone(), guarded,
                policyAction, logDensity, policy.map(PolicySnapshot::version).orElse(-1L), mode, explored, clipped,
                g.revision(), clock.instant());
    }

    /**
     * Records that {@code decision} was answered, so that {@code max-change} bounds the entity's next
     * action by this one. Called only once the decision log took it: a decision refused with 503
     * was never acted on and must not move the bound.
     */
    public void answered(DecisionResult decision) {
        lastActions.put(decision.entity(), decision.action());
    }

    private BehaviourAction deterministic(PolicySnapshot snapshot, float[] state) {
        float[] a = snapshot.actNormalized(state);
        for (int i = 0; i < a.length; i++) {
            a[i] = Math.max(-1f, Math.min(1f, a[i]));
        }
        double[] env = ActionScaling.toEnvironment(a, box.low(), box.high());
        return new BehaviourAction(a, env, env, Double.NaN);
    }

    private double[] applyGuardrails(String entity, double[] action, Guardrails g) {
        double[] out = action.clone();
        double[] low = box.low();
        double[] high = box.high();
        double[] gLow = g.actionLow();
        double[] gHigh = g.actionHigh();
        double[] previous = g.maxChange() == null ? null : lastActions.getIfPresent(entity);
        for (int i = 0; i < out.length; i++) {
            double lo = gLow != null && i < gLow.length ? Math.max(low[i], gLow[i]) : low[i];
            double hi = gHigh != null && i < gHigh.length ? Math.min(high[i], gHigh[i]) : high[i];
            if (previous != null) {
                lo = Math.max(lo, previous[i] - g.maxChange());
                hi = Math.min(hi, previous[i] + g.maxChange());
                if (lo > hi) {
                    // The bounds moved away from the last action: step towards them as far as allowed.
                    double bound = previous[i] < lo ? lo : hi;
                    lo = hi = bound;
                }
            }
            out[i] = Math.max(lo, Math.min(hi, out[i]));
        }
        return out;
    }

    /** Holdout by a stable hash of the entity, the same on every instance and across restarts. */
    static boolean inHoldout(String entity, double share) {
        if (share <= 0) {
            return false;
        }
        return unitHash(entity) < share;
    }

    /** The entity's position in [0, 1): the first 53 bits of its SHA-256. */
    static double unitHash(String entity) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(entity.getBytes(StandardCharsets.UTF_8));
            long bits = 0;
            for (int i = 0; i < 8; i++) {
                bits = (bits << 8) | (h[i] & 0xff);
            }
            return (bits >>> 11) * 0x1.0p-53;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    private double[] checkAction(String key, double[] action) {
        if (action.length != box.dim()) {
            throw new IllegalArgumentException(key + " must have " + box.dim() + " values for " + spec.id()
                    + ", got " + action.length);
        }
        double[] low = box.low();
        double[] high = box.high();
        for (int i = 0; i < action.length; i++) {
            if (!(action[i] >= low[i] && action[i] <= high[i])) {
                throw new IllegalArgumentException(key + " entry " + i + " must be in [" + low[i] + ", " + high[i]
                        + "] for " + spec.id() + ", got " + action[i]);
            }
        }
        return action.clone();
    }

    /** The decision cannot be answered now (HTTP 503); the message says why and what to do. */
    public static final class Unavailable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public Unavailable(String message) {
            super(message);
        }
    }
}
