package io.streamrl.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrl.schemas.avro.Control;
import io.streamrl.schemas.avro.Decision;
import io.streamrl.schemas.avro.Reward;
import io.streamrl.schemas.avro.Transition;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TopicsTest {

    @Test
    void defaultNamesUseTheStreamrlNamespace() {
        Topics topics = Topics.defaults();

        assertThat(topics.transitions().name()).isEqualTo("streamrl.transitions");
        assertThat(topics.policy().name()).isEqualTo("streamrl.policy");
        assertThat(topics.episodes().name()).isEqualTo("streamrl.episodes");
        assertThat(topics.deadLetter().name()).isEqualTo("streamrl.dead-letter");
        assertThat(topics.name(Topics.DECISIONS)).isEqualTo("streamrl.decisions");
        assertThat(topics.name(Topics.REWARDS)).isEqualTo("streamrl.rewards");
        assertThat(topics.name(Topics.ROLLOUTS)).isEqualTo("streamrl.rollouts");
        assertThat(topics.name(Topics.CONTROL)).isEqualTo("streamrl.control");
        assertThat(topics.decisions().name()).isEqualTo("streamrl.decisions");
        assertThat(topics.rewards().name()).isEqualTo("streamrl.rewards");
        assertThat(topics.control().name()).isEqualTo("streamrl.control");
    }

    @Test
    void aNamespaceSeparatesExperiments() {
        Topics topics = Topics.of("exp-42_pendulum.v2");

        assertThat(topics.all()).extracting(TopicSpec::name).containsExactly(
                "exp-42_pendulum.v2.transitions", "exp-42_pendulum.v2.policy",
                "exp-42_pendulum.v2.episodes", "exp-42_pendulum.v2.dead-letter", "exp-42_pendulum.v2.decisions",
                "exp-42_pendulum.v2.rewards", "exp-42_pendulum.v2.late-rewards", "exp-42_pendulum.v2.control",
                "exp-42_pendulum.v2.rollouts");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "two words", "a/b", "naïve", "ns:1", "tab\t"})
    void illegalNamespacesAreRejected(String namespace) {
        assertThatThrownBy(() -> Topics.of(namespace))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("namespace")
                .hasMessageContaining("[a-zA-Z0-9._-]");
    }

    @Test
    void aNullNamespaceIsRejected() {
        assertThatThrownBy(() -> Topics.of(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("namespace is empty");
    }

    @Test
    void theNamespaceMustLeaveRoomForTheLongestTopicName() {
        String longest = "n".repeat(Topics.MAX_NAMESPACE_LENGTH);

        assertThat(Topics.of(longest).lateRewards().name()).hasSize(249);
        assertThatThrownBy(() -> Topics.of(longest + "n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 to " + Topics.MAX_NAMESPACE_LENGTH);
    }

    @Test
    void partitionCountsAreConfigurableAndRangeChecked() {
        Topics topics = new Topics("ns", 12, 1, 3, 2, 6);

        assertThat(topics.transitions().partitions()).isEqualTo(12);
        assertThat(topics.policy().partitions()).isEqualTo(1);
        assertThat(topics.episodes().partitions()).isEqualTo(3);
        assertThat(topics.deadLetter().partitions()).isEqualTo(2);
        assertThat(topics.decisions().partitions()).isEqualTo(6);
        assertThat(topics.rewards().partitions()).isEqualTo(6);
        assertThatThrownBy(() -> new Topics("ns", 0, 1, 1, 1, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("transitionPartitions is 0; allowed: 1 to 1000");
        assertThatThrownBy(() -> new Topics("ns", 4, 1001, 1, 1, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("policyPartitions is 1001; allowed: 1 to 1000");
        assertThatThrownBy(() -> new Topics("ns", 4, 1, 1, 1, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("decisionPartitions is 0; allowed: 1 to 1000");
    }

    @Test
    void decisionsAndRewardsAreKeyedByEntityWithTheDefaultPartitionCount() {
        Topics topics = Topics.defaults();

        assertThat(topics.decisions().partitions()).isEqualTo(Topics.DEFAULT_DECISION_PARTITIONS).isEqualTo(4);
        assertThat(topics.rewards().partitions()).isEqualTo(Topics.DEFAULT_DECISION_PARTITIONS);
        assertThat(topics.decisions().keySerde().serializer().serialize("t", "customer-17"))
                .isEqualTo("customer-17".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aRewardLandsInThePartitionOfItsDecision() {
        // Co-partitioning for the reward join: same key bytes and same partition count on both topics.
        Topics topics = new Topics("ns", 4, 1, 1, 1, 7);
        TopicSpec<String, Decision> decisions = topics.decisions();
        TopicSpec<String, Reward> rewards = topics.rewards();
        Set<Integer> used = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            String entity = "entity-" + i;
            int decisionPartition = defaultPartition(decisions.keySerde().serializer().serialize(decisions.name(), entity),
                    decisions.partitions());
            int rewardPartition = defaultPartition(rewards.keySerde().serializer().serialize(rewards.name(), entity),
                    rewards.partitions());

            assertThat(rewardPartition).as(entity).isEqualTo(decisionPartition);
            used.add(decisionPartition);
        }
        assertThat(used).as("entities spread over every partition").hasSize(7);
    }

    @Test
    void theControlTopicIsOnePartitionCompactedLikeThePolicyTopic() {
        TopicSpec<String, Control> control = Topics.defaults().control();

        assertThat(control.partitions()).isEqualTo(Topics.CONTROL_PARTITIONS).isEqualTo(1);
        assertThat(new Topics("ns", 12, 3, 3, 3, 12).control().partitions()).isEqualTo(1);
        assertThat(control.configs()).containsEntry("cleanup.policy", "compact")
                .containsEntry("min.compaction.lag.ms", "0")
                .containsEntry("segment.ms", "60000");
        assertThat(control.keySerde().serializer().serialize(control.name(), "pricing-td3"))
                .isEqualTo("pricing-td3".getBytes(StandardCharsets.UTF_8));
        assertThat(control.newTopic().configs()).containsEntry("cleanup.policy", "compact");
    }

    @Test
    void serveTopicSpecsDecodeTheirOwnRecords() {
        Topics topics = Topics.of("demo");

        assertThat(topics.decisions().decodeValue(
                topics.decisions().valueSerde().serializer().serialize("demo.decisions", SampleRecords.decision())))
                .isEqualTo(SampleRecords.decision());
        assertThat(topics.rewards().decodeValue(
                topics.rewards().valueSerde().serializer().serialize("demo.rewards", SampleRecords.reward())))
                .isEqualTo(SampleRecords.reward());
        assertThat(topics.control().decodeValue(
                topics.control().valueSerde().serializer().serialize("demo.control", SampleRecords.control())))
                .isEqualTo(SampleRecords.control());
        assertThatThrownBy(() -> topics.rewards().decodeValue(RecordCodec.decision().encode(SampleRecords.decision())))
                .isInstanceOf(RecordDecodingException.class)
                .hasMessageContaining("'demo.rewards'")
                .hasMessageContaining("io.streamrl.schemas.avro.Reward");
    }

    @Test
    void defaultsGiveTransitionsMorePartitionsThanThePolicy() {
        Topics topics = Topics.defaults();

        assertThat(topics.policy().partitions()).isEqualTo(1);
        assertThat(topics.transitions().partitions()).isGreaterThan(1);
    }

    @Test
    void thePolicyTopicIsCompactedSoonEnoughForADemo() {
        Map<String, String> configs = Topics.defaults().policy().configs();

        assertThat(configs).containsEntry("cleanup.policy", "compact")
                .containsEntry("min.compaction.lag.ms", "0")
                .containsEntry("segment.ms", "60000")
                .containsEntry("max.message.bytes", Integer.toString(8 * 1024 * 1024));
    }

    @Test
    void theTransitionsTopicTakesAFullProducerBatchAndTheDeadLetterTopicAnyDeadTransitionWhole() {
        Topics topics = Topics.defaults();

        assertThat(topics.transitions().configs()).containsEntry("max.message.bytes", Integer.toString(256 * 1024));
        assertThat(topics.deadLetter().configs()).containsEntry("max.message.bytes", Integer.toString(1024 * 1024));
        // A letter holds the whole value plus its metadata, so the dead-letter limit must be clearly larger.
        assertThat(Topics.DEAD_LETTER_MAX_MESSAGE_BYTES).isGreaterThan(2 * Topics.TRANSITION_MAX_MESSAGE_BYTES);
    }

    @Test
    void logTopicsAreNotCompacted() {
        Topics topics = Topics.defaults();

        assertThat(topics.transitions().configs()).containsEntry("cleanup.policy", "delete");
        assertThat(topics.episodes().configs()).containsEntry("cleanup.policy", "delete");
        assertThat(topics.deadLetter().configs()).containsEntry("cleanup.policy", "delete");
        assertThat(topics.decisions().configs()).containsEntry("cleanup.policy", "delete");
        assertThat(topics.rewards().configs()).containsEntry("cleanup.policy", "delete");
    }

    @Test
    void newTopicCarriesPartitionsAndConfigs() {
        NewTopic policy = Topics.of("demo").policy().newTopic();

        assertThat(policy.name()).isEqualTo("demo.policy");
        assertThat(policy.numPartitions()).isEqualTo(1);
        assertThat(policy.configs()).containsEntry("cleanup.policy", "compact");
    }

    @Test
    void specsCarryWorkingSerdesForKeysAndValues() {
        TopicSpec<String, Transition> spec = Topics.defaults().transitions();
        Transition transition = SampleRecords.transition();

        byte[] key = spec.keySerde().serializer().serialize(spec.name(), "actor-7");
        byte[] value = spec.valueSerde().serializer().serialize(spec.name(), transition);

        assertThat(spec.keySerde().deserializer().deserialize(spec.name(), key)).isEqualTo("actor-7");
        assertThat(spec.decodeValue(value)).isEqualTo(transition);
        assertThat(Topics.defaults().deadLetter().keySerde().serializer().serialize("t", new byte[] {(byte) 0xFF}))
                .containsExactly(0xFF);
    }

    @Test
    void decodeValueNamesTheSpecsTopic() {
        assertThatThrownBy(() -> Topics.of("demo").policy().decodeValue(new byte[] {1, 2}))
                .isInstanceOf(RecordDecodingException.class)
                .hasMessageContaining("'demo.policy'")
                .hasMessageContaining("io.streamrl.schemas.avro.PolicyEnvelope");
    }

    @Test
    void illegalSuffixesAreRejected() {
        assertThatThrownBy(() -> Topics.defaults().name("bad suffix"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("suffix");
    }

    /** The partition Kafka's default partitioner picks for a keyed record. */
    private static int defaultPartition(byte[] key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key)) % partitions;
    }
}
