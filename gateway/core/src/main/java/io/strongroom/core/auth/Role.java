package io.strongroom.core.auth;

import java.util.Locale;

/** Separation of duties: each {@link Operation} is granted by one of these (or to any authenticated principal). */
public enum Role {
    /** Read and write blocks (trim, flush) of the volumes the token lists. */
    DATA("data"),
    /** Create, list, inspect and delete volumes. */
    VOLUME_ADMIN("volume-admin"),
    /** Set a volume's KEK, rotate, revalidate key access. */
    KEY_ADMIN("key-admin"),
    /**
     * Follow the volumes the token lists from another gateway (docs/REPLICAS.md): take replication snapshots and
     * receive their sealed blocks and the DEKs wrapped for the replica. As strong as data access to those volumes.
     */
    REPLICATION("replication");

    private final String wireName;

    Role(String wireName) {
        this.wireName = wireName;
    }

    /** The name in tokens.json and credentials.json. */
    public String wireName() {
        return wireName;
    }

    public static Role fromWireName(String name) {
        for (Role r : values()) {
            if (r.wireName.equals(name.toLowerCase(Locale.ROOT))) {
                return r;
            }
        }
        throw new IllegalArgumentException(
                "unknown role '" + name + "' (expected data, volume-admin, key-admin or replication)");
    }
}
