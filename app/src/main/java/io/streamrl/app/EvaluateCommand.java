package io.streamrl.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrl.core.env.ActionSpace;
import io.streamrl.core.env.EnvSpec;
import io.streamrl.core.env.Envs;
import io.streamrl.core.ope.Estimate;
import io.streamrl.core.ope.IntervalUnit;
import io.streamrl.core.ope.LoggedDecisions;
import io.streamrl.core.ope.OffPolicyEvaluator;
import io.streamrl.core.ope.OpeConfig;
import io.streamrl.core.ope.OpeReport;
import io.streamrl.core.policy.InvalidSnapshotException;
import io.streamrl.core.policy.PolicyName;
import io.streamrl.core.policy.PolicySnapshot;
import io.streamrl.producer.BadFileException;
import io.streamrl.producer.DecisionLogs;
import io.streamrl.producer.FileFormat;
import io.streamrl.producer.PolicyLookup;
import io.streamrl.schemas.Topics;
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Off-policy evaluation: what a policy would earn per decision, estimated from logged decisions"
                + " that carry the behaviour policy's log-density (importance sampling, weighted importance sampling"
                + " and doubly robust, with confidence intervals and the effective sample size). The policy is"
                + " evaluated smoothed: Gaussian noise of --bandwidth around its action. Exit 0 with estimates, 65"
                + " when the log cannot support one (the reason is printed), 2 for bad options.")
