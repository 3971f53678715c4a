package io.streamrl.core.agent;

/**
 * What one gradient update did.
 *
 * @param criticLoss mean squared TD error of the (first) critic before its step
 * @param actorLoss {@code -mean Q(s, mu(s))} before the actor step (with TD3+BC's cloning term
 *     {@code -lambda mean Q(s, pi(s)) + mean (pi(s) - a)^2}); NaN when the actor was not updated
 *     this time (policy delay)
 * @param criticGradNorm global L2 norm of the (first) critic's gradient
 * @param actorGradNorm the actor's gradient norm, NaN when not updated
 */
public record UpdateStats(double criticLoss, double actorLoss, double criticGradNorm, double actorGradNorm) {

    public boolean actorUpdated() {
        return !Double.isNaN(actorLoss);
    }
}
