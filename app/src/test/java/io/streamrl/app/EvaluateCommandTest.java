package io.streamrl.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static io.streamrl.app.CliRun.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrl.broker.testing.EmbeddedKafkaExtension;
import io.streamrl.broker.testing.SharedKafka;
import io.streamrl.core.compute.Activation;
import io.streamrl.core.env.ActionSpace;
import io.streamrl.core.env.PricingEnv;
import io.streamrl.core.env.StepResult;
import io.streamrl.core.explore.BehaviourAction;
import io.streamrl.core.explore.BehaviourPolicy;
import io.streamrl.core.noise.ExplorationConfig;
import io.streamrl.core.policy.ObservationNormalizer;
import io.streamrl.core.policy.PolicySnapshot;
import io.streamrl.kafka.KafkaSettings;
import io.streamrl.kafka.PolicyEnvelopes;
import io.streamrl.kafka.TopicBootstrap;
import io.streamrl.schemas.RecordCodec;
import io.streamrl.schemas.avro.PolicyEnvelope;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code streamrl evaluate} as scripts use it: the table, --json, the refusals and the exit codes. */
@ExtendWith(EmbeddedKafkaExtension.class)
class EvaluateCommandTest {

    private static final String HEADER = "obs_0,obs_1,obs_2,obs_3,action_0,reward,next_obs_0,next_obs_1,next_obs_2,"
            + "next_obs_3,terminated,truncated,episode,step,log_density,actor_id";

    @TempDir
    Path tmp;

    @Test
    void estimatesFromAFileRankThePoliciesAndPrintOneLinePerEstimator() throws IOException {
        Path log = pricingLog("log.csv", 200, 10, true);
        Path optimal = policyFile("optimal.bin", optimalRule(1));
        Path twelve = policyFile("twelve.bin", fixedPrice(12, 1));

        CliRun r = run("evaluate", "--env", "pricing", "--policy", optimal.toString(), "--log", log.toString());
        assertThat(r.exitCode).as(r.err).isZero();
        assertThat(r.err).isEmpty();
        assertThat(r.out).contains("policy Pricing-v0 v1 (rule) from " + optimal + ", smoothed with bandwidth 0.1",
                "log " + log + ": 2,000 decisions of Pricing-v0 from 200 episodes of 200 actors, 0 without a"
                        + " behaviour density", "intervals: cluster-robust over 200 episodes (Student t)");
        for (String estimator : List.of("IS ", "WIS", "DR ")) {
            assertThat(r.out.lines().filter(l -> l.startsWith(estimator)))
                    .singleElement().asString().matches(estimator.strip()
                            + " +\\d\\.\\d{4}  95% \\[\\d\\.\\d{4}, \\d\\.\\d{4}\\]  n 2,000  ESS [\\d,]+");
        }

        JsonNode best = json(run("evaluate", "--env", "Pricing-v0", "--policy", optimal.toString(), "--log",
                log.toString(), "--json"));
        JsonNode worse = json(run("evaluate", "--env", "Pricing-v0", "--policy", twelve.toString(), "--log",
                log.toString(), "--json"));
        assertThat(best.get("refused").isNull()).isTrue();
        assertThat(best.get("log").get("rows_used").asInt()).isEqualTo(2_000);
        assertThat(best.get("units").asInt()).isEqualTo(200);
        assertThat(best.get("policy").get("sha256").asText()).hasSize(64);
        for (int e = 0; e < 3; e++) {
            JsonNode b = best.get("estimates").get(e);
            JsonNode w = worse.get("estimates").get(e);
            assertThat(b.get("estimator").asText()).isEqualTo(List.of("IS", "WIS", "DR").get(e));
            assertThat(b.get("low").asDouble()).isLessThan(b.get("value").asDouble());
            assertThat(b.get("high").asDouble()).isGreaterThan(b.get("value").asDouble());
            assertThat(b.get("value").asDouble()).as(b.get("estimator").asText())
                    .isGreaterThan(w.get("value").asDouble());
        }
    }

