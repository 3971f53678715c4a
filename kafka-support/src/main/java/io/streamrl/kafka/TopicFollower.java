package io.streamrl.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every partition of one topic from the beginning, without a consumer group, and hands
 * each record to a handler on its own daemon thread: how every actor follows the compacted
 * policy topic and every serve instance the control topic (a group would split the records
 * between them). Waits for a missing topic instead of auto-creating it (it would be created
 * without compaction). The standard poll loop: {@link #close()} sets a flag and wakes the
 * consumer, which the loop then closes.
 */
public final class TopicFollower implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TopicFollower.class);
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration MISSING_TOPIC_RETRY = Duration.ofSeconds(1);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

    private final String topic;
    private final String what;
    private final Duration pollTimeout;
    private final Consumer<ConsumerRecord<byte[], byte[]>> handler;
    private final Runnable onStop;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final CountDownLatch closing = new CountDownLatch(1);
    private volatile boolean closed;
    private volatile boolean readToEnd;
    private Map<TopicPartition, Long> startEndOffsets;

    private TopicFollower(KafkaSettings settings, String clientId, String topic, String what, Duration pollTimeout,
                          Consumer<ConsumerRecord<byte[], byte[]>> handler, Runnable onStop) {
        this.topic = Objects.requireNonNull(topic, "topic");
        this.what = Objects.requireNonNull(what, "what");
        this.pollTimeout = Objects.requireNonNull(pollTimeout, "pollTimeout");
        this.handler = Objects.requireNonNull(handler, "handler");
        this.onStop = Objects.requireNonNull(onStop, "onStop");
        Properties props = settings.consumer(clientId, null);
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        this.consumer = new KafkaConsumer<>(props);
        this.thread = new Thread(this::pollLoop, "follower-" + clientId);
        this.thread.setDaemon(true);
    }

    /**
     * Starts following {@code topic}.
     *
     * @param what what is followed, for log lines (e.g. {@code policy Pendulum-v1})
     * @param pollTimeout longest a poll waits for records (also how quickly a closed follower notices)
     * @param handler called with every record, in offset order per partition, on the follower's thread
     * @param onStop called on the follower's thread once the loop has ended, however it ended
     */
    public static TopicFollower start(KafkaSettings settings, String clientId, String topic, String what,
                                      Duration pollTimeout, Consumer<ConsumerRecord<byte[], byte[]>> handler,
                                      Runnable onStop) {
        TopicFollower follower = new TopicFollower(settings, clientId, topic, what, pollTimeout, handler, onStop);
        follower.thread.start();
        return follower;
    }

    /**
     * Waits until the topic was read up to where it ended when the follower started.
     *
     * @return whether that happened within {@code timeout}; false at once when the follower
     *     stopped before
     */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toNanos(), TimeUnit.NANOSECONDS) && readToEnd;
    }

    /** Whether {@link #close()} was called. */
    public boolean closed() {
        return closed;
    }

    /** Stops the poll loop and waits for it. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        closing.countDown();
        consumer.wakeup();
        if (Thread.currentThread() != thread) {
            try {
                thread.join(CLOSE_TIMEOUT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (thread.isAlive()) {
                log.warn("the follower of {} did not stop within {} s", what, CLOSE_TIMEOUT.toSeconds());
            }
        }
    }

    private void pollLoop() {
        try {
            List<TopicPartition> partitions = assignWhenTopicExists();
            if (partitions != null) {
                // An empty topic is read to its end before the first poll, which would wait for its timeout.
                checkCaughtUp(partitions);
            }
            while (partitions != null && !closed) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(pollTimeout)) {
                    handler.accept(record);
                }
                checkCaughtUp(partitions);
            }
        } catch (WakeupException e) {
            // close() woke the loop; nothing else calls wakeup().
        } catch (RuntimeException e) {
            log.error("the follower of {} on {} stopped: {}. What it read last stays in use; restart once the cause"
                    + " is fixed", what, topic, e.toString(), e);
        } finally {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
            caughtUp.countDown();
            onStop.run();
        }
    }

    /** Assigns every partition from its beginning; null when closed first. */
    private List<TopicPartition> assignWhenTopicExists() {
        boolean warned = false;
        while (!closed) {
            List<PartitionInfo> infos;
            try {
                infos = consumer.partitionsFor(topic, METADATA_TIMEOUT);
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                infos = List.of();
            }
            if (infos != null && !infos.isEmpty()) {
                List<TopicPartition> partitions = infos.stream()
                        .map(info -> new TopicPartition(info.topic(), info.partition()))
                        .toList();
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                startEndOffsets = consumer.endOffsets(partitions);
                log.info("following {} on {} ({} partition(s))", what, topic, partitions.size());
                return partitions;
            }
            if (!warned) {
                log.warn("topic {} does not exist (or the broker does not answer) yet; waiting for it to follow {}",
                        topic, what);
                warned = true;
            }
            try {
                // Waiting on the close latch (not a sleep) so close() ends the wait at once.
                closing.await(MISSING_TOPIC_RETRY.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }

    private void checkCaughtUp(List<TopicPartition> partitions) {
        if (caughtUp.getCount() == 0) {
            return;
        }
        for (TopicPartition partition : partitions) {
            if (consumer.position(partition) < startEndOffsets.getOrDefault(partition, 0L)) {
                return;
            }
        }
        readToEnd = true;
        caughtUp.countDown();
    }
}
