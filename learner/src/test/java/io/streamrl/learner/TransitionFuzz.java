package io.streamrl.learner;

import io.streamrl.core.policy.ObservationNormalizer;
import io.streamrl.schemas.SchemaHistory;
import io.streamrl.schemas.SchemaVersion;
import io.streamrl.schemas.Topics;
import io.streamrl.schemas.avro.JoinOutcome;
import io.streamrl.schemas.avro.JoinResult;
import io.streamrl.schemas.avro.Transition;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;

/**
 * Seeded records for the transitions topic of a Pendulum-v1 learner: malformed ones of every
 * kind a learner must reject (random bytes, truncations, every field out of range, unknown and
 * older schema versions, values close to the topic's size limit), and good ones, some at the
 * edges of what is allowed, that it must accept. The same seed gives the same records.
 *
 * <p>Which records are good follows the learner's rules ({@code TransitionValidator} and
 * {@code TransitionConverter}) as they are, not as one might guess them: an action outside the
 * box is accepted and clipped (an environment clips it too), and huge but finite observations
 * are accepted unless normalisation ({@link #NORMALIZER}, scale 2) overflows them.
 */
final class TransitionFuzz {

    /** A record to send, with the generator that made it and whether the learner must accept it. */
    record Sample(String kind, byte[] key, byte[] value, boolean good) {
    }

    /**
     * Scale 2 on every feature, so that finite observations near float32's limit overflow after
     * normalisation and are rejected for that (identity normalisation could not overflow).
     */
    static final ObservationNormalizer NORMALIZER = new ObservationNormalizer(new float[3], new float[] {2f, 2f, 2f});
    /**
     * Largest value sent: the transitions topic takes batches up to
     * {@link Topics#TRANSITION_MAX_MESSAGE_BYTES}; 2 KiB stay free for the key and batch headers.
     */
    static final int OVERSIZED_MAX = Topics.TRANSITION_MAX_MESSAGE_BYTES - 2 * 1024;
    /** Oversized values are between this and {@link #OVERSIZED_MAX}: "close to the limit". */
    static final int OVERSIZED_MIN = OVERSIZED_MAX - 32 * 1024;

    private static final String ENV = PendulumTransitions.ENV_ID;
    private static final List<SchemaVersion> VERSIONS = SchemaHistory.versions("Transition");
    private static final SchemaVersion CURRENT = VERSIONS.get(VERSIONS.size() - 1);
    private static final byte MARKER_0 = (byte) 0xC3;
    private static final byte MARKER_1 = (byte) 0x01;
    private static final int HEADER = 10;

    private record Generator(String kind, int weight, Function<SplittableRandom, byte[]> make) {
    }

