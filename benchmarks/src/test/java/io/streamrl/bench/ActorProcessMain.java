package io.streamrl.bench;

import io.streamrl.actor.ActorConfig;
import io.streamrl.actor.ActorService;
import io.streamrl.kafka.KafkaSettings;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * Stands in for {@code streamrl actor} in tests (the app module, which has the real command,
 * depends on this one): takes the same arguments {@link ActorLauncher#java} writes.
 */
public final class ActorProcessMain {

    private ActorProcessMain() {
    }

    public static void main(String[] args) {
        if (args.length == 0 || !args[0].equals("actor") || args.length % 2 != 1) {
            throw new IllegalArgumentException("usage: actor --env E --id ID --seed S --max-steps N"
                    + " --bootstrap-server B --namespace NS");
        }
        Map<String, String> options = new HashMap<>();
        for (int i = 1; i < args.length; i += 2) {
            options.put(args[i], args[i + 1]);
        }
        ActorConfig config = ActorConfig.builder(options.get("--id"), options.get("--env"),
                Long.parseLong(options.get("--seed"))).maxSteps(Long.parseLong(options.get("--max-steps"))).build();
        KafkaSettings kafka = KafkaSettings.of(options.get("--bootstrap-server"), options.get("--namespace"));
        try (ActorService service = ActorService.start(config, kafka, Clock.systemUTC())) {
            service.run();
            System.exit(service.stats().transitionsFailed() == 0 ? 0 : 1);
        }
    }
}
