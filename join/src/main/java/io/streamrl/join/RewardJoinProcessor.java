package io.streamrl.join;

import io.streamrl.join.JoinState.EarlyRewards;
import io.streamrl.join.JoinState.EntityState;
import io.streamrl.join.JoinState.PendingDecision;
import io.streamrl.join.JoinState.Stage;
import io.streamrl.join.JoinState.Successor;
import io.streamrl.schemas.DeadLetters;
import io.streamrl.schemas.DecisionValidator;
import io.streamrl.schemas.FloatLists;
import io.streamrl.schemas.RecordValidator;
import io.streamrl.schemas.RewardValidator;
import io.streamrl.schemas.TopicSpec;
import io.streamrl.schemas.Topics;
import io.streamrl.schemas.TransitionValidator;
import io.streamrl.schemas.avro.DeadLetter;
import io.streamrl.schemas.avro.Decision;
import io.streamrl.schemas.avro.DecisionMode;
import io.streamrl.schemas.avro.JoinOutcome;
import io.streamrl.schemas.avro.JoinResult;
import io.streamrl.schemas.avro.Reward;
import io.streamrl.schemas.avro.Transition;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Joins one partition's decisions and rewards (co-partitioned: both keyed by entity) into
 * transitions. A decision waits {@code reward-wait} for its rewards, counted from its own time;
 * its reward is then settled (combined by first, sum or last, or the default when none came,
 * or the decision is dropped); its transition goes out once its s' is known too: the state of
 * the entity's next decision, or none when a reward said the episode ended (terminal) or the
 * entity was idle past {@code episode-gap}. An idle end is sent as truncated with s' = s: the
 * true next state is unknown, and the learner then bootstraps from the state itself, the
 * closest stand-in for a slowly changing system, rather than treating the end as terminal.
 *
 * <p>Waits end by wall-clock time: a punctuator scans the timer store, ordered by due time, so
 * a partition with no new records still settles its decisions. Rewards are judged by their own
 * time: one stamped after its decision's wait is late, and so is one processed after the
 * decision settled (the join was behind); late ones go to the late-rewards topic, as do orphans
 * whose decision never came within a wait of their arrival. A reward is a repeat when its
 * {@code reward_id} (or, without one, its value and terminal flag) was seen for the decision.
 *
 * <p>Everything is in the task's state stores and is written in the same Kafka transaction as the
 * transitions (the application runs {@code exactly_once_v2}), so a restart neither loses nor
 * repeats a transition.
 */
final class RewardJoinProcessor implements Processor<byte[], byte[], byte[], byte[]> {

    /** Header on late-rewards records: {@code late} or {@code orphaned}. */
    static final String REASON_HEADER = "streamrl.reason";

    // Each Topics accessor builds a new codec (schema parsing and normalisation): resolve them once.
    private final TopicSpec<String, Decision> decisionTopic;
    private final TopicSpec<String, Reward> rewardTopic;
    private final TopicSpec<String, Transition> transitionTopic;
    private final TopicSpec<byte[], DeadLetter> deadLetterTopic;
    private final JoinConfig config;
    private final JoinMetrics metrics;
    private final long waitMillis;
    private final long gapMillis;
    private final DecisionValidator decisionValidator = new DecisionValidator();
    private final RewardValidator rewardValidator = new RewardValidator();
    private final TransitionValidator transitionValidator = new TransitionValidator();

    private ProcessorContext<byte[], byte[]> context;
    private KeyValueStore<String, byte[]> decisions;
    private KeyValueStore<String, byte[]> entities;
    private KeyValueStore<String, byte[]> early;
    private KeyValueStore<Bytes, byte[]> timers;
    /**
     * Every timer due at or before this time has fired (-1: none scanned yet, as after a restart).
     * The scans start here rather than at the store's first key: fired timers are deleted, and a
     * store with many deleted keys at its start would make every scan from the beginning step over
     * them (RocksDB keeps deletions as tombstones until it compacts).
     */
    private long scannedUpTo = -1;
    /** The earliest due time of a timer set since the last scan (one may be set in the past when the join lags). */
    private long earliestSetSince = Long.MAX_VALUE;

