package io.streamrl.kafka;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Files that hold secrets ({@code --kafka-config}, {@code --auth-token-file}): a warning when
 * other users may read one, the usual slip with a secret in a file (a fresh file is often 644).
 * A warning, not a refusal: a container may mount secrets with modes streamrl cannot change.
 */
public final class SecretFiles {

    private static final Logger log = LoggerFactory.getLogger(SecretFiles.class);
    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.OTHERS_READ);

    private SecretFiles() {
    }

    /** Logs one WARN line naming the option, the file and its mode when group or others may read it. */
    public static void warnIfOthersCanRead(String option, Path file) {
        Set<PosixFilePermission> permissions;
        try {
            permissions = Files.getPosixFilePermissions(file);
        } catch (UnsupportedOperationException | IOException e) {
            return; // not a POSIX file system, or gone: reading it reports that
        }
        if (permissions.stream().anyMatch(OTHERS::contains)) {
            log.warn("{} {} holds secrets but other users may read it (mode {}); chmod 600 it", option, file,
                    PosixFilePermissions.toString(permissions));
        }
    }
}
