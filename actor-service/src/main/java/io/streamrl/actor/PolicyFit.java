package io.streamrl.actor;

import io.streamrl.core.env.ActionSpace;
import io.streamrl.core.env.EnvSpec;
import io.streamrl.core.policy.PolicyHead;
import io.streamrl.core.policy.PolicySnapshot;
import java.util.Arrays;
import java.util.Optional;

/**
 * What a policy must look like to drive this actor: the observation and action dimensions and,
 * for a simulated environment, the action bounds. A policy trained for other bounds would have
 * its actions mapped differently by the learner than by the actor, so it is refused as well.
 */
public final class PolicyFit {

    private final int observationDim;
    private final int actionDim;
    private final double[] actionLow;
    private final double[] actionHigh;

    /** For a rollout actor: the head the environment's action space calls for; null for any. */
    private final PolicyHead head;
    /** Categorical only: the number of actions, else 0. */
    private final int choices;

    private PolicyFit(int observationDim, int actionDim, double[] actionLow, double[] actionHigh) {
        this(observationDim, actionDim, actionLow, actionHigh, null, 0);
    }

    private PolicyFit(int observationDim, int actionDim, double[] actionLow, double[] actionHigh, PolicyHead head,
                      int choices) {
        if (observationDim < 1 || actionDim < 1) {
            throw new IllegalArgumentException("policy dimensions must be >= 1, got observation " + observationDim
                    + " and action " + actionDim);
        }
        this.observationDim = observationDim;
        this.actionDim = actionDim;
        this.actionLow = actionLow;
        this.actionHigh = actionHigh;
        this.head = head;
        this.choices = choices;
    }

    /** Dimensions and action bounds of an environment with a continuous action space. */
    public static PolicyFit forEnv(EnvSpec spec) {
        if (!(spec.actionSpace() instanceof ActionSpace.Box box)) {
            throw new IllegalArgumentException(spec.id() + " has no continuous action space: " + spec.actionSpace());
        }
        return new PolicyFit(spec.observationDim(), box.dim(), box.low(), box.high());
    }

    /**
     * What a stochastic policy must be to drive a rollout actor on this environment: a
     * categorical head over its actions for a discrete space, a Gaussian one with its bounds for
     * a box.
     */
    public static PolicyFit forRollouts(EnvSpec spec) {
        if (spec.actionSpace() instanceof ActionSpace.Discrete discrete) {
            return new PolicyFit(spec.observationDim(), 1, new double[0], new double[0], PolicyHead.CATEGORICAL,
                    discrete.n());
        }
        ActionSpace.Box box = (ActionSpace.Box) spec.actionSpace();
        return new PolicyFit(spec.observationDim(), box.dim(), box.low(), box.high(), PolicyHead.GAUSSIAN, 0);
    }

    /** The reason {@code snapshot} cannot drive this actor, or empty when it fits. */
    public Optional<String> mismatch(PolicySnapshot snapshot) {
        if (head != null && snapshot.head() != head) {
            return Optional.of("its head is " + snapshot.head().label() + " but a rollout actor on this environment"
                    + " needs a " + head.label() + " one");
        }
        if (head == PolicyHead.CATEGORICAL && snapshot.outputDim() != choices) {
            return Optional.of("it chooses among " + snapshot.outputDim() + " actions but the environment has "
                    + choices);
        }
        if (snapshot.observationDim() != observationDim) {
            return Optional.of("it takes observations of " + snapshot.observationDim() + " values but the environment's"
                    + " have " + observationDim);
        }
        if (snapshot.actionDim() != actionDim) {
            return Optional.of("it outputs actions of " + snapshot.actionDim() + " values but the environment takes "
                    + actionDim);
        }
        if (!Arrays.equals(snapshot.actionLow(), actionLow) || !Arrays.equals(snapshot.actionHigh(), actionHigh)) {
            return Optional.of("its action bounds " + Arrays.toString(snapshot.actionLow()) + " .. "
                    + Arrays.toString(snapshot.actionHigh()) + " differ from the environment's "
                    + Arrays.toString(actionLow) + " .. " + Arrays.toString(actionHigh));
        }
        return Optional.empty();
    }
}
