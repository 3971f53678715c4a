package io.streamrl.core.ope;

import io.streamrl.core.env.ActionSpace;
import io.streamrl.core.env.EnvSpec;
import io.streamrl.core.policy.ActionScaling;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A log of decisions for off-policy evaluation, held column by column: per row the observation
 * the behaviour policy saw (unnormalised, as logged), the action it took normalised to [-1, 1]
 * with the environment's bounds ({@link ActionScaling}, the map the behaviour density refers
 * to), the reward, the log-density of that action under the behaviour distribution (NaN when
 * the row carries none), and the actor and episode it belongs to. Immutable once built.
 */
public final class LoggedDecisions {

    private final EnvSpec spec;
    private final int size;
    private final float[] observations;
    private final float[] actions;
    private final double[] rewards;
    private final double[] logDensities;
    private final int[] actorOf;
    private final int[] episodeOf;
    private final int actors;
    private final int episodes;

    private LoggedDecisions(Builder b) {
        this.spec = b.spec;
        this.size = b.size;
        this.observations = Arrays.copyOf(b.observations, b.size * b.obsDim);
        this.actions = Arrays.copyOf(b.actions, b.size * b.actDim);
        this.rewards = Arrays.copyOf(b.rewards, b.size);
        this.logDensities = Arrays.copyOf(b.logDensities, b.size);
        this.actorOf = Arrays.copyOf(b.actorOf, b.size);
        this.episodeOf = Arrays.copyOf(b.episodeOf, b.size);
        this.actors = b.actorIds.size();
        this.episodes = b.episodeIds.size();
    }

    /** An empty log of {@code spec}'s environment, which must have continuous (Box) actions. */
    public static Builder builder(EnvSpec spec) {
        return new Builder(spec);
    }

    public EnvSpec spec() {
        return spec;
    }

    public int size() {
        return size;
    }

    /** Distinct actor ids. */
    public int actors() {
        return actors;
    }

    /** Distinct (actor id, episode) pairs. */
    public int episodes() {
        return episodes;
    }

    /** Rows without a behaviour log-density. */
    public int rowsWithoutDensity() {
        int missing = 0;
        for (double d : logDensities) {
            missing += Double.isNaN(d) ? 1 : 0;
        }
        return missing;
    }

    /** Row {@code i}'s observation, copied into {@code out}. */
    public float[] observation(int i, float[] out) {
        int d = spec.observationDim();
        System.arraycopy(observations, i * d, out, 0, d);
        return out;
    }

    /** Row {@code i}'s action in [-1, 1], copied into {@code out}. */
    public float[] action(int i, float[] out) {
        int d = spec.actionDim();
        System.arraycopy(actions, i * d, out, 0, d);
        return out;
    }

    public double reward(int i) {
        return rewards[i];
    }

    /** The behaviour log-density of row {@code i}'s normalised action; NaN when it has none. */
    public double logDensity(int i) {
        return logDensities[i];
    }

    public boolean hasDensity(int i) {
        return !Double.isNaN(logDensities[i]);
    }

    /** Index (0 to {@link #actors()} - 1) of row {@code i}'s actor. */
    public int actorOf(int i) {
        return actorOf[i];
    }

    /** Index (0 to {@link #episodes()} - 1) of row {@code i}'s (actor, episode). */
    public int episodeOf(int i) {
        return episodeOf[i];
    }

    /** Adds rows; not thread-safe. */
    public static final class Builder {

        private record EpisodeKey(int actor, long episode) {
        }

        private final EnvSpec spec;
        private final double[] low;
        private final double[] high;
        private final int obsDim;
        private final int actDim;
        private final Map<String, Integer> actorIds = new HashMap<>();
        private final Map<EpisodeKey, Integer> episodeIds = new HashMap<>();
        private final float[] scratch;
        private float[] observations = new float[0];
        private float[] actions = new float[0];
        private double[] rewards = new double[0];
        private double[] logDensities = new double[0];
        private int[] actorOf = new int[0];
        private int[] episodeOf = new int[0];
        private int size;

