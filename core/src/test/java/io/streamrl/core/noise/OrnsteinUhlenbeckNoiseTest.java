package io.streamrl.core.noise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The discretised OU process {@code x_{t+1} = (1 - theta) x_t + sigma_k g_t}, {@code g_t ~ N(0, 1)},
 * restarted at 0 in every episode. With {@code phi = 1 - theta} it is an AR(1) process: lag-k
 * autocorrelation {@code phi^k}, stationary variance {@code sigma^2 / (1 - phi^2)}.
 */
class OrnsteinUhlenbeckNoiseTest {

    private static final int N = 200_000;
    private static final int BURN_IN = 1_000;

    @Test
    void followsTheRecurrenceOnTheGeneratorsGaussiansAndRestartsAtZero() {
        double theta = 0.15;
        double sigma = 0.2;
        OrnsteinUhlenbeckNoise noise = new OrnsteinUhlenbeckNoise(2, theta, NoiseSchedule.constant(sigma),
                new SplittableRandom(77));
        SplittableRandom twin = new SplittableRandom(77);
        double[] x = new double[2];
        for (int episode = 0; episode < 3; episode++) {
            noise.reset(episode);
            x[0] = 0;
            x[1] = 0;
            for (int t = 0; t < 100; t++) {
                float[] s = noise.sample();
                assertThat(s).hasSize(2);
                for (int d = 0; d < 2; d++) {
                    x[d] = (1 - theta) * x[d] + sigma * twin.nextGaussian();
                    assertThat(s[d]).as("episode %d step %d dim %d", episode, t, d)
                            .isCloseTo((float) x[d], within(1e-6f));
                }
            }
            // the state has wandered away from 0 by now, so the restart below is observable
            assertThat(Math.abs(x[0]) + Math.abs(x[1])).isGreaterThan(1e-3);
        }
    }

    @Test
    void firstSampleAfterResetIsOnlyTheEpisodesScaledInnovation() {
        // sigma_0 = 0.4, sigma_2 = 0.1; x_0 = 0 so x_1 = sigma_k * g exactly
        NoiseSchedule schedule = new NoiseSchedule(0.4, 0.05, 0.5);
        OrnsteinUhlenbeckNoise noise = new OrnsteinUhlenbeckNoise(1, 0.15, schedule, new SplittableRandom(5));
        SplittableRandom twin = new SplittableRandom(5);
        assertThat(noise.sigma()).isEqualTo(0.4);
        assertThat(noise.sample()[0]).isEqualTo((float) (0.4 * twin.nextGaussian()));
        for (int t = 0; t < 50; t++) {
            noise.sample();
            twin.nextGaussian();
        }
        noise.reset(2);
        assertThat(noise.sigma()).isCloseTo(0.1, within(1e-15));
        assertThat(noise.sample()[0]).isEqualTo((float) (0.1 * twin.nextGaussian()));
    }

    @Test
    void sameSeedGivesTheSameSequenceAndAnotherSeedAnotherOne() {
        NoiseSchedule schedule = new NoiseSchedule(0.8, 0.1, 0.97);
        OrnsteinUhlenbeckNoise a = new OrnsteinUhlenbeckNoise(2, 0.15, schedule, new SplittableRandom(11));
        OrnsteinUhlenbeckNoise b = new OrnsteinUhlenbeckNoise(2, 0.15, schedule, new SplittableRandom(11));
        OrnsteinUhlenbeckNoise c = new OrnsteinUhlenbeckNoise(2, 0.15, schedule, new SplittableRandom(12));
        assertThat(Stats.samplesDifferingFromTheTwin(a, b, c, 4, 200)).isEqualTo(800);
    }

    @ParameterizedTest(name = "theta={0}")
    @ValueSource(doubles = {0.05, 0.15, 0.5, 1.0})
    void lagOneAutocorrelationIsOneMinusTheta(double theta) {
        double phi = 1 - theta;
        double[] x = trajectory(theta, 0.2, 1, 31)[0];
        // Bartlett: the lag-1 sample autocorrelation of an AR(1) has standard error sqrt((1 - phi^2) / n)
        // (for theta = 1, white noise, 1/sqrt(n) = 2.2e-3); 5 standard errors
        double tolerance = 5 * Math.sqrt((1 - phi * phi) / x.length);
        assertThat(Stats.lagCorrelation(x, 1)).isCloseTo(phi, within(tolerance));
    }

