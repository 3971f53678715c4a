package io.streamrl.join;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What the reward join keeps in its state stores, and the stores' byte layouts. The stores are
 * changelogged to Kafka and restored after a restart, so each layout starts with a version
 * byte: a later build that changes one must still read the old one.
 *
 * <p>The layouts are written by hand with {@code DataOutputStream} rather than as Avro records:
 * they never leave the join (only its own changelog topics hold them), and the join reads and
 * writes one per record it processes.
 */
final class JoinState {

    private JoinState() {
    }

    /** Where a decision is in its life. */
    enum Stage {
        /** Its wait is running: rewards are taken. */
        WAITING,
        /** Its reward is settled; it waits for the entity's next decision (its s') or the episode gap. */
        SETTLED,
        /** Its transition was sent (or it was dropped); kept until twice its wait to tell repeats and late rewards apart. */
        FINISHED
    }

    /** What follows a decision in its entity's episode. */
    enum Successor {
        /** Not known yet. */
        UNKNOWN,
        /** The entity's next decision arrived: its state is s'. */
        NEXT,
        /** A reward said the episode ended with this decision. */
        TERMINAL,
        /** The entity made no decision within the episode gap. */
        IDLE,
        /** Bandit mode: every decision is its own episode. */
        NONE
    }

    /**
     * One decision the join has seen.
     *
     * @param decision the Decision value as read from the decisions topic; empty once finished
     * @param entity the decision's entity
     * @param decisionTime the decision's event time (serve's clock), epoch milliseconds
     * @param stage see {@link Stage}
     * @param rewardCount distinct rewards taken
     * @param reward the combined reward so far
     * @param terminal whether a taken reward said the episode ended
     * @param firstRewardTime event time of the first reward taken; -1 before one
     * @param rewardKeys what identifies each reward seen, to count a repeat once
     * @param successor see {@link Successor}
     * @param nextState s' when {@code successor} is NEXT; empty otherwise
     * @param episode the entity's episode this decision belongs to
     * @param step the decision's step within that episode, from 1
     * @param timerDue when the decision's timer fires (the key of its entry in the timer store)
     */
    record PendingDecision(byte[] decision, String entity, long decisionTime, Stage stage, int rewardCount,
                           double reward, boolean terminal, long firstRewardTime, List<String> rewardKeys,
                           Successor successor, float[] nextState, long episode, int step, long timerDue) {

        PendingDecision {
            rewardKeys = List.copyOf(rewardKeys);
        }

        PendingDecision withStage(Stage s) {
            return new PendingDecision(decision, entity, decisionTime, s, rewardCount, reward, terminal,
                    firstRewardTime, rewardKeys, successor, nextState, episode, step, timerDue);
        }

        PendingDecision withSuccessor(Successor s, float[] next) {
            return new PendingDecision(decision, entity, decisionTime, stage, rewardCount, reward, terminal,
                    firstRewardTime, rewardKeys, s, next, episode, step, timerDue);
        }

        PendingDecision withTimer(long due) {
            return new PendingDecision(decision, entity, decisionTime, stage, rewardCount, reward, terminal,
                    firstRewardTime, rewardKeys, successor, nextState, episode, step, due);
        }

        PendingDecision withReward(double combined, boolean endsEpisode, long rewardTime, String key) {
            List<String> keys = new ArrayList<>(rewardKeys);
            keys.add(key);
            long first = firstRewardTime < 0 ? rewardTime : Math.min(firstRewardTime, rewardTime);
            return new PendingDecision(decision, entity, decisionTime, stage, rewardCount + 1, combined,
                    terminal || endsEpisode, first, keys, successor, nextState, episode, step, timerDue);
        }

        /** Remembers a reward's key without taking it (an extra reward under {@code first}). */
        PendingDecision withSeen(String key) {
            List<String> keys = new ArrayList<>(rewardKeys);
            keys.add(key);
            return new PendingDecision(decision, entity, decisionTime, stage, rewardCount, reward, terminal,
                    firstRewardTime, keys, successor, nextState, episode, step, timerDue);
        }

        /** The finished form: the decision's bytes and s' are no longer needed. */
        PendingDecision finished(long cleanupDue) {
            return new PendingDecision(new byte[0], entity, decisionTime, Stage.FINISHED, rewardCount, reward,
                    terminal, firstRewardTime, rewardKeys, successor, new float[0], episode, step, cleanupDue);
        }

        byte[] toBytes() {
            return write(out -> {
                out.writeInt(decision.length);
                out.write(decision);
                out.writeUTF(entity);
                out.writeLong(decisionTime);
                out.writeByte(stage.ordinal());
                out.writeInt(rewardCount);
                out.writeDouble(reward);
                out.writeBoolean(terminal);
                out.writeLong(firstRewardTime);
                out.writeInt(rewardKeys.size());
                for (String key : rewardKeys) {
                    out.writeUTF(key);
                }
                out.writeByte(successor.ordinal());
                out.writeInt(nextState.length);
                for (float f : nextState) {
                    out.writeFloat(f);
                }
                out.writeLong(episode);
                out.writeInt(step);
                out.writeLong(timerDue);
            });
        }

        static PendingDecision fromBytes(byte[] bytes) {
            return read(bytes, in -> {
                byte[] decision = new byte[in.readInt()];
                in.readFully(decision);
                String entity = in.readUTF();
                long decisionTime = in.readLong();
                Stage stage = Stage.values()[in.readByte()];
                int rewardCount = in.readInt();
                double reward = in.readDouble();
                boolean terminal = in.readBoolean();
                long firstRewardTime = in.readLong();
                int keys = in.readInt();
                List<String> rewardKeys = new ArrayList<>(keys);
                for (int i = 0; i < keys; i++) {
                    rewardKeys.add(in.readUTF());
                }
                Successor successor = Successor.values()[in.readByte()];
                float[] next = new float[in.readInt()];
                for (int i = 0; i < next.length; i++) {
                    next[i] = in.readFloat();
                }
                return new PendingDecision(decision, entity, decisionTime, stage, rewardCount, reward, terminal,
                        firstRewardTime, rewardKeys, successor, next, in.readLong(), in.readInt(), in.readLong());
            });
        }
    }

