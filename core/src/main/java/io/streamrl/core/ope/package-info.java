/**
 * Off-policy evaluation: what a candidate policy would earn per decision, estimated from
 * decisions another (behaviour) policy logged together with the log-density of each action it
 * drew.
 *
 * <p>{@link io.streamrl.core.ope.LoggedDecisions} holds the log (state, action, reward,
 * behaviour log-density, and which actor and episode each row belongs to);
 * {@link io.streamrl.core.ope.OffPolicyEvaluator} turns it and a deterministic candidate into an
 * {@link io.streamrl.core.ope.OpeReport}: importance sampling, weighted importance sampling and
 * doubly robust estimates with confidence intervals and the effective sample size, or a
 * {@link io.streamrl.core.ope.Refusal} saying why the log cannot support one.
 *
 * <p>A deterministic candidate has no density against a continuous behaviour policy, so it is
 * evaluated smoothed ({@link io.streamrl.core.ope.SmoothedPolicy}): Gaussian noise of standard
 * deviation {@code h} (the bandwidth) around its action, clipped to [-1, 1] exactly as the
 * behaviour's exploration noise is, which is kernel-smoothed off-policy evaluation (Kallus and
 * Zhou, "Policy Evaluation and Optimization with Continuous Treatments", AISTATS 2018). The
 * estimate is the value of that smoothed policy; it tends to the deterministic one's as
 * {@code h} shrinks, at the price of larger weights (a smaller effective sample size).
 *
 * <p>Each row is one decision, so the estimates are per-decision values: the expected reward of
 * one step on the state distribution the log covers. That is a policy's value only when the
 * states do not depend on the actions (a contextual bandit such as Pricing-v0,
 * {@link io.streamrl.core.env.EnvSpec#contextualBandit()}); elsewhere the evaluator refuses
 * unless asked for per-decision estimates explicitly.
 */
package io.streamrl.core.ope;
