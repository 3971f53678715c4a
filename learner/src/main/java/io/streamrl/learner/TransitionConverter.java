package io.streamrl.learner;

import io.streamrl.core.env.ActionSpace;
import io.streamrl.core.env.EnvSpec;
import io.streamrl.core.policy.ActionScaling;
import io.streamrl.core.policy.ObservationNormalizer;
import io.streamrl.schemas.RecordValidationException;
import io.streamrl.schemas.TopicSpec;
import io.streamrl.schemas.TransitionFields;
import io.streamrl.schemas.TransitionReader;
import io.streamrl.schemas.TransitionValidator;
import io.streamrl.schemas.avro.Transition;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns the raw value of a transitions-topic record into what the replay buffer stores, or
 * rejects it. Beyond the schema's own rules ({@link TransitionValidator}) a record must come from
 * the environment this learner trains, have its dimensions, and fit the buffer's float32 columns.
 * Rejections are {@code SerializationException}s (decoding or validation) carrying the reason.
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

    /**
     * @throws io.streamrl.schemas.RecordDecodingException when the bytes are not a Transition
     * @throws RecordValidationException listing every problem of a decoded but unusable one
     */
    Experience convert(byte[] value) {
        TransitionFields t = validator.requireValid(reader.read(value));
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
        // The decoded arrays belong to this record alone: normalise them in place.
        float[] observation = t.observation();
        float[] nextObservation = t.nextObservation();
        normalizer.apply(observation, observation);
        normalizer.apply(nextObservation, nextObservation);
        requireFinite(problems, "observation", observation);
        requireFinite(problems, "next_observation", nextObservation);
        if (!problems.isEmpty()) {
            throw new RecordValidationException(RECORD_TYPE, problems);
        }
        float[] action = ActionScaling.toNormalized(t.action(), actionLow, actionHigh);
        // Only a terminal state stops bootstrapping; a truncated step's s' still has a value.
        return new Experience(observation, action, t.reward(), nextObservation, t.terminated());
    }

    private static void requireLength(List<String> problems, String field, float[] values, int expected) {
        if (values.length != expected) {
            problems.add(field + " has " + values.length + " values; allowed: " + expected);
        }
    }

    private static void requireFinite(List<String> problems, String field, float[] normalized) {
        for (int i = 0; i < normalized.length; i++) {
            if (!Float.isFinite(normalized[i])) {
                problems.add(field + "[" + i + "] is " + normalized[i] + " after observation normalisation;"
                        + " allowed: finite (the value is far outside the normaliser's range)");
                return;
            }
        }
    }
}