    /** Relative weights; oversized values are rare (about 0.6%) so that the topic stays a few tens of MB. */
    private static final List<Generator> MALFORMED = List.of(
            // Bytes that are no record at all.
            new Generator("random-bytes", 60, r -> bytes(r, r.nextInt(0, 300))),
            new Generator("null-value", 10, r -> null),
            new Generator("empty-value", 10, r -> new byte[0]),
            new Generator("short-header", 10, r -> Arrays.copyOf(header(CURRENT.fingerprint()), r.nextInt(1, HEADER))),
            new Generator("bad-marker", 20, r -> {
                byte[] v = valid(r);
                v[r.nextInt(2)] ^= (byte) r.nextInt(1, 256);
                return v;
            }),
            new Generator("unknown-fingerprint", 30, r -> {
                byte[] v = valid(r);
                long fingerprint;
                do {
                    fingerprint = r.nextLong();
                } while (known(fingerprint));
                System.arraycopy(header(fingerprint), 2, v, 2, 8);
                return v;
            }),
            new Generator("current-header-random-body", 80, r -> concat(header(CURRENT.fingerprint()),
                    bytes(r, r.nextInt(0, 300)))),
            new Generator("old-header-random-body", 40, r -> concat(header(oldVersion(r).fingerprint()),
                    bytes(r, r.nextInt(0, 300)))),
            new Generator("truncated", 100, r -> {
                byte[] v = valid(r);
                return Arrays.copyOf(v, r.nextInt(0, v.length));
            }),
            new Generator("truncated-old-version", 40, r -> {
                byte[] v = encodeOld(oldVersion(r), goodBuilder(r).build());
                return Arrays.copyOf(v, r.nextInt(0, v.length));
            }),
            new Generator("trailing-bytes", 30, r -> concat(valid(r), bytes(r, r.nextInt(1, 17)))),
            new Generator("trailing-bytes-old-version", 10, r -> concat(encodeOld(oldVersion(r), goodBuilder(r).build()),
                    bytes(r, r.nextInt(1, 17)))),
            // A body that claims more than any array could hold, or a negative string length.
            new Generator("huge-array-count", 20, r -> hugeArray(r, CURRENT)),
            new Generator("huge-array-count-old-version", 10, r -> hugeArray(r, oldVersion(r))),
            new Generator("negative-string-length", 10, r -> concat(header(anyVersion(r).fingerprint()),
                    zigzag(-r.nextLong(1, Long.MAX_VALUE)))),
            // The three unions at the end of a current record: a branch that does not exist.
            new Generator("bad-union-branch", 20, r -> {
                byte[] v = encode(goodBuilder(r).setDecisionId(null).setLogDensity(null).setJoin(null).build());
                v[v.length - 1 - r.nextInt(3)] = badIndex(r, 2);
                return v;
            }),
            new Generator("bad-join-result-symbol", 10, r -> {
                byte[] v = encode(goodBuilder(r).setJoin(JoinOutcome.newBuilder().setResult(JoinResult.JOINED)
                        .setRewardCount(0).setWaitMs(0).build()).build());
                v[v.length - 3] = badIndex(r, 2); // union index, enum index, reward_count 0, wait_ms 0
                return v;
            }),
            // Well-formed records with one field out of range.
            new Generator("blank-actor-id", 15, r -> encode(goodBuilder(r).setActorId(r.nextBoolean() ? "" : " \t").build())),
            new Generator("wrong-env-id", 20, r -> encode(goodBuilder(r)
                    .setEnvId(r.nextBoolean() ? "MountainCarContinuous-v0" : r.nextBoolean() ? "" : "pendulum").build())),
            new Generator("negative-episode", 15, r -> encode(goodBuilder(r).setEpisode(-r.nextLong(1, Long.MAX_VALUE)).build())),
            new Generator("step-below-one", 15, r -> encode(goodBuilder(r).setStep(r.nextBoolean() ? 0
                    : -r.nextInt(1, Integer.MAX_VALUE)).build())),
            new Generator("observation-length", 30, r -> {
                List<Float> o = floats(r, wrongLength(r, 3));
                return encode(goodBuilder(r).setObservation(o).setNextObservation(o).build());
            }),
            new Generator("next-observation-length", 20, r -> encode(goodBuilder(r)
                    .setNextObservation(floats(r, wrongLength(r, 3))).build())),
            new Generator("observation-not-finite", 30, r -> encode(goodBuilder(r)
                    .setObservation(withNonFinite(r, floats(r, 3))).build())),
            new Generator("next-observation-not-finite", 20, r -> encode(goodBuilder(r)
                    .setNextObservation(withNonFinite(r, floats(r, 3))).build())),
            new Generator("observation-overflows-normalisation", 20, r -> {
                List<Float> o = new ArrayList<>(floats(r, 3));
                o.set(r.nextInt(3), (float) ((r.nextBoolean() ? 1 : -1) * r.nextDouble(2e38, Float.MAX_VALUE)));
                return r.nextBoolean() ? encode(goodBuilder(r).setObservation(o).build())
                        : encode(goodBuilder(r).setNextObservation(o).build());
            }),
            new Generator("action-length", 25, r -> encode(goodBuilder(r).setAction(floats(r, wrongLength(r, 1)))
                    .setExplorationNoise(List.of()).build())),
            new Generator("action-not-finite", 20, r -> encode(goodBuilder(r).setAction(withNonFinite(r, floats(r, 1)))
                    .build())),
            new Generator("reward-not-finite", 25, r -> encode(goodBuilder(r).setReward(nonFinite(r)).build())),
            new Generator("reward-beyond-float32", 15, r -> encode(goodBuilder(r)
                    .setReward((r.nextBoolean() ? 1 : -1) * r.nextDouble(1e39, Double.MAX_VALUE)).build())),
            new Generator("policy-version-below-minus-one", 15, r -> encode(goodBuilder(r)
                    .setPolicyVersion(-r.nextLong(2, Long.MAX_VALUE)).build())),
            new Generator("exploration-noise-not-finite", 15, r -> encode(goodBuilder(r)
                    .setExplorationNoise(withNonFinite(r, floats(r, 1))).build())),
            new Generator("exploration-noise-length", 15, r -> encode(goodBuilder(r)
                    .setExplorationNoise(floats(r, r.nextInt(2, 6))).build())),
            new Generator("event-time-missing", 10, r -> encode(goodBuilder(r)
                    .setEventTime(Instant.ofEpochMilli(Long.MIN_VALUE)).build())),
            new Generator("blank-decision-id", 10, r -> encode(goodBuilder(r).setDecisionId(r.nextBoolean() ? "" : "  ")
                    .build())),
            new Generator("log-density-infinite", 10, r -> encode(goodBuilder(r)
                    .setLogDensity(r.nextBoolean() ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY).build())),
            new Generator("join-negative-count-or-wait", 10, r -> encode(goodBuilder(r).setJoin(JoinOutcome.newBuilder()
                    .setResult(JoinResult.JOINED)
                    .setRewardCount(r.nextBoolean() ? -r.nextInt(1, Integer.MAX_VALUE) : 1)
                    .setWaitMs(r.nextBoolean() ? -r.nextLong(1, Long.MAX_VALUE) : -1).build()).build())),
            new Generator("old-version-out-of-range", 40, r -> {
                Transition.Builder b = goodBuilder(r);
                switch (r.nextInt(4)) {
                    case 0 -> b.setReward(nonFinite(r));
                    case 1 -> b.setEnvId("MountainCarContinuous-v0");
                    case 2 -> b.setObservation(floats(r, 4)).setNextObservation(floats(r, 4));
                    default -> b.setStep(0);
                }
                return encodeOld(oldVersion(r), b.build());
            }),
            new Generator("several-fields-out-of-range", 20, r -> encode(goodBuilder(r).setActorId("")
                    .setEpisode(-1).setStep(0).setReward(Double.NaN).setObservation(floats(r, 7))
                    .setAction(List.of(Float.NaN)).setPolicyVersion(-5).build())),
            // Values close to the topic's limit.
            new Generator("oversized-random-bytes", 2, r -> bytes(r, r.nextInt(OVERSIZED_MIN, OVERSIZED_MAX + 1))),
            new Generator("oversized-current-header", 2, r -> concat(header(CURRENT.fingerprint()),
                    bytes(r, r.nextInt(OVERSIZED_MIN, OVERSIZED_MAX + 1) - HEADER))),
            new Generator("oversized-observation", 2, r -> {
                // 57,000 to 65,000 floats: a well-formed record whose observation is far too long.
                // The rest of the record takes well under 200 bytes.
                int floats = (r.nextInt(OVERSIZED_MIN, OVERSIZED_MAX + 1) - 200) / Float.BYTES;
                return encode(goodBuilder(r).setObservation(floats(r, floats)).build());
            }));

