package io.streamrl.learner;

import io.streamrl.core.replay.Batch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An ingest thread: reads its share of the partitions of the transitions topic (manual
 * assignment, no consumer group, so one learner sees every actor: with {@code n} ingest threads,
 * thread {@code i} takes the partitions {@code p} with {@code p % n == i}), converts each record
 * into a row of one batch per poll, hands the batch to the training thread through the
 * {@link ExperienceInbox} and dead-letters the rest. Never
 * waits for training. The standard poll loop: {@link #shutdown()} sets a flag and wakes the
 * consumer, which this thread then closes.
 *
 * <p>Offline ({@code endOffsets} given), it reads its partitions from the beginning to the end
 * offsets the service captured at start, drops anything written after them, says so to the
 * inbox ({@link ExperienceInbox#sourceDone()}) and idles until shut down; rejected records are
 * only logged ({@link RejectedRecords#logOnly()}).
 */
final class IngestLoop implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(IngestLoop.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);

    private final Consumer<byte[], byte[]> consumer;
    private final String topic;
    private final StartPosition start;
    private final Duration metadataTimeout;
    private final TransitionConverter converter;
    private final RejectedRecords rejections;
    private final ExperienceInbox inbox;
    private final LearnerMetrics metrics;
    private final Runnable onPositioned;
    private final int slot;
    private final int slots;
    private final Map<Integer, Long> resumeOffsets;
    private final int refillDepth;
    /** Offline: per partition, the offset to read up to (exclusive); null online. */
    private final Map<Integer, Long> endOffsets;
    /** Offline: partitions not yet read to their end offset. */
    private final List<TopicPartition> unfinished = new ArrayList<>();
    private long offlineRecords;
    /** Per partition read since a checkpoint: records below this offset only refill the buffer. */
    private final Map<Integer, Long> refillBelow = new HashMap<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean stopping;
    private volatile Throwable failure;

    /**
     * @param onPositioned called once this loop's partitions are assigned and positioned, before the first poll
     * @param slot which share of the partitions this loop reads, {@code 0 <= slot < slots}
     * @param slots number of ingest loops sharing the topic
     * @param resumeOffsets per partition, the offset a checkpoint's buffer ended at (empty without
     *     one): reading restarts up to {@code refillDepth} records before it, to refill the buffer,
     *     and those records earn no update credit and are not dead-lettered again
     * @param refillDepth how far before a resume offset to start, at most: the buffer's capacity
     * @param endOffsets offline: per partition, the end offset captured at start, up to which
     *     this loop reads (from the beginning; {@code start} and {@code resumeOffsets} must then
     *     be {@code EARLIEST} and empty); null to follow the topic (online)
     */
    IngestLoop(Consumer<byte[], byte[]> consumer, String topic, StartPosition start, Duration metadataTimeout,
               TransitionConverter converter, RejectedRecords rejections, ExperienceInbox inbox,
               LearnerMetrics metrics, Runnable onPositioned, int slot, int slots, Map<Integer, Long> resumeOffsets,
               int refillDepth, Map<Integer, Long> endOffsets) {
        if (slot < 0 || slot >= slots) {
            throw new IllegalArgumentException("ingest slot " + slot + " is outside [0, " + slots + ")");
        }
        if (endOffsets != null && (start != StartPosition.EARLIEST || !resumeOffsets.isEmpty())) {
            throw new IllegalArgumentException("an offline ingest loop reads from the beginning, without resume"
                    + " offsets");
        }
        this.slot = slot;
        this.slots = slots;
        this.consumer = consumer;
        this.topic = topic;
        this.start = start;
        this.metadataTimeout = metadataTimeout;
        this.converter = converter;
        this.rejections = rejections;
        this.inbox = inbox;
        this.metrics = metrics;
        this.onPositioned = onPositioned;
        this.resumeOffsets = Map.copyOf(resumeOffsets);
        this.refillDepth = refillDepth;
        this.endOffsets = endOffsets == null ? null : Map.copyOf(endOffsets);
    }

    @Override
    public void run() {
        try {
            List<TopicPartition> partitions = assignShare();
            onPositioned.run();
            if (partitions.isEmpty()) {
                log.info("ingest thread {} of {} has no partition of {} to read; it idles", slot + 1, slots, topic);
                if (endOffsets != null) {
                    inbox.sourceDone();
                }
                stopped.await();
                return;
            }
            if (endOffsets == null) {
                log.info("reading {} partition(s) of {} from the {}", partitions.size(), topic,
                        start == StartPosition.EARLIEST ? "beginning" : "end");
            } else {
                unfinished.addAll(partitions);
                log.info("reading {} partition(s) of {} from the beginning to the end offsets captured at start",
                        partitions.size(), topic);
                markFinished();
            }
            while (!stopping) {
                if (endOffsets != null && unfinished.isEmpty()) {
                    log.info("ingest thread {} of {} read its {} partition(s) of {} to the end: {} records", slot + 1,
                            slots, partitions.size(), topic, offlineRecords);
                    inbox.sourceDone();
                    stopped.await();
                    return;
                }
                ingest(consumer.poll(POLL_TIMEOUT));
                if (endOffsets != null) {
                    markFinished();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (WakeupException e) {
            if (!stopping) {
                failure = e;
                log.error("ingest from {} was woken up without a shutdown request", topic, e);
            }
        } catch (RuntimeException e) {
            failure = e;
            log.error("ingest from {} failed: {}", topic, e.toString(), e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** Makes {@link #run()} return soon; callable from any thread. */
    void shutdown() {
        stopping = true;
        stopped.countDown();
        consumer.wakeup();
    }

    /** Why ingest ended other than by {@link #shutdown()}. */
    Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    private List<TopicPartition> assignShare() {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, metadataTimeout);
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("topic " + topic + " has no partitions; create it (the learner does so"
                    + " at start-up) or check the namespace");
        }
        List<TopicPartition> partitions = infos.stream()
                .filter(p -> p.partition() % slots == slot)
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
        if (partitions.isEmpty()) {
            return partitions;
        }
        consumer.assign(partitions);
        List<TopicPartition> fromStart = new ArrayList<>();
        Map<TopicPartition, Long> beginnings = consumer.beginningOffsets(partitions, metadataTimeout);
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, metadataTimeout);
        for (TopicPartition p : partitions) {
            Long resume = resumeOffsets.get(p.partition());
            if (resume == null) {
                fromStart.add(p);
            } else if (resume > ends.get(p)) {
                log.warn("the checkpoint read partition {} up to offset {}, but it ends at {}: the topic was"
                        + " deleted and created again? Reading it from the {} as new data", p, resume, ends.get(p),
                        start == StartPosition.EARLIEST ? "beginning" : "end");
                fromStart.add(p);
            } else {
                consumer.seek(p, Math.max(beginnings.get(p), resume - refillDepth));
                refillBelow.put(p.partition(), resume);
            }
        }
        if (start == StartPosition.EARLIEST) {
            consumer.seekToBeginning(fromStart);
        } else {
            consumer.seekToEnd(fromStart);
        }
        // Seeks are lazy; resolving the positions now fixes "the end" at start-up, not at the first poll.
        partitions.forEach(p -> consumer.position(p, metadataTimeout));
        return partitions;
    }

    /** Offline: drops the partitions read to their end offset from {@link #unfinished} and stops fetching them. */
    private void markFinished() {
        List<TopicPartition> done = new ArrayList<>();
        for (TopicPartition p : unfinished) {
            if (consumer.position(p, metadataTimeout) >= endOffsets.getOrDefault(p.partition(), 0L)) {
                done.add(p);
            }
        }
        if (!done.isEmpty()) {
            unfinished.removeAll(done);
            consumer.pause(done);
        }
    }

    private void ingest(ConsumerRecords<byte[], byte[]> records) {
        if (records.isEmpty()) {
            return;
        }
        Batch accepted = converter.newBatch(records.count());
        Map<Integer, Long> nextOffsets = new HashMap<>();
        int rows = 0;
        int rejected = 0;
        int refilled = 0;
        int refilledRows = 0;
        int beyondEnd = 0;
        for (ConsumerRecord<byte[], byte[]> record : records) {
            if (endOffsets != null && record.offset() >= endOffsets.getOrDefault(record.partition(), 0L)) {
                beyondEnd++; // written after the offline learner started: not part of the log it trains on
                continue;
            }
            nextOffsets.put(record.partition(), record.offset() + 1);
            boolean refill = record.offset() < refillBelow.getOrDefault(record.partition(), 0L);
            try {
                converter.convert(record.value(), accepted, rows);
                rows++;
                if (refill) {
                    refilledRows++;
                }
            } catch (SerializationException e) { // RecordDecodingException or RecordValidationException
                if (!refill) { // a re-read bad record was dead-lettered before the checkpoint
                    rejections.reject(record, e);
                    rejected++;
                }
            }
            if (refill) {
                refilled++;
            }
        }
        inbox.offer(accepted, rows, rows - refilledRows, nextOffsets);
        offlineRecords += records.count() - beyondEnd;
        metrics.ingested(records.count() - beyondEnd - refilled, rejected);
        metrics.refilled(refilled);
    }
}
