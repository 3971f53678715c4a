package io.streamrl.actor;

import io.streamrl.core.agent.DdpgConfig;
import io.streamrl.core.config.Check;

/**
 * Flow control that keeps simulated actors in step with one learner: how many steps an actor
 * takes on one policy version ({@code max-policy-lag}) and how many random steps before the
 * first policy ({@code warmup-steps}). A simulator outruns the learner by orders of magnitude;
 * paced like this, the learner receives transitions at the rate its replay ratio consumes them.
 *
 * @param maxPolicyLag twice {@code stepsPerVersion}: each actor keeps one version's worth of steps
 *     in hand, so that it goes on stepping while the learner's next version is on its way (in
 *     strict lock step, allowance and share equal, every version waited out a whole round trip:
 *     the learner's batch of updates, its transactional publication, the actors' fetch, their
 *     steps, their producers' linger and the learner's fetch)
 * @param stepsPerVersion {@code publish-every / (actors x replay-ratio)}, at least 1: between two
 *     publications the learner makes {@code publish-every} updates, which need that many
 *     transitions divided by the replay ratio, shared by the actors; what each version pays for,
 *     so that the learner still receives transitions at the rate its replay ratio consumes them
 * @param warmupSteps {@code (learning-starts + publish-every / replay-ratio) / actors}, rounded up:
 *     what the learner needs before its first publication, shared by the actors
 */
public record Pacing(long maxPolicyLag, long warmupSteps, long stepsPerVersion) {

    public Pacing {
        Check.inClosed("max-policy-lag", maxPolicyLag, 0, Long.MAX_VALUE);
        Check.inClosed("warmup-steps", warmupSteps, 0, Long.MAX_VALUE);
        Check.inClosed("steps-per-version", stepsPerVersion, 0, maxPolicyLag);
    }

    public static Pacing inStepWith(DdpgConfig agent, long publishEvery, int actors) {
        Check.inClosed("publish-every", publishEvery, 1, Long.MAX_VALUE);
        Check.inClosed("actors", actors, 1, Integer.MAX_VALUE);
        long share = Math.max(1, Math.round(publishEvery / (actors * agent.replayRatio())));
        long firstPublish = agent.learningStarts() + (long) Math.ceil(publishEvery / agent.replayRatio());
        return new Pacing(2 * share, (firstPublish + actors - 1) / actors, share);
    }
}
