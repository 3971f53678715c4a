package io.streamrl.learner;

import io.streamrl.core.env.ActionSpace;
import io.streamrl.core.env.EnvSpec;
import io.streamrl.core.policy.ActionScaling;
import io.streamrl.core.policy.ObservationNormalizer;
import io.streamrl.core.replay.Batch;
import io.streamrl.schemas.RecordValidationException;
import io.streamrl.schemas.TopicSpec;
import io.streamrl.schemas.TransitionReader;
import io.streamrl.schemas.TransitionValidator;
import io.streamrl.schemas.TransitionView;
import io.streamrl.schemas.avro.Transition;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns the raw value of a transitions-topic record into a row of what the replay buffer stores
 * (observations normalised, the action mapped into [-1, 1], {@code terminated} 1 only for a true
 * terminal state), or rejects it. Beyond the schema's own rules ({@link TransitionValidator}) a
 * record must come from the environment this learner trains, have its dimensions, and fit the
 * buffer's float32 columns. Rejections are {@code SerializationException}s (decoding or
 * validation) carrying the reason. Rows are written straight into a {@link Batch} that the
 * ingest thread hands over whole, so a transition costs no allocation on its way in.
 *
 * <p>Not thread-safe: one per ingest thread.
 */
final class TransitionConverter {

    private static final String RECORD_TYPE = Transition.getClassSchema().getFullName();

    private final TransitionReader reader;
    private final TransitionValidator validator = new TransitionValidator();
    private final EnvSpec env;
    private final double[] actionLow;
    private final double[] actionHigh;
    private final ObservationNormalizer normalizer;

    TransitionConverter(TopicSpec<String, Transition> topic, EnvSpec env, ObservationNormalizer normalizer) {
        if (!(env.actionSpace() instanceof ActionSpace.Box box)) {
            throw new IllegalArgumentException(env.id() + " has no continuous (Box) action space");
        }
        if (normalizer.dim() != env.observationDim()) {
            throw new IllegalArgumentException("normaliser has " + normalizer.dim() + " entries, " + env.id()
                    + " observations have " + env.observationDim());
        }
        this.reader = new TransitionReader(topic.name());
        this.env = env;
        this.actionLow = box.low();
        this.actionHigh = box.high();
        this.normalizer = normalizer;
    }

    /** An empty batch with room for {@code rows} transitions of this learner's environment. */
    Batch newBatch(int rows) {
        return new Batch(rows, env.observationDim(), env.actionDim());
    }

    /**
     * Converts one record into row {@code row} of {@code into}. After a rejection the row holds
     * partial values: the caller reuses it for the next record.
     *
     * @throws io.streamrl.schemas.RecordDecodingException when the bytes are not a Transition
     * @throws RecordValidationException listing every problem of a decoded but unusable one
     */
    void convert(byte[] value, Batch into, int row) {
        TransitionView t = validator.requireValid(reader.read(value));
        List<String> problems = new ArrayList<>();
        if (!env.id().equals(t.envId())) {
            problems.add("env_id is '" + t.envId() + "'; allowed: " + env.id() + ", the environment this learner"
                    + " trains (run a separate learner, with its own policy name, per environment)");
        }
        requireLength(problems, "observation", t.observation(), env.observationDim());
        requireLength(problems, "next_observation", t.nextObservation(), env.observationDim());
        requireLength(problems, "action", t.action(), env.actionDim());
        if (Math.abs(t.reward()) > Float.MAX_VALUE) {
            problems.add("reward is " + t.reward() + "; allowed: |reward| <= " + Float.MAX_VALUE
                    + " (the replay buffer stores float32)");
        }
        if (!problems.isEmpty()) {
            throw new RecordValidationException(RECORD_TYPE, problems);
        }
        int observationAt = row * env.observationDim();
        normalizer.apply(t.observation(), into.observations(), observationAt);
        normalizer.apply(t.nextObservation(), into.nextObservations(), observationAt);
        requireFinite(problems, "observation", into.observations(), observationAt);
        requireFinite(problems, "next_observation", into.nextObservations(), observationAt);
        if (!problems.isEmpty()) {
            throw new RecordValidationException(RECORD_TYPE, problems);
        }
        ActionScaling.toNormalized(t.action(), actionLow, actionHigh, into.actions(), row * env.actionDim());
        into.rewards()[row] = (float) t.reward();
        // Only a terminal state stops bootstrapping; a truncated step's s' still has a value.
        into.terminated()[row] = t.terminated() ? 1f : 0f;
    }

    private static void requireLength(List<String> problems, String field, float[] values, int expected) {
        if (values.length != expected) {
            problems.add(field + " has " + values.length + " values; allowed: " + expected);
        }
    }

    private void requireFinite(List<String> problems, String field, float[] column, int offset) {
        for (int i = 0; i < env.observationDim(); i++) {
            float normalized = column[offset + i];
            if (!Float.isFinite(normalized)) {
                problems.add(field + "[" + i + "] is " + normalized + " after observation normalisation;"
                        + " allowed: finite (the value is far outside the normaliser's range)");
                return;
            }
        }
    }
}
