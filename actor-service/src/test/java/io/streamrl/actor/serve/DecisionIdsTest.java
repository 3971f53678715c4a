package io.streamrl.actor.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DecisionIdsTest {

    @ParameterizedTest
    @ValueSource(strings = {"shop-1", "a", "Läden/Zürich 7", "entity.with.dots", "名前"})
    void anIdCarriesItsEntity(String entity) {
        String id = DecisionIds.create(entity, null, new SplittableRandom(1));
        assertThat(DecisionIds.entityOf(id)).isEqualTo(entity);
        assertThat(DecisionIds.entityOf(DecisionIds.create(entity, "my-own_1", new SplittableRandom(1))))
                .isEqualTo(entity);
    }

    @Test
    void randomPartsDiffer() {
        SplittableRandom random = new SplittableRandom(3);
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            ids.add(DecisionIds.create("e", null, random));
        }
        assertThat(ids).hasSize(10_000);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "nodot", ".abc", "c2hvcC0x.", "c2hvcC0x.bad id", "!!!.abc", "c2hvcC0x.x.y z"})
    void idsThisServiceDidNotIssueAreRefusedNamingTheField(String id) {
        assertThatThrownBy(() -> DecisionIds.entityOf(id))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("decision_id");
    }

    @Test
    void entitiesAndCallerIdsAreChecked() {
        assertThat(DecisionIds.entityProblem("ok")).isNull();
        assertThat(DecisionIds.entityProblem("")).startsWith("entity");
        assertThat(DecisionIds.entityProblem(null)).startsWith("entity");
        assertThat(DecisionIds.entityProblem("x".repeat(257))).contains("256");
        assertThat(DecisionIds.entityProblem("a\nb")).contains("control");
        assertThat(DecisionIds.uniqueProblem("abc-_9")).isNull();
        assertThat(DecisionIds.uniqueProblem("a b")).startsWith("decision_id");
        assertThat(DecisionIds.uniqueProblem("x".repeat(65))).startsWith("decision_id");
    }
}
