/**
 * The learner service: consumes transitions from Kafka into a replay buffer, trains DDPG/TD3 at
 * a bounded replay ratio, and publishes actor snapshots to the compacted policy topic.
 *
 * <p>Entry point: {@link io.streamrl.learner.LearnerService} with a
 * {@link io.streamrl.learner.LearnerConfig}; {@code run()} blocks and returns a
 * {@link io.streamrl.learner.LearnerResult}, {@code close()} stops it from any thread, and
 * {@code stats()} gives the {@link io.streamrl.learner.LearnerStats} that the {@code learner.*}
 * meters also export.
 *
 * <p>Threads: the ingest thread ({@code IngestLoop}) owns the consumer and the dead-letter
 * producer; the training thread ({@code TrainingLoop}) owns the replay buffer, the agent, the
 * evaluation environment and publishes through the policy producer; they meet only in the
 * {@code ExperienceInbox}. The thread calling {@code run()} creates and releases everything.
 */
package io.streamrl.learner;
