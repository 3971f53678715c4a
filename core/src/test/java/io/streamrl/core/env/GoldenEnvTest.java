package io.streamrl.core.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the environments against the Gymnasium golden vectors (ENVS.md): every {@code *.json}
 * in {@link GoldenDirectory}, one dynamic test per case. Each case is checked as
 * <ul>
 *   <li>{@code initial_obs}: the observation for {@code initial_state};</li>
 *   <li>rollout: open loop from {@code initial_state} with the recorded actions, for the first
 *       {@code rollout_stable_steps} steps (beyond them CartPole's open-loop instability turns
 *       1-ulp libm differences into large ones);</li>
 *   <li>re-synced: every step from the recorded previous state. One environment walks the
 *       whole case, so its time-limit counter stands at the step's 1-based index, as
 *       Gymnasium's wrapper does when {@code env.unwrapped.state} is overwritten;</li>
 *   <li>episode length: done on the last recorded step exactly when the case ends with a
 *       terminated/truncated step, never before, and a further step is refused.</li>
 * </ul>
 * Observations, states and rewards agree within {@code max(1e-6, 1e-6 |expected|)}; flags
 * exactly. MountainCar observations must match as float32 bit patterns (up to the sign of
 * zero), because only that catches an implementation that forgets the float32 state storage.
 *
 * <p>The vectors are the repository's copy in {@code core/src/test/resources/golden} unless
 * system property {@value GoldenDirectory#DIR_PROPERTY} names another directory
 * ({@link GoldenDirectory}). Run alone: {@code mvn -B -q -pl core -am test -Dtest='*Golden*'
 * -Dsurefire.failIfNoSpecifiedTests=false [-Dstreamrl.golden.dir=DIR]}.
 */
class GoldenEnvTest {

    private static final Logger LOG = LoggerFactory.getLogger(GoldenEnvTest.class);

    /** The Gymnasium commit the environments reimplement (ENVS.md). */
    private static final String REFERENCE_COMMIT = "3f0476a8cc224dcce2167cc4b6971ae0f04d5cfc";
    private static final double TOLERANCE = 1e-6;
    /** ENVS.md: recorded MountainCar states are the float32 values the next step reads. */
    private static final Set<String> EXACT_FLOAT32_OBSERVATIONS = Set.of(MountainCarContinuousEnv.ID);

    @TestFactory
    Stream<DynamicNode> goldenVectors() {
        return checks(GoldenDirectory.resolve());
    }

    /** The checks of every golden file in {@code dir}: per file a header test and one test per case. */
    static Stream<DynamicNode> checks(Path dir) {
        List<Path> files = jsonFiles(dir);
        assertThat(files).as("golden *.json files in " + dir).isNotEmpty();
        LOG.info("golden vectors from {}: {}", dir, files.stream().map(Path::getFileName).collect(Collectors.toList()));
        ObjectMapper mapper = new ObjectMapper();
        return files.stream().map(path -> fileTests(path, mapper));
    }

    private static DynamicNode fileTests(Path path, ObjectMapper mapper) {
        GoldenFile file = GoldenFile.read(path, mapper);
        GoldenFile.Header header = file.header();
        Stream<DynamicTest> headerTest = Stream.of(DynamicTest.dynamicTest("header of " + header.env(),
                () -> checkHeader(file)));
        Stream<DynamicTest> caseTests = file.cases().stream().map(c -> DynamicTest.dynamicTest(
                c.name() + " (" + c.steps().size() + " steps)", () -> checkCase(header, c)));
        return DynamicContainer.dynamicContainer(path.getFileName().toString(),
                Stream.concat(headerTest, caseTests));
    }

    private static void checkHeader(GoldenFile file) {
        GoldenFile.Header h = file.header();
        EnvSpec spec = Envs.spec(h.env());
        assertThat(spec.id()).as("registry id for header env").isEqualTo(h.env());
        assertThat(h.gymnasiumCommit()).as("Gymnasium commit of " + file.path()).isEqualTo(REFERENCE_COMMIT);
        assertThat(spec.maxEpisodeSteps()).as(h.env() + " max_episode_steps").isEqualTo(h.maxEpisodeSteps());
        assertThat(spec.observationDim()).as(h.env() + " observation shape").isEqualTo(h.observationDim());
        JsonNode action = h.actionSpace();
        switch (action.get("type").asText()) {
            case "Box" -> {
                assertThat(spec.actionSpace()).as(h.env() + " action space").isInstanceOf(ActionSpace.Box.class);
                ActionSpace.Box box = (ActionSpace.Box) spec.actionSpace();
                assertThat(box.low()).as(h.env() + " action low").containsExactly(GoldenFile.numbers(action.get("low")));
                assertThat(box.high()).as(h.env() + " action high").containsExactly(GoldenFile.numbers(action.get("high")));
            }
            case "Discrete" -> assertThat(spec.actionSpace()).as(h.env() + " action space")
                    .isEqualTo(new ActionSpace.Discrete(action.get("n").asInt()));
            default -> fail("unknown action space in " + file.path() + ": " + action);
        }
        assertThat(file.cases()).as("cases in " + file.path()).hasSize(h.caseCount());
        assertThat(file.totalSteps()).as("steps in " + file.path()).isEqualTo(h.stepCount());
        LOG.info("{}: {} cases, {} recorded steps, {} rollout steps and {} re-synced steps checked", h.env(),
                file.cases().size(), file.totalSteps(),
                file.cases().stream().mapToInt(GoldenEnvTest::rolloutLength).sum(), file.totalSteps());
    }

    private static void checkCase(GoldenFile.Header header, GoldenFile.Case golden) {
        boolean exactObs = EXACT_FLOAT32_OBSERVATIONS.contains(header.env());
        String where = header.env() + " case '" + golden.name() + "'";

        Env env = startedEnv(header, golden.initialState());
        assertObservation(golden.initialObs(), env.observation(), exactObs, where + " initial_obs");

        for (int i = 0; i < rolloutLength(golden); i++) {
            GoldenFile.Step step = golden.steps().get(i);
            StepResult result = env.step(step.action());
            assertStep(step, result, env.state(), exactObs, where + " rollout step " + (i + 1));
        }

        env = startedEnv(header, golden.initialState());
        List<GoldenFile.Step> steps = golden.steps();
        double[] previousState = golden.initialState();
        for (int i = 0; i < steps.size(); i++) {
            GoldenFile.Step step = steps.get(i);
            env.setState(previousState);
            StepResult result = env.step(step.action());
            String at = where + " re-synced step " + (i + 1) + " of " + steps.size();
            assertStep(step, result, env.state(), exactObs, at);
            boolean last = i == steps.size() - 1;
            assertThat(result.done()).as(at + ": done").isEqualTo(last && step.done());
            previousState = step.state();
        }

        GoldenFile.Step lastStep = steps.get(steps.size() - 1);
        if (lastStep.done()) {
            Env ended = env;
            assertThatThrownBy(() -> ended.step(lastStep.action())).as(where + ": step after the episode ended")
                    .isInstanceOf(IllegalStateException.class);
        }
    }

    private static int rolloutLength(GoldenFile.Case golden) {
        return Math.min(golden.rolloutStableSteps(), golden.steps().size());
    }

    /** As the case protocol: make, reset, then overwrite the state. */
    private static Env startedEnv(GoldenFile.Header header, double[] state) {
        Env env = Envs.make(header.env(), new SplittableRandom(0));
        env.reset();
        env.setState(state);
        return env;
    }

    private static void assertStep(GoldenFile.Step expected, StepResult result, double[] state, boolean exactObs,
                                   String at) {
        assertObservation(expected.obs(), result.observation(), exactObs, at + " obs");
        assertThat(state).as(at + " state length").hasSameSizeAs(expected.state());
        for (int j = 0; j < state.length; j++) {
            assertClose(expected.state()[j], state[j], at + " state[" + j + "]");
        }
        assertClose(expected.reward(), result.reward(), at + " reward");
        assertThat(result.terminated()).as(at + " terminated").isEqualTo(expected.terminated());
        assertThat(result.truncated()).as(at + " truncated").isEqualTo(expected.truncated());
    }

    private static void assertObservation(double[] expected, float[] actual, boolean exact, String what) {
        assertThat(actual.length).as(what + " length").isEqualTo(expected.length);
        for (int j = 0; j < actual.length; j++) {
            if (exact) {
                // == on floats, so -0.0 equals 0.0 (signed zeros compare numerically, ENVS.md)
                assertThat(actual[j] == (float) expected[j])
                        .as("%s[%d]: expected float32 %s but was %s", what, j, (float) expected[j], actual[j])
                        .isTrue();
            } else {
                assertClose(expected[j], actual[j], what + "[" + j + "]");
            }
        }
    }

    private static void assertClose(double expected, double actual, String what) {
        double tolerance = Math.max(TOLERANCE, TOLERANCE * Math.abs(expected));
        assertThat(actual).as(what).isCloseTo(expected, within(tolerance));
    }

    private static List<Path> jsonFiles(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(p -> p.getFileName().toString().endsWith(".json") && Files.isRegularFile(p))
                    .sorted()
                    .collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list golden directory " + dir, e);
        }
    }
}