    /**
     * An entity's position in its episodes.
     *
     * @param openDecision id of its latest decision while that one still waits for its s'; empty otherwise
     * @param lastDecisionTime event time of its latest decision
     * @param episode its current (or, with no open decision, its last) episode, from 0
     * @param step the latest decision's step within that episode
     */
    record EntityState(String openDecision, long lastDecisionTime, long episode, int step) {

        byte[] toBytes() {
            return write(out -> {
                out.writeUTF(openDecision);
                out.writeLong(lastDecisionTime);
                out.writeLong(episode);
                out.writeInt(step);
            });
        }

        static EntityState fromBytes(byte[] bytes) {
            return read(bytes, in -> new EntityState(in.readUTF(), in.readLong(), in.readLong(), in.readInt()));
        }
    }

    /**
     * Rewards that came before their decision, as read from the rewards topic.
     *
     * @param rewards the Reward values, in arrival order
     * @param timerDue when they become orphans
     */
    record EarlyRewards(List<byte[]> rewards, long timerDue) {

        EarlyRewards {
            rewards = List.copyOf(rewards);
        }

        EarlyRewards plus(byte[] reward) {
            List<byte[]> all = new ArrayList<>(rewards);
            all.add(reward);
            return new EarlyRewards(all, timerDue);
        }

        byte[] toBytes() {
            return write(out -> {
                out.writeInt(rewards.size());
                for (byte[] r : rewards) {
                    out.writeInt(r.length);
                    out.write(r);
                }
                out.writeLong(timerDue);
            });
        }

        static EarlyRewards fromBytes(byte[] bytes) {
            return read(bytes, in -> {
                int n = in.readInt();
                List<byte[]> rewards = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    byte[] r = new byte[in.readInt()];
                    in.readFully(r);
                    rewards.add(r);
                }
                return new EarlyRewards(rewards, in.readLong());
            });
        }
    }

    /** Kinds of timer, the byte after the due time in a timer key. */
    static final byte DECISION_TIMER = 'D';
    static final byte EARLY_TIMER = 'E';

    /**
     * A timer's key: the due time big-endian (so that the store's byte order is time order and
     * a range scan from 0 to now finds every timer due), its kind, then the decision id.
     */
    static byte[] timerKey(long due, byte kind, String decisionId) {
        byte[] id = decisionId.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(Long.BYTES + 1 + id.length).putLong(due).put(kind).put(id).array();
    }

    /** The smallest key of any timer due at or after {@code time}. */
    static byte[] timersFrom(long time) {
        return ByteBuffer.allocate(Long.BYTES).putLong(time).array();
    }

    /** The largest key of any timer due at or before {@code time}. */
    static byte[] timersDueBy(long time) {
        return ByteBuffer.allocate(Long.BYTES + 1).putLong(time).put((byte) 0xFF).array();
    }

    static long timerDue(byte[] key) {
        return ByteBuffer.wrap(key).getLong();
    }

    static byte timerKind(byte[] key) {
        return key[Long.BYTES];
    }

    static String timerDecisionId(byte[] key) {
        return new String(key, Long.BYTES + 1, key.length - Long.BYTES - 1, StandardCharsets.UTF_8);
    }

    private static final byte LAYOUT_VERSION = 1;

    private interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    private interface Reader<T> {
        T read(DataInputStream in) throws IOException;
    }

    private static byte[] write(Writer writer) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(LAYOUT_VERSION);
            writer.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static <T> T read(byte[] bytes, Reader<T> reader) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            byte version = in.readByte();
            if (version != LAYOUT_VERSION) {
                throw new IllegalStateException("join state written with layout " + version + "; this build reads "
                        + LAYOUT_VERSION + ": run the join with the build that wrote it, or reset its state"
                        + " (kafka-streams-application-reset)");
            }
            return reader.read(in);
        } catch (IOException e) {
            throw new UncheckedIOException("corrupt join state record", e);
        }
    }
}
