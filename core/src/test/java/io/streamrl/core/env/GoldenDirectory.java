package io.streamrl.core.env;

import static org.assertj.core.api.Assertions.fail;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the golden vectors live: system property {@value #DIR_PROPERTY}, or else the copy kept
 * in this module's test resources ({@code core/src/test/resources/golden}, see its
 * {@code README.md}), found on the test classpath as directory {@value #BUNDLED}.
 * A missing directory fails the run: the golden check must never pass by not running.
 */
final class GoldenDirectory {

    static final String DIR_PROPERTY = "streamrl.golden.dir";
    /** The classpath directory of the bundled vectors. */
    static final String BUNDLED = "golden";
    /** A file that marks the bundled directory, so no other {@code golden} directory is taken for it. */
    private static final String MARKER = BUNDLED + "/README.md";

    private GoldenDirectory() {
    }

    static Path resolve() {
        String explicit = System.getProperty(DIR_PROPERTY);
        if (explicit != null && !explicit.isBlank()) {
            return requireDirectory(Path.of(explicit).toAbsolutePath().normalize(),
                    "given by system property " + DIR_PROPERTY);
        }
        return bundled();
    }

    /** The vectors in the repository, as the build copied them to the test classpath. */
    static Path bundled() {
        URL marker = GoldenDirectory.class.getClassLoader().getResource(MARKER);
        if (marker == null) {
            return fail("the bundled golden vectors are not on the test classpath (no resource " + MARKER
                    + " from core/src/test/resources); build with Maven or set system property " + DIR_PROPERTY
                    + " to the directory holding the golden *.json files");
        }
        if (!"file".equals(marker.getProtocol())) {
            return fail("the bundled golden vectors are at " + marker + ", not in a directory; set system property "
                    + DIR_PROPERTY + " to a directory holding the golden *.json files");
        }
        try {
            return requireDirectory(Path.of(marker.toURI()).getParent(), "bundled with the tests");
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot turn " + marker + " into a path", e);
        }
    }

    private static Path requireDirectory(Path dir, String origin) {
        if (!Files.isDirectory(dir)) {
            return fail("golden directory " + dir + " does not exist (" + origin
                    + "); point system property " + DIR_PROPERTY + " at the directory holding the golden *.json files");
        }
        return dir;
    }
}
