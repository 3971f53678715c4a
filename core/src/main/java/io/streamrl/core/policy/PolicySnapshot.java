package io.streamrl.core.policy;

import io.streamrl.core.compute.Activation;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.SplittableRandom;

/**
 * The immutable policy that actors run: an MLP with its observation normalisation, action
 * bounds and {@link PolicyHead} (what the output means: DDPG's deterministic action, A2C's
 * categorical logits or Gaussian mean with a learned log standard deviation), a version that
 * strictly increases per policy name, and a SHA-256 checksum over its serialised form. The
 * critic, value function, target networks and optimizer state never leave the learner.
 *
 * <p>{@link #act} evaluates the network with scalar code whose arithmetic order (one
 * sequential FMA chain per unit, then bias, then activation) is the order of the learner's
 * {@code vector} backend, so acting from a snapshot gives bit-identical actions.
 *
 * <p>Binary format (big-endian), version 1:
 * <pre>
 *   "SRLP"  u16 format=1
 *   str name, str algorithm          (str = u16 length + UTF-8)
 *   i64 version, i64 createdAtMillis
 *   str hiddenActivation, str outputActivation
 *   u16 n, i32[n] layerSizes          (input, hidden..., output)
 *   i32 d, f32[d] obsShift; i32 d, f32[d] obsScale
 *   i32 a, f64[a] actionLow; i32 a, f64[a] actionHigh
 *   i32 w, f32[w] weights             (per layer: W row-major sizes[l] x sizes[l+1], then b)
 *   u8[32] SHA-256 of every byte before it
 * </pre>
 *
 * Version 2 is version 1 with {@code format=2} and two fields after the weights:
 * <pre>
 *   str head                          (deterministic, categorical, gaussian)
 *   i32 k, f32[k] logStd              (k = outputs for gaussian, else 0)
 * </pre>
 * A version 1 snapshot is a deterministic one. Deterministic snapshots are still written in
 * version 1, byte for byte as before version 2 existed, so actors built before it keep reading
 * DDPG and TD3 policies during a rolling upgrade; only a head that version 1 cannot express
 * (A2C's) is written in version 2. A categorical snapshot has no action bounds ({@code a = 0}):
 * its action is an index.
 */
public final class PolicySnapshot {

    private static final byte[] MAGIC = {'S', 'R', 'L', 'P'};
    /** The first format: deterministic policies only. Still what deterministic snapshots are written in. */
    static final int FORMAT_1 = 1;
    /** Adds the head and its log standard deviations. */
    static final int FORMAT_2 = 2;
    private static final int CHECKSUM_BYTES = 32;

    private final String name;
    private final String algorithm;
    private final long version;
    private final long createdAtMillis;
    private final Activation hiddenActivation;
    private final Activation outputActivation;
    private final int[] layerSizes;
    private final ObservationNormalizer normalizer;
    private final double[] actionLow;
    private final double[] actionHigh;
    private final float[] weights;
    private final PolicyHead head;
    private final float[] logStd;
    private final byte[] bytes;

    private PolicySnapshot(String name, String algorithm, long version, long createdAtMillis, Activation hidden,
                           Activation output, int[] layerSizes, ObservationNormalizer normalizer, double[] actionLow,
                           double[] actionHigh, float[] weights, PolicyHead head, float[] logStd, byte[] bytes) {
        this.name = name;
        this.algorithm = algorithm;
        this.version = version;
        this.createdAtMillis = createdAtMillis;
        this.hiddenActivation = hidden;
        this.outputActivation = output;
        this.layerSizes = layerSizes;
        this.normalizer = normalizer;
        this.actionLow = actionLow;
        this.actionHigh = actionHigh;
        this.weights = weights;
        this.head = head;
        this.logStd = logStd;
        this.bytes = bytes;
    }