    @Test
    void autocorrelationDecaysGeometrically() {
        double phi = 0.85; // theta 0.15, as in DDPG
        double[] x = trajectory(0.15, 0.2, 1, 32)[0];
        int n = x.length;
        for (int k : new int[] {2, 5, 10, 20}) {
            double phi2k = Math.pow(phi, 2 * k);
            // Bartlett's variance of the lag-k sample autocorrelation of an AR(1)
            double variance = ((1 + phi * phi) * (1 - phi2k) / (1 - phi * phi) - 2 * k * phi2k) / n;
            assertThat(Stats.lagCorrelation(x, k)).as("lag %d", k)
                    .isCloseTo(Math.pow(phi, k), within(5 * Math.sqrt(variance)));
        }
    }

    @ParameterizedTest(name = "theta={0} sigma={1}")
    @CsvSource({"0.15, 0.2", "0.5, 0.3", "1.0, 0.1"})
    void revertsToZeroWithTheStationaryVarianceOfTheDiscreteProcess(double theta, double sigma) {
        double phi = 1 - theta;
        double stationary = sigma * sigma / (1 - phi * phi); // = sigma^2 / (theta (2 - theta))
        double[] x = trajectory(theta, sigma, 1, 33)[0];
        int n = x.length;
        double factor = (1 + phi) / (1 - phi); // long-run variance inflation of the mean of an AR(1)
        assertThat(Stats.mean(x)).as("mean")
                .isCloseTo(0.0, within(5 * Math.sqrt(stationary * factor / n)));
        // variance of the sample variance of a Gaussian AR(1): 2 v^2 (1 + phi^2) / ((1 - phi^2) n)
        double seVariance = stationary * Math.sqrt(2 * (1 + phi * phi) / ((1 - phi * phi) * n));
        assertThat(Stats.variance(x)).as("variance")
                .isCloseTo(stationary, within(5 * seVariance));
    }

    @Test
    void dimensionsAreIndependentProcesses() {
        double phi = 0.85;
        double[][] x = trajectory(0.15, 0.2, 2, 34);
        int n = x[0].length;
        // cross-correlation of two independent AR(1) with the same phi: variance (1 + phi^2) / ((1 - phi^2) n)
        double tolerance = 5 * Math.sqrt((1 + phi * phi) / ((1 - phi * phi) * n));
        assertThat(Stats.correlation(x[0], x[1])).isCloseTo(0.0, within(tolerance));
        assertThat(Stats.lagCorrelation(x[1], 1)).isCloseTo(phi, within(5 * Math.sqrt((1 - phi * phi) / n)));
    }

    @Test
    void sigmaReportsTheScheduleScaleWhichIsNotTheProcessStd() {
        // sigma() is the innovation scale; the process std is larger by 1/sqrt(theta (2 - theta))
        OrnsteinUhlenbeckNoise noise = new OrnsteinUhlenbeckNoise(1, 0.15, new NoiseSchedule(0.2, 0.02, 0.5),
                new SplittableRandom(1));
        assertThat(noise.sigma()).isEqualTo(0.2);
        noise.reset(1);
        assertThat(noise.sigma()).isEqualTo(0.1);
        noise.reset(10);
        assertThat(noise.sigma()).isEqualTo(0.02);
    }

    @ParameterizedTest(name = "theta={0}")
    @ValueSource(doubles = {0.0, -0.1, 1.5, Double.NaN})
    void thetaOutsideZeroToOneIsRejectedNamingTheKey(double theta) {
        assertThatThrownBy(() -> new OrnsteinUhlenbeckNoise(1, theta, NoiseSchedule.constant(0.2),
                new SplittableRandom(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ou-theta must be in (0.0, 1.0], got " + theta);
    }

    @Test
    void thetaOfOneIsAccepted() {
        assertThatCode(() -> new OrnsteinUhlenbeckNoise(1, 1.0, NoiseSchedule.constant(0.2), new SplittableRandom(1)))
                .doesNotThrowAnyException();
    }

    @Test
    void dimensionBelowOneIsRejected() {
        assertThatThrownBy(() -> new OrnsteinUhlenbeckNoise(0, 0.15, NoiseSchedule.constant(0.2),
                new SplittableRandom(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("noise dimension must be >= 1, got 0");
    }

    /** {@code N} samples per dimension after a burn-in of {@code BURN_IN} steps, x[dim][t]. */
    private static double[][] trajectory(double theta, double sigma, int dim, long seed) {
        OrnsteinUhlenbeckNoise noise = new OrnsteinUhlenbeckNoise(dim, theta, NoiseSchedule.constant(sigma),
                new SplittableRandom(seed));
        noise.reset(0);
        for (int t = 0; t < BURN_IN; t++) {
            noise.sample();
        }
        double[][] x = new double[dim][N];
        for (int t = 0; t < N; t++) {
            float[] s = noise.sample();
            for (int d = 0; d < dim; d++) {
                x[d][t] = s[d];
            }
        }
        return x;
    }
}