        private Builder(EnvSpec spec) {
            this.spec = Objects.requireNonNull(spec, "spec");
            if (!(spec.actionSpace() instanceof ActionSpace.Box box)) {
                throw new IllegalArgumentException("env is " + spec.id() + ", whose actions are discrete; off-policy"
                        + " evaluation here takes continuous (Box) actions, e.g. Pendulum-v1 or Pricing-v0");
            }
            this.low = box.low();
            this.high = box.high();
            this.obsDim = spec.observationDim();
            this.actDim = box.dim();
            this.scratch = new float[actDim];
        }

        /**
         * Adds one decision.
         *
         * @param actorId who took it (a transition's actor id: a simulation actor or, for served
         *     decisions, the entity)
         * @param episode its episode within that actor's log
         * @param observation the state it was taken in, as logged
         * @param action the action in the environment's units, within its bounds
         * @param reward the reward it earned
         * @param logDensity the log-density of the action under the behaviour distribution w.r.t.
         *     the normalised action; null (or not finite) when the row carries none
         * @throws IllegalArgumentException naming the row and the value for a wrong size, a value
         *     that is not finite or an action outside the bounds
         */
        public Builder add(String actorId, long episode, float[] observation, float[] action, double reward,
                           Double logDensity) {
            Objects.requireNonNull(actorId, "actorId");
            check("observation", observation, obsDim);
            check("action", action, actDim);
            for (int j = 0; j < actDim; j++) {
                if (action[j] < low[j] || action[j] > high[j]) {
                    throw new IllegalArgumentException("row " + (size + 1) + ": action_" + j + " is " + action[j]
                            + "; allowed: [" + low[j] + ", " + high[j] + "] for " + spec.id());
                }
            }
            if (!Double.isFinite(reward)) {
                throw new IllegalArgumentException("row " + (size + 1) + ": reward is " + reward
                        + "; allowed: a finite number");
            }
            grow();
            System.arraycopy(observation, 0, observations, size * obsDim, obsDim);
            ActionScaling.toNormalized(action, low, high, scratch, 0);
            System.arraycopy(scratch, 0, actions, size * actDim, actDim);
            rewards[size] = reward;
            logDensities[size] = logDensity == null || !Double.isFinite(logDensity) ? Double.NaN : logDensity;
            int actor = actorIds.computeIfAbsent(actorId, k -> actorIds.size());
            actorOf[size] = actor;
            episodeOf[size] = episodeIds.computeIfAbsent(new EpisodeKey(actor, episode), k -> episodeIds.size());
            size++;
            return this;
        }

        public int size() {
            return size;
        }

        public LoggedDecisions build() {
            return new LoggedDecisions(this);
        }

        private void check(String name, float[] values, int dim) {
            if (values == null || values.length != dim) {
                throw new IllegalArgumentException("row " + (size + 1) + ": " + name + " has "
                        + (values == null ? 0 : values.length) + " values; " + spec.id() + " needs " + dim);
            }
            for (int j = 0; j < dim; j++) {
                if (!Float.isFinite(values[j])) {
                    throw new IllegalArgumentException("row " + (size + 1) + ": " + name + "[" + j + "] is "
                            + values[j] + "; allowed: a finite number");
                }
            }
        }

        private void grow() {
            if (size < rewards.length) {
                return;
            }
            int capacity = Math.max(1024, rewards.length * 2);
            observations = Arrays.copyOf(observations, capacity * obsDim);
            actions = Arrays.copyOf(actions, capacity * actDim);
            rewards = Arrays.copyOf(rewards, capacity);
            logDensities = Arrays.copyOf(logDensities, capacity);
            actorOf = Arrays.copyOf(actorOf, capacity);
            episodeOf = Arrays.copyOf(episodeOf, capacity);
        }
    }
}