    /**
     * Builds a deterministic snapshot (DDPG, TD3: the output is the action in [-1, 1]), copying
     * every array, and computes its checksum.
     *
     * @throws InvalidSnapshotException when shapes or values are inconsistent
     */
    public static PolicySnapshot create(String name, String algorithm, long version, long createdAtMillis,
                                        int[] layerSizes, Activation hidden, Activation output,
                                        ObservationNormalizer normalizer, double[] actionLow, double[] actionHigh,
                                        float[] weights) {
        return create(name, algorithm, version, createdAtMillis, layerSizes, hidden, output, normalizer, actionLow,
                actionHigh, weights, PolicyHead.DETERMINISTIC, new float[0]);
    }

    /**
     * Builds a snapshot with the given head, copying every array, and computes its checksum.
     *
     * @param actionLow the box's lower bounds, one per output; empty for a categorical head
     * @param logStd the Gaussian head's log standard deviations, one per output; empty otherwise
     * @throws InvalidSnapshotException when shapes or values are inconsistent
     */
    public static PolicySnapshot create(String name, String algorithm, long version, long createdAtMillis,
                                        int[] layerSizes, Activation hidden, Activation output,
                                        ObservationNormalizer normalizer, double[] actionLow, double[] actionHigh,
                                        float[] weights, PolicyHead head, float[] logStd) {
        int[] sizes = layerSizes.clone();
        double[] low = actionLow.clone();
        double[] high = actionHigh.clone();
        float[] w = weights.clone();
        float[] ls = logStd.clone();
        validate(name, algorithm, version, sizes, normalizer, low, high, w, head, ls);
        byte[] bytes = encode(name, algorithm, version, createdAtMillis, hidden, output, sizes, normalizer, low, high, w,
                head, ls);
        return new PolicySnapshot(name, algorithm, version, createdAtMillis, hidden, output, sizes, normalizer, low,
                high, w, head, ls, bytes);
    }

    /** This policy under another version and creation time: the same networks, head, normaliser and box. */
    public PolicySnapshot withVersion(long newVersion, long newCreatedAtMillis) {
        return create(name, algorithm, newVersion, newCreatedAtMillis, layerSizes, hiddenActivation, outputActivation,
                normalizer, actionLow, actionHigh, weights, head, logStd);
    }

