package io.streamrl.core.policy;

import io.streamrl.core.compute.Activation;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The immutable policy that actors run: a deterministic MLP with its observation
 * normalisation and action bounds, a version that strictly increases per policy name, and a
 * SHA-256 checksum over its serialised form. The critic, target networks and optimizer state
 * never leave the learner.
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
 */
public final class PolicySnapshot {

    private static final byte[] MAGIC = {'S', 'R', 'L', 'P'};
    private static final int FORMAT = 1;
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
    private final byte[] bytes;

    private PolicySnapshot(String name, String algorithm, long version, long createdAtMillis, Activation hidden,
                           Activation output, int[] layerSizes, ObservationNormalizer normalizer, double[] actionLow,
                           double[] actionHigh, float[] weights, byte[] bytes) {
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
        this.bytes = bytes;
    }

    /**
     * Builds a snapshot (copying every array) and computes its checksum.
     *
     * @throws InvalidSnapshotException when shapes or values are inconsistent
     */
    public static PolicySnapshot create(String name, String algorithm, long version, long createdAtMillis,
                                        int[] layerSizes, Activation hidden, Activation output,
                                        ObservationNormalizer normalizer, double[] actionLow, double[] actionHigh,
                                        float[] weights) {
        int[] sizes = layerSizes.clone();
        double[] low = actionLow.clone();
        double[] high = actionHigh.clone();
        float[] w = weights.clone();
        validate(name, algorithm, version, sizes, normalizer, low, high, w);
        byte[] bytes = encode(name, algorithm, version, createdAtMillis, hidden, output, sizes, normalizer, low, high, w);
        return new PolicySnapshot(name, algorithm, version, createdAtMillis, hidden, output, sizes, normalizer, low,
                high, w, bytes);
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
            if (format != FORMAT) {
                throw new InvalidSnapshotException("unsupported policy snapshot format " + format + " (this build reads "
                        + FORMAT + "); upgrade the actor");
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
            if (in.hasRemaining()) {
                throw new InvalidSnapshotException("policy snapshot has " + in.remaining() + " unexpected trailing bytes");
            }
            ObservationNormalizer normalizer;
            try {
                normalizer = new ObservationNormalizer(shift, scale);
            } catch (IllegalArgumentException e) {
                throw new InvalidSnapshotException("policy snapshot normalisation is invalid: " + e.getMessage(), e);
            }
            validate(name, algorithm, version, sizes, normalizer, low, high, w);
            return new PolicySnapshot(name, algorithm, version, createdAt, hidden, output, sizes, normalizer, low, high,
                    w, data.clone());
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

    /** Deterministic action in environment units for a raw observation. */
    public double[] act(float[] observation) {
        return ActionScaling.toEnvironment(actNormalized(observation), actionLow, actionHigh);
    }

    /** Deterministic action in [-1, 1] (the network's output) for a raw observation. */
    public float[] actNormalized(float[] observation) {
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

    public int observationDim() {
        return layerSizes[0];
    }

    public int actionDim() {
        return layerSizes[layerSizes.length - 1];
    }

    @Override
    public String toString() {
        return "PolicySnapshot[" + name + " v" + version + " " + algorithm + " " + Arrays.toString(layerSizes)
                + " sha256=" + checksumHex().substring(0, 12) + "]";
    }

    private static void validate(String name, String algorithm, long version, int[] sizes,
                                 ObservationNormalizer normalizer, double[] low, double[] high, float[] w) {
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
                                 double[] high, float[] w) {
        byte[] nameBytes = utf8(name);
        byte[] algoBytes = utf8(algorithm);
        byte[] hiddenBytes = utf8(hidden.name().toLowerCase(java.util.Locale.ROOT));
        byte[] outputBytes = utf8(output.name().toLowerCase(java.util.Locale.ROOT));
        int d = normalizer.dim();
        int body = MAGIC.length + 2 + 2 + nameBytes.length + 2 + algoBytes.length + 16 + 2 + hiddenBytes.length + 2
                + outputBytes.length + 2 + 4 * sizes.length + 2 * (4 + 4 * d) + 2 * (4 + 8 * low.length)
                + 4 + 4 * w.length;
        ByteBuffer out = ByteBuffer.allocate(body + CHECKSUM_BYTES);
        out.put(MAGIC).putShort((short) FORMAT);
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
