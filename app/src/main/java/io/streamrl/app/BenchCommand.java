package io.streamrl.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrl.bench.UpdateBenchmark;
import io.streamrl.core.compute.ComputeBackends;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks; each prints one JSON object per configuration on its own line.",
        subcommands = {BenchCommand.Updates.class})
final class BenchCommand {

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

        @Override
        public Integer call() throws Exception {
            if (!batch.isEmpty() && batch.size() != 1 && batch.size() != hidden.size()) {
                throw new IllegalArgumentException("--batch needs one value or one per --hidden value (" + hidden.size()
                        + "), got " + batch.size());
            }
            List<String> names = backends.isEmpty()
                    ? (ComputeBackends.vectorApiAvailable() ? ComputeBackends.NAMES : List.of(ComputeBackends.ND4J))
                    : backends;
            PrintWriter out = spec.commandLine().getOut();
            ObjectMapper json = new ObjectMapper();
            for (int i = 0; i < hidden.size(); i++) {
                int h = hidden.get(i);
                int b = batch.isEmpty() ? h : batch.get(batch.size() == 1 ? 0 : i);
                for (String backend : names) {
                    UpdateBenchmark.Result r = UpdateBenchmark.run(new UpdateBenchmark.Settings(backend, h, b, threads,
                            seconds, repeats, warmup), System::nanoTime);
                    out.println(json.writeValueAsString(fields(r)));
                    out.flush();
                }
            }
            return 0;
        }

        private static Map<String, Object> fields(UpdateBenchmark.Result r) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("backend", r.backend());
            m.put("hidden", r.hidden());
            m.put("batch", r.batch());
            m.put("threads", r.threads());
            m.put("updates_per_s", round(r.updatesPerSecond(), 1));
            m.put("best_updates_per_s", round(r.bestUpdatesPerSecond(), 1));
            m.put("ms_per_update", round(r.msPerUpdate(), 3));
            m.put("flops_per_update", r.flopsPerUpdate());
            m.put("gflops", round(r.gflops(), 2));
            m.put("updates_per_repeat", r.updatesPerRepeat());
            m.put("repeats", r.repeats());
            return m;
        }

        private static double round(double value, int decimals) {
            double scale = Math.pow(10, decimals);
            return Math.round(value * scale) / scale;
        }
    }
}