    @Test
    void refusalsPrintTheReasonOnOneLineAndExit65() throws IOException {
        Path log = pricingLog("log.csv", 200, 10, true);
        Path noDensity = pricingLog("no-density.csv", 200, 10, false);
        Path optimal = policyFile("optimal.bin", optimalRule(1));
        Path sixteen = policyFile("sixteen.bin", fixedPrice(16, 1));
        String[][] cases = {
            {"--policy " + optimal + " --log " + noDensity, "refused (no_densities): none of the 2000 rows carries"},
            {"--policy " + sixteen + " --log " + log + " --bandwidth 0.05", "refused (low_ess): the importance weights'"
                + " effective sample size is"},
            {"--policy " + optimal + " --log " + log + " --min-rows 5000", "refused (too_few_rows): the log has 2000"
                + " usable rows; --min-rows is 5000"},
            {"--policy " + optimal + " --log " + log + " --unit actor --min-units 500", "refused (too_few_units): the"
                + " usable rows come from 200 actor ids"},
        };
        for (String[] c : cases) {
            List<String> args = new ArrayList<>(List.of("evaluate", "--env", "pricing"));
            args.addAll(List.of(c[0].split(" ")));
            CliRun r = run(args.toArray(String[]::new));
            assertThat(r.exitCode).as(c[0] + ": " + r.err).isEqualTo(Main.EXIT_DATA);
            assertThat(r.err.strip().lines()).as(c[0]).hasSize(1);
            assertThat(r.err).as(c[0]).startsWith("streamrl evaluate: " + c[1]);
            assertThat(r.out).as(c[0]).contains(c[1]).doesNotContain("ESS ");
        }
        JsonNode refused = json(run("evaluate", "--env", "pricing", "--policy", sixteen.toString(), "--log",
                log.toString(), "--bandwidth", "0.05", "--json"));
        assertThat(refused.get("refused").get("reason").asText()).isEqualTo("low_ess");
        assertThat(refused.get("ess").asDouble()).isLessThan(100);
        assertThat(refused.get("estimates")).isEmpty();
    }