    /**
     * Parses and verifies serialised bytes: magic, format, checksum, then shapes.
     *
     * @throws InvalidSnapshotException saying what is wrong
     */
    public static PolicySnapshot fromBytes(byte[] data) {
        if (data == null || data.length < MAGIC.length + 2 + CHECKSUM_BYTES) {
            throw new InvalidSnapshotException("policy snapshot is truncated: " + (data == null ? 0 : data.length)
                    + " bytes");
        }
        if (!Arrays.equals(data, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new InvalidSnapshotException("not a policy snapshot: bad magic bytes");
        }
        int bodyLength = data.length - CHECKSUM_BYTES;
        byte[] expected = Arrays.copyOfRange(data, bodyLength, data.length);
        byte[] actual = sha256(data, bodyLength);
        if (!MessageDigest.isEqual(expected, actual)) {
            throw new InvalidSnapshotException("policy snapshot checksum mismatch: stored "
                    + HexFormat.of().formatHex(expected) + ", computed " + HexFormat.of().formatHex(actual)
                    + "; the bytes are corrupt or were modified");
        }
        ByteBuffer in = ByteBuffer.wrap(data, 0, bodyLength);
        try {
            in.position(MAGIC.length);
            int format = Short.toUnsignedInt(in.getShort());
            if (format != FORMAT_1 && format != FORMAT_2) {
                throw new InvalidSnapshotException("unsupported policy snapshot format " + format + " (this build reads "
                        + FORMAT_1 + " and " + FORMAT_2 + "); upgrade the actor");
            }
            String name = readString(in);
            String algorithm = readString(in);
            long version = in.getLong();
            long createdAt = in.getLong();
            Activation hidden = parseActivation(readString(in));
            Activation output = parseActivation(readString(in));
            int[] sizes = new int[Short.toUnsignedInt(in.getShort())];
            for (int i = 0; i < sizes.length; i++) {
                sizes[i] = in.getInt();
            }
            float[] shift = readFloats(in);
            float[] scale = readFloats(in);
            double[] low = readDoubles(in);
            double[] high = readDoubles(in);
            float[] w = readFloats(in);
            PolicyHead head = PolicyHead.DETERMINISTIC;
            float[] logStd = new float[0];
            if (format == FORMAT_2) {
                head = parseHead(readString(in));
                logStd = readFloats(in);
            }
            if (in.hasRemaining()) {
                throw new InvalidSnapshotException("policy snapshot has " + in.remaining() + " unexpected trailing bytes");
            }
            ObservationNormalizer normalizer;
            try {
                normalizer = new ObservationNormalizer(shift, scale);
            } catch (IllegalArgumentException e) {
                throw new InvalidSnapshotException("policy snapshot normalisation is invalid: " + e.getMessage(), e);
            }
            validate(name, algorithm, version, sizes, normalizer, low, high, w, head, logStd);
            if (format == FORMAT_2 && head == PolicyHead.DETERMINISTIC) {
                // Writers put deterministic snapshots in format 1; two encodings of one snapshot
                // would give it two checksums.
                throw new InvalidSnapshotException("policy snapshot format 2 with a deterministic head; deterministic"
                        + " snapshots are written in format 1");
            }
            return new PolicySnapshot(name, algorithm, version, createdAt, hidden, output, sizes, normalizer, low, high,
                    w, head, logStd, data.clone());
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            if (e instanceof InvalidSnapshotException ise) {
                throw ise;
            }
            throw new InvalidSnapshotException("policy snapshot is malformed: " + e, e);
        }
    }

    /** The serialised form (a copy). */
    public byte[] toBytes() {
        return bytes.clone();
    }

    /**
     * The SHA-256 that ends the serialised form, over every byte before it, as 64 lowercase hex
     * digits: the one checksum of a published policy, verified by {@link #fromBytes}.
     */
    public String checksumHex() {
        return HexFormat.of().formatHex(bytes, bytes.length - CHECKSUM_BYTES, bytes.length);
    }

    /**
     * The greedy action in environment units for a raw observation: the deterministic action,
     * the categorical arg max (one entry, the index), or the Gaussian mean clipped to the box.
     */
    public double[] act(float[] observation) {
        if (head == PolicyHead.CATEGORICAL) {
            float[] logits = forward(observation);
            return new double[] {PolicyHead.argmax(logits, 0, logits.length)};
        }
        return ActionScaling.toEnvironment(actNormalized(observation), actionLow, actionHigh);
    }

    /**
     * The greedy action in [-1, 1] for a raw observation: the network's output for a
     * deterministic head, the mean clipped to [-1, 1] for a Gaussian one.
     *
     * @throws IllegalStateException for a categorical head, whose action is an index (see {@link #act})
     */
    public float[] actNormalized(float[] observation) {
        return switch (head) {
            case DETERMINISTIC -> forward(observation);
            case GAUSSIAN -> {
                float[] mean = forward(observation);
                for (int i = 0; i < mean.length; i++) {
                    mean[i] = PolicyHead.clipUnit(mean[i]);
                }
                yield mean;
            }
            case CATEGORICAL -> throw new IllegalStateException("policy " + name + " v" + version
                    + " is categorical: its action is an index, use act()");
        };
    }

    /**
     * One action drawn from the policy, as an actor explores with it.
     *
     * @param raw what the log-probability refers to: the index (categorical), the unclipped
     *     normalised sample (Gaussian), or the deterministic output
     * @param environment the action to step the environment with (the Gaussian sample clipped
     *     to the box and scaled)
     * @param logProbability {@code log pi(raw | s)}; 0 for a deterministic head (a point mass:
     *     exploration noise is added outside the policy)
     */
    public record Sample(float[] raw, double[] environment, double logProbability) {
    }

    /** Draws an action from the policy's distribution for a raw observation. */
    public Sample sample(float[] observation, SplittableRandom random) {
        float[] out = forward(observation);
        switch (head) {
            case CATEGORICAL: {
                double[] logProbs = new double[out.length];
                int a = PolicyHead.sampleCategorical(out, 0, out.length, random, logProbs);
                return new Sample(new float[] {a}, new double[] {a}, logProbs[a]);
            }
            case GAUSSIAN: {
                float[] raw = new float[out.length];
                PolicyHead.sampleGaussian(out, 0, logStd, out.length, random, raw, 0);
                float[] clipped = new float[raw.length];
                for (int i = 0; i < raw.length; i++) {
                    clipped[i] = PolicyHead.clipUnit(raw[i]);
                }
                return new Sample(raw, ActionScaling.toEnvironment(clipped, actionLow, actionHigh),
                        PolicyHead.gaussianLogProb(raw, 0, out, 0, logStd, out.length));
            }
            default:
                return new Sample(out, ActionScaling.toEnvironment(out, actionLow, actionHigh), 0.0);
        }
    }

    /**
     * The network's raw output for a raw observation: the action (deterministic), logits
     * (categorical) or mean (Gaussian).
     */
    public float[] forward(float[] observation) {
        if (observation.length != layerSizes[0]) {
            throw new IllegalArgumentException("observation must have " + layerSizes[0] + " values, got "
                    + observation.length);
        }
        for (int i = 0; i < observation.length; i++) {
            if (!Float.isFinite(observation[i])) {
                throw new IllegalArgumentException("observation[" + i + "] must be finite, got " + observation[i]);
            }
        }
        float[] x = normalizer.apply(observation);
        int offset = 0;
        int layers = layerSizes.length - 1;
        for (int l = 0; l < layers; l++) {
            int in = layerSizes[l];
            int out = layerSizes[l + 1];
            Activation f = l == layers - 1 ? outputActivation : hiddenActivation;
            float[] y = new float[out];
            int biasOffset = offset + in * out;
            for (int j = 0; j < out; j++) {
                float s = 0f;
                for (int k = 0; k < in; k++) {
                    s = Math.fma(x[k], weights[offset + k * out + j], s);
                }
                y[j] = f.apply(s + weights[biasOffset + j]);
            }
            offset = biasOffset + out;
            x = y;
        }
        return x;
    }

    public String name() {
        return name;
    }

    public String algorithm() {
        return algorithm;
    }

    public long version() {
        return version;
    }

    public long createdAtMillis() {
        return createdAtMillis;
    }

    public int[] layerSizes() {
        return layerSizes.clone();
    }

    public Activation hiddenActivation() {
        return hiddenActivation;
    }

    public Activation outputActivation() {
        return outputActivation;
    }

    public ObservationNormalizer normalizer() {
        return normalizer;
    }

    public double[] actionLow() {
        return actionLow.clone();
    }

    public double[] actionHigh() {
        return actionHigh.clone();
    }

    public float[] weights() {
        return weights.clone();
    }

    public PolicyHead head() {
        return head;
    }

    /** The Gaussian head's log standard deviations (normalised action units); empty for other heads. */
    public float[] logStd() {
        return logStd.clone();
    }

    public int observationDim() {
        return layerSizes[0];
    }

    /** Entries of an action as the environment takes it: 1 (the index) for a categorical head, else the outputs. */
    public int actionDim() {
        return head == PolicyHead.CATEGORICAL ? 1 : outputDim();
    }

    /** Width of the network's output layer (for a categorical head, the number of actions). */
    public int outputDim() {
        return layerSizes[layerSizes.length - 1];
    }

    /** The format {@link #toBytes} is in: 1 for a deterministic head, 2 otherwise. */
    public int format() {
        return head == PolicyHead.DETERMINISTIC ? FORMAT_1 : FORMAT_2;
    }

    @Override
    public String toString() {
        return "PolicySnapshot[" + name + " v" + version + " " + algorithm + " " + Arrays.toString(layerSizes)
                + (head == PolicyHead.DETERMINISTIC ? "" : " " + head.label())
                + " sha256=" + checksumHex().substring(0, 12) + "]";
    }

    private static void validate(String name, String algorithm, long version, int[] sizes,
                                 ObservationNormalizer normalizer, double[] low, double[] high, float[] w,
                                 PolicyHead head, float[] logStd) {
        if (head == null) {
            throw new InvalidSnapshotException("policy head must not be null");
        }
        try {
            PolicyName.check("policy name", name);
        } catch (IllegalArgumentException e) {
            throw new InvalidSnapshotException(e.getMessage(), e);
        }
        if (algorithm == null || algorithm.isBlank()) {
            throw new InvalidSnapshotException("policy algorithm must not be blank");
        }
        if (version < 0) {
            throw new InvalidSnapshotException("policy version must be >= 0, got " + version);
        }
        if (sizes.length < 2) {
            throw new InvalidSnapshotException("policy needs at least input and output layer sizes, got "
                    + Arrays.toString(sizes));
        }
        long expected = 0;
        for (int l = 0; l < sizes.length; l++) {
            if (sizes[l] < 1) {
                throw new InvalidSnapshotException("layer sizes must be >= 1, got " + Arrays.toString(sizes));
            }
            if (l > 0) {
                expected += (long) sizes[l - 1] * sizes[l] + sizes[l];
            }
        }
        if (w.length != expected) {
            throw new InvalidSnapshotException("policy with layer sizes " + Arrays.toString(sizes) + " needs " + expected
                    + " weights, got " + w.length);
        }
        for (int i = 0; i < w.length; i++) {
            if (!Float.isFinite(w[i])) {
                throw new InvalidSnapshotException("policy weight " + i + " is not finite: " + w[i]);
            }
        }
        if (normalizer.dim() != sizes[0]) {
            throw new InvalidSnapshotException("observation normalisation has " + normalizer.dim()
                    + " entries but the input layer has " + sizes[0]);
        }
        int actions = sizes[sizes.length - 1];
        int expectedLogStd = head == PolicyHead.GAUSSIAN ? actions : 0;
        if (logStd.length != expectedLogStd) {
            throw new InvalidSnapshotException("a " + head.label() + " policy needs " + expectedLogStd
                    + " log standard deviations, got " + logStd.length);
        }
        for (int i = 0; i < logStd.length; i++) {
            if (!Float.isFinite(logStd[i])) {
                throw new InvalidSnapshotException("policy log standard deviation " + i + " is not finite: " + logStd[i]);
            }
        }
        if (head == PolicyHead.CATEGORICAL) {
            if (actions < 2) {
                throw new InvalidSnapshotException("a categorical policy needs at least 2 outputs (actions), got "
                        + actions);
            }
            if (low.length != 0 || high.length != 0) {
                throw new InvalidSnapshotException("a categorical policy has no action bounds (its action is an index),"
                        + " got " + low.length + " and " + high.length);
            }
            return;
        }
        if (low.length != actions || high.length != actions) {
            throw new InvalidSnapshotException("action bounds must have " + actions + " entries (the output layer), got "
                    + low.length + " and " + high.length);
        }
        for (int i = 0; i < actions; i++) {
            if (!Double.isFinite(low[i]) || !Double.isFinite(high[i]) || !(low[i] < high[i])) {
                throw new InvalidSnapshotException("action bound " + i + " must be finite with low < high, got [" + low[i]
                        + ", " + high[i] + "]");
            }
        }
    }

    private static byte[] encode(String name, String algorithm, long version, long createdAt, Activation hidden,
                                 Activation output, int[] sizes, ObservationNormalizer normalizer, double[] low,
                                 double[] high, float[] w, PolicyHead head, float[] logStd) {
        int format = head == PolicyHead.DETERMINISTIC ? FORMAT_1 : FORMAT_2;
        byte[] headBytes = utf8(head.label());
        byte[] nameBytes = utf8(name);
        byte[] algoBytes = utf8(algorithm);
        byte[] hiddenBytes = utf8(hidden.name().toLowerCase(java.util.Locale.ROOT));
        byte[] outputBytes = utf8(output.name().toLowerCase(java.util.Locale.ROOT));
        int d = normalizer.dim();
        int body = MAGIC.length + 2 + 2 + nameBytes.length + 2 + algoBytes.length + 16 + 2 + hiddenBytes.length + 2
                + outputBytes.length + 2 + 4 * sizes.length + 2 * (4 + 4 * d) + 2 * (4 + 8 * low.length)
                + 4 + 4 * w.length;
        if (format == FORMAT_2) {
            body += 2 + headBytes.length + 4 + 4 * logStd.length;
        }
        ByteBuffer out = ByteBuffer.allocate(body + CHECKSUM_BYTES);
        out.put(MAGIC).putShort((short) format);
        putString(out, nameBytes);
        putString(out, algoBytes);
        out.putLong(version).putLong(createdAt);
        putString(out, hiddenBytes);
        putString(out, outputBytes);
        out.putShort((short) sizes.length);
        for (int s : sizes) {
            out.putInt(s);
        }
        putFloats(out, normalizer.shift());
        putFloats(out, normalizer.scale());
        putDoubles(out, low);
        putDoubles(out, high);
        putFloats(out, w);
        if (format == FORMAT_2) {
            putString(out, headBytes);
            putFloats(out, logStd);
        }
        byte[] bytes = out.array();
        System.arraycopy(sha256(bytes, body), 0, bytes, body, CHECKSUM_BYTES);
        return bytes;
    }

    private static byte[] utf8(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length > 0xFFFF) {
            throw new InvalidSnapshotException("string too long for a snapshot field: " + b.length + " bytes");
        }
        return b;
    }

