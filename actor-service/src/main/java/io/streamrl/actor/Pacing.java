package io.streamrl.actor;

import io.streamrl.core.agent.DdpgConfig;
import io.streamrl.core.config.Check;

/**
 * Flow control that keeps simulated actors in step with one learner: how many steps an actor
 * takes on one policy version ({@code max-policy-lag}) and how many random steps before the
 * first policy ({@code warmup-steps}). A simulator outruns the learner by orders of magnitude;
 * paced like this, the learner receives transitions at the rate its replay ratio consumes them.
 *
 * @param maxPolicyLag {@code publish-every / (actors x replay-ratio)}, at least 1: between two
 *     publications the learner makes {@code publish-every} updates, which need that many
 *     transitions divided by the replay ratio, shared by the actors
 * @param warmupSteps {@code (learning-starts + publish-every / replay-ratio) / actors}, rounded up:
 *     what the learner needs before its first publication, shared by the actors
 */
public record Pacing(long maxPolicyLag, long warmupSteps) {

    public static Pacing inStepWith(DdpgConfig agent, long publishEvery, int actors) {
        Check.inClosed("publish-every", publishEvery, 1, Long.MAX_VALUE);
        Check.inClosed("actors", actors, 1, Integer.MAX_VALUE);
        long lag = Math.max(1, Math.round(publishEvery / (actors * agent.replayRatio())));
        long firstPublish = agent.learningStarts() + (long) Math.ceil(publishEvery / agent.replayRatio());
        return new Pacing(lag, (firstPublish + actors - 1) / actors);
    }
}
