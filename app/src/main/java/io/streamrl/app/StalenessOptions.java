package io.streamrl.app;

import io.streamrl.core.agent.VTrace;
import io.streamrl.core.rollout.StalenessPolicy;
import picocli.CommandLine.Option;

/** A2C's staleness policy on the command line: what the learner does with segments of older policies. */
final class StalenessOptions {

    @Option(names = "--staleness", defaultValue = "discard", description = "A2C: what the learner does with"
            + " segments of older policies: discard (drop those more than --max-staleness versions old, counted in"
            + " learner.rollouts.discarded) or vtrace (learn from all, corrected with V-trace; counted in"
            + " learner.rollouts.corrected) (default: ${DEFAULT-VALUE}).")
    String staleness;

    @Option(names = "--max-staleness", defaultValue = "" + StalenessPolicy.DEFAULT_MAX_STALENESS,
            description = "A2C with --staleness discard: versions a segment may be behind the newest policy and"
                    + " still be learned from (default: ${DEFAULT-VALUE}).")
    int maxStaleness;

    @Option(names = "--rho-bar", defaultValue = "1.0",
            description = "A2C with --staleness vtrace: truncation of the importance weights (default: ${DEFAULT-VALUE}).")
    double rhoBar;

    @Option(names = "--c-bar", defaultValue = "1.0",
            description = "A2C with --staleness vtrace: truncation of the trace coefficients (default: ${DEFAULT-VALUE}).")
    double cBar;

    StalenessPolicy policy() {
        return new StalenessPolicy(StalenessPolicy.Mode.parse("staleness", staleness), maxStaleness,
                new VTrace(rhoBar, cBar));
    }
}
