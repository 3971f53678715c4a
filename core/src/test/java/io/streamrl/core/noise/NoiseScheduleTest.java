package io.streamrl.core.noise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code sigma_k = max(sigmaMin, sigma0 * decay^k)} and the validation of its three keys. */
class NoiseScheduleTest {

    @Test
    void scaleHalvesEveryEpisodeUntilItReachesTheFloor() {
        // sigma0 = 1, decay 1/2: 1, 0.5, 0.25, 0.125, then 0.0625 < 0.1 is lifted to the floor
        NoiseSchedule s = new NoiseSchedule(1.0, 0.1, 0.5);
        assertThat(s.sigma(0)).isEqualTo(1.0);
        assertThat(s.sigma(1)).isEqualTo(0.5);
        assertThat(s.sigma(2)).isEqualTo(0.25);
        assertThat(s.sigma(3)).isEqualTo(0.125);
        assertThat(s.sigma(4)).isEqualTo(0.1);
        assertThat(s.sigma(1_000)).isEqualTo(0.1);
        // decay^k underflows to 0 for huge k; the floor still holds
        assertThat(s.sigma(Long.MAX_VALUE)).isEqualTo(0.1);
    }

    @Test
    void scaleIsNonIncreasingAndMatchesTheClosedForm() {
        NoiseSchedule s = new NoiseSchedule(0.8, 0.05, 0.97);
        double previous = Double.POSITIVE_INFINITY;
        for (long k = 0; k <= 200; k++) {
            double sigma = s.sigma(k);
            assertThat(sigma).as("episode %d", k)
                    .isLessThanOrEqualTo(previous)
                    .isGreaterThanOrEqualTo(0.05)
                    .isCloseTo(Math.max(0.05, 0.8 * Math.pow(0.97, k)), within(1e-12));
            previous = sigma;
        }
        // 0.8 * 0.97^k < 0.05 from k = ceil(ln(1/16) / ln(0.97)) = 92 on
        assertThat(s.sigma(91)).isGreaterThan(0.05);
        assertThat(s.sigma(92)).isEqualTo(0.05);
    }

    @Test
    void decayOfOneOrAConstantScheduleKeepsTheInitialScale() {
        NoiseSchedule constant = NoiseSchedule.constant(0.3);
        NoiseSchedule noDecay = new NoiseSchedule(0.3, 0.0, 1.0);
        for (long k : new long[] {0, 1, 7, 10_000}) {
            assertThat(constant.sigma(k)).isEqualTo(0.3);
            assertThat(noDecay.sigma(k)).isEqualTo(0.3);
        }
        assertThat(constant).isEqualTo(new NoiseSchedule(0.3, 0.3, 1.0));
    }

    @Test
    void zeroScaleTurnsTheNoiseOff() {
        NoiseSchedule off = new NoiseSchedule(0.0, 0.0, 0.5);
        assertThat(off.sigma(0)).isZero();
        assertThat(off.sigma(5)).isZero();
    }

    @Test
    void negativeEpisodeIsRejected() {
        NoiseSchedule s = NoiseSchedule.constant(0.1);
        assertThatThrownBy(() -> s.sigma(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("episode must be >= 0, got -1");
    }

    @ParameterizedTest(name = "sigma0={0} sigmaMin={1} decay={2}")
    @CsvSource({
        // noise-sigma in [0, 10]
        "-0.01, 0.0, 1.0, 'noise-sigma must be in [0.0, 10.0], got -0.01'",
        "10.5, 0.0, 1.0, 'noise-sigma must be in [0.0, 10.0], got 10.5'",
        "NaN, 0.0, 1.0, 'noise-sigma must be in [0.0, 10.0], got NaN'",
        "Infinity, 0.0, 1.0, 'noise-sigma must be in [0.0, 10.0], got Infinity'",
        // noise-sigma-min in [0, sigma0]: the upper end is this schedule's sigma0
        "0.2, -0.01, 1.0, 'noise-sigma-min must be in [0.0, noise-sigma=0.2], got -0.01'",
        "0.2, 0.3, 1.0, 'noise-sigma-min must be in [0.0, noise-sigma=0.2], got 0.3'",
        "0.2, NaN, 1.0, 'noise-sigma-min must be in [0.0, noise-sigma=0.2], got NaN'",
        // noise-decay in (0, 1]
        "0.2, 0.1, 0.0, 'noise-decay must be in (0.0, 1.0], got 0.0'",
        "0.2, 0.1, -0.5, 'noise-decay must be in (0.0, 1.0], got -0.5'",
        "0.2, 0.1, 1.01, 'noise-decay must be in (0.0, 1.0], got 1.01'",
        "0.2, 0.1, NaN, 'noise-decay must be in (0.0, 1.0], got NaN'",
    })
    void badParametersAreRejectedNamingKeyAndRange(double sigma0, double sigmaMin, double decay, String message) {
        assertThatThrownBy(() -> new NoiseSchedule(sigma0, sigmaMin, decay))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    @ParameterizedTest(name = "sigma0={0} sigmaMin={1} decay={2}")
    @CsvSource({
        "0.0, 0.0, 1.0",        // lower ends of both closed ranges
        "10.0, 10.0, 1.0",      // upper ends: sigma0 = 10, sigmaMin = sigma0, decay = 1
        "0.5, 0.0, 1e-9",       // decay just above its open lower end
    })
    void boundaryValuesAreAccepted(double sigma0, double sigmaMin, double decay) {
        assertThatCode(() -> new NoiseSchedule(sigma0, sigmaMin, decay)).doesNotThrowAnyException();
    }
}
