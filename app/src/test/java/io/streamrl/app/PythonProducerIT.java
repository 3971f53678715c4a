package io.streamrl.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streamrl.broker.testing.EmbeddedKafkaExtension;
import io.streamrl.broker.testing.SharedKafka;
import io.streamrl.core.agent.DdpgConfig;
import io.streamrl.core.train.TrainListener;
import io.streamrl.kafka.KafkaSettings;
import io.streamrl.kafka.TopicBootstrap;
import io.streamrl.learner.LearnerConfig;
import io.streamrl.learner.LearnerService;
import io.streamrl.schemas.RecordCodec;
import io.streamrl.schemas.SchemaFingerprint;
import io.streamrl.schemas.SchemaVersion;
import io.streamrl.schemas.TransitionReader;
import io.streamrl.schemas.TransitionValidator;
import io.streamrl.schemas.avro.Transition;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The README's Python producer ({@code examples/python/produce_transitions.py}, python3-avro and
 * confluent_kafka only) against the in-process broker: a learner receives every transition it
 * writes and rejects none, with python3-avro's own fingerprint (an alias) and with the standard
 * header from {@code streamrl schemas}. Skipped without those packages (see {@link PythonWithAvro}).
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class PythonProducerIT {

    private static final int WITH_ALIAS = 450;
    private static final int WITH_STANDARD = 50;

    @Test
    void transitionsWrittenInPythonReachTheLearnerWithoutADeadLetter(SharedKafka broker) throws Exception {
        List<String> whyNot = new ArrayList<>();
        Optional<PythonWithAvro> found = PythonWithAvro.find(whyNot);
        Assumptions.assumeTrue(found.isPresent(), () -> "no Python with python3-avro and confluent_kafka: " + whyNot);
        PythonWithAvro python = found.get();
        KafkaSettings kafka = KafkaSettings.of(broker.bootstrapServers(), broker.freshNamespace("it-python"));
        String namespace = kafka.topics().namespace();
        // The example refuses a missing topic; a learner creates them at start, as in the README.
        TopicBootstrap.ensureTopics(kafka, kafka.topics().all(), Clock.systemUTC());
        SchemaVersion current = RecordCodec.transition().versions().get(2);
        SchemaFingerprint standard = current.fingerprints().get(0);
        SchemaFingerprint alias = current.fingerprints().get(1);

        // A learner that only ingests: it would start learning after more transitions than are sent.
        DdpgConfig ingestOnly = DdpgConfig.ddpg().with(Map.of("learning-starts", "100000"));
        LearnerConfig config = LearnerConfig.builder("pendulum").algorithm(ingestOnly).build();
        try (LearnerService learner = new LearnerService(kafka, config, Clock.systemUTC(), TrainListener.NONE)) {
            CompletableFuture<?> learning = CompletableFuture.supplyAsync(learner::run);

            PythonWithAvro.Result plain = python.run(List.of(python.example().toString(),
                    "--bootstrap-server", broker.bootstrapServers(), "--namespace", namespace,
                    "--count", Integer.toString(WITH_ALIAS), "--actor-id", "python-plain"), 300);
            assertThat(plain.exitCode()).as(plain.err()).isZero();
            assertThat(plain.out().strip()).isEqualTo("wrote " + WITH_ALIAS + " transitions to " + namespace
                    + ".transitions (fingerprint " + alias.hex() + ", header " + alias.headerHex() + ")");
            PythonWithAvro.Result withHeader = python.run(List.of(python.example().toString(),
                    "--bootstrap-server", broker.bootstrapServers(), "--namespace", namespace,
                    "--count", Integer.toString(WITH_STANDARD), "--actor-id", "python-standard", "--seed", "2",
                    "--header", standard.headerHex()), 300);
            assertThat(withHeader.exitCode()).as(withHeader.err()).isZero();

            int total = WITH_ALIAS + WITH_STANDARD;
            await().atMost(Duration.ofSeconds(60)).until(() -> learner.stats().transitionsReceived() >= total);
            assertThat(learner.stats().transitionsReceived()).isEqualTo(total);
            assertThat(learner.stats().transitionsRejected()).isZero();
            assertThat(learner.stats().transitionsDeadLettered()).isZero();
            assertThat(learner.stats().bufferSize()).isEqualTo(total);
            learner.close();
            learning.get();
        }

        List<ConsumerRecord<byte[], byte[]>> records = read(kafka, kafka.topics().transitions().name(), 500);
        assertThat(records).hasSize(WITH_ALIAS + WITH_STANDARD);
        assertThat(records.stream().collect(Collectors.groupingBy(
                r -> HexFormat.of().formatHex(Arrays.copyOf(r.value(), 10)), Collectors.counting())))
                .containsExactlyInAnyOrderEntriesOf(Map.of(alias.headerHex(), (long) WITH_ALIAS,
                        standard.headerHex(), (long) WITH_STANDARD));
        int partitions = kafka.topics().transitionPartitions();
        TransitionReader reader = new TransitionReader("python");
        TransitionValidator validator = new TransitionValidator();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            Transition t = RecordCodec.transition().decode(r.topic(), r.value());
            assertThat(validator.validate(t)).isEmpty();
            assertThat(validator.validate(reader.read(r.value()))).isEmpty();
            assertThat(t.getEnvId()).isEqualTo("Pendulum-v1");
            assertThat(t.getActorId()).isEqualTo(new String(r.key(), StandardCharsets.UTF_8));
            assertThat(t.getObservation()).hasSize(3);
            assertThat(t.getAction()).singleElement().satisfies(a -> assertThat(a).isBetween(-2f, 2f));
            assertThat(t.getTruncated()).isEqualTo(t.getStep() == 200);
            assertThat(t.getEventTime()).isNotNull();
            // Where a Java producer would put the key (the example sets librdkafka's murmur2 partitioner).
            assertThat(r.partition()).isEqualTo(Utils.toPositive(Utils.murmur2(r.key())) % partitions);
        }
        assertThat(read(kafka, kafka.topics().deadLetter().name(), 0)).isEmpty();
    }

    /** Every record of the topic, in partition order; waits up to 30 s for at least {@code atLeast}. */
    private static List<ConsumerRecord<byte[], byte[]>> read(KafkaSettings kafka, String topic, int atLeast)
            throws IOException {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(kafka.consumer("it-python-reader", null))) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo p : consumer.partitionsFor(topic)) {
                partitions.add(new TopicPartition(p.topic(), p.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while ((out.size() < atLeast || partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)))
                    && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }
}
