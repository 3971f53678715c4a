package io.streamrl.core.env;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the golden vectors live: system property {@value #DIR_PROPERTY}, or else
 * {@code <repo root>/../shared/golden}. The repo root is the highest directory at or above
 * system property {@value #ROOT_PROPERTY} (the parent POM's surefire sets it to Maven's top
 * directory), or above {@code user.dir} when that is unset, whose {@code pom.xml} declares
 * {@code <modules>}.
 * A missing directory fails the run: the golden check must never pass by not running.
 */
final class GoldenDirectory {

    static final String DIR_PROPERTY = "streamrl.golden.dir";
    static final String ROOT_PROPERTY = "streamrl.repo.root";

    private GoldenDirectory() {
    }

    static Path resolve() {
        String explicit = System.getProperty(DIR_PROPERTY);
        if (explicit != null && !explicit.isBlank()) {
            return requireDirectory(Path.of(explicit).toAbsolutePath().normalize(),
                    "given by system property " + DIR_PROPERTY);
        }
        Path root = repoRoot();
        return requireDirectory(root.resolve("..").resolve("shared").resolve("golden").normalize(),
                "the default <repo root>/../shared/golden for repo root " + root
                        + "; set system property " + DIR_PROPERTY + " to read the golden files elsewhere");
    }

    private static Path repoRoot() {
        String property = System.getProperty(ROOT_PROPERTY);
        // An unset Maven property reaches surefire as the literal "${...}"; and Maven run from
        // inside a module names that module, so climb from there to the aggregator POM.
        boolean usable = property != null && !property.isBlank() && !property.contains("${");
        Path start = Path.of(usable ? property : System.getProperty("user.dir")).toAbsolutePath().normalize();
        Path root = null;
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (isAggregatorPom(dir.resolve("pom.xml"))) {
                root = dir;
            }
        }
        if (root == null) {
            return fail("cannot locate the repository root: no pom.xml with <modules> at or above " + start
                    + " (from " + (usable ? "system property " + ROOT_PROPERTY : "user.dir") + "); set "
                    + ROOT_PROPERTY + " to the repository root or " + DIR_PROPERTY + " to the golden directory");
        }
        return root;
    }

    private static boolean isAggregatorPom(Path pom) {
        if (!Files.isRegularFile(pom)) {
            return false;
        }
        try {
            return Files.readString(pom).contains("<modules>");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + pom, e);
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
