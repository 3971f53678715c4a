package io.streamrl.broker.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.testkit.engine.EngineTestKit;

@Timeout(180)
@ExtendWith(EmbeddedKafkaExtension.class)
class EmbeddedKafkaExtensionTest {

    private static SharedKafka fromBeforeAll;

    @BeforeAll
    static void resolveInBeforeAll(SharedKafka kafka) {
        fromBeforeAll = kafka;
    }

    @Test
    void everyParameterIsTheOneBrokerAndEveryNamespaceIsNew(SharedKafka a, SharedKafka b) throws Exception {
        assertThat(a).isSameAs(b).isSameAs(fromBeforeAll);
        assertThat(a.bootstrapServers()).startsWith("127.0.0.1:");

        Set<String> namespaces = ConcurrentHashMap.newKeySet();
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> calls = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                calls.add(threads.submit(() -> {
                    for (int i = 0; i < 50; i++) {
                        namespaces.add(a.freshNamespace("ns"));
                    }
                }));
            }
            for (Future<?> call : calls) {
                call.get(30, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(namespaces).hasSize(200).allMatch(ns -> ns.matches("ns-[1-9][0-9]*"));
    }

    @Test
    void theBrokerServesATopicInAFreshNamespace(SharedKafka kafka) throws Exception {
        String topic = kafka.freshNamespace("served") + ".records";
        kafka.createTopic(topic, 2, Map.of("cleanup.policy", "compact"));

        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(30, TimeUnit.SECONDS).get(topic);
            assertThat(description.partitions()).hasSize(2);
        }
    }

    @Test
    void aPrefixThatCannotBeginATopicNameIsRefused(SharedKafka kafka) {
        assertThatThrownBy(() -> kafka.freshNamespace("has space"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'has space'");
        assertThatThrownBy(() -> kafka.freshNamespace(""))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> kafka.freshNamespace(null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * A run of its own (JUnit's test kit, inside this test) has its own root context: its two
     * test classes share one broker, other than this run's, and it is closed when that run ends.
     */
    @Test
    void twoTestClassesOfARunShareOneBrokerThatStopsWhenTheRunEnds(SharedKafka outer) throws Exception {
        SEEN.clear();

        EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(FirstUser.class), selectClass(SecondUser.class))
                .execute()
                .testEvents()
                .assertStatistics(stats -> stats.started(2).succeeded(2).failed(0));

        assertThat(SEEN).hasSize(2);
        assertThat(SEEN.stream().map(Seen::bootstrapServers).distinct()).singleElement()
                .isNotEqualTo(outer.bootstrapServers());
        assertThat(SEEN).extracting(Seen::namespace).as("one namespace counter for the run, in its store")
                .doesNotHaveDuplicates()
                .extracting(ns -> ns.substring(ns.lastIndexOf('-') + 1)).containsExactlyInAnyOrder("1", "2");
        assertThat(accepts(SEEN.get(0).bootstrapServers())).as("the inner run's broker after the run").isFalse();
        assertThat(accepts(outer.bootstrapServers())).as("this run's broker").isTrue();
    }

    private record Seen(String bootstrapServers, String namespace) {
    }

    private static final List<Seen> SEEN = new CopyOnWriteArrayList<>();

    private static boolean accepts(String bootstrapServers) throws IOException {
        int colon = bootstrapServers.lastIndexOf(':');
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(bootstrapServers.substring(0, colon),
                    Integer.parseInt(bootstrapServers.substring(colon + 1))), 5_000);
            return true;
        } catch (ConnectException refused) {
            return false;
        }
    }

    /** Run only by the test kit above (surefire does not pick up nested classes). */
    @ExtendWith(EmbeddedKafkaExtension.class)
    static class FirstUser {

        @Test
        void record(SharedKafka kafka) {
            SEEN.add(new Seen(kafka.bootstrapServers(), kafka.freshNamespace("first")));
        }
    }

    /** Run only by the test kit above. */
    @ExtendWith(EmbeddedKafkaExtension.class)
    static class SecondUser {

        @Test
        void record(SharedKafka kafka) {
            SEEN.add(new Seen(kafka.bootstrapServers(), kafka.freshNamespace("second")));
        }
    }
}
