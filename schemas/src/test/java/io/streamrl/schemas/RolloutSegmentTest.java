package io.streamrl.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrl.schemas.avro.RolloutSegment;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

/** The rollouts topic's record: round trip through the topic's serde, and what the validator refuses. */
class RolloutSegmentTest {

    private final RolloutSegmentValidator validator = new RolloutSegmentValidator();

    @Test
    void aSegmentSurvivesTheTopicsSerdeAndTheSampleIsValid() {
        TopicSpec<String, RolloutSegment> topic = Topics.of("t").rollouts();
        RolloutSegment sent = SampleRecords.rolloutSegment();
        byte[] bytes = topic.valueSerde().serializer().serialize(topic.name(), sent);

        RolloutSegment received = topic.decodeValue(bytes);

        assertThat(received).isEqualTo(sent);
        assertThat(received.getBehaviourLogProbs()).containsExactly(-0.69f, -0.7f, -0.1f);
        assertThat(validator.validate(received)).isEmpty();
        assertThat(topic.name()).isEqualTo("t.rollouts");
        assertThat(topic.configs()).containsEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                Integer.toString(Topics.TRANSITION_MAX_MESSAGE_BYTES));
    }

    @Test
    void lengthsMustAgreeWithTheStepsAndDimensions() {
        RolloutSegment s = RolloutSegment.newBuilder(SampleRecords.rolloutSegment())
                .setObservations(List.of(0.1f, 0.2f, 0.3f))
                .setActions(List.of(1f))
                .setBehaviourLogProbs(List.of(-0.1f, -0.2f))
                .setBootstrapObservation(List.of(0.1f))
                .setTerminated(List.of(false))
                .build();

        assertThat(validator.validate(s)).containsExactly(
                "observations has 3 values; allowed: 6 (steps x observation_dim)",
                "actions has 1 values; allowed: 3 (steps x action_dim)",
                "behaviour_log_probs has 2 values; allowed: 3 (one per step)",
                "bootstrap_observation has 1 values; allowed: 2 (observation_dim)",
                "terminated has 1 flags; allowed: one per step (3)");
    }

    @Test
    void everyTruncatedStepNeedsItsFinalObservation() {
        RolloutSegment s = RolloutSegment.newBuilder(SampleRecords.rolloutSegment())
                .setTruncated(List.of(true, true, false))
                .build();

        assertThat(validator.validate(s)).containsExactly(
                "truncation_observations has 2 values; allowed: 4 (observation_dim per truncated step)");
    }

    @Test
    void numbersMustBeFiniteAndRangesHold() {
        List<Float> rewards = new ArrayList<>(List.of(1f, Float.NaN, 1f));
        RolloutSegment s = RolloutSegment.newBuilder(SampleRecords.rolloutSegment())
                .setActorId(" ")
                .setPolicyVersion(-1)
                .setObservationDim(0)
                .setRewards(rewards)
                .setBehaviourLogProbs(List.of(-0.1f, Float.NEGATIVE_INFINITY, -0.3f))
                .build();

        assertThat(validator.validate(s)).contains(
                "actor_id is blank; allowed: non-blank text",
                "policy_version is -1; allowed: >= 0",
                "observation_dim is 0; allowed: >= 1",
                "rewards[1] is NaN; allowed: a finite number",
                "behaviour_log_probs[1] is -Infinity; allowed: a finite number");
    }

    @Test
    void anEmptySegmentIsRefused() {
        RolloutSegment s = RolloutSegment.newBuilder(SampleRecords.rolloutSegment())
                .setRewards(List.of())
                .build();

        assertThat(validator.validate(s)).contains("rewards is empty; allowed: at least one finite number");
    }
}