    RewardJoinProcessor(Topics topics, JoinConfig config, JoinMetrics metrics) {
        this.decisionTopic = topics.decisions();
        this.rewardTopic = topics.rewards();
        this.transitionTopic = topics.transitions();
        this.deadLetterTopic = topics.deadLetter();
        this.config = config;
        this.metrics = metrics;
        this.waitMillis = config.rewardWait().toMillis();
        this.gapMillis = config.episodeGap().toMillis();
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
        this.decisions = context.getStateStore(RewardJoinTopology.DECISIONS_STORE);
        this.entities = context.getStateStore(RewardJoinTopology.ENTITIES_STORE);
        this.early = context.getStateStore(RewardJoinTopology.EARLY_STORE);
        this.timers = context.getStateStore(RewardJoinTopology.TIMERS_STORE);
        context.schedule(config.punctuateEvery(), PunctuationType.WALL_CLOCK_TIME, this::expire);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        String topic = context.recordMetadata().map(RecordMetadata::topic).orElse("");
        if (topic.equals(decisionTopic.name())) {
            Decision decision = validOrDeadLettered(decisionTopic, decisionValidator, record);
            if (decision != null) {
                onDecision(decision, record.value());
            }
        } else {
            Reward reward = validOrDeadLettered(rewardTopic, rewardValidator, record);
            if (reward != null) {
                onReward(reward, record.value());
            }
        }
    }

    /** The record's value decoded and checked; null, dead-lettered, when it is not a valid one. */
    private <T extends SpecificRecord> T validOrDeadLettered(TopicSpec<String, T> topic, RecordValidator<T> validator,
                                                            Record<byte[], byte[]> record) {
        try {
            return validator.requireValid(topic.decodeValue(record.value()));
        } catch (RuntimeException e) {
            deadLetter(record, e);
            return null;
        }
    }

    private void onDecision(Decision d, byte[] raw) {
        String id = d.getDecisionId();
        if (decisions.get(id) != null) {
            metrics.decisionsRepeated.increment();
            return;
        }
        long now = context.currentSystemTimeMs();
        long time = d.getEventTime().toEpochMilli();
        String entity = d.getEntity();
        EntityState e = entity(entity);
        long episode;
        int step;
        if (config.bandit()) {
            episode = e == null ? 0 : e.episode() + 1;
            step = 1;
            entities.put(entity, new EntityState("", time, episode, step).toBytes());
        } else {
            boolean continues = e != null && !e.openDecision().isEmpty() && time - e.lastDecisionTime() <= gapMillis;
            if (e != null && !e.openDecision().isEmpty()) {
                PendingDecision previous = pending(e.openDecision());
                if (previous != null && previous.stage() != Stage.FINISHED
                        && previous.successor() == Successor.UNKNOWN) {
                    advance(e.openDecision(), continues
                            ? previous.withSuccessor(Successor.NEXT, FloatLists.toArray(d.getState()))
                            : previous.withSuccessor(Successor.IDLE, new float[0]), now);
                }
            }
            episode = e == null ? 0 : continues ? e.episode() : e.episode() + 1;
            step = continues ? e.step() + 1 : 1;
            entities.put(entity, new EntityState(id, time, episode, step).toBytes());
        }
        PendingDecision p = new PendingDecision(raw, entity, time, Stage.WAITING, 0, 0.0, false, -1, List.of(),
                config.bandit() ? Successor.NONE : Successor.UNKNOWN, new float[0], episode, step, -1);
        byte[] waiting = early.delete(id);
        if (waiting != null) {
            EarlyRewards rewards = EarlyRewards.fromBytes(waiting);
            timers.delete(Bytes.wrap(JoinState.timerKey(rewards.timerDue(), JoinState.EARLY_TIMER, id)));
            for (byte[] r : rewards.rewards()) {
                p = take(p, rewardTopic.decodeValue(r), r);
            }
        }
        advance(id, p, now);
    }

    private void onReward(Reward r, byte[] raw) {
        String id = r.getDecisionId();
        long now = context.currentSystemTimeMs();
        PendingDecision p = pending(id);
        if (p != null) {
            advance(id, take(p, r, raw), now);
            return;
        }
        byte[] waiting = early.get(id);
        EarlyRewards rewards;
        if (waiting == null) {
            long due = now + waitMillis;
            putTimer(due, JoinState.EARLY_TIMER, id);
            rewards = new EarlyRewards(List.of(raw), due);
        } else {
            rewards = EarlyRewards.fromBytes(waiting);
            String key = rewardKey(r);
            for (byte[] seen : rewards.rewards()) {
                if (rewardKey(rewardTopic.decodeValue(seen)).equals(key)) {
                    metrics.rewardsRepeated.increment();
                    return;
                }
            }
            rewards = rewards.plus(raw);
        }
        early.put(id, rewards.toBytes());
        metrics.rewardsEarly.increment();
    }

