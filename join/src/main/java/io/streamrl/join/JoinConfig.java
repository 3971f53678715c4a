package io.streamrl.join;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * How the reward join turns decisions and rewards into transitions.
 *
 * @param rewardWait how long after a decision its rewards are taken (from the decision's time to
 *     the reward's, both stamped by serve); later rewards go to the late-rewards topic. PT5S to P2D.
 * @param combine how several rewards for one decision combine
 * @param defaultReward the reward of a decision whose wait ended without one; null drops such
 *     decisions instead (no transition is built from them)
 * @param episodeGap an entity with no decision for this long ends its episode; its last
 *     transition is then truncated (see {@link RewardJoinProcessor}). PT1S to P30D.
 * @param bandit one-step transitions: every decision is its own episode (terminated, no s'),
 *     for systems whose actions do not change what comes next
 * @param punctuateEvery how often the wall-clock punctuator looks for waits that ended. PT0.01S to PT1M.
 */
public record JoinConfig(Duration rewardWait, RewardCombine combine, Double defaultReward, Duration episodeGap,
                         boolean bandit, Duration punctuateEvery) {

    public static final Duration MIN_REWARD_WAIT = Duration.ofSeconds(5);
    public static final Duration MAX_REWARD_WAIT = Duration.ofDays(2);
    public static final Duration DEFAULT_REWARD_WAIT = Duration.ofMinutes(10);
    public static final Duration DEFAULT_EPISODE_GAP = Duration.ofHours(1);
    public static final Duration DEFAULT_PUNCTUATE_EVERY = Duration.ofSeconds(1);
    public static final double DEFAULT_REWARD = 0.0;

    /** How several rewards for one decision combine into the transition's reward. */
    public enum RewardCombine {
        /** The first reward counts, the rest are ignored; the transition need not wait for the whole wait. */
        FIRST,
        /** The rewards within the wait add up (for example several purchases after one offer). */
        SUM,
        /** The last reward within the wait counts (a caller correcting an earlier report). */
        LAST;

        /** Parses {@code first|sum|last}, naming the key in the error. */
        public static RewardCombine parse(String key, String value) {
            try {
                return valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new IllegalArgumentException(key + " is '" + value + "'; allowed: first, sum or last");
            }
        }
    }

    public JoinConfig {
        requireWithin("reward-wait", rewardWait, MIN_REWARD_WAIT, MAX_REWARD_WAIT);
        Objects.requireNonNull(combine, "combine");
        if (defaultReward != null && !Double.isFinite(defaultReward)) {
            throw new IllegalArgumentException("default-reward is " + defaultReward
                    + "; allowed: a finite number, or none to drop decisions without a reward");
        }
        requireWithin("episode-gap", episodeGap, Duration.ofSeconds(1), Duration.ofDays(30));
        requireWithin("punctuate-every", punctuateEvery, Duration.ofMillis(10), Duration.ofMinutes(1));
    }

    /** Reward wait 10 minutes, first reward, default reward 0, episode gap one hour, not bandit. */
    public static JoinConfig defaults() {
        return new JoinConfig(DEFAULT_REWARD_WAIT, RewardCombine.FIRST, DEFAULT_REWARD, DEFAULT_EPISODE_GAP, false,
                DEFAULT_PUNCTUATE_EVERY);
    }

    public JoinConfig withRewardWait(Duration wait) {
        return new JoinConfig(wait, combine, defaultReward, episodeGap, bandit, punctuateEvery);
    }

    public JoinConfig withCombine(RewardCombine rule) {
        return new JoinConfig(rewardWait, rule, defaultReward, episodeGap, bandit, punctuateEvery);
    }

    /** @param reward null to drop decisions whose wait ends without a reward */
    public JoinConfig withDefaultReward(Double reward) {
        return new JoinConfig(rewardWait, combine, reward, episodeGap, bandit, punctuateEvery);
    }

    public JoinConfig withEpisodeGap(Duration gap) {
        return new JoinConfig(rewardWait, combine, defaultReward, gap, bandit, punctuateEvery);
    }

    public JoinConfig withBandit(boolean oneStep) {
        return new JoinConfig(rewardWait, combine, defaultReward, episodeGap, oneStep, punctuateEvery);
    }

    public JoinConfig withPunctuateEvery(Duration every) {
        return new JoinConfig(rewardWait, combine, defaultReward, episodeGap, bandit, every);
    }

    @Override
    public String toString() {
        return "reward-wait=" + rewardWait + " combine=" + combine.name().toLowerCase(Locale.ROOT)
                + " default-reward=" + (defaultReward == null ? "none (drop)" : defaultReward)
                + " episode-gap=" + episodeGap + " bandit=" + bandit + " punctuate-every=" + punctuateEvery;
    }

    private static void requireWithin(String key, Duration value, Duration min, Duration max) {
        if (value == null || value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new IllegalArgumentException(key + " is " + value + "; allowed: " + min + " to " + max
                    + " (ISO-8601, e.g. PT30S or P1D)");
        }
    }
}
