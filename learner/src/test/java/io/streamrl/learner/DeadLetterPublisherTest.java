package io.streamrl.learner;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamrl.schemas.DeadLetters;
import io.streamrl.schemas.RecordValidationException;
import io.streamrl.schemas.TopicSpec;
import io.streamrl.schemas.Topics;
import io.streamrl.schemas.avro.DeadLetter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** How dead letters are sized and counted, against Kafka's {@link MockProducer}. */
class DeadLetterPublisherTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2024-05-01T12:00:00Z"), ZoneOffset.UTC);
    private final TopicSpec<byte[], DeadLetter> topic = Topics.of("dl-test").deadLetter();
    private final LearnerMetrics metrics = new LearnerMetrics(new SimpleMeterRegistry(), "test", 100);
    private final MockProducer<byte[], byte[]> producer =
            new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());

    @Test
    void aFailedWriteIsCountedAsAFailureNotAsDeadLettered() {
        DeadLetterPublisher publisher = publisher(Topics.DEAD_LETTER_MAX_MESSAGE_BYTES);
        metrics.ingested(2, 2);

        publisher.publish(rejected(0, new byte[] {1, 2, 3}), reason());
        publisher.publish(rejected(1, new byte[] {4, 5, 6}), reason());
        assertThat(producer.errorNext(new RecordTooLargeException("refused by the broker"))).isTrue();
        assertThat(producer.completeNext()).isTrue();

        LearnerStats stats = metrics.snapshot();
        assertThat(stats.transitionsRejected()).isEqualTo(2);
        assertThat(stats.transitionsDeadLettered()).isEqualTo(1);
        assertThat(stats.deadLetterFailures()).isEqualTo(1);
    }

    @Test
    void aSendRefusedAtOnceIsCountedAndIngestGoesOn() {
        DeadLetterPublisher publisher = publisher(Topics.DEAD_LETTER_MAX_MESSAGE_BYTES);
        producer.close();

        publisher.publish(rejected(0, new byte[] {1}), reason());

        assertThat(metrics.snapshot().deadLetterFailures()).isEqualTo(1);
        assertThat(metrics.snapshot().transitionsDeadLettered()).isZero();
    }

    @Test
    void aLetterThatWouldNotFitKeepsTheFirstBytesAndSaysHowManyThereWere() {
        int limit = 4_096;
        DeadLetterPublisher publisher = publisher(limit);
        byte[] value = new byte[20_000];
        Arrays.fill(value, (byte) 7);
        value[0] = 42;

        publisher.publish(rejected(5, value), reason());
        producer.completeNext();

        ProducerRecord<byte[], byte[]> sent = single(producer.history());
        assertThat(sent.key().length + sent.value().length + DeadLetters.RECORD_OVERHEAD_BYTES)
                .isLessThanOrEqualTo(limit);
        DeadLetter letter = topic.decodeValue(sent.value());
        assertThat(letter.getOriginalValueTruncated()).isTrue();
        assertThat(letter.getOriginalValueSize()).isEqualTo(20_000);
        assertThat(letter.getOriginalOffset()).isEqualTo(5);
        byte[] kept = bytes(letter.getOriginalValue());
        assertThat(kept.length).isBetween(limit - 1_000, limit);
        assertThat(kept).isEqualTo(Arrays.copyOf(value, kept.length));
        assertThat(metrics.snapshot().transitionsDeadLettered()).isEqualTo(1);
    }

    @Test
    void aLetterThatFitsIsWrittenWhole() {
        DeadLetterPublisher publisher = publisher(4_096);
        byte[] value = new byte[3_000];

        publisher.publish(rejected(0, value), reason());

        DeadLetter letter = topic.decodeValue(single(producer.history()).value());
        assertThat(letter.getOriginalValueTruncated()).isFalse();
        assertThat(bytes(letter.getOriginalValue())).isEqualTo(value);
        assertThat(letter.getOriginalValueSize()).isEqualTo(3_000);
    }

    private DeadLetterPublisher publisher(int maxMessageBytes) {
        return new DeadLetterPublisher(producer, topic, maxMessageBytes, metrics, CLOCK);
    }

    private static ConsumerRecord<byte[], byte[]> rejected(long offset, byte[] value) {
        return new ConsumerRecord<>("dl-test.transitions", 0, offset, "actor-1".getBytes(StandardCharsets.UTF_8),
                value);
    }

    private static Exception reason() {
        return new RecordValidationException("Transition", List.of("reward is NaN"));
    }

    private static <T> T single(List<T> items) {
        assertThat(items).hasSize(1);
        return items.get(0);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }
}
