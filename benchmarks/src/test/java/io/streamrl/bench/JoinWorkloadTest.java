package io.streamrl.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrl.schemas.DecisionValidator;
import io.streamrl.schemas.RecordCodec;
import io.streamrl.schemas.RewardValidator;
import io.streamrl.schemas.Topics;
import io.streamrl.schemas.avro.Decision;
import io.streamrl.schemas.avro.DecisionMode;
import io.streamrl.schemas.avro.Reward;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JoinWorkloadTest {

    private static final Topics TOPICS = Topics.of("workload-test");
    private static final long T0 = 1_800_000_000_000L;

    @Test
    void eachDecisionIsValidAndFollowedByItsRewardBeforeTheEntitysNextDecision() {
        List<JoinWorkload.Outgoing> records = JoinWorkload.records(TOPICS, 1_000, 30, T0, 1);
        RecordCodec<Decision> decisions = RecordCodec.decision();
        RecordCodec<Reward> rewards = RecordCodec.reward();

        assertThat(records).hasSize(2_000);
        Map<String, Decision> open = new HashMap<>(); // decision id -> decision awaiting its reward
        Map<String, Long> lastDecisionTime = new HashMap<>();
        Set<String> ids = new HashSet<>();
        long previousTime = Long.MIN_VALUE;
        for (JoinWorkload.Outgoing r : records) {
            assertThat(r.time()).as("event-time order").isGreaterThanOrEqualTo(previousTime);
            previousTime = r.time();
            if (r.topic().equals(TOPICS.decisions().name())) {
                Decision d = new DecisionValidator().requireValid(decisions.decode(r.value()));
                assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(d.getEntity());
                assertThat(d.getState()).hasSize(4);
                assertThat(d.getAction()).hasSize(1);
                assertThat(d.getMode()).isEqualTo(DecisionMode.LEARNED);
                assertThat(d.getExplored()).isTrue();
                assertThat(d.getLogDensity()).isNotNull();
                assertThat(d.getEventTime().toEpochMilli()).isEqualTo(r.time());
                assertThat(ids.add(d.getDecisionId())).as("unique id").isTrue();
                // The entity's previous decision got its reward before this one came.
                assertThat(open.values()).noneMatch(o -> o.getEntity().equals(d.getEntity()));
                Long last = lastDecisionTime.put(d.getEntity(), r.time());
                if (last != null) {
                    assertThat(r.time() - last).isEqualTo(JoinWorkload.STEP_MILLIS);
                }
                open.put(d.getDecisionId(), d);
            } else {
                assertThat(r.topic()).isEqualTo(TOPICS.rewards().name());
                Reward w = new RewardValidator().requireValid(rewards.decode(r.value()));
                Decision d = open.remove(w.getDecisionId());
                assertThat(d).as("its decision came first").isNotNull();
                assertThat(w.getEntity()).isEqualTo(d.getEntity());
                assertThat(w.getRewardId()).isNotNull();
                assertThat(w.getEventTime().toEpochMilli() - d.getEventTime().toEpochMilli())
                        .isBetween(JoinWorkload.MIN_REWARD_DELAY_MILLIS, JoinWorkload.MAX_REWARD_DELAY_MILLIS);
            }
        }
        assertThat(open).isEmpty();
        assertThat(lastDecisionTime).hasSize(30);
    }

    @Test
    void theSameSeedGivesTheSameRecords() {
        List<JoinWorkload.Outgoing> a = JoinWorkload.records(TOPICS, 50, 5, T0, 7);
        List<JoinWorkload.Outgoing> b = JoinWorkload.records(TOPICS, 50, 5, T0, 7);
        assertThat(a).hasSameSizeAs(b);
        for (int i = 0; i < a.size(); i++) {
            assertThat(a.get(i).value()).isEqualTo(b.get(i).value());
        }
    }
}
