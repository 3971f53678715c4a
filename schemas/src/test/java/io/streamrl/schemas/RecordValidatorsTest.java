package io.streamrl.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrl.schemas.avro.Control;
import io.streamrl.schemas.avro.Decision;
import io.streamrl.schemas.avro.DecisionMode;
import io.streamrl.schemas.avro.EpisodeSummary;
import io.streamrl.schemas.avro.PolicyEnvelope;
import io.streamrl.schemas.avro.Reward;
import io.streamrl.schemas.avro.Transition;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class RecordValidatorsTest {

    private final TransitionValidator transitions = new TransitionValidator();
    private final PolicyEnvelopeValidator policies = new PolicyEnvelopeValidator();
    private final EpisodeSummaryValidator episodes = new EpisodeSummaryValidator();
    private final DecisionValidator decisions = new DecisionValidator();
    private final RewardValidator rewards = new RewardValidator();
    private final ControlValidator controls = new ControlValidator();

    @Test
    void samplesAreValid() {
        assertThat(transitions.validate(SampleRecords.transition())).isEmpty();
        assertThat(policies.validate(SampleRecords.policyEnvelope())).isEmpty();
        assertThat(episodes.validate(SampleRecords.episodeSummary())).isEmpty();
        assertThat(decisions.validate(SampleRecords.decision())).isEmpty();
        assertThat(decisions.validate(SampleRecords.fallbackDecision())).isEmpty();
        assertThat(rewards.validate(SampleRecords.reward())).isEmpty();
        assertThat(controls.validate(SampleRecords.control())).isEmpty();
        assertThat(controls.validate(SampleRecords.defaultControl())).isEmpty();
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

    @ParameterizedTest
    @EnumSource(DecisionMode.class)
    void aDecisionOfEveryModeMayRecordThePolicysOwnAction(DecisionMode mode) {
        Decision d = SampleRecords.decisionBuilder().setMode(mode).setExplored(false).setLogDensity(null).build();

        assertThat(decisions.validate(d)).isEmpty();
    }

    @Test
    void decisionFieldsAreCheckedAndEveryProblemIsListed() {
        Decision d = SampleRecords.decisionBuilder()
                .setDecisionId(" ")
                .setEntity("")
                .setEnvId(" ")
                .setState(List.of())
                .setAction(List.of(1f, Float.NaN))
                .setPolicyAction(List.of(1f, Float.NEGATIVE_INFINITY))
                .setLogDensity(Double.POSITIVE_INFINITY)
                .setPolicyVersion(-2)
                .setControlRevision(-3)
                .setInstanceId("")
                .build();

        assertThat(decisions.validate(d)).containsExactly(
                "decision_id is blank; allowed: non-blank text",
                "entity is blank; allowed: non-blank text",
                "env_id is blank; allowed: non-blank text",
                "state is empty; allowed: at least one finite number",
                "action[1] is NaN; allowed: a finite number",
                "policy_action[1] is -Infinity; allowed: a finite number",
                "log_density is Infinity; allowed: a finite number",
                "policy_version is -2; allowed: >= -1",
                "control_revision is -3; allowed: >= -1",
                "instance_id is blank; allowed: non-blank text");
    }

    @Test
    void aPolicyActionOfAnotherLengthThanTheActionIsRejected() {
        Decision d = SampleRecords.decisionBuilder().setPolicyAction(List.of(9.0f)).build();

        assertThat(decisions.validate(d))
                .containsExactly("policy_action has 1 values but action has 2; allowed: null or the same length as action");
    }

    @Test
    void onlyAnExploredActionHasADensity() {
        Decision d = SampleRecords.decisionBuilder().setExplored(false).setLogDensity(-1.5).build();

        assertThat(decisions.validate(d)).containsExactly(
                "log_density is -1.5 but explored is false; allowed: null when the action was not drawn from a distribution");
    }

    @Test
    void aPolicyVersionGoesWithThePolicysAction() {
        Decision versionWithoutAction = SampleRecords.decisionBuilder()
                .setMode(DecisionMode.FALLBACK).setPolicyAction(null).setPolicyVersion(41).build();
        Decision actionWithoutVersion = SampleRecords.decisionBuilder()
                .setMode(DecisionMode.SHADOW).setPolicyVersion(-1).build();

        assertThat(decisions.validate(versionWithoutAction)).containsExactly(
                "policy_version is 41 but policy_action is null; allowed: -1 when no policy answered");
        assertThat(decisions.validate(actionWithoutVersion)).containsExactly(
                "policy_version is -1 but policy_action is set; allowed: the version of the policy that computed"
                        + " policy_action");
    }

    @Test
    void aLearnedDecisionNeedsAPolicy() {
        Decision d = SampleRecords.decisionBuilder().setPolicyAction(null).setPolicyVersion(-1).build();

        assertThat(decisions.validate(d)).containsExactly(
                "mode is LEARNED but policy_action is null; allowed: LEARNED only with the action of the policy that"
                        + " answered");
    }

    @Test
    void missingDecisionFieldsAreReportedRatherThanThrown() {
        Decision d = SampleRecords.decision();
        d.put("entity", null);
        d.put("state", null);
        d.put("action", Arrays.asList(1f, null));
        d.put("mode", null);
        d.put("event_time", null);

        assertThat(decisions.validate(d)).containsExactly(
                "entity is missing; allowed: non-blank text",
                "state is missing; allowed: a list of finite numbers",
                "action[1] is missing; allowed: a finite number",
                "mode is missing; allowed: one of [LEARNED, SHADOW, HOLDOUT, FALLBACK]",
                "event_time is missing; allowed: a timestamp");
    }

    @Test
    void requireValidNamesTheDecisionType() {
        Decision d = SampleRecords.decisionBuilder().setEntity(" ").build();

        assertThatThrownBy(() -> decisions.requireValid(d))
                .isInstanceOf(RecordValidationException.class)
                .hasMessage("Invalid io.streamrl.schemas.avro.Decision: entity is blank; allowed: non-blank text");
    }

    @Test
    void rewardFieldsAreChecked() {
        Reward r = Reward.newBuilder(SampleRecords.reward())
                .setDecisionId("")
                .setEntity(" ")
                .setReward(Double.NaN)
                .setInstanceId(" ")
                .build();
        r.put("event_time", null);

        assertThat(rewards.validate(r)).containsExactly(
                "decision_id is blank; allowed: non-blank text",
                "entity is blank; allowed: non-blank text",
                "reward is NaN; allowed: a finite number",
                "instance_id is blank; allowed: non-blank text",
                "event_time is missing; allowed: a timestamp");
    }

    @Test
    void controlFieldsAreCheckedAndEveryProblemIsListed() {
        Control c = control()
                .setLoop(" ")
                .setRevision(-1)
                .setActionLow(List.of(5.0, Double.NaN))
                .setActionHigh(List.of())
                .setPinnedVersion(-1L)
                .setFallbackAction(List.of(Double.POSITIVE_INFINITY, 0.0))
                .build();
        c.put("updated_by", null);
        c.put("event_time", null);

        assertThat(controls.validate(c)).containsExactly(
                "loop is blank; allowed: non-blank text",
                "revision is -1; allowed: >= 0",
                "action_low[1] is NaN; allowed: a finite number",
                "action_high is empty; allowed: at least one finite number",
                "pinned_version is -1; allowed: >= 0",
                "fallback_action[0] is Infinity; allowed: a finite number",
                "updated_by is missing; allowed: text, empty when unknown",
                "event_time is missing; allowed: a timestamp");
    }

    @Test
    void boundsOfDifferentLengthsAreRejected() {
        Control c = control().setActionHigh(List.of(15.0)).setFallbackAction(null).build();

        assertThat(controls.validate(c))
                .containsExactly("action_high has 1 values but action_low has 2; allowed: the same length");
    }

    @Test
    void aLowBoundAboveItsHighBoundIsRejectedWithItsIndex() {
        Control c = control().setActionLow(List.of(5.0, 0.75)).setFallbackAction(null).build();

        assertThat(controls.validate(c)).containsExactly(
                "action_low[1] is 0.75 but action_high[1] is 0.5; allowed: action_low <= action_high");
    }

    @Test
    void equalBoundsAndOneSidedBoundsAreValid() {
        Control fixed = control().setActionLow(List.of(10.0, 0.0)).setActionHigh(List.of(10.0, 0.0)).build();
        Control upperOnly = control().setActionLow(null).build();
        Control lowerOnly = control().setActionHigh(null).build();

        assertThat(controls.validate(fixed)).isEmpty();
        assertThat(controls.validate(upperOnly)).isEmpty();
        assertThat(controls.validate(lowerOnly)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.0, -1.0, Double.NaN, Double.POSITIVE_INFINITY})
    void maxChangeMustBeAPositiveFiniteNumber(double maxChange) {
        Control c = control().setMaxChange(maxChange).build();

        assertThat(controls.validate(c)).containsExactly(
                "max_change is " + maxChange + "; allowed: a finite number > 0, or null for no limit");
    }

    @ParameterizedTest
    @ValueSource(doubles = {-0.01, 1.01, Double.NaN, Double.NEGATIVE_INFINITY})
    void holdoutShareOutsideZeroToOneIsRejected(double share) {
        Control c = control().setHoldoutShare(share).build();

        assertThat(controls.validate(c)).containsExactly("holdout_share is " + share + "; allowed: 0 to 1");
    }

    @Test
    void holdoutShareMayBeZeroOrOne() {
        assertThat(controls.validate(control().setHoldoutShare(0.0).build())).isEmpty();
        assertThat(controls.validate(control().setHoldoutShare(1.0).build())).isEmpty();
    }

    @Test
    void aFallbackActionOutsideTheBoundsIsRejected() {
        Control below = control().setFallbackAction(List.of(4.5, 0.0)).build();
        Control above = control().setFallbackAction(List.of(10.0, 0.625)).build();
        Control onTheBounds = control().setFallbackAction(List.of(5.0, 0.5)).build();

        assertThat(controls.validate(below)).containsExactly(
                "fallback_action[0] is 4.5, below action_low[0] 5.0; allowed: within action_low and action_high");
        assertThat(controls.validate(above)).containsExactly(
                "fallback_action[1] is 0.625, above action_high[1] 0.5; allowed: within action_low and action_high");
        assertThat(controls.validate(onTheBounds)).isEmpty();
    }

    @Test
    void aFallbackActionOfAnotherLengthThanTheBoundsIsRejected() {
        Control c = control().setFallbackAction(List.of(10.0)).build();
        Control upperOnly = control().setActionLow(null).setFallbackAction(List.of(10.0, 0.0, 1.0)).build();

        assertThat(controls.validate(c))
                .containsExactly("fallback_action has 1 values but action_low has 2; allowed: the same length");
        assertThat(controls.validate(upperOnly))
                .containsExactly("fallback_action has 3 values but action_high has 2; allowed: the same length");
    }

    @Test
    void aFallbackActionWithoutBoundsNeedsOnlyFiniteNumbers() {
        Control c = control().setActionLow(null).setActionHigh(null).setFallbackAction(List.of(-1e6, 1e6, 0.0)).build();

        assertThat(controls.validate(c)).isEmpty();
    }

    @Test
    void missingBoundEntriesAreReportedRatherThanThrown() {
        Control c = SampleRecords.control();
        c.put("action_high", Arrays.asList(15.0, null));

        assertThat(controls.validate(c)).containsExactly("action_high[1] is missing; allowed: a finite number");
    }

    private static Control.Builder control() {
        return Control.newBuilder(SampleRecords.control());
    }

    private static Transition.Builder transition() {
        return SampleRecords.transitionBuilder();
    }
}