    private static final List<Generator> GOOD = List.of(
            new Generator("good", 70, r -> valid(r)),
            new Generator("good-action-out-of-bounds-clipped", 8, r -> encode(goodBuilder(r)
                    .setAction(List.of((float) ((r.nextBoolean() ? 1 : -1) * r.nextDouble(2.001, 1e30)))).build())),
            new Generator("good-extreme-finite-observation", 6, r -> encode(goodBuilder(r)
                    .setObservation(List.of(1e30f, -1e30f, 1.5e38f)).setNextObservation(List.of(-1.7e38f, 0f, 1e-45f))
                    .build())),
            new Generator("good-old-version", 8, r -> encodeOld(oldVersion(r), goodBuilder(r).build())),
            new Generator("good-with-noise-join-and-decision", 8, r -> encode(goodBuilder(r)
                    .setExplorationNoise(floats(r, 1)).setDecisionId("d-" + r.nextInt(1_000)).setLogDensity(-0.5)
                    .setJoin(JoinOutcome.newBuilder().setResult(JoinResult.DEFAULTED).setRewardCount(0).setWaitMs(5)
                            .build()).build())));

    private TransitionFuzz() {
    }

    /**
     * {@code malformed} malformed records in a seeded order, with a good one before each with
     * probability {@code goodShare}.
     */
    static List<Sample> records(long seed, int malformed, double goodShare) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Sample> out = new ArrayList<>();
        int bad = 0;
        while (bad < malformed) {
            if (random.nextDouble() < goodShare) {
                out.add(sample(pick(random, GOOD), random, true));
            } else {
                out.add(sample(pick(random, MALFORMED), random, false));
                bad++;
            }
        }
        return out;
    }

    /** Every kind of malformed record the generator makes. */
    static List<String> malformedKinds() {
        return MALFORMED.stream().map(Generator::kind).toList();
    }

    private static Sample sample(Generator generator, SplittableRandom random, boolean good) {
        byte[] value = generator.make().apply(random);
        return new Sample(generator.kind(), key(random), value, good);
    }

    private static Generator pick(SplittableRandom random, List<Generator> generators) {
        int total = generators.stream().mapToInt(Generator::weight).sum();
        int draw = random.nextInt(total);
        for (Generator g : generators) {
            draw -= g.weight();
            if (draw < 0) {
                return g;
            }
        }
        throw new AssertionError("unreachable");
    }

    /** Mostly an actor id, sometimes no key or arbitrary bytes: the learner must not care. */
    private static byte[] key(SplittableRandom r) {
        int choice = r.nextInt(10);
        if (choice == 0) {
            return null;
        }
        if (choice == 1) {
            return bytes(r, r.nextInt(0, 64));
        }
        return ("fuzz-actor-" + r.nextInt(8)).getBytes(StandardCharsets.UTF_8);
    }

    private static Transition.Builder goodBuilder(SplittableRandom r) {
        return PendulumTransitions.builder("fuzz-actor-" + r.nextInt(8), r.nextLong(0, 1_000), r.nextInt(1, 201), r);
    }

    private static byte[] valid(SplittableRandom r) {
        return encode(goodBuilder(r).build());
    }

    private static byte[] encode(Transition t) {
        return PendulumTransitions.encode(t);
    }

    /** {@code t} as an older build wrote it: only the fields {@code version} had (they are a prefix of today's). */
    private static byte[] encodeOld(SchemaVersion version, Transition t) {
        Schema schema = version.schema();
        GenericRecord old = new GenericData.Record(schema);
        for (Schema.Field field : schema.getFields()) {
            Object value = t.get(field.name());
            old.put(field.name(), value instanceof Instant instant ? instant.toEpochMilli() : value);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            new BinaryMessageEncoder<GenericRecord>(GenericData.get(), schema).encode(old, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** actor_id, env_id, episode and step as every version writes them, then an array count no record could hold. */
    private static byte[] hugeArray(SplittableRandom r, SchemaVersion version) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(header(version.fingerprint()));
        out.writeBytes(string("fuzz-actor"));
        out.writeBytes(string(ENV));
        out.writeBytes(zigzag(r.nextLong(0, 1_000)));
        out.writeBytes(zigzag(r.nextInt(1, 201)));
        // A positive count, or a negative block count followed by a block size.
        long count = r.nextLong(1L << 20, Long.MAX_VALUE);
        if (r.nextBoolean()) {
            out.writeBytes(zigzag(count));
        } else {
            out.writeBytes(zigzag(-count));
            out.writeBytes(zigzag(r.nextBoolean() ? -r.nextLong(1, Long.MAX_VALUE) : r.nextLong(0, Long.MAX_VALUE)));
        }
        out.writeBytes(bytes(r, r.nextInt(0, 64)));
        return out.toByteArray();
    }

    private static SchemaVersion oldVersion(SplittableRandom r) {
        return VERSIONS.get(r.nextInt(VERSIONS.size() - 1));
    }

    private static SchemaVersion anyVersion(SplittableRandom r) {
        return VERSIONS.get(r.nextInt(VERSIONS.size()));
    }

    private static boolean known(long fingerprint) {
        return VERSIONS.stream().anyMatch(v -> v.fingerprint() == fingerprint);
    }

    private static byte[] header(long fingerprint) {
        byte[] h = new byte[HEADER];
        h[0] = MARKER_0;
        h[1] = MARKER_1;
        for (int i = 0; i < 8; i++) {
            h[2 + i] = (byte) (fingerprint >>> (8 * i));
        }
        return h;
    }

    /** An Avro long: zig-zag, then base-128 little-endian. */
    private static byte[] zigzag(long value) {
        long n = (value << 1) ^ (value >> 63);
        ByteArrayOutputStream out = new ByteArrayOutputStream(10);
        while ((n & ~0x7FL) != 0) {
            out.write((int) ((n & 0x7F) | 0x80));
            n >>>= 7;
        }
        out.write((int) n);
        return out.toByteArray();
    }

    private static byte[] string(String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        return concat(zigzag(utf8.length), utf8);
    }

    /** A one-byte union or enum index that does not exist among {@code size}: -1, size, or larger. */
    private static byte badIndex(SplittableRandom r, int size) {
        int index = r.nextBoolean() ? -1 : r.nextInt(size, 64);
        return zigzag(index)[0];
    }

    private static int wrongLength(SplittableRandom r, int right) {
        int length;
        do {
            length = r.nextInt(0, 17);
        } while (length == right);
        return length;
    }

    private static List<Float> floats(SplittableRandom r, int n) {
        List<Float> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add((float) r.nextDouble(-1, 1));
        }
        return out;
    }

    private static List<Float> withNonFinite(SplittableRandom r, List<Float> values) {
        List<Float> out = new ArrayList<>(values);
        out.set(r.nextInt(out.size()), (float) nonFinite(r));
        return out;
    }

    private static double nonFinite(SplittableRandom r) {
        return switch (r.nextInt(3)) {
            case 0 -> Double.NaN;
            case 1 -> Double.POSITIVE_INFINITY;
            default -> Double.NEGATIVE_INFINITY;
        };
    }

    private static byte[] bytes(SplittableRandom r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
