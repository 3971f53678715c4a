package io.streamrl.producer;

import io.streamrl.core.env.EnvSpec;
import io.streamrl.core.ope.LoggedDecisions;
import io.streamrl.kafka.KafkaSettings;
import io.streamrl.kafka.TopicBootstrap;
import io.streamrl.schemas.RecordDecodingException;
import io.streamrl.schemas.TopicSpec;
import io.streamrl.schemas.TransitionFields;
import io.streamrl.schemas.TransitionView;
import io.streamrl.schemas.avro.Transition;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Logged transitions as decisions for off-policy evaluation ({@link LoggedDecisions}): from a
 * file in any format replay reads ({@link TransitionFile}), or from the transitions topic as it
 * stands (the reward join's transitions carry the decisions' behaviour log-density). Each row is
 * checked against the environment as replay checks it ({@link TransitionShape}).
 */
public final class DecisionLogs {

    private DecisionLogs() {
    }

    /**
     * What a read of the transitions topic found.
     *
     * @param log the transitions of the environment, in partition and offset order
     * @param records records read
     * @param undecodable records that did not decode (the learner dead-letters them)
     * @param otherEnvironments transitions of other environments, by environment id
     * @param invalid transitions of the environment that break its rules (sizes, bounds, finiteness)
     * @param firstInvalid why the first of those was refused; null when none was
     */
    public record TopicLog(LoggedDecisions log, long records, long undecodable, Map<String, Long> otherEnvironments,
                           long invalid, String firstInvalid) {

        public TopicLog {
            otherEnvironments = Map.copyOf(otherEnvironments);
        }

        /** Records read but not in the log. */
        public long leftOut() {
            return undecodable + invalid + otherEnvironments.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /**
     * Reads every row of {@code file}.
     *
     * @throws BadFileException when the file cannot be read as {@code format}, breaks off, or has a
     *     row that is not a valid transition of {@code spec}'s environment (the message names the
     *     line): an estimate from part of a file would be for states nobody chose
     */
    public static LoggedDecisions read(Path file, FileFormat format, EnvSpec spec) throws IOException {
        TransitionShape shape = TransitionShape.of(spec);
        LoggedDecisions.Builder log = LoggedDecisions.builder(spec);
        TransitionFile.Defaults defaults = new TransitionFile.Defaults(Replay.Settings.defaultActorId(file), 0L);
        try (TransitionFile rows = TransitionFile.open(file, format, shape, defaults)) {
            for (TransitionFile.Row row = rows.next(); row != null; row = rows.next()) {
                try {
                    if (!row.ok()) {
                        throw row.problem();
                    }
                    shape.check(row.transition(), file, row.line());
                } catch (BadRowException e) {
                    throw new BadFileException(e.getMessage() + "; evaluate reads every row, so fix or remove it");
                }
                add(log, row.transition());
            }
        }
        return log.build();
    }

    /**
     * Reads the namespace's transitions topic from the beginning up to its end as it stands when
     * the read starts. Records that do not decode, belong to another environment or break its
     * rules are left out and counted.
     *
     * @param stop checked between polls; true ends the read early
     * @throws io.streamrl.kafka.BrokerUnavailableException when Kafka does not answer within the connect timeout
     * @throws IllegalArgumentException when the topic does not exist
     */
    public static TopicLog readTopic(KafkaSettings kafka, EnvSpec spec, BooleanSupplier stop) {
        TopicBootstrap.awaitCluster(kafka, Clock.systemUTC());
        TransitionShape shape = TransitionShape.of(spec);
        TopicSpec<String, Transition> topic = kafka.topics().transitions();
        LoggedDecisions.Builder log = LoggedDecisions.builder(spec);
        long[] counts = new long[3]; // read, undecodable, invalid
        Map<String, Long> others = new TreeMap<>();
        String[] firstInvalid = {null};
        Path source = Path.of("topic:" + topic.name());
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(kafka.consumer("streamrl-evaluate", null))) {
            List<TopicPartition> partitions = TopicScan.partitions(consumer, topic.name(), kafka.connectTimeout());
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions, kafka.connectTimeout());
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, kafka.connectTimeout());
            TopicScan.scan(consumer, begin, end, r -> {
                counts[0]++;
                Transition t;
                try {
                    t = topic.decodeValue(r.value());
                } catch (RecordDecodingException e) {
                    counts[1]++;
                    return;
                }
                if (!spec.id().equals(t.getEnvId())) {
                    others.merge(t.getEnvId(), 1L, Long::sum);
                    return;
                }
                TransitionFields fields = TransitionFields.of(t);
                try {
                    shape.check(fields, source, r.offset());
                } catch (BadRowException e) {
                    counts[2]++;
                    if (firstInvalid[0] == null) {
                        firstInvalid[0] = "partition " + r.partition() + " offset " + r.offset() + ": " + e.detail();
                    }
                    return;
                }
                add(log, fields);
            }, stop);
        }
        return new TopicLog(log.build(), counts[0], counts[1], others, counts[2], firstInvalid[0]);
    }

    /** A NaN log-density (the view's "none") is one that is not finite: none for the log too. */
    private static void add(LoggedDecisions.Builder log, TransitionView t) {
        log.add(t.actorId(), t.episode(), t.observation(), t.action(), t.reward(), t.logDensity());
    }
}