    @Test
    void badInputsAreOneLineWithTheirExitCodeBeforeKafkaIsTried() throws IOException {
        Path log = pricingLog("log.csv", 200, 10, true);
        Path policy = policyFile("optimal.bin", optimalRule(1));
        Path corrupt = Files.write(tmp.resolve("corrupt.bin"), corrupt(optimalRule(1).toBytes()));
        Path pendulum = policyFile("pendulum.bin", TestPolicies.pendulum(2));
        Path badRow = Files.writeString(tmp.resolve("bad-row.csv"), Files.readString(log).replaceFirst(
                "\n([^,\n]*,[^,\n]*,[^,\n]*,[^,\n]*,)[^,\n]*,", "\n$125.0,"));
        Path pendulumLog = Files.writeString(tmp.resolve("pendulum.csv"), "obs_0,obs_1,obs_2,action_0,reward,"
                + "next_obs_0,next_obs_1,next_obs_2,terminated,truncated,log_density\n1,0,0,0.5,-1,1,0,0,false,false,"
                + "-1.2\n");
        String[][] cases = {
            {"--env pricing --policy " + policy + " --log " + tmp.resolve("missing.csv"), "log " + tmp.resolve(
                "missing.csv") + " does not exist", "2"},
            {"--env pricing --policy " + policy, "give the logged decisions as --log FILE or --topic transitions",
                "2"},
            {"--env pricing --policy " + policy + " --log " + log + " --topic transitions", "or --topic transitions,"
                + " not both", "2"},
            {"--env pricing --policy " + policy + " --topic decisions", "topic must be transitions, got 'decisions':"
                + " decisions carry no rewards", "2"},
            {"--env pricing --policy " + policy + " --log " + log + " --bandwidth 0", "bandwidth must be in (0.0, 2.0],"
                + " got 0.0", "2"},
            {"--env pricing --policy " + policy + " --log " + log + " --confidence 1", "confidence must be in [0.5,"
                + " 0.999], got 1.0", "2"},
            {"--env pricing --policy " + policy + " --log " + log + " --unit shop", "unit must be one of [row, episode,"
                + " actor], got 'shop'", "2"},
            {"--env pricing --policy " + policy + " --log " + log + " --min-ess 0", "min-ess must be in [1, inf), got"
                + " 0.0", "2"},
            {"--env cartpole --policy " + policy + " --log " + log, "whose actions are discrete", "2"},
            {"--env pricing --policy " + tmp.resolve("nope.bin") + " --log " + log, "policy must be a version number"
                + " or a policy file; " + tmp.resolve("nope.bin") + " does not exist", "2"},
            {"--env pricing --policy " + pendulum + " --log " + log, "policy Pendulum-v1 v2 takes 3 observation values"
                + " and gives 1 action values; Pricing-v0 has 4 and 1", "2"},
            {"--env pricing --policy " + corrupt + " --log " + log, "policy file " + corrupt + " is not a valid policy"
                + " snapshot: policy snapshot checksum mismatch", "65"},
            {"--env pricing --policy " + policy + " --log " + badRow, badRow + " line 2: action_0 is 25.0; allowed:"
                + " [1.0, 20.0] for Pricing-v0 (out_of_bounds); evaluate reads every row", "65"},
            {"--env pendulum --policy " + pendulum + " --log " + pendulumLog, "refused (state_depends_on_action):"
                + " Pendulum-v1's states depend on the actions taken", "65"},
        };
        for (String[] c : cases) {
            List<String> args = new ArrayList<>(List.of("evaluate"));
            args.addAll(List.of(c[0].split(" ")));
            args.addAll(List.of("--bootstrap-server", "127.0.0.1:1", "--connect-timeout", "1"));
            CliRun r = run(args.toArray(String[]::new));
            assertThat(r.exitCode).as(c[0] + ": " + r.err).isEqualTo(Integer.parseInt(c[2]));
            assertThat(r.err.strip().lines()).as(c[0] + ": " + r.err).hasSize(1);
            assertThat(r.err).as(c[0]).contains(c[1]).doesNotContain("Exception");
        }
    }

    @Test
    void theTopicAndAPolicyVersionGiveWhatTheFilesGive(SharedKafka kafka) throws Exception {
        Path log = pricingLog("log.csv", 200, 10, true);
        PolicySnapshot optimal = optimalRule(3);
        Path file = policyFile("optimal.bin", optimal);
        String ns = kafka.freshNamespace("cli-evaluate");
        CliRun replay = run("replay", "--bootstrap-server", kafka.bootstrapServers(), "--namespace", ns, "--env",
                "pricing", "--file", log.toString());
        assertThat(replay.exitCode).as(replay.err).isZero();
        KafkaSettings settings = KafkaSettings.of(kafka.bootstrapServers(), ns);
        TopicBootstrap.ensureTopics(settings, settings.topics().all(), Clock.systemUTC());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(settings.producer("test-evaluate"))) {
            String topic = settings.topics().policy().name();
            producer.send(new ProducerRecord<>(topic, optimal.name().getBytes(StandardCharsets.UTF_8),
                    RecordCodec.policyEnvelope().encode(topic, PolicyEnvelopes.seal(optimal)))).get();
        }

        JsonNode fromFiles = json(run("evaluate", "--env", "pricing", "--policy", file.toString(), "--log",
                log.toString(), "--json"));
        JsonNode fromKafka = json(run("evaluate", "--bootstrap-server", kafka.bootstrapServers(), "--namespace", ns,
                "--env", "pricing", "--policy", "3", "--topic", "transitions", "--json"));
        assertThat(fromKafka.get("log").get("source").asText()).isEqualTo("topic " + ns + ".transitions");
        assertThat(fromKafka.get("policy").get("source").asText()).isEqualTo("topic " + ns + ".policy");
        assertThat(fromKafka.get("policy").get("sha256").asText())
                .isEqualTo(fromFiles.get("policy").get("sha256").asText());
        assertThat(fromKafka.get("log").get("rows_used").asInt()).isEqualTo(2_000);
        assertThat(fromKafka.get("units").asInt()).isEqualTo(200);
        assertThat(fromKafka.get("ess").asDouble()).isCloseTo(fromFiles.get("ess").asDouble(), within(1e-6));
        for (int e = 0; e < 2; e++) { // IS and WIS; DR's folds depend on the order the rows come in
            assertThat(fromKafka.get("estimates").get(e).get("value").asDouble())
                    .isCloseTo(fromFiles.get("estimates").get(e).get("value").asDouble(), within(1e-9));
        }

