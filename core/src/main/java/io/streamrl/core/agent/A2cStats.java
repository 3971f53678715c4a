package io.streamrl.core.agent;

/**
 * What one A2C update saw.
 *
 * @param policyLoss {@code -mean(A log pi(a|s))}
 * @param valueLoss {@code mean((R - V(s))^2)}, before the value coefficient
 * @param entropy mean entropy of the policy over the rollout's states
 * @param gradNorm global L2 norm of the gradient before clipping (NaN before the optimizer ran)
 */
public record A2cStats(double policyLoss, double valueLoss, double entropy, double gradNorm) {
}