final class EvaluateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--env", required = true, description = "Environment of the log and the policy, which fixes"
            + " their sizes and action bounds: ${COMPLETION-CANDIDATES}", completionCandidates = EnvNames.class)
    String env;

    @Option(names = "--policy", required = true, paramLabel = "VERSION|FILE", description = "The policy to"
            + " evaluate: a version on the policy topic (a whole number; the topic is compacted, so only recent"
            + " versions are there) or a policy file (OUT/policy.bin of 'streamrl train').")
    String policy;

    @Option(names = "--policy-name", paramLabel = "NAME", description = "The policy whose --policy VERSION to"
            + " read (default: the env's Gymnasium id, as the learner names it).")
    String policyName;

    @Option(names = "--log", paramLabel = "FILE", description = "The logged decisions: a file 'streamrl replay'"
            + " reads (CSV with a log_density column, JSON Lines, Avro).")
    Path log;

    @Option(names = "--format", description = "Format of --log: csv, jsonl or avro (default: from its extension).")
    String format;

    @Option(names = "--topic", description = "Read the logged decisions from the namespace's topic instead:"
            + " transitions (the reward join's carry each decision's log-density).")
    String topic;

    @Option(names = "--bandwidth", defaultValue = "" + OpeConfig.DEFAULT_BANDWIDTH, paramLabel = "H",
            description = "Standard deviation of the Gaussian smoothing of the policy's action, in normalised action"
                    + " units ([-1, 1] is 2 wide), in (0, 2] (default: ${DEFAULT-VALUE}). Smaller is closer to the"
                    + " deterministic policy and gives a smaller effective sample size.")
    double bandwidth;

    @Option(names = "--min-rows", defaultValue = "" + OpeConfig.DEFAULT_MIN_ROWS, paramLabel = "N",
            description = "Refuse a log of fewer usable rows (default: ${DEFAULT-VALUE}).")
    int minRows;

    @Option(names = "--min-ess", defaultValue = "100", paramLabel = "N",
            description = "Refuse when the importance weights' effective sample size is below this (default:"
                    + " ${DEFAULT-VALUE}).")
    double minEss;

    @Option(names = "--unit", defaultValue = "episode", paramLabel = "episode|actor|row",
            description = "What the intervals treat as independent: episode (the rows of one actor's episode share"
                    + " their states), actor (all rows of one actor id or entity) or row (default: ${DEFAULT-VALUE}).")
    String unit;

    @Option(names = "--min-units", defaultValue = "" + OpeConfig.DEFAULT_MIN_UNITS, paramLabel = "N",
            description = "Refuse fewer independent units than this (default: ${DEFAULT-VALUE}).")
    int minUnits;

    @Option(names = "--confidence", defaultValue = "" + OpeConfig.DEFAULT_CONFIDENCE, paramLabel = "P",
            description = "Coverage of the intervals, in [0.5, 0.999] (default: ${DEFAULT-VALUE}).")
    double confidence;

    @Option(names = "--drop-missing-density", description = "Estimate from the rows that carry a behaviour"
            + " log-density when some do not, instead of refusing.")
    boolean dropMissingDensity;

    @Option(names = "--per-decision", description = "Estimate even for an environment whose states depend on the"
            + " actions; the result is then the expected reward per decision on the logged states, not the"
            + " policy's value.")
    boolean perDecision;

    @Option(names = "--critic-degree", defaultValue = "" + OpeConfig.DEFAULT_CRITIC_DEGREE, paramLabel = "D",
            description = "Degree of the polynomial features of the doubly robust critic, 1 to 4 (default:"
                    + " ${DEFAULT-VALUE}).")
    int criticDegree;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the critic's folds and of the draws of"
            + " the smoothed policy (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--json", description = "Print one JSON object instead of the table.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        EnvSpec envSpec = Envs.spec(env);
        if (!(envSpec.actionSpace() instanceof ActionSpace.Box box)) {
            throw new IllegalArgumentException("env is " + envSpec.id() + ", whose actions are discrete; evaluate"
                    + " takes a continuous (Box) action space, e.g. Pendulum-v1 or Pricing-v0");
        }
        OpeConfig config = new OpeConfig(bandwidth, minRows, minEss, minUnits, IntervalUnit.named("unit", unit),
                confidence, dropMissingDensity, perDecision, criticDegree, OpeConfig.DEFAULT_CRITIC_RIDGE,
                OpeConfig.DEFAULT_CRITIC_SAMPLES, seed);
        if ((log == null) == (topic == null)) {
            throw new IllegalArgumentException("give the logged decisions as --log FILE or --topic transitions"
                    + (log == null ? "" : ", not both"));
        }
        if (topic != null && !topic.strip().equals(Topics.TRANSITIONS)) {
            throw new IllegalArgumentException("topic must be " + Topics.TRANSITIONS + ", got '" + topic + "'"
                    + (topic.strip().equals(Topics.DECISIONS) ? ": decisions carry no rewards; the reward join turns"
                    + " them and their rewards into transitions, with each decision's log-density" : ""));
        }
        if (log != null && (!Files.isRegularFile(log) || !Files.isReadable(log))) {
            throw new IllegalArgumentException("log " + log + (Files.exists(log) ? " cannot be read" : " does not exist"));
        }
        FileFormat logFormat = log == null ? null : format == null ? FileFormat.of(log) : FileFormat.named(format);
        Long version = policyVersion();
        String name = policyName == null ? envSpec.id() : PolicyName.check("policy-name", policyName);
        // Files first: what the user can fix without Kafka says so before Kafka is tried.
        PolicySnapshot snapshot = version == null ? policyFile(Path.of(policy)) : null;
        String logSource;
        long leftOut = 0;
        String leftOutWhy = null;
        LoggedDecisions decisions;
        if (log != null) {
            decisions = DecisionLogs.read(log, logFormat, envSpec);
            logSource = log.toString();
        } else {
            DecisionLogs.TopicLog read = DecisionLogs.readTopic(kafka.settings(), envSpec, () -> false);
            decisions = read.log();
            logSource = "topic " + kafka.settings().topics().transitions().name();
            leftOut = read.leftOut();
            leftOutWhy = leftOutReasons(read);
        }
        if (version != null) {
            snapshot = PolicyLookup.find(kafka.settings(), name, version, () -> false);
        }
        checkFits(snapshot, envSpec, box);
        String policySource = version == null ? policy : "topic " + kafka.settings().topics().policy().name();
        OpeReport report = new OffPolicyEvaluator(config).evaluate(decisions, snapshot::actNormalized);

        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(new ObjectMapper().writeValueAsString(json(report, snapshot, policySource, logSource, leftOut,
                    decisions)));
        } else {
            table(out, report, snapshot, policySource, logSource, leftOut, leftOutWhy, decisions);
        }
        out.flush();
        if (report.refused()) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("streamrl evaluate: refused (" + report.refusal().reason().label() + "): "
                    + report.refusal().message());
            err.flush();
            return Main.EXIT_DATA;
        }
        return 0;
    }

    /** The version --policy names, or null when it names a file. */
    private Long policyVersion() {
        String p = policy.strip();
        if (p.matches("\\d{1,18}")) {
            return Long.parseLong(p);
        }
        Path file = Path.of(p);
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new IllegalArgumentException("policy must be a version number or a policy file; " + p
                    + (Files.exists(file) ? " cannot be read" : " does not exist"));
        }
        return null;
    }

    private static PolicySnapshot policyFile(Path file) throws IOException {
        try {
            return PolicySnapshot.fromBytes(Files.readAllBytes(file));
        } catch (InvalidSnapshotException e) {
            throw new BadFileException("policy file " + file + " is not a valid policy snapshot: " + e.getMessage()
                    + " (streamrl train writes one to OUT/policy.bin)", e);
        }
    }

    private static void checkFits(PolicySnapshot p, EnvSpec envSpec, ActionSpace.Box box) {
        if (p.observationDim() != envSpec.observationDim() || p.actionDim() != box.dim()) {
            throw new IllegalArgumentException("policy " + p.name() + " v" + p.version() + " takes "
                    + p.observationDim() + " observation values and gives " + p.actionDim() + " action values; "
                    + envSpec.id() + " has " + envSpec.observationDim() + " and " + box.dim());
        }
        if (!Arrays.equals(p.actionLow(), box.low()) || !Arrays.equals(p.actionHigh(), box.high())) {
            throw new IllegalArgumentException("policy " + p.name() + " v" + p.version() + " acts within "
                    + Arrays.toString(p.actionLow()) + " to " + Arrays.toString(p.actionHigh()) + ", " + envSpec.id()
                    + " within " + Arrays.toString(box.low()) + " to " + Arrays.toString(box.high())
                    + "; its normalised actions would mean other actions than the log's");
        }
    }

    private static String leftOutReasons(DecisionLogs.TopicLog read) {
        List<String> why = new ArrayList<>();
        if (read.undecodable() > 0) {
            why.add(String.format(Locale.ROOT, "%,d undecodable", read.undecodable()));
        }
        read.otherEnvironments().forEach((id, n) -> why.add(String.format(Locale.ROOT, "%,d of %s", n, id)));
        if (read.invalid() > 0) {
            why.add(String.format(Locale.ROOT, "%,d invalid, the first at %s", read.invalid(), read.firstInvalid()));
        }
        return String.join(", ", why);
    }

    private void table(PrintWriter out, OpeReport r, PolicySnapshot p, String policySource, String logSource,
                       long leftOut, String leftOutWhy, LoggedDecisions d) {
        out.printf(Locale.ROOT, "policy %s v%d (%s) from %s, smoothed with bandwidth %s%n", p.name(), p.version(),
                p.algorithm(), policySource, trim(r.bandwidth()));
        out.printf(Locale.ROOT, "log %s: %,d decisions of %s from %,d episodes of %,d actors, %,d without a behaviour"
                        + " density%s%n", logSource, r.rows(), r.envId(), d.episodes(), d.actors(), r.rowsWithoutDensity(),
                leftOut > 0 ? String.format(Locale.ROOT, "; %,d records left out (%s)", leftOut, leftOutWhy) : "");
        for (String note : r.notes()) {
            out.println("note: " + note);
        }
        if (r.refused()) {
            out.println("refused (" + r.refusal().reason().label() + "): " + r.refusal().message());
            return;
        }
        String level = new BigDecimal(Double.toString(r.confidence())).movePointRight(2).stripTrailingZeros()
                .toPlainString() + "%";
        for (Estimate e : r.estimates()) {
            out.printf(Locale.ROOT, "%-3s %10.4f  %s [%.4f, %.4f]  n %,d  ESS %,.0f%n", e.estimator(), e.value(), level,
                    e.low(), e.high(), r.rowsUsed(), r.ess());
        }
        out.printf(Locale.ROOT, "intervals: cluster-robust over %,d %ss (Student t); mean weight %.3f, the largest"
                + " %.2f%% of their sum%n", r.units(), r.unit().label(), r.meanWeight(), 100 * r.maxWeightShare());
    }

    private Map<String, Object> json(OpeReport r, PolicySnapshot p, String policySource, String logSource,
                                     long leftOut, LoggedDecisions d) {
        Map<String, Object> policyJson = new LinkedHashMap<>();
        policyJson.put("name", p.name());
        policyJson.put("version", p.version());
        policyJson.put("algorithm", p.algorithm());
        policyJson.put("source", policySource);
        policyJson.put("sha256", p.checksumHex());
        Map<String, Object> logJson = new LinkedHashMap<>();
        logJson.put("source", logSource);
        logJson.put("rows", r.rows());
        logJson.put("rows_without_density", r.rowsWithoutDensity());
        logJson.put("rows_used", r.rowsUsed());
        logJson.put("records_left_out", leftOut);
        logJson.put("episodes", d.episodes());
        logJson.put("actors", d.actors());
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("env", r.envId());
        o.put("policy", policyJson);
        o.put("log", logJson);
        o.put("bandwidth", r.bandwidth());
        o.put("confidence", r.confidence());
        o.put("unit", r.unit().label());
        o.put("units", r.units());
        o.put("ess", finite(r.ess()));
        o.put("mean_weight", finite(r.meanWeight()));
        o.put("max_weight_share", finite(r.maxWeightShare()));
        List<Map<String, Object>> estimates = new ArrayList<>();
        for (Estimate e : r.estimates()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("estimator", e.estimator().name());
            x.put("value", e.value());
            x.put("low", e.low());
            x.put("high", e.high());
            x.put("se", e.standardError());
            x.put("n", r.rowsUsed());
            x.put("ess", r.ess());
            estimates.add(x);
        }
        o.put("estimates", estimates);
        if (r.refused()) {
            Map<String, Object> refusal = new LinkedHashMap<>();
            refusal.put("reason", r.refusal().reason().label());
            refusal.put("message", r.refusal().message());
            o.put("refused", refusal);
        } else {
            o.put("refused", null);
        }
        o.put("notes", r.notes());
        return o;
    }

    private static Double finite(double x) {
        return Double.isFinite(x) ? x : null;
    }

    private static String trim(double x) {
        return x == Math.rint(x) ? Long.toString((long) x) : Double.toString(x);
    }
}