        CliRun gone = run("evaluate", "--bootstrap-server", kafka.bootstrapServers(), "--namespace", ns, "--env",
                "pricing", "--policy", "99", "--log", log.toString());
        assertThat(gone.exitCode).isEqualTo(Main.EXIT_USAGE);
        assertThat(gone.err.strip()).isEqualTo("streamrl evaluate: policy Pricing-v0 version 99 is not on " + ns
                + ".policy (it holds version [3]); the topic is compacted, so older versions are removed once newer"
                + " ones are published: evaluate a version it holds, or a policy file");
    }

    /**
     * {@code shops} shops for {@code days} days each, priced at 10 plus Gaussian noise of 0.3
     * normalised units by the simulation actor's own behaviour policy, as a CSV replay reads.
     */
    private Path pricingLog(String name, int shops, int days, boolean densities) throws IOException {
        SplittableRandom random = new SplittableRandom(11);
        PricingEnv env = new PricingEnv(random.split());
        ActionSpace.Box prices = (ActionSpace.Box) env.spec().actionSpace();
        BehaviourPolicy behaviour = BehaviourPolicy.of(ExplorationConfig.gaussian(0.3), random.split(), random.split(),
                prices);
        float ten = (float) (2 * (10 - 1) / 19.0 - 1);
        List<String> lines = new ArrayList<>(List.of(HEADER));
        for (int shop = 0; shop < shops; shop++) {
            float[] obs = env.reset();
            for (int day = 0; day < days; day++) {
                BehaviourAction a = behaviour.act(o -> new float[] {ten}, obs);
                StepResult step = env.step(a.environment());
                lines.add(String.format(Locale.ROOT, "%s,%s,%s,%s,false,%s,0,%d,%s,shop-%d", floats(obs),
                        (float) a.environment()[0], step.reward(), floats(step.observation()), day == days - 1,
                        day + 1, densities ? Double.toString(a.logDensity()) : "", shop));
                System.arraycopy(step.observation(), 0, obs, 0, obs.length);
            }
        }
        return Files.write(tmp.resolve(name), lines);
    }

    private static String floats(float[] x) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < x.length; i++) {
            s.append(i == 0 ? "" : ",").append(x[i]);
        }
        return s.toString();
    }

    /** The optimal price 4 + c/2 as a linear policy: a = (10 obs_1 - 13) / 19. */
    private static PolicySnapshot optimalRule(long version) {
        return linear(version, new float[] {0f, 10f / 19f, 0f, 0f, -13f / 19f});
    }

    private static PolicySnapshot fixedPrice(double price, long version) {
        return linear(version, new float[] {0f, 0f, 0f, 0f, (float) (2 * (price - 1) / 19 - 1)});
    }

    private static PolicySnapshot linear(long version, float[] weights) {
        return PolicySnapshot.create("Pricing-v0", "rule", version, 0L, new int[] {4, 1}, Activation.IDENTITY,
                Activation.IDENTITY, ObservationNormalizer.identity(4), new double[] {1}, new double[] {20}, weights);
    }

    private Path policyFile(String name, PolicySnapshot snapshot) throws IOException {
        return Files.write(tmp.resolve(name), snapshot.toBytes());
    }

    private static byte[] corrupt(byte[] bytes) {
        bytes[bytes.length / 2] ^= 1;
        return bytes;
    }

    private static JsonNode json(CliRun r) throws IOException {
        assertThat(r.out.strip().lines()).as(r.err).hasSize(1);
        return new ObjectMapper().readTree(r.out);
    }


}
