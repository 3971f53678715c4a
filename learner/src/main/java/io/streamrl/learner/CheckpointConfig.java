package io.streamrl.learner;

import io.streamrl.core.config.Check;
import java.nio.file.Path;

/**
 * Where and how often the learner stores its training state ({@link CheckpointStore}).
 *
 * @param dir directory of this learner's checkpoints; one directory per namespace and policy
 *     (see {@link #defaultDir})
 * @param every write one at the first policy publication at least this many updates after the
 *     last one (and one at shutdown)
 * @param keep how many of the newest checkpoints stay on disk; older ones are deleted
 */
public record CheckpointConfig(Path dir, long every, int keep) {

    public static final long DEFAULT_EVERY = 5_000;
    public static final int DEFAULT_KEEP = 3;

    public CheckpointConfig {
        if (dir == null || dir.toString().isBlank()) {
            throw new IllegalArgumentException("checkpoint-dir must be a directory path, got "
                    + (dir == null ? "none" : "''"));
        }
        Check.inClosed("checkpoint-every", every, 1, 1_000_000_000L);
        Check.inClosed("checkpoint-keep", keep, 1, 1_000);
    }

    /**
     * {@code checkpoints/<namespace>/<policy>} under the working directory: per namespace and
     * policy, so that learners of different experiments never share (or resume from) a state, and
     * not under the temporary directory, which a reboot may empty.
     */
    public static Path defaultDir(String namespace, String policyName) {
        return Path.of("checkpoints", namespace, policyName);
    }
}
