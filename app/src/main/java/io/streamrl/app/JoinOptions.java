package io.streamrl.app;

import io.streamrl.join.JoinConfig;
import io.streamrl.join.JoinService;
import io.streamrl.kafka.KafkaSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.Option;

/** How the reward join works: shared by {@code streamrl join} and {@code streamrl serve --join}. */
final class JoinOptions {

    @Option(names = "--reward-wait", defaultValue = "PT10M", paramLabel = "DURATION",
            description = "How long after a decision its rewards are taken (ISO-8601, PT5S to P2D; default:"
                    + " ${DEFAULT-VALUE}); later ones go to <ns>.late-rewards.")
    String rewardWait;

    @Option(names = "--combine", defaultValue = "first",
            description = "How several rewards for one decision combine: first, sum or last (default: ${DEFAULT-VALUE}).")
    String combine;

    @Option(names = "--default-reward", defaultValue = "0",
            description = "Reward of a decision whose wait ends without one, or 'none' to drop such decisions"
                    + " (default: ${DEFAULT-VALUE}).")
    String defaultReward;

    @Option(names = "--episode-gap", defaultValue = "PT1H", paramLabel = "DURATION",
            description = "An entity without a decision for this long ends its episode (ISO-8601, PT1S to P30D;"
                    + " default: ${DEFAULT-VALUE}).")
    String episodeGap;

    @Option(names = "--bandit", description = "One-step transitions (no s', gamma 0), for systems whose actions do"
            + " not change what comes next.")
    boolean bandit;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "Where the join keeps its stores (rebuilt from Kafka when empty; default: the system's"
                    + " temporary directory, streamrl/<namespace>.join/<instance>).")
    Path stateDir;

    JoinConfig config() {
        Double fallback;
        if (defaultReward.trim().equalsIgnoreCase("none")) {
            fallback = null;
        } else {
            try {
                fallback = Double.parseDouble(defaultReward.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("default-reward is '" + defaultReward
                        + "'; allowed: a finite number, or none to drop decisions without a reward");
            }
        }
        return new JoinConfig(duration("reward-wait", rewardWait), JoinConfig.RewardCombine.parse("combine", combine),
                fallback, duration("episode-gap", episodeGap), bandit, JoinConfig.DEFAULT_PUNCTUATE_EVERY);
    }

    /** {@code --state-dir}, or a directory of this instance's own under the system's temporary directory. */
    Path stateDir(KafkaSettings settings, String instance) {
        return stateDir != null ? stateDir : Path.of(System.getProperty("java.io.tmpdir"), "streamrl",
                JoinService.applicationId(settings.topics()), instance);
    }

    static Duration duration(String key, String value) {
        try {
            return Duration.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(key + " is '" + value + "'; allowed: an ISO-8601 duration such as"
                    + " PT30S, PT10M or P1D");
        }
    }
}
