package io.streamrl.app;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrl.bench.A2cKafkaBenchmark;
import io.streamrl.bench.A2cSolveBenchmark;
import io.streamrl.bench.ActorLauncher;
import io.streamrl.bench.ActorsBenchmark;
import io.streamrl.bench.IngestBenchmark;
import io.streamrl.bench.JoinBenchmark;
import io.streamrl.bench.ReplayBenchmark;
import io.streamrl.bench.Json;
import io.streamrl.bench.PropagationBenchmark;
import io.streamrl.bench.SolveBenchmark;
import io.streamrl.bench.PeakFlops;
import io.streamrl.bench.PeerUpdateBenchmark;
import io.streamrl.bench.UpdateRounds;
import io.streamrl.core.compute.ComputeBackends;
import io.streamrl.kafka.KafkaClientConfig;
import io.streamrl.kafka.KafkaSettings;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks; each prints one JSON object per configuration on its own line.",
        subcommands = {BenchCommand.Updates.class, BenchCommand.Peak.class, BenchCommand.Ingest.class, BenchCommand.Propagation.class,
            BenchCommand.Actors.class, BenchCommand.Solve.class, BenchCommand.A2c.class, BenchCommand.A2cKafka.class,
            BenchCommand.Join.class,
            BenchCommand.ReplayRate.class})
final class BenchCommand {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static void print(CommandSpec spec, Map<String, Object> line) {
        PrintWriter out = spec.commandLine().getOut();
        try {
            out.println(JSON.writeValueAsString(line));
        } catch (JsonProcessingException e) {
            // Result lines hold only strings, numbers, lists and maps of them.
            throw new IllegalStateException("cannot write a result line as JSON: " + line, e);
        }
        out.flush();
    }

    /** The PyTorch peer to compare with, for the benchmarks that can run it beside streamrl. */
    static final class PeerOptions {
        @Option(names = "--peer", paramLabel = "DIR", description = "Folder of the PyTorch peer (ddpg_pendulum.py):"
                + " when given, the peer runs the same measurement in the same run, right after streamrl's.")
        Path dir;

        @Option(names = "--python", defaultValue = "/usr/bin/python3",
                description = "Python with PyTorch for the peer (default: ${DEFAULT-VALUE}).")
        String python;
    }

    /** JVM options of bin/streamrl, given to the child JVMs that benchmarks start. */
    private static final List<String> LAUNCHER_JVM_OPTIONS = List.of("--add-modules", "jdk.incubator.vector",
            "-XX:+UseParallelGC");

    /** The java command of this JVM, for child JVMs that run like it. */
    private static String javaCommand() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** The command line of this program up to its arguments, for child JVMs that run a streamrl command. */
    private static List<String> appCommand() {
        return appCommand(List.of());
    }

    /** The same with {@code jvmOptions} after bin/streamrl's own. */
    private static List<String> appCommand(List<String> jvmOptions) {
        List<String> command = new ArrayList<>();
        command.add(javaCommand());
        command.addAll(LAUNCHER_JVM_OPTIONS);
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        return command;
    }