    /** Takes, ignores or sends on one reward for decision {@code p}; the caller stores the result. */
    private PendingDecision take(PendingDecision p, Reward r, byte[] raw) {
        String key = rewardKey(r);
        if (p.rewardKeys().contains(key)) {
            metrics.rewardsRepeated.increment();
            return p;
        }
        long rewardTime = r.getEventTime().toEpochMilli();
        boolean inTime = rewardTime <= p.decisionTime() + waitMillis;
        boolean firstAlreadyTaken = firstTaken(p);
        if (!inTime || (p.stage() != Stage.WAITING && !firstAlreadyTaken)) {
            sendAway(r.getEntity(), raw, "late");
            metrics.rewardsLate.increment();
            return p.withSeen(key);
        }
        if (firstAlreadyTaken) {
            metrics.rewardsIgnored.increment();
            return p.withSeen(key);
        }
        double combined = switch (config.combine()) {
            case FIRST, LAST -> r.getReward();
            case SUM -> p.reward() + r.getReward();
        };
        if (p.rewardCount() == 0) {
            metrics.rewardWait.record(Math.max(0, rewardTime - p.decisionTime()), TimeUnit.MILLISECONDS);
        }
        metrics.rewardsTaken.increment();
        PendingDecision taken = p.withReward(combined, r.getTerminal(), rewardTime, key);
        if (r.getTerminal() && !config.bandit()) {
            closeEpisode(r.getDecisionId(), taken);
            taken = taken.withSuccessor(Successor.TERMINAL, new float[0]);
        }
        return taken;
    }

    /**
     * Moves decision {@code p} as far as it can go at wall-clock time {@code now}: settles its
     * reward when its wait is over (or, under {@code first}, once one came), sends its
     * transition once its s' is known, and stores it with its next timer.
     */
    private void advance(String id, PendingDecision p, long now) {
        if (p.stage() == Stage.WAITING
                && (now >= p.decisionTime() + waitMillis || firstTaken(p))) {
            if (p.rewardCount() == 0 && config.defaultReward() == null) {
                metrics.dropped.increment();
                p = p.finished(p.timerDue());
            } else {
                p = p.withStage(Stage.SETTLED);
            }
        }
        if (p.stage() == Stage.SETTLED) {
            if (p.successor() == Successor.UNKNOWN && now >= p.decisionTime() + gapMillis) {
                closeEpisode(id, p);
                p = p.withSuccessor(Successor.IDLE, new float[0]);
            }
            if (p.successor() != Successor.UNKNOWN) {
                send(id, p, now);
                p = p.finished(p.timerDue());
            }
        }
        long due = switch (p.stage()) {
            case WAITING -> p.decisionTime() + waitMillis;
            case SETTLED -> p.decisionTime() + gapMillis;
            // Long enough to tell a repeat or a late reward from an orphan.
            case FINISHED -> p.decisionTime() + 2 * waitMillis;
        };
        if (due != p.timerDue()) {
            if (p.timerDue() >= 0) {
                timers.delete(Bytes.wrap(JoinState.timerKey(p.timerDue(), JoinState.DECISION_TIMER, id)));
            }
            putTimer(due, JoinState.DECISION_TIMER, id);
            p = p.withTimer(due);
        }
        decisions.put(id, p.toBytes());
    }

    /** Under {@code first}, the decision already has the one reward that counts. */
    private boolean firstTaken(PendingDecision p) {
        return config.combine() == JoinConfig.RewardCombine.FIRST && p.rewardCount() > 0;
    }

    /** The wall-clock punctuator: every timer due by now fires, oldest first. */
    private void expire(long now) {
        List<byte[]> due = new ArrayList<>();
        Bytes from = scannedUpTo < 0 ? null : Bytes.wrap(JoinState.timersFrom(Math.min(scannedUpTo, earliestSetSince)));
        try (KeyValueIterator<Bytes, byte[]> it = timers.range(from, Bytes.wrap(JoinState.timersDueBy(now)))) {
            while (it.hasNext()) {
                due.add(it.next().key.get());
            }
        }
        scannedUpTo = now;
        earliestSetSince = Long.MAX_VALUE;
        for (byte[] key : due) {
            timers.delete(Bytes.wrap(key));
            String id = JoinState.timerDecisionId(key);
            if (JoinState.timerKind(key) == JoinState.EARLY_TIMER) {
                byte[] waiting = early.delete(id);
                if (waiting != null) {
                    for (byte[] raw : EarlyRewards.fromBytes(waiting).rewards()) {
                        sendAway(rewardTopic.decodeValue(raw).getEntity(), raw, "orphaned");
                        metrics.rewardsOrphaned.increment();
                    }
                }
                continue;
            }
            PendingDecision p = pending(id);
            if (p == null || p.timerDue() != JoinState.timerDue(key)) {
                continue; // not this decision's current timer
            }
            if (p.stage() == Stage.FINISHED) {
                decisions.delete(id);
            } else {
                // The timer just fired was removed: make advance() schedule the next one afresh.
                advance(id, p.withTimer(-1), now);
            }
        }
    }

