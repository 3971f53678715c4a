package io.streamrl.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrl.core.rollout.Segment;
import io.streamrl.schemas.RecordValidationException;
import io.streamrl.schemas.Topics;
import io.streamrl.schemas.TopicSpec;
import io.streamrl.schemas.avro.RolloutSegment;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RolloutSegmentsTest {

    private static final Segment SEGMENT = new Segment("a1", 7, 2, 1, new float[] {1, 2, 3, 4}, new float[] {0, 1},
            new float[] {1, 1}, new boolean[] {false, true}, new boolean[] {true, false}, new float[] {-0.5f, -0.9f},
            new float[] {5, 6}, new float[] {7, 8});

    @Test
    void aSegmentSurvivesTheRolloutsTopic() {
        TopicSpec<String, RolloutSegment> topic = Topics.of("t").rollouts();
        RolloutSegment record = RolloutSegments.toRecord(SEGMENT, "CartPole-v1", 3, Instant.ofEpochMilli(1_000));
        byte[] bytes = topic.valueSerde().serializer().serialize(topic.name(), record);

        Segment back = RolloutSegments.open(topic.decodeValue(bytes));

        assertThat(back.source()).isEqualTo("a1");
        assertThat(back.policyVersion()).isEqualTo(7);
        assertThat(back.observations()).containsExactly(1, 2, 3, 4);
        assertThat(back.actions()).containsExactly(0, 1);
        assertThat(back.terminated()).containsExactly(false, true);
        assertThat(back.truncated()).containsExactly(true, false);
        assertThat(back.logProbs()).containsExactly(-0.5f, -0.9f);
        assertThat(back.truncationObservations()).containsExactly(5, 6);
        assertThat(back.bootstrapObservation()).containsExactly(7, 8);
        assertThat(record.getSequence()).isEqualTo(3);
        assertThat(record.getEnvId()).isEqualTo("CartPole-v1");
    }

    @Test
    void anInvalidRecordIsRefusedWithEveryProblem() {
        RolloutSegment bad = RolloutSegment.newBuilder(RolloutSegments.toRecord(SEGMENT, "CartPole-v1", 0,
                Instant.EPOCH)).setTruncated(List.of(true, true)).setPolicyVersion(-3).build();

        assertThatThrownBy(() -> RolloutSegments.open(bad)).isInstanceOf(RecordValidationException.class)
                .hasMessageContaining("policy_version is -3")
                .hasMessageContaining("truncation_observations has 2 values; allowed: 4");
    }
}
