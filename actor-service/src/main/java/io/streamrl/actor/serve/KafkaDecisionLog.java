package io.streamrl.actor.serve;

import io.streamrl.kafka.KafkaSettings;
import io.streamrl.schemas.FloatLists;
import io.streamrl.schemas.RecordCodec;
import io.streamrl.schemas.avro.Decision;
import io.streamrl.schemas.avro.Reward;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes decisions and rewards with an idempotent {@code acks=all} producer, keyed by
 * entity (a reward is keyed by the entity its decision id carries, so it lands in its
 * decision's partition). Sends are asynchronous: a caller is answered once its record is handed
 * to the producer, and every record is then counted as acknowledged or failed, never dropped
 * silently. A probe asks the cluster every second whether it answers; while it does not, or a
 * send has failed since its last answer, the door refuses with 503 instead of answering
 * decisions that could not be recorded. A send never blocks a request thread for longer than
 * {@link #MAX_BLOCK}.
 */
public final class KafkaDecisionLog implements DecisionLog, AutoCloseable {

    public static final Duration MAX_BLOCK = Duration.ofMillis(500);
    private static final Duration PROBE_EVERY = Duration.ofSeconds(1);

    private static final Logger log = LoggerFactory.getLogger(KafkaDecisionLog.class);

    private final String instanceId;
    private final String envId;
    private final String decisionTopic;
    private final String rewardTopic;
    private final Clock clock;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Admin admin;
    private final ScheduledExecutorService prober;
    private final RecordCodec<Decision> decisionCodec = RecordCodec.decision();
    private final RecordCodec<Reward> rewardCodec = RecordCodec.reward();
    private final AtomicReference<String> unavailable = new AtomicReference<>("Kafka not checked yet");
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final Callback callback = (metadata, error) -> {
        if (error == null) {
            acked.incrementAndGet();
        } else {
            fail(error);
        }
    };

    /**
     * @param envId the environment id the decisions are recorded with
     * @param instanceId this serve instance, recorded with every decision and reward
     */
    public KafkaDecisionLog(KafkaSettings settings, String envId, String instanceId, Clock clock) {
        this.envId = envId;
        this.instanceId = instanceId;
        this.decisionTopic = settings.topics().decisions().name();
        this.rewardTopic = settings.topics().rewards().name();
        this.clock = clock;
        Properties p = settings.producer("streamrl-serve-" + instanceId);
        // A decision is answered once handed over: waiting here is latency every caller pays.
        p.put(ProducerConfig.LINGER_MS_CONFIG, "1");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(MAX_BLOCK.toMillis()));
        this.producer = new KafkaProducer<>(p);
        this.admin = Admin.create(settings.admin("streamrl-serve-" + instanceId + "-probe"));
        this.prober = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "serve-kafka-probe");
            t.setDaemon(true);
            return t;
        });
        probe();
        prober.scheduleWithFixedDelay(this::probe, PROBE_EVERY.toMillis(), PROBE_EVERY.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    @Override
    public void decided(DecisionResult d) {
        Decision record = Decision.newBuilder()
                .setDecisionId(d.decisionId())
                .setEntity(d.entity())
                .setEnvId(envId)
                .setState(FloatLists.of(d.state()))
                .setAction(FloatLists.of(d.action()))
                .setPolicyAction(d.policyAction() == null ? null : FloatLists.of(d.policyAction()))
                .setLogDensity(d.logDensity())
                .setPolicyVersion(d.policyVersion())
                .setMode(d.mode())
                .setExplored(d.explored())
                .setClipped(d.clipped())
                .setControlRevision(d.controlRevision())
                .setInstanceId(instanceId)
                .setEventTime(d.time())
                .build();
        send(decisionTopic, d.entity(), decisionCodec.encode(decisionTopic, record));
    }

    @Override
    public void rewarded(String decisionId, String entity, double reward, boolean terminal, String rewardId) {
        Reward record = Reward.newBuilder()
                .setDecisionId(decisionId)
                .setEntity(entity)
                .setReward(reward)
                .setTerminal(terminal)
                .setRewardId(rewardId)
                .setInstanceId(instanceId)
                .setEventTime(Instant.ofEpochMilli(clock.millis()))
                .build();
        send(rewardTopic, entity, rewardCodec.encode(rewardTopic, record));
    }

    @Override
    public String unavailableReason() {
        return unavailable.get();
    }

    public long sent() {
        return sent.get();
    }

    public long acked() {
        return acked.get();
    }

    public long failed() {
        return failed.get();
    }

    private void send(String topic, String key, byte[] value) {
        try {
            producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value), callback);
            sent.incrementAndGet();
        } catch (KafkaException | IllegalStateException e) {
            // Nothing was handed over: the caller is refused, so nothing answered goes unrecorded.
            unavailable.set("Kafka does not take records: " + e.getMessage());
            throw new DecisionEngine.Unavailable("could not record the request in Kafka within "
                    + MAX_BLOCK.toMillis() + " ms (" + e.getMessage() + "); retry later");
        }
    }

    private void fail(Exception error) {
        long n = failed.incrementAndGet();
        unavailable.set("a record could not be written to Kafka: " + error.getMessage());
        if (n == 1 || n % 1_000 == 0) {
            log.warn("{} decision/reward records could not be written to Kafka so far; the latest: {}", n,
                    error.toString());
        }
    }

    private void probe() {
        try {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) PROBE_EVERY.toMillis()))
                    .nodes().get(PROBE_EVERY.toMillis() * 2, TimeUnit.MILLISECONDS);
            unavailable.set(null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            unavailable.set("Kafka at the bootstrap servers does not answer (" + e.getClass().getSimpleName() + ")");
        }
    }

    @Override
    public void close() {
        prober.shutdownNow();
        producer.close(Duration.ofSeconds(10));
        admin.close(Duration.ofSeconds(5));
    }
}