    /**
     * This JVM's HotSpot flags ({@code -XX:...}, e.g. {@code -XX:MaxVectorSize=32} from
     * STREAMRL_OPTS), for child JVMs that must measure on the same terms: the vector width
     * those flags set decides which kernels run.
     */
    static List<String> hotSpotFlags() {
        return ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("-XX:")).toList();
    }

    /** Where the Kafka benchmarks find Kafka. */
    static final class BrokerOption {
        @Option(names = "--bootstrap-server", paramLabel = "HOST:PORT",
                description = "Use this Kafka cluster (fresh topics per measurement) instead of an in-process broker.")
        String bootstrapServer;

        @Mixin
        KafkaConfigOption kafkaConfig;

        /** The cluster, checked before a benchmark starts anything; null for an in-process broker. */
        String bootstrapServer() {
            return bootstrapServer == null ? null : KafkaSettings.checkBootstrapServers(bootstrapServer);
        }

        /**
         * The cluster's client properties, checked before a benchmark starts anything.
         *
         * @throws IllegalArgumentException also for a file without a cluster, which would be ignored
         */
        KafkaClientConfig kafkaConfig() {
            if (bootstrapServer == null && kafkaConfig.file != null) {
                throw new IllegalArgumentException("--kafka-config is for a cluster given with --bootstrap-server;"
                        + " the in-process broker needs none");
            }
            return kafkaConfig.load();
        }
    }

    @Command(name = "ingest", mixinStandardHelpOptions = true,
            description = {"The learner's ingest rate next to the raw Kafka producer and consumer rates for the same"
                + " Pendulum transitions, on one broker in one JVM. One line per round, then the medians.",
                "Fields: produce_per_s, raw_consume_per_s, learner_ingest_per_s, learner_over_raw (target >= 0.70)."})
    static final class Ingest implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        BrokerOption broker;

        @Option(names = "--records", defaultValue = "2000000", description = "Transitions; each reader takes about a"
                + " second for two million here, long enough that one GC pause does not decide a round"
                + " (default: ${DEFAULT-VALUE}).")
        int records;

        @Option(names = "--partitions", defaultValue = "4",
                description = "Partitions of the transitions topic (default: ${DEFAULT-VALUE}, as streamrl has it).")
        int partitions;

        @Option(names = "--warmup-rounds", defaultValue = "1", description = "Rounds first run and printed"
                + " (\"round\": \"warmup-1\", ...) but left out of the medians (default: ${DEFAULT-VALUE}).")
        int warmupRounds;

        @Option(names = "--rounds", defaultValue = "5",
                description = "Times the readers read the records (default: ${DEFAULT-VALUE}).")
        int rounds;

        @Option(names = "--ingest-threads", defaultValue = "2",
                description = "Learner ingest threads, each with a share of the partitions (default: ${DEFAULT-VALUE}).")
        int ingestThreads;

        @Override
        public Integer call() throws Exception {
            IngestBenchmark.Result result = new IngestBenchmark(Clock.systemUTC())
                    .run(new IngestBenchmark.Settings(records, partitions, warmupRounds, rounds, ingestThreads,
                            broker.bootstrapServer(), broker.kafkaConfig()));
            for (Map<String, Object> line : result.lines()) {
                print(spec, line);
            }
            return 0;
        }
    }

    @Command(name = "join", mixinStandardHelpOptions = true,
            description = {"The reward join's throughput: Pricing-v0-like decisions and their rewards, written first as"
                + " a live system writes them, then joined into transitions by the join application (exactly_once_v2,"
                + " reward wait PT1M, combine first) on one broker in one JVM. One line per round, then the medians.",
                "Fields: records_per_s (decisions + rewards per second, start-up left out; target >= 20000),"
                + " transitions_per_s, start_s, process_s, produce_per_s, and the join's own counts: joined;"
                + " defaulted, rewards_late, rewards_orphaned, rewards_repeated, dead_lettered (0 when every reward met"
                + " its decision in time); rewards_early (a reward taken in before its decision, then joined)."})
    static final class Join implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        BrokerOption broker;

        @Option(names = "--decisions", defaultValue = "200000",
                description = "Decisions per round, each with one reward (default: ${DEFAULT-VALUE}).")
        int decisions;

        @Option(names = "--entities", defaultValue = "10000", description = "Entities the decisions are spread over,"
                + " each deciding once a second of event time (default: ${DEFAULT-VALUE}).")
        int entities;

        @Option(names = "--warmup-rounds", defaultValue = "1", description = "Rounds first run and printed"
                + " (\"round\": \"warmup-1\", ...) but left out of the medians (default: ${DEFAULT-VALUE}).")
        int warmupRounds;

        @Option(names = "--rounds", defaultValue = "3",
                description = "Measured rounds, each on fresh topics (default: ${DEFAULT-VALUE}).")
        int rounds;

        @Option(names = "--bandit", description = "One-step transitions: every decision becomes one as its reward"
                + " comes (otherwise each entity's last decision waits for its s').")
        boolean bandit;

        @Option(names = "--threads", defaultValue = "1", description = "The join's stream threads"
                + " (num.stream.threads; up to one per decisions partition, 4; default: ${DEFAULT-VALUE}).")
        int threads;

        @Override
        public Integer call() throws Exception {
            JoinBenchmark.Result result = new JoinBenchmark(Clock.systemUTC()).run(new JoinBenchmark.Settings(
                    decisions, entities, warmupRounds, rounds, bandit, threads, broker.bootstrapServer(),
                    broker.kafkaConfig()));
            for (Map<String, Object> line : result.lines()) {
                print(spec, line);
            }
            return 0;
        }
    }

    @Command(name = "replay", mixinStandardHelpOptions = true,
            description = {"streamrl replay's rate from a CSV and from an Avro file of the same Pendulum rows, beside the"
                + " plain Kafka producer sending records of the same size, key and headers, in the same run; then"
                + " streamrl export's rate back to an Avro file. One line per round, then the medians.",
                "Fields: record_bytes, raw_producer_per_s, replay_csv_per_s, replay_avro_per_s, csv_vs_raw and"
                + " avro_vs_raw (target >= 0.7), export_avro_per_s."})
    static final class ReplayRate implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        BrokerOption broker;

        @Option(names = "--rows", defaultValue = "1000000", description = "Rows per file (default: ${DEFAULT-VALUE}).")
        int rows;

        @Option(names = "--warmup-rounds", defaultValue = "2", description = "Rounds run first and printed but left"
                + " out of the medians (default: ${DEFAULT-VALUE}).")
        int warmupRounds;

        @Option(names = "--rounds", defaultValue = "3", description = "Measured rounds (default: ${DEFAULT-VALUE}).")
        int rounds;

        @Override
        public Integer call() throws Exception {
            Path work = Files.createTempDirectory("streamrl-bench-replay");
            try {
                for (Map<String, Object> line : new ReplayBenchmark(Clock.systemUTC()).run(new ReplayBenchmark.Settings(
                        rows, warmupRounds, rounds, broker.bootstrapServer(), broker.kafkaConfig(), work))) {
                    print(spec, line);
                }
            } finally {
                Files.deleteIfExists(work);
            }
            return 0;
        }
    }

    @Command(name = "propagation", mixinStandardHelpOptions = true,
            description = {"Publish-to-swap latency of policy snapshots (publisher and subscriber in one JVM).",
                "Fields: sent, accepted, rejected, lost, p50_ms, p90_ms, p99_ms (target < 50), max_ms."})
    static final class Propagation implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        BrokerOption broker;

        @Option(names = "--versions", defaultValue = "200",
                description = "Versions measured (default: ${DEFAULT-VALUE}).")
        int versions;

        @Option(names = "--warmup", defaultValue = "20",
                description = "Versions sent first and not measured (default: ${DEFAULT-VALUE}).")
        int warmup;

        @Option(names = "--interval-ms", defaultValue = "20",
                description = "Spacing of the sends (default: ${DEFAULT-VALUE}).")
        long intervalMs;

        @Option(names = "--hidden", defaultValue = "64",
                description = "Width of the actor's two hidden layers (default: ${DEFAULT-VALUE}).")
        int hidden;

        @Override
        public Integer call() throws Exception {
            PropagationBenchmark.Settings settings = new PropagationBenchmark.Settings(versions, warmup, intervalMs,
                    hidden, broker.bootstrapServer(), broker.kafkaConfig());
            PropagationBenchmark.Result result = new PropagationBenchmark(Clock.systemUTC()).run(settings);
            print(spec, result.line());
            return 0;
        }
    }

    @Command(name = "actors", mixinStandardHelpOptions = true,
            description = {"Environment steps per second of 1, 2, 4 ... 'streamrl actor' processes (separate JVMs)"
                + " publishing to one broker in this process; no learner, no flow control. One line per count.",
                "Fields: actors, total_steps_per_s, per_actor_steps_per_s, span_s, all_running_s."})
    static final class Actors implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        BrokerOption broker;

        @Option(names = "--actors", split = ",", defaultValue = "1,2,4",
                description = "Actor process counts to measure (default: ${DEFAULT-VALUE}).")
        List<Integer> counts;

        @Option(names = "--steps", defaultValue = "100000",
                description = "Environment steps per actor (default: ${DEFAULT-VALUE}).")
        long steps;

        @Option(names = "--hidden", defaultValue = "64",
                description = "Hidden width of the policy the actors run (default: ${DEFAULT-VALUE}).")
        int hidden;

        @Option(names = "--timeout", defaultValue = "600", paramLabel = "SECONDS",
                description = "Longest one count may take (default: ${DEFAULT-VALUE} s).")
        long timeoutSeconds;

        @Override
        public Integer call() throws Exception {
            // The actors run from the same jar or class path as this command, with bin/streamrl's JVM options.
            ActorLauncher launcher = ActorLauncher.java(javaCommand(), LAUNCHER_JVM_OPTIONS,
                    System.getProperty("java.class.path"), Main.class.getName());
            List<ActorsBenchmark.Measurement> results = new ActorsBenchmark(Clock.systemUTC(), launcher).run(
                    new ActorsBenchmark.Settings(counts, steps, hidden, Duration.ofSeconds(timeoutSeconds),
                            broker.bootstrapServer(), broker.kafkaConfig()));
            for (ActorsBenchmark.Measurement m : results) {
                print(spec, m.line());
            }
            return 0;
        }
    }

    @Command(name = "solve", mixinStandardHelpOptions = true,
            description = {"Time to solve Pendulum-v1 through Kafka (in-process broker, learner and actors as in"
                + " 'streamrl demo'), and with --peer the PyTorch peer's time for the same seeds, with its own"
                + " defaults and with streamrl's hyperparameters. One line per seed, then one of medians.",
                "Fields: solved_step, solved_wall_s; peer_solved_step, peer_solved_wall_s, wall_ratio (target <= 0.5)"
                    + " for the peer's defaults; peer_same_solved_step, peer_same_solved_wall_s, wall_ratio_same"
                    + " (target <= 0.5), steps_ratio_same (target <= 1.2 in the median) at identical settings."})
    static final class Solve implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        BrokerOption broker;

        @Mixin
        AgentOptions agent;

        @Option(names = "--seeds", split = ",", defaultValue = "1,2,3",
                description = "Seeds (default: ${DEFAULT-VALUE}).")
        List<Long> seeds;

        @Option(names = "--actors", defaultValue = "2", description = "Simulation actors (default: ${DEFAULT-VALUE}).")
        int actors;

        @Option(names = "--max-steps", defaultValue = "30000",
                description = "Environment step budget per seed (default: ${DEFAULT-VALUE}).")
        long maxSteps;

        @Option(names = "--publish-every", defaultValue = "100",
                description = "Learner publishes every N updates (default: ${DEFAULT-VALUE}).")
        long publishEvery;

        @Option(names = "--eval-every", defaultValue = "2000", description = "Learner evaluates every N environment"
                + " steps' worth of updates (default: ${DEFAULT-VALUE}, the peer's spacing of evaluations in steps).")
        long evalEvery;

        @Option(names = "--timeout", defaultValue = "600", paramLabel = "SECONDS",
                description = "Longest one seed may run (default: ${DEFAULT-VALUE} s).")
        long timeoutSeconds;

        @Mixin
        PeerOptions peerOptions;

        @Option(names = "--peer-learning-starts", defaultValue = "1000",
                description = "Peer's --learning-starts (default: ${DEFAULT-VALUE}).")
        int peerLearningStarts;

        @Option(names = "--peer-total-timesteps", defaultValue = "30000",
                description = "Peer's --total-timesteps (default: ${DEFAULT-VALUE}).")
        int peerTotalTimesteps;

        @Option(names = "--peer-settings", defaultValue = "both", description = "The peer trains with its own"
                + " defaults (256-256, batch 256, lr 3e-4), with streamrl's hyperparameters (same), or both:"
                + " ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
        SolveBenchmark.PeerSettings peerSettings;

        @Override
        public Integer call() throws Exception {
            Duration timeout = Duration.ofSeconds(timeoutSeconds);
            SolveBenchmark.Peer peer = peerOptions.dir == null ? null : new SolveBenchmark.Peer(peerOptions.dir,
                    peerOptions.python, peerLearningStarts, peerTotalTimesteps, 1, timeout, peerSettings);
            List<SolveBenchmark.SeedResult> results = new SolveBenchmark(Clock.systemUTC()).run(
                    new SolveBenchmark.Settings(seeds, agent.config(), agent.backendName(), actors, maxSteps,
                            publishEvery, evalEvery, timeout, broker.bootstrapServer(), broker.kafkaConfig(), peer));
            for (SolveBenchmark.SeedResult r : results) {
                print(spec, r.line());
            }
            print(spec, SolveBenchmark.summary(results));
            return 0;
        }
    }

    @Command(name = "a2c", mixinStandardHelpOptions = true,
            description = {"Time to solve CartPole-v1 with A2C: 'streamrl train --algo a2c --stop-when-solved' in a fresh"
                + " JVM per seed and, with --peer, the PyTorch peer (a2c_cartpole.py) for the same seeds at the same"
                + " settings, one after the other. One line per seed, then one with the medians.",
                "Fields: solved_step, solved_wall_s, peer_solved_step, peer_solved_wall_s, wall_ratio (target <= 0.5);"
                    + " median_solved_step, peer_median_solved_step, median_wall_ratio."})
    static final class A2c implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--seeds", split = ",", defaultValue = "1,2,3,4,5",
                description = "Seeds (default: ${DEFAULT-VALUE}).")
        List<Long> seeds;

        @Option(names = "--max-steps", defaultValue = "500000",
                description = "Environment step budget per seed, both programs (default: ${DEFAULT-VALUE}, the"
                        + " peer's).")
        long maxSteps;

        @Option(names = "--eval-every", defaultValue = "5000",
                description = "Greedy evaluation every N environment steps, both programs (default: ${DEFAULT-VALUE}).")
        long evalEvery;

        @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Passed on to streamrl train, e.g."
                + " --set ortho-init=false for the peer's initialisation.")
        List<String> settings = new ArrayList<>();

        @Option(names = "--backend", description = "Passed on to streamrl train (default: train's, scalar for a2c).")
        String backend;

        @Option(names = "--jvm-option", paramLabel = "OPTION", description = "Extra option for streamrl's JVMs"
                + " (repeatable), e.g. --jvm-option=-XX:TieredStopAtLevel=1.")
        List<String> jvmOptions = new ArrayList<>();

        @Option(names = "--out", defaultValue = "runs/bench-a2c",
                description = "Folder for the runs' curve.csv and summary.json (default: ${DEFAULT-VALUE}).")
        Path out;

        @Option(names = "--timeout", defaultValue = "600", paramLabel = "SECONDS",
                description = "Longest one seed may run, each program (default: ${DEFAULT-VALUE} s).")
        long timeoutSeconds;

        @Mixin
        PeerOptions peerOptions;

        @Override
        public Integer call() throws Exception {
            Duration timeout = Duration.ofSeconds(timeoutSeconds);
            List<String> extra = new ArrayList<>();
            settings.forEach(kv -> extra.addAll(List.of("--set", kv)));
            if (backend != null) {
                extra.addAll(List.of("--backend", backend));
            }
            A2cSolveBenchmark.Runner peer = peerOptions.dir == null ? null
                    : A2cSolveBenchmark.peer(peerOptions.dir, peerOptions.python, maxSteps, evalEvery, timeout);
            List<A2cSolveBenchmark.SeedResult> results = A2cSolveBenchmark.run(seeds,
                    A2cSolveBenchmark.streamrl(appCommand(jvmOptions), out, maxSteps, evalEvery, extra, timeout), peer,
                    line -> print(spec, line));
            print(spec, A2cSolveBenchmark.summary(results));
            return 0;
        }
    }

    @Command(name = "a2c-kafka", mixinStandardHelpOptions = true,
            description = {"Steps and wall time to solve CartPole-v1 with A2C locally and through Kafka (in-process"
                + " broker): local A2C with 8 environments, then 1, 2 and 4 rollout actors sharing 8 environments"
                + " (synchronous A2C), then 3 actors with the first held 6 versions behind, with --staleness discard"
                + " and vtrace. One line per case and seed, then one per case with the medians.",
                "Fields: case, solved_step, solved_wall_s, rollouts_discarded, rollouts_corrected; median_solved_step,"
                    + " median_solved_wall_s."})
    static final class A2cKafka implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        BrokerOption broker;

        @Option(names = "--seeds", split = ",", defaultValue = "1,2,3",
                description = "Seeds (default: ${DEFAULT-VALUE}).")
        List<Long> seeds;

        @Option(names = "--max-steps", defaultValue = "300000",
                description = "Environment step budget per case and seed (default: ${DEFAULT-VALUE}).")
        long maxSteps;

        @Option(names = "--timeout", defaultValue = "300", paramLabel = "SECONDS",
                description = "Longest one Kafka run may take (default: ${DEFAULT-VALUE} s).")
        long timeoutSeconds;

        @Override
        public Integer call() throws Exception {
            List<A2cKafkaBenchmark.Run> runs = new A2cKafkaBenchmark(Clock.systemUTC()).run(seeds, maxSteps,
                    Duration.ofSeconds(timeoutSeconds), broker.bootstrapServer(), broker.kafkaConfig(),
                    line -> print(spec, line));
            A2cKafkaBenchmark.summary(runs).forEach(line -> print(spec, line));
            return 0;
        }
    }

    @Command(name = "peak", mixinStandardHelpOptions = true,
            description = {"One thread's vector FMA throughput on registers alone: the ceiling for the GFLOP/s that"
                + " 'bench updates' reports. Needs the Vector API (bin/streamrl adds it).",
                "Fields: gflops (best timed chunk), lanes (floats per vector), chunks."})
    static final class Peak implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--seconds", defaultValue = "3", description = "Timed seconds after a one-second warm-up"
                + " (default: ${DEFAULT-VALUE}).")
        double seconds;

        @Override
        public Integer call() throws Exception {
            if (!ComputeBackends.vectorApiAvailable()) {
                throw new IllegalArgumentException("bench peak needs the JDK Vector API: run it through bin/streamrl,"
                        + " or add --add-modules jdk.incubator.vector to the java command");
            }
            PeakFlops.Result r = PeakFlops.measure(seconds, System::nanoTime);
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("threads", 1);
            line.put("lanes", r.lanes());
            line.put("gflops", Json.round(r.gflops(), 2));
            line.put("chunks", r.chunks());
            line.put("checksum", r.checksum());
            print(spec, line);
            return 0;
        }
    }

    @Command(name = "updates", mixinStandardHelpOptions = true,
            description = "Full DDPG update throughput (critic + actor + soft update per step), observation 3, action 1, as the"
                    + " PyTorch peer measures it. Fields: backend, hidden, batch, threads, updates_per_s (median), "
                    + "best_updates_per_s, ms_per_update, flops_per_update, gflops.")
    static final class Updates implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--hidden", split = ",", defaultValue = "256,64",
                description = "Hidden widths to run (default: ${DEFAULT-VALUE}).")
        List<Integer> hidden;

        @Option(names = "--batch", split = ",",
                description = "Batch sizes, one per --hidden entry or one for all (default: equal to the hidden width).")
        List<Integer> batch = new ArrayList<>();

        @Option(names = "--threads", defaultValue = "1", description = "Threads (default: ${DEFAULT-VALUE}).")
        int threads;

        @Option(names = "--backend", split = ",",
                description = "vector, nd4j or both, comma-separated (default: every backend this JVM can run).")
        List<String> backends = new ArrayList<>();

        @Option(names = "--seconds", defaultValue = "3", description = "Seconds per timed repeat (default: ${DEFAULT-VALUE}).")
        double seconds;

        @Option(names = "--repeats", defaultValue = "3", description = "Timed repeats; the median is reported (default: ${DEFAULT-VALUE}).")
        int repeats;

        @Option(names = "--warmup", defaultValue = "300", description = "Untimed updates first (default: ${DEFAULT-VALUE}).")
        int warmup;

        @Mixin
        PeerOptions peerOptions;

        @Option(names = "--rounds", defaultValue = "1", description = "Alternate streamrl and the peer this many times"
                + " per configuration; with --peer a summary line gives the median ratio (default: ${DEFAULT-VALUE}).")
        int rounds;

        @Option(names = "--fork", negatable = true, defaultValue = "false", fallbackValue = "true",
                description = "Measure streamrl in a fresh JVM per round, as the peer runs in a fresh process per"
                        + " round: on a shared machine a whole process can land on a slow or a fast stretch, so"
                        + " both sides should draw that lottery equally often (default: on with --peer).")
        boolean fork;

        @Option(names = "--breakdown", description = "After timing, profile as many updates again on a fresh agent and"
                + " add share_of_time (per kind of backend operation; rest = the agent's Java code between them) and"
                + " matmul_gflops (the products' FLOP rate while they run).")
        boolean breakdown;

        @Override
        public Integer call() throws Exception {
            List<String> names = backends.isEmpty()
                    ? (ComputeBackends.vectorApiAvailable() ? List.of(ComputeBackends.VECTOR, ComputeBackends.ND4J)
                            : List.of(ComputeBackends.ND4J))
                    : backends;
            UpdateRounds.Settings settings = new UpdateRounds.Settings(UpdateRounds.shapes(hidden, batch), names,
                    threads, seconds, repeats, warmup, breakdown, rounds, fork);
            PeerUpdateBenchmark peer = peerOptions.dir == null ? null
                    : new PeerUpdateBenchmark(peerOptions.dir, peerOptions.python);
            UpdateRounds.of(settings, appCommand(hotSpotFlags()), peer).run(line -> print(spec, line));
            return 0;
        }
    }
}
