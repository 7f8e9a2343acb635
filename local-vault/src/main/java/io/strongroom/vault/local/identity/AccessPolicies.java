package io.strongroom.vault.local.identity;

import io.strongroom.vault.local.keys.AtomicFiles;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * The current {@link AccessPolicy}, readable lock-free from event loops, and its changes. With a file (the admin API
 * is on), the policy lives in {@code <dataDir>/policy.json}: seeded from the configuration on the first start, then
 * read from the file, and every change is written there (temporary file, fsync, rename, fsync of the directory)
 * before it takes effect. Without a file the configuration is the policy and it does not change.
 */
public final class AccessPolicies {
    private static final System.Logger LOG = System.getLogger(AccessPolicies.class.getName());

    private final Path file;
    private volatile AccessPolicy current;

    private AccessPolicies(Path file, AccessPolicy initial) {
        this.file = file;
        this.current = initial;
    }

    /** The configuration's policy, fixed. */
    public static AccessPolicies fixed(AccessPolicy configured) {
        return new AccessPolicies(null, configured);
    }

    /** The policy kept in {@code file}, created from {@code configured} when missing. Blocking. */
    public static AccessPolicies persisted(Path file, AccessPolicy configured) throws IOException {
        if (Files.exists(file)) {
            AccessPolicy stored;
            try {
                stored = AccessPolicy.fromJson(new JsonObject(Files.readString(file, StandardCharsets.UTF_8)));
            } catch (RuntimeException e) {
                throw new IOException("access policy " + file + " is not valid: " + e.getMessage(), e);
            }
            if (!configured.identities().isEmpty() || !configured.allowedCidrs().isEmpty()) {
                LOG.log(
                        System.Logger.Level.INFO,
                        "access policy and network rules come from " + file
                                + "; the configuration's identities and allowedCidrs only seeded it");
            }
            return new AccessPolicies(file, stored);
        }
        write(file, configured);
        return new AccessPolicies(file, configured);
    }

    public AccessPolicy current() {
        return current;
    }

    public boolean changeable() {
        return file != null;
    }

    /**
     * Applies {@code change}, persists the result and only then makes it current. Blocking; changes are serialized.
     * An IllegalArgumentException from {@code change} leaves everything as it was.
     */
    public synchronized AccessPolicy update(UnaryOperator<AccessPolicy> change) throws IOException {
        if (file == null) {
            throw new IllegalStateException("the access policy is fixed by the configuration");
        }
        AccessPolicy next = change.apply(current);
        write(file, next);
        current = next;
        return next;
    }

    private static void write(Path file, AccessPolicy policy) throws IOException {
        AtomicFiles.write(file, policy.toJson().encodePrettily().getBytes(StandardCharsets.UTF_8), true);
    }
}
