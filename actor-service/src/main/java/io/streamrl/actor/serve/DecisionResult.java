package io.streamrl.actor.serve;

import io.streamrl.schemas.avro.DecisionMode;
import java.time.Instant;

/**
 * One answered decision: what the caller gets and what goes to the decisions topic.
 *
 * @param state the state as the caller sent it
 * @param action the answered action, environment units, after the guardrails
 * @param policyAction the learned policy's own deterministic action (environment units), when a
 *     policy was available; null otherwise
 * @param logDensity log-density of {@code action} under the exploration used (w.r.t. the
 *     normalised action), or null when the action was not drawn from a density (no exploration,
 *     the fallback, or a guardrail changed it)
 * @param policyVersion the version that made the learned action; -1 for none
 * @param explored exploration noise was added
 * @param clipped a guardrail changed the action
 * @param controlRevision the guardrail revision in force; -1 for the defaults
 */
public record DecisionResult(String decisionId, String entity, float[] state, double[] action, double[] policyAction,
                             Double logDensity, long policyVersion, DecisionMode mode, boolean explored,
                             boolean clipped, long controlRevision, Instant time) {
}
