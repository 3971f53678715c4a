package io.streamrl.learner;

import io.streamrl.core.agent.Ddpg;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The learner's checkpoints in one directory: {@code checkpoint-<updates>.bin}, written
 * atomically (a temporary file, fsync, rename, fsync of the directory), so that a crash at any
 * moment leaves either the old set or the old set plus one complete new file; the newest
 * {@code keep} are kept.
 *
 * <p>File layout, big-endian ({@link DataOutputStream}): the magic {@code SRLCKPT1}, the format
 * version, the {@link CheckpointMetadata} fields in declaration order (strings as modified UTF-8,
 * offsets as a count and (partition, offset) pairs), the agent state
 * ({@link Ddpg.Checkpoint#writeTo}), and a CRC-32C of everything before it. A file whose checksum
 * or structure does not hold is corrupt: {@link #loadNewest} skips it with a warning, renames it
 * to {@code *.corrupt} (kept for inspection, out of the way of the next start) and tries the next
 * older one. Written by hand rather than with a serialization library: the state is a few float
 * arrays, and the layout is fixed by a format version like the join's stores.
 *
 * <p>Used by one thread at a time: the service loads before training starts, the training
 * thread writes.
 */
final class CheckpointStore {

    private static final Logger log = LoggerFactory.getLogger(CheckpointStore.class);
    private static final byte[] MAGIC = "SRLCKPT1".getBytes(StandardCharsets.US_ASCII);
    private static final int FORMAT = 1;
    private static final Pattern NAME = Pattern.compile("checkpoint-(\\d{1,19})\\.bin");
    private static final String TEMP_PREFIX = ".checkpoint-";

    /** Who may load a checkpoint: a learner of the same environment, algorithm, networks, namespace and policy. */
    record Identity(String env, String algorithm, String layout, String namespace, String policyName) {

        static Identity of(CheckpointMetadata m) {
            return new Identity(m.env(), m.algorithm(), m.layout(), m.namespace(), m.policyName());
        }
    }

    /** A stored checkpoint that does not fit the learner reading it; the learner must not start. */
    static final class IncompatibleCheckpointException extends IllegalArgumentException {
        IncompatibleCheckpointException(String message) {
            super(message);
        }
    }

    /** A file that is not a readable checkpoint. */
    private static final class CorruptCheckpointException extends Exception {
        CorruptCheckpointException(String message) {
            super(message);
        }
    }

    private final CheckpointConfig config;
    private final LearnerMetrics metrics;

    CheckpointStore(CheckpointConfig config, LearnerMetrics metrics) {
        this.config = config;
        this.metrics = metrics;
    }

    Path dir() {
        return config.dir();
    }

    /**
     * Creates the directory when missing and removes temporary files a crash left behind.
     *
     * @throws IllegalArgumentException (one line, naming {@code checkpoint-dir}) when the
     *     directory cannot be created or written
     */
    void open() {
        Path dir = config.dir();
        try {
            Files.createDirectories(dir);
        } catch (FileAlreadyExistsException e) {
            throw new IllegalArgumentException("checkpoint-dir " + dir.toAbsolutePath() + " exists and is not a"
                    + " directory; point --checkpoint-dir at a directory");
        } catch (IOException e) {
            throw new IllegalArgumentException("checkpoint-dir " + dir.toAbsolutePath() + " cannot be created ("
                    + e + "); point --checkpoint-dir at a writable directory");
        }
        if (!Files.isWritable(dir)) {
            throw new IllegalArgumentException("checkpoint-dir " + dir.toAbsolutePath() + " is not writable; point"
                    + " --checkpoint-dir at a writable directory");
        }
        for (Path temp : list(p -> p.getFileName().toString().startsWith(TEMP_PREFIX))) {
            try {
                Files.deleteIfExists(temp);
                log.info("removed {}, a checkpoint whose writing was interrupted", temp);
            } catch (IOException e) {
                log.warn("could not remove the unfinished checkpoint {}: {}", temp, e.toString());
            }
        }
    }

    /**
     * Reads the newest valid checkpoint into {@code into} (an agent checkpoint to
     * {@link Ddpg#resume} from), skipping corrupt ones.
     *
     * @return its metadata, or empty when the directory holds no valid checkpoint
     * @throws IncompatibleCheckpointException when the newest valid one was written by a learner
     *     of another environment, algorithm, network shape, namespace or policy
     */
    Optional<CheckpointMetadata> loadNewest(Identity expected, Ddpg.Checkpoint into) {
        for (Path file : checkpointsNewestFirst()) {
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(file);
            } catch (IOException e) {
                skip(file, "it cannot be read (" + e + ")");
                continue;
            }
            try {
                CheckpointMetadata metadata = decode(bytes, expected, into, file);
                log.info("resuming from checkpoint {}: {} updates, policy v{} last published, written at {}", file,
                        metadata.updates(), metadata.lastPublishedVersion(),
                        Instant.ofEpochMilli(metadata.writtenAtMillis()));
                return Optional.of(metadata);
            } catch (CorruptCheckpointException e) {
                skip(file, e.getMessage());
            }
        }
        return Optional.empty();
    }

    /**
     * Stores a checkpoint and deletes all but the newest {@code keep}.
     *
     * @return the file written
     * @throws IOException when it could not be written (disk full, directory gone); nothing is
     *     left behind and the checkpoints already there are untouched
     */
    Path write(CheckpointMetadata metadata, Ddpg.Checkpoint state) throws IOException {
        byte[] bytes = encode(metadata, state);
        Path dir = config.dir();
        Path target = dir.resolve(String.format("checkpoint-%012d.bin", metadata.updates()));
        Path temp = dir.resolve(TEMP_PREFIX + metadata.updates() + ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        syncDirectory(dir);
        prune();
        return target;
    }

    private static byte[] encode(CheckpointMetadata m, Ddpg.Checkpoint state) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 16);
        DataOutputStream out = new DataOutputStream(bytes);
        out.write(MAGIC);
        out.writeInt(FORMAT);
        out.writeUTF(m.env());
        out.writeUTF(m.algorithm());
        out.writeUTF(m.layout());
        out.writeUTF(m.namespace());
        out.writeUTF(m.policyName());
        out.writeLong(m.updates());
        out.writeLong(m.attempted());
        out.writeLong(m.forfeited());
        out.writeLong(m.credited());
        out.writeDouble(m.bestEval());
        out.writeBoolean(m.withholding());
        out.writeLong(m.lastPublishedVersion());
        out.writeLong(m.rngSeed());
        out.writeInt(m.offsets().size());
        for (Map.Entry<Integer, Long> e : new TreeMap<>(m.offsets()).entrySet()) {
            out.writeInt(e.getKey());
            out.writeLong(e.getValue());
        }
        out.writeLong(m.writtenAtMillis());
        state.writeTo(out);
        CRC32C crc = new CRC32C();
        crc.update(bytes.toByteArray());
        out.writeInt((int) crc.getValue());
        out.flush();
        return bytes.toByteArray();
    }

    private static CheckpointMetadata decode(byte[] bytes, Identity expected, Ddpg.Checkpoint into, Path file)
            throws CorruptCheckpointException {
        if (bytes.length < MAGIC.length + 8) {
            throw new CorruptCheckpointException("it is " + bytes.length + " bytes long, too short to be one");
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (bytes[i] != MAGIC[i]) {
                throw new CorruptCheckpointException("it does not start with the checkpoint marker");
            }
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        int stored = ByteBuffer.wrap(bytes, bytes.length - 4, 4).getInt();
        if (stored != (int) crc.getValue()) {
            throw new CorruptCheckpointException(String.format("its checksum does not match (stored %08x, computed"
                    + " %08x): the file is damaged or was cut short", stored, (int) crc.getValue()));
        }
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, MAGIC.length,
                bytes.length - MAGIC.length - 4));
        try {
            int format = in.readInt();
            if (format != FORMAT) {
                throw new CorruptCheckpointException("it has format " + format + "; this streamrl reads format "
                        + FORMAT);
            }
            String env = in.readUTF();
            String algorithm = in.readUTF();
            String layout = in.readUTF();
            String namespace = in.readUTF();
            String policyName = in.readUTF();
            Identity found = new Identity(env, algorithm, layout, namespace, policyName);
            if (!found.equals(expected)) {
                throw new IncompatibleCheckpointException("checkpoint " + file + " was written by a learner of "
                        + describe(found) + ", not " + describe(expected) + "; start the learner with the settings"
                        + " it was written with, or point --checkpoint-dir at another directory");
            }
            long updates = in.readLong();
            long attempted = in.readLong();
            long forfeited = in.readLong();
            long credited = in.readLong();
            double bestEval = in.readDouble();
            boolean withholding = in.readBoolean();
            long lastPublished = in.readLong();
            long rngSeed = in.readLong();
            int partitions = in.readInt();
            if (partitions < 0 || partitions > 1_000_000) {
                throw new CorruptCheckpointException("it lists " + partitions + " partitions");
            }
            Map<Integer, Long> offsets = new HashMap<>();
            for (int i = 0; i < partitions; i++) {
                offsets.put(in.readInt(), in.readLong());
            }
            long writtenAt = in.readLong();
            into.readFrom(in);
            if (in.available() != 0) {
                throw new CorruptCheckpointException(in.available() + " bytes follow the state");
            }
            return new CheckpointMetadata(env, algorithm, layout, namespace, policyName, updates, attempted,
                    forfeited, credited, bestEval, withholding, lastPublished, rngSeed, offsets, writtenAt);
        } catch (EOFException e) {
            throw new CorruptCheckpointException("it ends before its state does");
        } catch (IncompatibleCheckpointException e) {
            throw e;
        } catch (IOException | IllegalArgumentException e) {
            throw new CorruptCheckpointException("its content does not parse: " + e.getMessage());
        }
    }

    private static String describe(Identity id) {
        return id.env() + " (" + id.algorithm() + ", " + id.layout() + ") for policy " + id.policyName()
                + " in namespace " + id.namespace();
    }

    private void skip(Path file, String why) {
        metrics.checkpointSkipped();
        Path aside = file.resolveSibling(file.getFileName() + ".corrupt");
        try {
            Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
            log.warn("skipping checkpoint {}: {}; renamed it to {}", file, why, aside.getFileName());
        } catch (IOException e) {
            log.warn("skipping checkpoint {}: {} (could not rename it aside: {})", file, why, e.toString());
        }
    }

    private void prune() {
        List<Path> files = checkpointsNewestFirst();
        for (Path old : files.subList(Math.min(config.keep(), files.size()), files.size())) {
            try {
                Files.deleteIfExists(old);
            } catch (IOException e) {
                log.warn("could not delete the old checkpoint {}: {}", old, e.toString());
            }
        }
    }

    private List<Path> checkpointsNewestFirst() {
        List<Path> files = new ArrayList<>(list(p -> NAME.matcher(p.getFileName().toString()).matches()));
        files.sort(Comparator.comparingLong(CheckpointStore::updatesOf).reversed());
        return files;
    }

    private static long updatesOf(Path file) {
        Matcher m = NAME.matcher(file.getFileName().toString());
        if (!m.matches()) {
            throw new IllegalStateException("not a checkpoint name: " + file);
        }
        try {
            return Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            return -1; // 19 digits beyond Long.MAX_VALUE: not ours, sorted last
        }
    }

    private List<Path> list(Predicate<Path> filter) {
        try (Stream<Path> files = Files.list(config.dir())) {
            return files.filter(Files::isRegularFile).filter(filter).toList();
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new IllegalStateException("cannot list checkpoint-dir " + config.dir().toAbsolutePath() + ": " + e,
                    e);
        }
    }

    /** Makes the rename durable: without it a power cut may forget the new directory entry. */
    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (AccessDeniedException | UnsupportedOperationException e) {
            // Some platforms (Windows) cannot open a directory; the rename is still atomic there.
        } catch (IOException e) {
            log.debug("could not fsync {}: {}", dir, e.toString());
        }
    }
}
