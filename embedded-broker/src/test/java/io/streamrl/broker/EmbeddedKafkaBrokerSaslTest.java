package io.streamrl.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A broker whose client listener requires SASL/PLAIN: users with their password get in (also
 * for transactions, whose markers the broker sends itself over that listener with its own
 * credentials), clients without credentials or with a wrong password do not, and no password
 * reaches the broker's or the clients' log.
 */
class EmbeddedKafkaBrokerSaslTest {

    private static final String USER = "alice";
    private static final String PASSWORD = "alice-pw-7f3a9c";

    private static EmbeddedKafkaBroker broker;
    private static final ListAppender<ILoggingEvent> LOG = new ListAppender<>();
    private static final Map<String, Level> SAVED_LEVELS = new HashMap<>();

    @BeforeAll
    static void startBroker() {
        captureKafkaLogsAtInfo();
        broker = new EmbeddedKafkaBroker(EmbeddedBrokerConfig.defaults()
                .withSaslPlainUsers(Map.of(USER, PASSWORD, "bob", "bob-pw-22c1"))).start();
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(LOG);
        SAVED_LEVELS.forEach((name, level) -> context.getLogger(name).setLevel(level));
    }

    @Test
    void aUserWithItsPasswordProducesAndConsumesTransactionally() throws Exception {
        broker.createTopic("sasl-test", 1, Map.of());
        Map<String, Object> producerProps = clientProps(USER, PASSWORD);
        producerProps.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        producerProps.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        producerProps.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "sasl-test-tx");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps)) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("sasl-test", "k", "committed"));
            producer.commitTransaction();
        }
        Map<String, Object> consumerProps = clientProps(USER, PASSWORD);
        consumerProps.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        consumerProps.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps)) {
            // read_committed returns the record only once the broker wrote the commit marker,
            // which it sends itself over the SASL listener with its own credentials. The marker is
            // written after commitTransaction() returns, so the readable end may still be 0 at first.
            List<ConsumerRecord<String, String>> records = TestClients.readToEnd(consumer, "sasl-test");
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (records.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(50);
                records = TestClients.readToEnd(consumer, "sasl-test");
            }
            assertThat(records).extracting(ConsumerRecord::value).containsExactly("committed");
        }
    }

    @Test
    void aClientWithoutCredentialsGetsNoAnswer() {
        Map<String, Object> props = new HashMap<>();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        try (Admin admin = Admin.create(props)) {
            assertThatThrownBy(() -> admin.describeCluster(new DescribeClusterOptions().timeoutMs(3_000))
                    .nodes().get()).isInstanceOf(ExecutionException.class);
        }
    }

    @Test
    void aWrongPasswordIsRefusedAsAnAuthenticationFailure() {
        try (Admin admin = Admin.create(clientProps(USER, "not-" + PASSWORD))) {
            assertThatThrownBy(() -> admin.describeCluster(new DescribeClusterOptions().timeoutMs(10_000))
                    .nodes().get())
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(SaslAuthenticationException.class);
        }
    }

    @Test
    void anotherUserGetsInWithItsOwnPassword() throws Exception {
        try (Admin admin = Admin.create(clientProps("bob", "bob-pw-22c1"))) {
            assertThat(admin.describeCluster(new DescribeClusterOptions().timeoutMs(10_000)).nodes().get()).hasSize(1);
        }
    }

    @Test
    void noPasswordReachesTheLog() throws Exception {
        // Something to log first: a client that authenticates, one that is refused.
        anotherUserGetsInWithItsOwnPassword();
        aWrongPasswordIsRefusedAsAnAuthenticationFailure();

        List<String> lines = new ArrayList<>();
        for (ILoggingEvent event : List.copyOf(LOG.list)) {
            lines.add(event.getFormattedMessage());
            for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
                lines.add(t.getClassName() + ": " + t.getMessage());
            }
        }
        assertThat(lines).as("the broker and clients logged their configs at INFO")
                .anyMatch(line -> line.contains("sasl.jaas.config = [hidden]"));
        assertThat(lines).noneMatch(line -> line.contains(PASSWORD) || line.contains("bob-pw-22c1")
                || line.contains("password=\""));
    }

    private static Map<String, Object> clientProps(String user, String password) {
        Map<String, Object> props = new HashMap<>(EmbeddedKafkaBroker.saslPlainClientProperties(user, password));
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        return props;
    }

    /** Kafka logs its configs at INFO, which logback-test.xml keeps out; this test wants them. */
    private static void captureKafkaLogsAtInfo() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        for (String name : List.of("kafka", "org.apache.kafka")) {
            Logger logger = context.getLogger(name);
            SAVED_LEVELS.put(name, logger.getLevel());
            logger.setLevel(Level.INFO);
        }
        LOG.setContext(context);
        LOG.start();
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(LOG);
    }
}
