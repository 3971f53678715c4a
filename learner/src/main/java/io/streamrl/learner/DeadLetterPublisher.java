package io.streamrl.learner;

import io.streamrl.schemas.DeadLetters;
import io.streamrl.schemas.TopicSpec;
import io.streamrl.schemas.avro.DeadLetter;
import java.time.Clock;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a rejected record to the dead-letter topic byte for byte, with where it came from and
 * why it was rejected, keyed by its original key. A letter that would be larger than the topic
 * takes ({@code maxMessageBytes}) keeps only the first bytes of the value and is marked
 * truncated with the value's whole size, so that it is written rather than refused. Sends are
 * asynchronous so that a burst of bad records does not slow ingest; the broker's answer decides
 * how the letter is counted: dead-lettered when acknowledged, a dead-letter failure otherwise
 * (then the letter is lost, and the ERROR log names the record's topic, partition and offset).
 */
final class DeadLetterPublisher implements RejectedRecords {

    private static final Logger log = LoggerFactory.getLogger(DeadLetterPublisher.class);
    /** Enough to see what is wrong without flooding the log when a whole producer misbehaves. */
    private static final int LOGGED_IN_FULL = 10;
    /**
     * What Kafka adds around a value in a batch of one record: the 61-byte batch header plus at
     * most 32 bytes of per-record varints (length, attributes, timestamp and offset deltas, key
     * and value lengths, header count), rounded up. The key is counted separately.
     */

    private final Producer<byte[], byte[]> producer;
    private final TopicSpec<byte[], DeadLetter> topic;
    private final int maxMessageBytes;
    private final LearnerMetrics metrics;
    private final Clock clock;
    private long published;

    /**
     * @param maxMessageBytes the dead-letter topic's {@code max.message.bytes}; letters are sized to fit it
     */
    DeadLetterPublisher(Producer<byte[], byte[]> producer, TopicSpec<byte[], DeadLetter> topic, int maxMessageBytes,
                        LearnerMetrics metrics, Clock clock) {
        if (maxMessageBytes <= DeadLetters.RECORD_OVERHEAD_BYTES) {
            throw new IllegalArgumentException("max.message.bytes of " + topic.name() + " is " + maxMessageBytes
                    + "; allowed: more than " + DeadLetters.RECORD_OVERHEAD_BYTES);
        }
        this.producer = producer;
        this.topic = topic;
        this.maxMessageBytes = maxMessageBytes;
        this.metrics = metrics;
        this.clock = clock;
    }

    @Override
    public void reject(ConsumerRecord<byte[], byte[]> record, Exception reason) {
        publish(record, reason);
    }

    /** Called from the ingest thread only. */
    void publish(ConsumerRecord<byte[], byte[]> rejected, Exception reason) {
        DeadLetter letter = DeadLetters.of(rejected.topic(), rejected.partition(), rejected.offset(), rejected.key(),
                rejected.value(), reason, clock.instant());
        DeadLetters.Encoded encoded = DeadLetters.encodeToFit(topic, letter,
                rejected.key() == null ? 0 : rejected.key().length, maxMessageBytes);
        byte[] value = encoded.bytes();
        String truncation = !encoded.truncated() ? "" : " (value truncated from " + rejected.value().length + " to "
                + encoded.keptValueBytes() + " bytes to fit " + topic.name() + "'s max.message.bytes of "
                + maxMessageBytes + ")";
        String where = rejected.topic() + "-" + rejected.partition() + "@" + rejected.offset();
        try {
            producer.send(new ProducerRecord<>(topic.name(), rejected.key(), value), (metadata, error) -> {
                if (error == null) {
                    metrics.deadLettered();
                } else {
                    failed(where, error);
                }
            });
        } catch (KafkaException | IllegalStateException e) { // refused before it was queued: a closed producer
            failed(where, e);
        }
        published++;
        if (published <= LOGGED_IN_FULL) {
            log.warn("dead-lettered {}: {}{}{}", where, reason.getMessage(), truncation, published == LOGGED_IN_FULL
                    ? " (further dead letters are logged at DEBUG; they are all on " + topic.name() + ")"
                    : "");
        } else {
            log.debug("dead-lettered {}: {}{}", where, reason.getMessage(), truncation);
        }
    }

    /** Runs on the producer's I/O thread, or on the ingest thread when the send was refused at once. */
    private void failed(String where, Exception error) {
        long failures = metrics.deadLetterFailed();
        if (failures <= LOGGED_IN_FULL) {
            log.error("could not write the dead letter for {} to {}; it is lost (counted in {}): {}{}", where,
                    topic.name(), LearnerMetrics.DEAD_LETTER_FAILURES, error.toString(), failures == LOGGED_IN_FULL
                            ? " (further failures are logged at DEBUG)" : "");
        } else {
            log.debug("could not write the dead letter for {} to {}: {}", where, topic.name(), error.toString());
        }
    }
}
