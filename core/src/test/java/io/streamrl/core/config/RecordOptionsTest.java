package io.streamrl.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link RecordOptions} on a record with nested record components: the nested keys stand
 * beside the outer ones, in declaration order, and overrides go through every constructor.
 */
class RecordOptionsTest {

    enum Mode { FAST, CAREFUL }

    /** A group, validated in its own constructor. */
    record Tuning(double stepSize, int maxRounds) {
        Tuning {
            Check.inOpenClosed("step-size", stepSize, 0.0, 1.0);
            Check.inClosed("max-rounds", maxRounds, 1, 100);
        }
    }

    /** A second group. */
    record Budget(long total, int roundCap) {
    }

    /** The outer record: own keys before, between and after its groups; validates across them. */
    record Settings(String name, Tuning tuning, boolean verbose, Budget budget, Mode mode) {
        Settings {
            if (tuning.maxRounds() > budget.roundCap()) {
                throw new IllegalArgumentException("max-rounds (" + tuning.maxRounds() + ") must not exceed round-cap ("
                        + budget.roundCap() + ")");
            }
        }
    }

    private static final Settings BASE = new Settings("base", new Tuning(0.1, 10), false, new Budget(1_000, 50),
            Mode.FAST);

    @Test
    void describeListsTheNestedKeysInDeclarationOrder() {
        assertThat(RecordOptions.describe(BASE)).containsExactly(
                Map.entry("name", "base"),
                Map.entry("step-size", 0.1),
                Map.entry("max-rounds", 10),
                Map.entry("verbose", false),
                Map.entry("total", 1_000L),
                Map.entry("round-cap", 50),
                Map.entry("mode", Mode.FAST));
        assertThat(RecordOptions.toLogLine(BASE))
                .isEqualTo("name=base step-size=0.1 max-rounds=10 verbose=false total=1000 round-cap=50 mode=fast");
    }

    @Test
    void withOverridesNestedKeysAndOuterKeysTogether() {
        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put("max-rounds", "20");
        overrides.put(" Mode ", "careful");
        overrides.put("verbose", "true");
        overrides.put("total", "5");
        Settings changed = RecordOptions.with(BASE, overrides);
        assertThat(changed).isEqualTo(new Settings("base", new Tuning(0.1, 20), true, new Budget(5, 50),
                Mode.CAREFUL));
        assertThat(BASE.tuning().maxRounds()).as("the base is unchanged").isEqualTo(10);
        assertThat(RecordOptions.describe(changed).keySet())
                .containsExactlyElementsOf(RecordOptions.describe(BASE).keySet());
    }

    @Test
    void withOverridesOnlyANestedKeyAndKeepsTheRest() {
        Settings changed = RecordOptions.with(BASE, Map.of("step-size", "0.25"));
        assertThat(changed).isEqualTo(new Settings("base", new Tuning(0.25, 10), false, new Budget(1_000, 50),
                Mode.FAST));
        // an untouched group is the same instance
        assertThat(changed.budget()).isSameAs(BASE.budget());
    }

    @Test
    void withoutOverridesTheBaseComesBack() {
        assertThat(RecordOptions.with(BASE, Map.of())).isSameAs(BASE);
    }

    @Test
    void anUnknownKeyIsRefusedWithTheFlattenedKeys() {
        // the name of a group is not a key of its own
        assertThatThrownBy(() -> RecordOptions.with(BASE, Map.of("tuning", "1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown setting 'tuning' for Settings, valid: name, step-size, max-rounds, verbose, total,"
                        + " round-cap, mode");
    }

    @Test
    void theNestedRecordsValidationStillRunsAndNamesItsKey() {
        assertThatThrownBy(() -> RecordOptions.with(BASE, Map.of("step-size", "1.5")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("step-size must be in (0.0, 1.0], got 1.5");
        assertThatThrownBy(() -> RecordOptions.with(BASE, Map.of("max-rounds", "0", "mode", "careful")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("max-rounds must be in [1, 100], got 0");
        // a value of a nested key that does not parse names the key too
        assertThatThrownBy(() -> RecordOptions.with(BASE, Map.of("round-cap", "many")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("round-cap must be an integer, got 'many'");
    }

    @Test
    void theOuterConstructorValidatesTheRebuiltGroups() {
        // the outer validation compares two groups: it runs on the overridden values of both
        assertThatThrownBy(() -> RecordOptions.with(BASE, Map.of("max-rounds", "60")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("max-rounds (60) must not exceed round-cap (50)");
        Settings raised = RecordOptions.with(BASE, Map.of("max-rounds", "60", "round-cap", "80"));
        assertThat(raised).isEqualTo(new Settings("base", new Tuning(0.1, 60), false, new Budget(1_000, 80),
                Mode.FAST));
    }

    @Test
    void aGroupInsideAGroupIsFlattenedToo() {
        record Inner(int depth) {
        }
        record Middle(String label, Inner inner) {
        }
        record Outer(Middle middle, double weight) {
        }
        Outer base = new Outer(new Middle("m", new Inner(3)), 0.5);
        assertThat(RecordOptions.describe(base).keySet()).containsExactly("label", "depth", "weight");
        assertThat(RecordOptions.toLogLine(base)).isEqualTo("label=m depth=3 weight=0.5");
        assertThat(RecordOptions.with(base, Map.of("depth", "4", "weight", "2")))
                .isEqualTo(new Outer(new Middle("m", new Inner(4)), 2.0));
    }

    @Test
    void aKeyThatAppearsTwiceOnceFlattenedIsRefused() {
        record Group(int maxRounds) {
        }
        record Clash(int maxRounds, Group group) {
        }
        Clash clash = new Clash(1, new Group(2));
        assertThatThrownBy(() -> RecordOptions.describe(clash))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'max-rounds' appears twice");
        assertThatThrownBy(() -> RecordOptions.with(clash, Map.of("max-rounds", "3")))
                .isInstanceOf(IllegalStateException.class);
    }
}
