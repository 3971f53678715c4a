/**
 * Logged transitions into Kafka and topics back out to files.
 *
 * <p>{@link io.streamrl.producer.Replay} reads a CSV, JSON Lines or Avro container file of
 * transitions ({@link io.streamrl.producer.TransitionFile}), checks every row against the
 * environment's shape ({@link io.streamrl.producer.TransitionShape}), publishes the good ones to
 * the transitions topic through an idempotent producer and dead-letters the bad ones with file,
 * line and reason. {@link io.streamrl.producer.Export} writes what a topic holds to a file that
 * {@code Replay} reads back.
 */
package io.streamrl.producer;
