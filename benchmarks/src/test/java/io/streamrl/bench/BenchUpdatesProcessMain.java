package io.streamrl.bench;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Stands in for {@code streamrl bench updates} in tests of the fresh-JVM measurement: prints a
 * line that is no result, then a result line made from its arguments ({@code updates_per_s} is
 * the hidden width times ten), and exits with 3 for the backend {@code fail}.
 */
public final class BenchUpdatesProcessMain {

    private BenchUpdatesProcessMain() {
    }

    public static void main(String[] args) {
        if (args.length < 2 || !args[0].equals("bench") || !args[1].equals("updates")) {
            throw new IllegalArgumentException("usage: bench updates --hidden H --batch B ...");
        }
        Map<String, String> options = new HashMap<>();
        for (int i = 2; i < args.length; i++) {
            boolean hasValue = i + 1 < args.length && !args[i + 1].startsWith("--");
            options.put(args[i], hasValue ? args[++i] : "true");
        }
        String backend = options.get("--backend");
        int hidden = Integer.parseInt(options.get("--hidden"));
        System.out.println("calibrating ...");
        if (backend.equals("fail")) {
            System.exit(3);
        }
        System.out.printf(Locale.ROOT, "{\"backend\":\"%s\",\"hidden\":%d,\"batch\":%s,\"updates_per_s\":%.1f,\"breakdown\":%s}%n",
                backend, hidden, options.get("--batch"), hidden * 10.0, options.containsKey("--breakdown"));
    }
}
