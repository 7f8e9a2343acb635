package io.strongroom.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * What {@code --version} prints: the Maven version and the git commit the classes were built from (resources the
 * build writes: {@code version.properties}, filtered, and {@code build-commit.txt}, {@code git describe}'s output).
 */
public final class BuildInfo {
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{7,40}(-dirty)?");

    private BuildInfo() {}

    /** {@code strongroom 0.1.0 (commit 0123456789ab, Java 17.0.15 Debian)}. */
    public static String versionLine() {
        return "strongroom " + version() + " (commit " + commit() + ", Java " + Runtime.version() + " "
                + System.getProperty("java.vendor") + ")";
    }

    static String version() {
        Properties p = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p.getProperty("version", "unknown");
    }

    /** The commit, with {@code -dirty} when the checkout had uncommitted changes; {@code unknown} outside git. */
    static String commit() {
        try (InputStream in = BuildInfo.class.getResourceAsStream("build-commit.txt")) {
            String text = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
            return COMMIT.matcher(text).matches() ? text : "unknown";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
