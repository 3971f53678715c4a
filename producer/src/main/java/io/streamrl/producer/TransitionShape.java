package io.streamrl.producer;

import io.streamrl.core.env.ActionSpace;
import io.streamrl.core.env.EnvSpec;
import io.streamrl.producer.BadRowException.Reason;
import io.streamrl.schemas.TransitionValidator;
import io.streamrl.schemas.TransitionView;
import java.nio.file.Path;
import java.util.List;

/**
 * What a replayed transition must look like for one environment: the observation and action
 * sizes and the action bounds (a learner would clip anything outside them and learn from an
 * action that was never taken), on top of the schema's own rules ({@link TransitionValidator}).
 */
public record TransitionShape(String envId, int observationDim, int actionDim, double[] actionLow,
                              double[] actionHigh) {

    private static final TransitionValidator SCHEMA_RULES = new TransitionValidator();

    public TransitionShape {
        if (observationDim < 1 || actionDim < 1 || actionLow.length != actionDim || actionHigh.length != actionDim) {
            throw new IllegalArgumentException("a shape needs observation and action sizes >= 1 and one bound per"
                    + " action entry");
        }
        actionLow = actionLow.clone();
        actionHigh = actionHigh.clone();
    }

    /**
     * The shape of a continuous-action environment.
     *
     * @throws IllegalArgumentException when its actions are discrete: nothing replays into it yet
     */
    public static TransitionShape of(EnvSpec spec) {
        if (!(spec.actionSpace() instanceof ActionSpace.Box box)) {
            throw new IllegalArgumentException("env is " + spec.id() + ", whose actions are discrete; replay takes"
                    + " transitions of a continuous (Box) action space, e.g. Pendulum-v1 or Pricing-v0");
        }
        return new TransitionShape(spec.id(), spec.observationDim(), box.dim(), box.low(), box.high());
    }

    /**
     * Checks sizes, finiteness, action bounds and the schema's rules.
     *
     * @throws BadRowException naming the first problem found
     */
    public void check(TransitionView t, Path file, long line) throws BadRowException {
        if (!envId.equals(t.envId())) {
            throw new BadRowException(file, line, Reason.INVALID, "env_id is '" + t.envId() + "', but this replay"
                    + " is for " + envId);
        }
        checkVector(t.observation(), "observation", observationDim, file, line);
        checkVector(t.nextObservation(), "next_observation", observationDim, file, line);
        float[] action = t.action();
        checkVector(action, "action", actionDim, file, line);
        for (int i = 0; i < actionDim; i++) {
            float a = action[i];
            if (a < actionLow[i] || a > actionHigh[i]) {
                throw new BadRowException(file, line, Reason.OUT_OF_BOUNDS, "action_" + i + " is " + a
                        + "; allowed: [" + actionLow[i] + ", " + actionHigh[i] + "] for " + envId);
            }
        }
        if (!Double.isFinite(t.reward())) {
            throw new BadRowException(file, line, Reason.NOT_FINITE, "reward is " + t.reward()
                    + "; allowed: a finite number");
        }
        List<String> problems = SCHEMA_RULES.validate(t);
        if (!problems.isEmpty()) {
            throw new BadRowException(file, line, Reason.INVALID, String.join("; ", problems));
        }
    }

    private static void checkVector(float[] values, String name, int size, Path file, long line)
            throws BadRowException {
        if (values.length != size) {
            throw new BadRowException(file, line, Reason.WRONG_LENGTH, name + " has " + values.length
                    + " values; allowed: " + size);
        }
        for (int i = 0; i < size; i++) {
            if (!Float.isFinite(values[i])) {
                throw new BadRowException(file, line, Reason.NOT_FINITE, name + "[" + i + "] is " + values[i]
                        + "; allowed: a finite number");
            }
        }
    }
}
