package io.streamrl.bench;

import io.streamrl.actor.serve.DecisionIds;
import io.streamrl.schemas.RecordCodec;
import io.streamrl.schemas.Topics;
import io.streamrl.schemas.avro.Decision;
import io.streamrl.schemas.avro.DecisionMode;
import io.streamrl.schemas.avro.Reward;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * Pricing-v0-like decisions and one reward for each, encoded for the decisions and rewards
 * topics in the order a live serve instance would write them. Entity {@code i mod E} takes
 * decision {@code i}; each entity decides once a second (entities staggered across the second,
 * so the stream is steady), and its reward comes 100 to 900 ms later, before the entity's next
 * decision: in the topics a decision is followed, a few hundred records later, by its reward.
 */
public final class JoinWorkload {

    /** Time between one entity's decisions. */
    static final long STEP_MILLIS = 1_000;
    /** Earliest and latest reward after its decision; well inside any reward wait and before the next step. */
    static final long MIN_REWARD_DELAY_MILLIS = 100;
    static final long MAX_REWARD_DELAY_MILLIS = 900;
    private static final String ENV_ID = "Pricing-v0";
    private static final String INSTANCE_ID = "bench-join";
    /** The policy version on every decision: any learned one will do. */
    private static final long POLICY_VERSION = 7;
    private static final double EXPLORATION_SD = 0.1;
    /** Prices run from 1 to 20. */
    private static final double PRICE_RANGE = 19;

    /** One record to send: its topic, key (the entity), value and event time. */
    public record Outgoing(String topic, byte[] key, byte[] value, long time) {
    }

    private JoinWorkload() {
    }

    /**
     * The records of {@code decisions} decisions over {@code entities} entities and one reward
     * each, in event-time order.
     *
     * @param startMillis the event time of entity 0's first decision
     * @throws IllegalArgumentException unless 1 <= entities <= decisions
     */
    public static List<Outgoing> records(Topics topics, int decisions, int entities, long startMillis, long seed) {
        if (decisions < 1) {
            throw new IllegalArgumentException("decisions must be at least 1, got " + decisions);
        }
        if (entities < 1 || entities > decisions) {
            throw new IllegalArgumentException("entities must be in [1, decisions=" + decisions + "], got " + entities);
        }
        SplittableRandom random = new SplittableRandom(seed);
        String decisionTopic = topics.decisions().name();
        String rewardTopic = topics.rewards().name();
        // Once: Topics builds a new spec, serde and codec (schema history, fingerprints) at every call.
        RecordCodec<Decision> decisionCodec = topics.decisions().valueSerde().codec();
        RecordCodec<Reward> rewardCodec = topics.rewards().valueSerde().codec();
        String[] names = new String[entities];
        byte[][] keys = new byte[entities][];
        for (int e = 0; e < entities; e++) {
            names[e] = "shop-" + e;
            keys[e] = names[e].getBytes(StandardCharsets.UTF_8);
        }
        List<Outgoing> out = new ArrayList<>(2 * decisions);
        // Rewards not yet written, by event time: each goes out before the first decision stamped after it.
        PriorityQueue<Outgoing> due = new PriorityQueue<>((a, b) -> Long.compare(a.time(), b.time()));
        for (int i = 0; i < decisions; i++) {
            int e = i % entities;
            int step = i / entities;
            long time = startMillis + step * STEP_MILLIS + e * STEP_MILLIS / entities;
            while (!due.isEmpty() && due.peek().time() <= time) {
                out.add(due.poll());
            }
            String id = DecisionIds.create(names[e], "s" + step, random);
            out.add(new Outgoing(decisionTopic, keys[e],
                    decisionCodec.encode(decisionTopic, decision(id, names[e], time, random)),
                    time));
            long rewardTime = time + random.nextLong(MIN_REWARD_DELAY_MILLIS, MAX_REWARD_DELAY_MILLIS + 1);
            due.add(new Outgoing(rewardTopic, keys[e],
                    rewardCodec.encode(rewardTopic, reward(id, names[e], rewardTime, step, random)),
                    rewardTime));
        }
        while (!due.isEmpty()) {
            out.add(due.poll());
        }
        return out;
    }

    /**
     * A decision as serve logs it for a learned, explored price: the Pricing-v0 observation
     * {@code [log demand, competitor price / 10, sin, cos of the weekday]}, a price in [1, 20]
     * near the policy's, and the density of the noise that moved it.
     */
    private static Decision decision(String id, String entity, long time, SplittableRandom random) {
        double weekAngle = 2 * Math.PI * random.nextInt(7) / 7;
        float policyPrice = (float) (5 + 10 * random.nextDouble());
        // Gaussian noise of sd 0.1 on the normalised action in [-1, 1], which spans 19 price units.
        double noise = EXPLORATION_SD * random.nextGaussian();
        return Decision.newBuilder()
                .setDecisionId(id)
                .setEntity(entity)
                .setEnvId(ENV_ID)
                .setState(List.of((float) Math.log(0.5 + random.nextDouble()), (float) (0.5 + random.nextDouble()),
                        (float) Math.sin(weekAngle), (float) Math.cos(weekAngle)))
                .setAction(List.of((float) (policyPrice + noise * PRICE_RANGE / 2)))
                .setPolicyAction(List.of(policyPrice))
                .setLogDensity(-0.5 * (noise / EXPLORATION_SD) * (noise / EXPLORATION_SD)
                        - Math.log(EXPLORATION_SD * Math.sqrt(2 * Math.PI)))
                .setPolicyVersion(POLICY_VERSION)
                .setMode(DecisionMode.LEARNED)
                .setExplored(true)
                .setClipped(false)
                .setControlRevision(-1)
                .setInstanceId(INSTANCE_ID)
                .setEventTime(Instant.ofEpochMilli(time))
                .build();
    }

    private static Reward reward(String decisionId, String entity, long time, int step, SplittableRandom random) {
        return Reward.newBuilder()
                .setDecisionId(decisionId)
                .setEntity(entity)
                .setReward(100 * random.nextDouble())
                .setTerminal(false)
                .setRewardId("r" + step)
                .setInstanceId(INSTANCE_ID)
                .setEventTime(Instant.ofEpochMilli(time))
                .build();
    }
}
