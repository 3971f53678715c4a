package io.streamrl.learner;

import io.streamrl.core.agent.Ddpg;
import java.io.IOException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides when the training thread stores a checkpoint and stores it: at least
 * {@code checkpoint-every} updates after the last one. A write that fails (disk full, directory
 * gone) is logged and counted, and training goes on: stopping would halt learning for a problem
 * that only matters if the learner also crashes before the next successful write.
 */
final class CheckpointWriter {

    private static final Logger log = LoggerFactory.getLogger(CheckpointWriter.class);

    private final CheckpointStore store;
    private final long every;
    private final CheckpointStore.Identity identity;
    private final LearnerMetrics metrics;
    private long lastWritten;

    /** @param lastWritten the update count of the checkpoint the learner resumed from, or 0 */
    CheckpointWriter(CheckpointStore store, long every, CheckpointStore.Identity identity, LearnerMetrics metrics,
                     long lastWritten) {
        this.store = store;
        this.every = every;
        this.identity = identity;
        this.metrics = metrics;
        this.lastWritten = lastWritten;
    }

    CheckpointStore.Identity identity() {
        return identity;
    }

    /** Whether a checkpoint at {@code updates} is due. */
    boolean due(long updates) {
        return updates - lastWritten >= every;
    }

    /** Whether the state at {@code updates} is newer than the last checkpoint written. */
    boolean newerThanLast(long updates) {
        return updates > lastWritten;
    }

    /** Stores {@code state}; true when it was written. */
    boolean write(CheckpointMetadata metadata, Ddpg.Checkpoint state) {
        long start = System.nanoTime();
        try {
            Path file = store.write(metadata, state);
            lastWritten = metadata.updates();
            metrics.checkpointWritten();
            log.info("checkpoint after {} updates written to {} in {} ms", metadata.updates(), file,
                    (System.nanoTime() - start) / 1_000_000);
            return true;
        } catch (IOException | RuntimeException e) {
            metrics.checkpointFailed();
            log.error("could not write the checkpoint after {} updates to {}: {}; training goes on, and a restart"
                    + " would resume from the previous checkpoint", metadata.updates(), store.dir().toAbsolutePath(),
                    e.toString());
            return false;
        }
    }
}
