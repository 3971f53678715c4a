package io.streamrl.core.rollout;

import io.streamrl.core.policy.PolicyHead;
import io.streamrl.core.policy.PolicySnapshot;
import java.util.SplittableRandom;

/** A categorical or Gaussian policy snapshot, as actors run it, as a {@link StochasticPolicy}. */
public final class SnapshotPolicy implements StochasticPolicy {

    private final PolicySnapshot snapshot;
    private final float[] row;

    /** @throws IllegalArgumentException for a deterministic snapshot, which has no distribution to draw from */
    public SnapshotPolicy(PolicySnapshot snapshot) {
        if (snapshot.head() == PolicyHead.DETERMINISTIC) {
            throw new IllegalArgumentException("policy " + snapshot.name() + " v" + snapshot.version() + " ("
                    + snapshot.algorithm() + ") is deterministic; rollouts need a categorical or Gaussian policy");
        }
        this.snapshot = snapshot;
        this.row = new float[snapshot.observationDim()];
    }

    public PolicySnapshot snapshot() {
        return snapshot;
    }

    @Override
    public void sample(float[] observations, int rows, SplittableRandom random, float[] actionsOut,
                       double[] logProbsOut) {
        int obsDim = row.length;
        for (int i = 0; i < rows; i++) {
            System.arraycopy(observations, i * obsDim, row, 0, obsDim);
            PolicySnapshot.Sample sample = snapshot.sample(row, random);
            float[] raw = sample.raw();
            System.arraycopy(raw, 0, actionsOut, i * raw.length, raw.length);
            logProbsOut[i] = sample.logProbability();
        }
    }
}
