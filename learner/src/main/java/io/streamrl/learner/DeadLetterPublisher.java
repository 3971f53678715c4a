package io.streamrl.learner;

import io.streamrl.schemas.DeadLetters;
import io.streamrl.schemas.TopicSpec;
import io.streamrl.schemas.avro.DeadLetter;
import java.time.Clock;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a rejected record to the dead-letter topic byte for byte, with where it came from and
 * why it was rejected, keyed by its original key. Sends are asynchronous so that a burst of bad
 * records does not slow ingest; a failed send is logged (the record is still counted as
 * dead-lettered: it was rejected either way).
 */
final class DeadLetterPublisher {

    private static final Logger log = LoggerFactory.getLogger(DeadLetterPublisher.class);
    /** Enough to see what is wrong without flooding the log when a whole producer misbehaves. */
    private static final int LOGGED_IN_FULL = 10;

    private final Producer<byte[], byte[]> producer;
    private final TopicSpec<byte[], DeadLetter> topic;
    private final Clock clock;
    private long published;

    DeadLetterPublisher(Producer<byte[], byte[]> producer, TopicSpec<byte[], DeadLetter> topic, Clock clock) {
        this.producer = producer;
        this.topic = topic;
        this.clock = clock;
    }

    /** Called from the ingest thread only. */
    void publish(ConsumerRecord<byte[], byte[]> rejected, Exception reason) {
        DeadLetter letter = DeadLetters.of(rejected.topic(), rejected.partition(), rejected.offset(), rejected.key(),
                rejected.value(), reason, clock.instant());
        byte[] value = topic.valueSerde().codec().encode(topic.name(), letter);
        producer.send(new ProducerRecord<>(topic.name(), rejected.key(), value), (metadata, error) -> {
            if (error != null) {
                log.error("could not write the dead letter for {}-{}@{} to {}: {}", rejected.topic(),
                        rejected.partition(), rejected.offset(), topic.name(), error.toString());
            }
        });
        published++;
        if (published <= LOGGED_IN_FULL) {
            log.warn("dead-lettered {}-{}@{}: {}{}", rejected.topic(), rejected.partition(), rejected.offset(),
                    reason.getMessage(), published == LOGGED_IN_FULL
                            ? " (further dead letters are logged at DEBUG; they are all on " + topic.name() + ")"
                            : "");
        } else {
            log.debug("dead-lettered {}-{}@{}: {}", rejected.topic(), rejected.partition(), rejected.offset(),
                    reason.getMessage());
        }
    }
}
