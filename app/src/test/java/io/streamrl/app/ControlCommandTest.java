package io.streamrl.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamrl.schemas.avro.Decision;
import io.streamrl.schemas.avro.DecisionMode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code streamrl control report}: the summary of shadow decisions. */
class ControlCommandTest {

    private static Decision shadow(List<Float> answered, List<Float> learned) {
        return Decision.newBuilder().setDecisionId("c2hvcA.x").setEntity("shop").setEnvId("Pricing-v0")
                .setState(List.of(1f, 2f, 3f, 4f)).setAction(answered).setPolicyAction(learned).setLogDensity(null)
                .setPolicyVersion(3).setMode(DecisionMode.SHADOW).setExplored(false).setClipped(false)
                .setControlRevision(2).setInstanceId("serve-a").setEventTime(Instant.EPOCH).build();
    }

    @Test
    void withoutShadowDecisionsTheReportHasNoShares() {
        Map<String, Object> report = ControlCommand.shadowReport(List.of(), 1e-6);

        assertThat(report).containsEntry("shadow_decisions", 0).containsEntry("differing", 0L)
                .containsEntry("differing_share", null).containsEntry("mean_abs_difference", null)
                .containsEntry("max_abs_difference", null);
    }

    @Test
    void theReportCountsDecisionsThatDifferAndMeasuresByHowMuch() {
        List<Decision> decisions = List.of(
                shadow(List.of(5f), List.of(5f)),
                shadow(List.of(5f), List.of(7.5f)),
                shadow(List.of(1f, 2f), List.of(1.25f, 2f)));

        Map<String, Object> report = ControlCommand.shadowReport(decisions, 1e-6);

        assertThat(report.keySet()).containsExactly("shadow_decisions", "differing", "differing_share",
                "mean_abs_difference", "max_abs_difference");
        assertThat(report).containsEntry("shadow_decisions", 3).containsEntry("differing", 2L);
        assertThat((double) report.get("differing_share")).isCloseTo(2.0 / 3, within(1e-12));
        // Per action entry: 0, 2.5, 0.25 and 0.
        assertThat((double) report.get("mean_abs_difference")).isCloseTo(2.75 / 4, within(1e-12));
        assertThat((double) report.get("max_abs_difference")).isCloseTo(2.5, within(1e-12));

        Map<String, Object> tolerant = ControlCommand.shadowReport(decisions, 0.5);
        assertThat(tolerant).containsEntry("differing", 1L);
        assertThat((double) tolerant.get("differing_share")).isCloseTo(1.0 / 3, within(1e-12));
        assertThat((double) tolerant.get("mean_abs_difference")).isCloseTo(2.75 / 4, within(1e-12));
    }
}
