package io.streamrl.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrl.schemas.avro.EpisodeSummary;
import io.streamrl.schemas.avro.PolicyEnvelope;
import io.streamrl.schemas.avro.Transition;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordValidatorsTest {

    private final TransitionValidator transitions = new TransitionValidator();
    private final PolicyEnvelopeValidator policies = new PolicyEnvelopeValidator();
    private final EpisodeSummaryValidator episodes = new EpisodeSummaryValidator();

    @Test
    void samplesAreValid() {
        assertThat(transitions.validate(SampleRecords.transition())).isEmpty();
        assertThat(policies.validate(SampleRecords.policyEnvelope())).isEmpty();
        assertThat(episodes.validate(SampleRecords.episodeSummary())).isEmpty();
    }

    @Test
    void aTransitionWithoutNoiseOrPolicyIsValid() {
        Transition random = transition().setExplorationNoise(List.of()).setPolicyVersion(-1).setDecisionId(null).build();

        assertThat(transitions.validate(random)).isEmpty();
    }

    @Test
    void observationsOfDifferentLengthsAreRejected() {
        Transition t = transition().setNextObservation(List.of(1f, 2f)).build();

        assertThat(transitions.validate(t))
                .containsExactly("next_observation has 2 values but observation has 3; allowed: the same length");
    }

    @Test
    void aNanRewardIsRejected() {
        Transition t = transition().setReward(Double.NaN).build();

        assertThat(transitions.validate(t)).containsExactly("reward is NaN; allowed: a finite number");
    }

    @Test
    void nonFiniteVectorEntriesAreRejectedWithTheirIndex() {
        Transition t = transition()
                .setObservation(List.of(0f, Float.POSITIVE_INFINITY, 1f))
                .setAction(List.of(Float.NaN))
                .build();

        assertThat(transitions.validate(t)).containsExactly(
                "observation[1] is Infinity; allowed: a finite number",
                "action[0] is NaN; allowed: a finite number");
    }

    @Test
    void rangesAreCheckedAndEveryProblemIsListed() {
        Transition t = transition()
                .setActorId(" ")
                .setEpisode(-1)
                .setStep(0)
                .setPolicyVersion(-2)
                .setAction(List.of())
                .setDecisionId("")
                .build();

        assertThat(transitions.validate(t)).containsExactly(
                "actor_id is blank; allowed: non-blank text",
                "episode is -1; allowed: >= 0",
                "step is 0; allowed: >= 1",
                "action is empty; allowed: at least one finite number",
                "policy_version is -2; allowed: >= -1",
                "exploration_noise has 1 values but action has 0; allowed: empty or the same length as action",
                "decision_id is blank; allowed: non-blank text");
    }

    @Test
    void missingFieldsAreReportedRatherThanThrown() {
        Transition t = SampleRecords.transition();
        t.put("env_id", null);
        t.put("observation", null);
        t.put("event_time", null);

        assertThat(transitions.validate(t)).containsExactly(
                "env_id is missing; allowed: non-blank text",
                "observation is missing; allowed: a list of finite numbers",
                "event_time is missing; allowed: a timestamp");
    }

    @Test
    void requireValidThrowsWithEveryProblemInTheMessage() {
        Transition t = transition().setReward(Double.POSITIVE_INFINITY).setStep(0).build();

        assertThatThrownBy(() -> transitions.requireValid(t))
                .isInstanceOfSatisfying(RecordValidationException.class, e -> {
                    assertThat(e.recordType()).isEqualTo("io.streamrl.schemas.avro.Transition");
                    assertThat(e.problems()).hasSize(2);
                })
                .hasMessage("Invalid io.streamrl.schemas.avro.Transition: step is 0; allowed: >= 1; "
                        + "reward is Infinity; allowed: a finite number");
        Transition valid = SampleRecords.transition();
        assertThat(transitions.requireValid(valid)).isSameAs(valid);
    }

    @Test
    void policyEnvelopeFieldsAreChecked() {
        PolicyEnvelope p = PolicyEnvelope.newBuilder(SampleRecords.policyEnvelope())
                .setName("")
                .setVersion(-1)
                .setAlgorithm(" ")
                .setLayerSizes(List.of(3))
                .setPayload(ByteBuffer.allocate(0))
                .build();

        assertThat(policies.validate(p)).containsExactly(
                "name is blank; allowed: non-blank text",
                "version is -1; allowed: >= 0",
                "algorithm is blank; allowed: non-blank text",
                "layer_sizes is [3]; allowed: at least two sizes (input and output)",
                "payload is empty; allowed: the engine's snapshot bytes");
    }

    @Test
    void zeroWidthLayersAreRejected() {
        PolicyEnvelope p = PolicyEnvelope.newBuilder(SampleRecords.policyEnvelope())
                .setLayerSizes(List.of(3, 0, 1)).build();

        assertThat(policies.validate(p)).containsExactly("layer_sizes is [3, 0, 1]; allowed: every size >= 1");
    }

    @Test
    void validatingDoesNotConsumeThePayload() {
        PolicyEnvelope p = SampleRecords.policyEnvelope();
        int remaining = p.getPayload().remaining();

        policies.validate(p);

        assertThat(p.getPayload().remaining()).isEqualTo(remaining);
    }

    @Test
    void episodeSummaryRangesAreChecked() {
        EpisodeSummary e = EpisodeSummary.newBuilder(SampleRecords.episodeSummary())
                .setEpisodeReturn(Double.NEGATIVE_INFINITY)
                .setLength(0)
                .setPolicyVersion(-5)
                .build();

        assertThat(episodes.validate(e)).containsExactly(
                "episode_return is -Infinity; allowed: a finite number",
                "length is 0; allowed: >= 1",
                "policy_version is -5; allowed: >= -1");
    }

    private static Transition.Builder transition() {
        return Transition.newBuilder(SampleRecords.transition());
    }
}
