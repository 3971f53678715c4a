package io.streamrl.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class PolicyNameTest {

    /** Every allowed character class, 128 characters: the longest name the rule accepts. */
    static final String LONGEST = "Az09._-".repeat(19).substring(0, 128);
    /**
     * Names the rule refuses: empty, spaces, separators, non-ASCII, one character too long. The
     * learner used to accept those of 1 to 200 characters without outer spaces; no actor did.
     */
    static final List<String> BAD = Arrays.asList(null, "", " ", " padded", "two words", "a/b", "a:b", "tab\t",
            "ümlaut", "p".repeat(129));

    @Test
    void acceptsTheLongestNameFromEveryAllowedCharacter() {
        assertThat(LONGEST).hasSize(PolicyName.MAX_LENGTH);
        assertThat(PolicyName.check("policy-name", LONGEST)).isEqualTo(LONGEST);
        assertThat(PolicyName.isValid(LONGEST)).isTrue();
        assertThat(PolicyName.check("policy-name", "Pendulum-v1")).isEqualTo("Pendulum-v1");
    }

    @Test
    void refusesEveryBadNameNamingTheKeyTheRangeAndTheValue() {
        for (String bad : BAD) {
            assertThat(PolicyName.isValid(bad)).as("%s", bad).isFalse();
            assertThatThrownBy(() -> PolicyName.check("policy-name", bad))
                    .as("%s", bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("policy-name must be 1 to 128 characters from [A-Za-z0-9._-], got "
                            + (bad == null ? "null" : "'" + bad + "'"));
        }
    }
}
