package io.streamrl.producer;

import io.streamrl.core.config.Check;
import io.streamrl.kafka.KafkaSettings;
import io.streamrl.kafka.TopicBootstrap;
import io.streamrl.producer.BadRowException.Reason;
import io.streamrl.schemas.DeadLetters;
import io.streamrl.schemas.TopicSpec;
import io.streamrl.schemas.Topics;
import io.streamrl.schemas.TransitionFields;
import io.streamrl.schemas.TransitionWriter;
import io.streamrl.schemas.avro.DeadLetter;
import io.streamrl.schemas.avro.Transition;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.BitSet;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a file of logged transitions to the transitions topic: every row is checked against
 * the environment ({@link TransitionShape}); good rows go out through an idempotent
 * {@code acks=all} producer keyed by actor id (one file's rows stay in order on one partition),
 * bad ones to the dead-letter topic with file, line and reason, and the run goes on, unless
 * {@code strict}, which stops at the first bad row having published nothing after it. Every
 * record carries {@link ReplayHeaders}; with {@code resume}, rows whose line a record (or dead
 * letter) of the same file already carries are skipped, so an interrupted replay run again
 * publishes nothing twice.
 */
public final class Replay implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Replay.class);

    /**
     * @param file the file to replay
     * @param format its format
     * @param shape the environment the transitions belong to
     * @param actorId actor id (and Kafka key) of rows that do not name one
     * @param strict stop at the first bad row instead of dead-lettering it
     * @param resume skip rows this file already published (or dead-lettered)
     * @param rate rows per second at most; 0 for as fast as Kafka takes them
     * @param progressInterval how often {@link #run} reports progress
     */
    public record Settings(Path file, FileFormat format, TransitionShape shape, String actorId, boolean strict,
                           boolean resume, double rate, Duration progressInterval) {

        public Settings {
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(format, "format");
            Objects.requireNonNull(shape, "shape");
            Check.identifier("actor-id", actorId);
            if (!(rate >= 0) || Double.isInfinite(rate)) {
                throw new IllegalArgumentException("rate must be >= 0 rows/s (0 for no limit), got " + rate);
            }
            if (progressInterval == null || progressInterval.isNegative() || progressInterval.isZero()) {
                throw new IllegalArgumentException("progress-interval must be positive, got " + progressInterval);
            }
        }

        /** {@code replay-<file name>}, cut to the characters and length an actor id may have. */
        public static String defaultActorId(Path file) {
            String name = "replay-" + file.getFileName().toString().replaceAll("[^A-Za-z0-9._-]", "_");
            return name.length() <= 128 ? name : name.substring(0, 128);
        }
    }

    /** Where a replay stands; {@code totalBytes} and {@code bytesRead} give the ETA. */
    public record Progress(long read, long published, long rejected, long skipped, long bytesRead, long totalBytes,
                           long elapsedMillis) {
    }

    /**
     * How a replay ended.
     *
     * @param read rows read (bad ones included)
     * @param published transitions the broker acknowledged
     * @param skipped rows already published by an earlier run ({@code resume})
     * @param rejected bad rows by reason
     * @param deadLettered dead letters the broker acknowledged
     * @param failed records (transitions or dead letters) the broker did not take
     * @param firstFailure the first of those errors; null when none
     * @param stoppedAt the bad row {@code strict} stopped at; null otherwise
     * @param fileError why the file could not be read to its end; null when it was
     * @param interrupted whether {@link #close()} stopped the run
     */
    public record Summary(Path file, String sourceId, long read, long published, long skipped,
                          Map<Reason, Long> rejected, long deadLettered, long failed, String firstFailure,
                          BadRowException stoppedAt, String fileError, boolean interrupted, long elapsedMillis) {

        public Summary {
            rejected = Map.copyOf(rejected);
        }

        public long rejectedTotal() {
            return rejected.values().stream().mapToLong(Long::longValue).sum();
        }

        /** Every row read became a transition on the topic (or already was one) and the file was read to its end. */
        public boolean complete() {
            return rejectedTotal() == 0 && failed == 0 && stoppedAt == null && fileError == null && !interrupted;
        }
    }

    private final KafkaSettings kafka;
    private final Settings settings;
    private final Clock clock;
    private volatile boolean stopping;

    public Replay(KafkaSettings kafka, Settings settings, Clock clock) {
        this.kafka = Objects.requireNonNull(kafka, "kafka");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Stops {@link #run} after the row in hand; what was sent is flushed. Callable from any thread. */
    @Override
    public void close() {
        stopping = true;
    }

    /**
     * Replays the file to its end, to the first bad row ({@code strict}), or to {@link #close()}.
     *
     * @throws BadFileException when the file cannot be opened as its format (nothing was published)
     * @throws IOException when it cannot be read at all
     */
    public Summary run(Consumer<Progress> progress) throws IOException {
        long start = clock.millis();
        Path file = settings.file();
        // Hashing the whole file for its source id takes about as long as checking the topics
        // (a tenth of a second for 100 MB): the two overlap.
        FutureTask<String> hashing = new FutureTask<>(() -> ReplayHeaders.sourceId(file));
        Thread hasher = new Thread(hashing, "streamrl-replay-hash");
        hasher.setDaemon(true);
        hasher.start();
        String sourceId;
        Counts counts;
        TransitionFile.Defaults defaults = new TransitionFile.Defaults(settings.actorId(), start);
        // The file first: a header without a required column is the user's to fix, and says so before Kafka is tried.
        try (TransitionFile rows = TransitionFile.open(file, settings.format(), settings.shape(), defaults)) {
            Topics topics = kafka.topics();
            TopicBootstrap.ensureTopics(kafka, List.of(topics.transitions(), topics.deadLetter()), clock);
            sourceId = await(hashing);
            counts = new Counts(sourceId.getBytes(StandardCharsets.US_ASCII), Files.size(file), progress);
            BitSet done = new BitSet();
            if (settings.resume()) {
                done = alreadyPublished(counts.source, List.of(topics.transitions().name(),
                        topics.deadLetter().name()));
                log.info("{} ({}) already published {} rows; they are skipped", file, sourceId, done.cardinality());
            }
            try (Producer<byte[], byte[]> producer = new KafkaProducer<>(kafka.producer("streamrl-replay-"
                    + sourceId))) {
                publishRows(rows, producer, done, counts);
                producer.flush();
            }
        } finally {
            hashing.cancel(true); // when the file or Kafka failed first
        }
        Summary summary = new Summary(file, sourceId, counts.read, counts.published.get(), counts.skipped,
                counts.rejected, counts.lettered.get(), counts.failed.get(), counts.firstFailure.get(),
                counts.stoppedAt, counts.fileError, stopping, clock.millis() - start);
        progress.accept(new Progress(counts.read, summary.published(), summary.rejectedTotal(), counts.skipped,
                counts.totalBytes, counts.totalBytes, summary.elapsedMillis()));
        return summary;
    }

    private static String await(FutureTask<String> hashing) throws IOException {
        try {
            return hashing.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while hashing the file for its source id");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw (Error) e.getCause();
        }
    }

    /** Rows a hand-off between the reading and the sending thread carries, and hand-offs the reader may be ahead. */
    private static final int READ_AHEAD_BATCH = 256;
    private static final int READ_AHEAD_BATCHES = 16;

    /**
     * The loop: rows are read, checked and encoded on a thread of their own ({@link Prepare});
     * this one sends them in file order, dead-letters, stops ({@code strict}), paces and reports.
     */
    private void publishRows(TransitionFile rows, Producer<byte[], byte[]> producer, BitSet done, Counts counts)
            throws IOException {
        long nanosPerRow = settings.rate() > 0 ? (long) (1e9 / settings.rate()) : 0;
        long progressNanos = settings.progressInterval().toNanos();
        long startNanos = System.nanoTime();
        long nextProgress = startNanos + progressNanos;
        long sent = 0;
        Callback published = counts.acknowledged(counts.published);
        Callback lettered = counts.acknowledged(counts.lettered);
        try (ReadAhead<Prepared> prepared = new ReadAhead<>("streamrl-replay-read", new Prepare(rows, done,
                counts.source), READ_AHEAD_BATCH, READ_AHEAD_BATCHES)) {
            for (Prepared row = prepared.take(); row != null && !stopping; row = prepared.take()) {
                counts.read++;
                if (row.problem() != null) {
                    counts.rejected.merge(row.problem().reason(), 1L, Long::sum);
                    if (row.record() == null) {
                        counts.stoppedAt = row.problem();
                        return;
                    }
                    producer.send(row.record(), lettered);
                } else if (row.record() == null) {
                    counts.skipped++;
                    continue;
                } else {
                    producer.send(row.record(), published);
                }
                sent++;
                long now = System.nanoTime();
                if (nanosPerRow > 0 && startNanos + sent * nanosPerRow > now) {
                    LockSupport.parkNanos(startNanos + sent * nanosPerRow - now);
                }
                if (now >= nextProgress) {
                    counts.report(row.bytesRead(), (now - startNanos) / 1_000_000);
                    nextProgress = now + progressNanos;
                }
            }
        } catch (BadFileException e) {
            counts.fileError = e.getMessage();
        }
    }

    /**
     * One row made ready to send: a transition's record, a dead letter's (record and problem),
     * the bad row {@code strict} stops at (problem only), or a row an earlier run published
     * (neither); {@code bytesRead} is the file's position after it.
     */
    private record Prepared(ProducerRecord<byte[], byte[]> record, BadRowException problem, long bytesRead) {
    }

    /** The reading half of the loop, on the read-ahead thread: read, skip ({@code resume}), check, encode. */
    private final class Prepare implements ReadAhead.Source<Prepared> {

        private final TransitionFile rows;
        private final BitSet done;
        private final Header source;
        private final TopicSpec<String, Transition> transitions = kafka.topics().transitions();
        private final TopicSpec<byte[], DeadLetter> deadLetters = kafka.topics().deadLetter();
        /** One buffer for every row: this thread is the only one encoding. */
        private final TransitionWriter writer = new TransitionWriter();
        private String lastActorId;
        private byte[] lastKey;
        private boolean stopped;
        /** The file's position, asked once per hand-off: an Avro file's position is a system call. */
        private long bytesRead;
        private int rowsSincePosition;

        Prepare(TransitionFile rows, BitSet done, byte[] source) {
            this.rows = rows;
            this.done = done;
            this.source = ReplayHeaders.source(source);
        }

        @Override
        public Prepared next() throws IOException {
            TransitionFile.Row row = stopped ? null : rows.next();
            if (row == null) {
                return null;
            }
            if (++rowsSincePosition >= READ_AHEAD_BATCH) {
                bytesRead = rows.bytesRead();
                rowsSincePosition = 0;
            }
            if (row.line() <= Integer.MAX_VALUE && done.get((int) row.line())) {
                return new Prepared(null, null, bytesRead);
            }
            BadRowException problem = problemOf(row);
            if (problem != null) {
                // Strict: nothing after the first bad row is read, let alone sent.
                stopped = settings.strict();
                return new Prepared(stopped ? null : deadLetter(deadLetters, row, problem, source), problem,
                        bytesRead);
            }
            TransitionFields t = row.transition();
            ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(transitions.name(), key(t.actorId()),
                    writer.encode(transitions.name(), t));
            ReplayHeaders.add(record.headers(), source, row.line());
            return new Prepared(record, null, bytesRead);
        }

        /** Why the row cannot be published, or null when it can. */
        private BadRowException problemOf(TransitionFile.Row row) {
            if (!row.ok()) {
                return row.problem();
            }
            try {
                settings.shape().check(row.transition(), settings.file(), row.line());
                return null;
            } catch (BadRowException e) {
                return e;
            }
        }

        /** A file's rows nearly always share one actor id: its bytes are made once. */
        private byte[] key(String actorId) {
            if (!actorId.equals(lastActorId)) {
                lastActorId = actorId;
                lastKey = actorId.getBytes(StandardCharsets.UTF_8);
            }
            return lastKey;
        }
    }

    /** What one run counted; the acknowledgement counters are written by the producer's I/O thread. */
    private static final class Counts {
        final byte[] source;
        final long totalBytes;
        final Consumer<Progress> progress;
        final Map<Reason, Long> rejected = new EnumMap<>(Reason.class);
        final AtomicLong published = new AtomicLong();
        final AtomicLong lettered = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final AtomicReference<String> firstFailure = new AtomicReference<>();
        long read;
        long skipped;
        BadRowException stoppedAt;
        String fileError;

        Counts(byte[] source, long totalBytes, Consumer<Progress> progress) {
            this.source = source;
            this.totalBytes = totalBytes;
            this.progress = progress;
        }

        Callback acknowledged(AtomicLong ok) {
            return (metadata, error) -> {
                if (error == null) {
                    ok.incrementAndGet();
                } else {
                    failed.incrementAndGet();
                    firstFailure.compareAndSet(null, error.toString());
                }
            };
        }

        void report(long bytesRead, long elapsedMillis) {
            progress.accept(new Progress(read, published.get(), rejectedTotal(rejected), skipped, bytesRead,
                    totalBytes, elapsedMillis));
        }
    }

    private static long rejectedTotal(Map<Reason, Long> rejected) {
        return rejected.values().stream().mapToLong(Long::longValue).sum();
    }

    private ProducerRecord<byte[], byte[]> deadLetter(TopicSpec<byte[], DeadLetter> topic, TransitionFile.Row row,
                                                      BadRowException problem, Header source) {
        byte[] key = settings.actorId().getBytes(StandardCharsets.UTF_8);
        DeadLetter letter = DeadLetters.of("file:" + settings.file(), -1, row.line(), key,
                row.text().getBytes(StandardCharsets.UTF_8), problem, clock.instant());
        DeadLetters.Encoded encoded = DeadLetters.encodeToFit(topic, letter, key.length,
                Topics.DEAD_LETTER_MAX_MESSAGE_BYTES);
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic.name(), key, encoded.bytes());
        ReplayHeaders.add(record.headers(), source, row.line());
        return record;
    }

    /** Lines of this file already on the transitions or dead-letter topic. */
    private BitSet alreadyPublished(byte[] source, List<String> topicNames) {
        BitSet lines = new BitSet();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(kafka.consumer("streamrl-replay-resume",
                null))) {
            for (String topic : topicNames) {
                List<TopicPartition> partitions = TopicScan.partitions(consumer, topic, kafka.connectTimeout());
                Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions, kafka.connectTimeout());
                Map<TopicPartition, Long> end = consumer.endOffsets(partitions, kafka.connectTimeout());
                TopicScan.scan(consumer, begin, end, r -> {
                    long line = ReplayHeaders.lineOf(r.headers(), source);
                    if (line >= 0 && line <= Integer.MAX_VALUE) {
                        lines.set((int) line);
                    }
                }, () -> stopping);
            }
        }
        return lines;
    }
}
