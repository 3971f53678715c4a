package io.streamrl.core.agent;

/** The agent's package-private views for tests of other packages. */
public final class A2cTestAccess {

    private A2cTestAccess() {
    }

    public static double[] lastReturns(A2c agent) {
        return agent.lastReturns();
    }
}