    private void putTimer(long due, byte kind, String id) {
        timers.put(Bytes.wrap(JoinState.timerKey(due, kind, id)), new byte[0]);
        earliestSetSince = Math.min(earliestSetSince, due);
    }

    /** The entity's episode ends with {@code p}: its next decision starts a new one. */
    private void closeEpisode(String id, PendingDecision p) {
        EntityState e = entity(p.entity());
        if (e != null && e.openDecision().equals(id)) {
            entities.put(p.entity(), new EntityState("", e.lastDecisionTime(), e.episode(), e.step()).toBytes());
        }
    }

    private void send(String id, PendingDecision p, long now) {
        Decision d = decisionTopic.decodeValue(p.decision());
        boolean joined = p.rewardCount() > 0;
        List<Float> state = d.getState();
        List<Float> next = switch (p.successor()) {
            case NEXT -> FloatLists.of(p.nextState());
            default -> state;
        };
        List<Float> noise = List.of();
        if (d.getExplored() && d.getPolicyAction() != null && d.getPolicyAction().size() == d.getAction().size()) {
            float[] n = new float[d.getAction().size()];
            for (int i = 0; i < n.length; i++) {
                n[i] = d.getAction().get(i) - d.getPolicyAction().get(i);
            }
            noise = FloatLists.of(n);
        }
        Transition t = Transition.newBuilder()
                .setActorId(p.entity())
                .setEnvId(d.getEnvId())
                .setEpisode(p.episode())
                .setStep(p.step())
                .setObservation(state)
                .setAction(d.getAction())
                .setReward(joined ? p.reward() : config.defaultReward())
                .setNextObservation(next)
                .setTerminated(p.successor() == Successor.TERMINAL || p.successor() == Successor.NONE)
                .setTruncated(p.successor() == Successor.IDLE)
                // The behaviour policy: the learned one only when it answered; otherwise the fallback.
                .setPolicyVersion(d.getMode() == DecisionMode.LEARNED ? d.getPolicyVersion() : -1)
                .setExplorationNoise(noise)
                .setEventTime(d.getEventTime())
                .setDecisionId(id)
                .setLogDensity(d.getLogDensity())
                .setJoin(JoinOutcome.newBuilder()
                        .setResult(joined ? JoinResult.JOINED : JoinResult.DEFAULTED)
                        .setRewardCount(p.rewardCount())
                        .setWaitMs(joined ? Math.max(0, p.firstRewardTime() - p.decisionTime()) : waitMillis)
                        .build())
                .build();
        transitionValidator.requireValid(t);
        byte[] value = transitionTopic.valueSerde().codec().encode(transitionTopic.name(), t);
        context.forward(new Record<>(p.entity().getBytes(StandardCharsets.UTF_8), value, now),
                RewardJoinTopology.TRANSITIONS_SINK);
        (joined ? metrics.joined : metrics.defaulted).increment();
    }

    private void sendAway(String entity, byte[] raw, String reason) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(REASON_HEADER, reason.getBytes(StandardCharsets.UTF_8));
        context.forward(new Record<>(entity.getBytes(StandardCharsets.UTF_8), raw, context.currentSystemTimeMs(),
                headers), RewardJoinTopology.LATE_REWARDS_SINK);
    }

    private void deadLetter(Record<byte[], byte[]> record, Exception reason) {
        RecordMetadata where = context.recordMetadata().orElseThrow();
        byte[] value = DeadLetters.encodeToFit(deadLetterTopic,
                DeadLetters.of(where.topic(), where.partition(), where.offset(), record.key(), record.value(), reason,
                        Instant.ofEpochMilli(context.currentSystemTimeMs())),
                record.key() == null ? 0 : record.key().length, Topics.DEAD_LETTER_MAX_MESSAGE_BYTES).bytes();
        context.forward(new Record<>(record.key(), value, context.currentSystemTimeMs()),
                RewardJoinTopology.DEAD_LETTER_SINK);
        metrics.deadLettered.increment();
    }

    /** What makes two reports the same reward: the caller's reward id, or else the same value and terminal flag. */
    private static String rewardKey(Reward r) {
        return r.getRewardId() != null ? "id:" + r.getRewardId()
                : "value:" + Double.doubleToLongBits(r.getReward()) + ":" + r.getTerminal();
    }

    private PendingDecision pending(String id) {
        byte[] bytes = decisions.get(id);
        return bytes == null ? null : PendingDecision.fromBytes(bytes);
    }

    private EntityState entity(String entity) {
        byte[] bytes = entities.get(entity);
        return bytes == null ? null : EntityState.fromBytes(bytes);
    }
}