    private static void putString(ByteBuffer out, byte[] s) {
        out.putShort((short) s.length).put(s);
    }

    private static void putFloats(ByteBuffer out, float[] values) {
        out.putInt(values.length);
        out.asFloatBuffer().put(values);
        out.position(out.position() + 4 * values.length);
    }

    private static void putDoubles(ByteBuffer out, double[] values) {
        out.putInt(values.length);
        for (double v : values) {
            out.putDouble(v);
        }
    }

    private static String readString(ByteBuffer in) {
        byte[] b = new byte[Short.toUnsignedInt(in.getShort())];
        in.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static float[] readFloats(ByteBuffer in) {
        int n = in.getInt();
        if (n < 0 || 4L * n > in.remaining()) {
            throw new InvalidSnapshotException("policy snapshot is malformed: array of " + n + " floats with "
                    + in.remaining() + " bytes left");
        }
        float[] out = new float[n];
        in.asFloatBuffer().get(out);
        in.position(in.position() + 4 * n);
        return out;
    }

    private static double[] readDoubles(ByteBuffer in) {
        int n = in.getInt();
        if (n < 0 || 8L * n > in.remaining()) {
            throw new InvalidSnapshotException("policy snapshot is malformed: array of " + n + " doubles with "
                    + in.remaining() + " bytes left");
        }
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = in.getDouble();
        }
        return out;
    }

    private static PolicyHead parseHead(String name) {
        try {
            return PolicyHead.parse(name);
        } catch (IllegalArgumentException e) {
            throw new InvalidSnapshotException("policy snapshot names an unknown head: " + e.getMessage(), e);
        }
    }

    private static Activation parseActivation(String name) {
        try {
            return Activation.parse(name);
        } catch (IllegalArgumentException e) {
            throw new InvalidSnapshotException("policy snapshot names an unknown activation: " + e.getMessage(), e);
        }
    }

    private static byte[] sha256(byte[] data, int length) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(data, 0, length);
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
