package io.streamrl.broker.testing;

import io.streamrl.broker.EmbeddedBrokerConfig;
import io.streamrl.broker.EmbeddedKafkaBroker;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One in-process Kafka broker for a whole test run (a start costs seconds), handed to tests,
 * lifecycle methods and constructors as a {@link SharedKafka} parameter:
 *
 * <pre>{@code
 * @ExtendWith(EmbeddedKafkaExtension.class)
 * class SomeKafkaTest {
 *     @Test
 *     void works(SharedKafka kafka) {
 *         KafkaSettings settings = KafkaSettings.of(kafka.bootstrapServers(), kafka.freshNamespace("some"));
 *     }
 * }
 * }</pre>
 *
 * The broker starts when the first parameter is resolved and lives in the store of JUnit's root
 * extension context, so every test class of the run gets the same one, and JUnit closes it when
 * the run ends. Tests isolate themselves by namespace, not by broker. A test that needs a broker
 * of its own (other broker properties, a restart, a data directory) starts an
 * {@link EmbeddedKafkaBroker} itself.
 *
 * <p>Shipped in {@code streamrl-embedded-broker}'s test-jar; depend on it with
 * {@code <type>test-jar</type><scope>test</scope>}.
 */
public final class EmbeddedKafkaExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace STORE = ExtensionContext.Namespace.create(EmbeddedKafkaExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == SharedKafka.class;
    }

    @Override
    public SharedKafka resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(STORE)
                .getOrComputeIfAbsent(RunningBroker.class, key -> RunningBroker.start(), RunningBroker.class)
                .kafka;
    }

    /** The store's value: JUnit closes an {@link AutoCloseable} value when its context (here: the run) ends. */
    private static final class RunningBroker implements AutoCloseable {

        private final EmbeddedKafkaBroker broker;
        private final SharedKafka kafka;

        private RunningBroker(EmbeddedKafkaBroker broker) {
            this.broker = broker;
            this.kafka = new SharedKafka(broker, new AtomicInteger());
        }

        static RunningBroker start() {
            return new RunningBroker(new EmbeddedKafkaBroker(EmbeddedBrokerConfig.defaults()).start());
        }

        @Override
        public void close() {
            broker.close();
        }
    }
}
