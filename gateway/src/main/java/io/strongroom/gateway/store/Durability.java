package io.strongroom.gateway.store;

import java.util.Locale;

/** When a write or trim is acknowledged. */
public enum Durability {
    /** Acknowledged once durable on stable storage (survives power loss); the default. */
    FSYNC,
    /**
     * Acknowledged once in the operating system's page cache: survives a crash of the process but not of
     * the machine. {@link BlockStore#flush} still makes everything acknowledged before it durable.
     */
    NONE;

    /** Parses a configuration value, {@code fsync} or {@code none} (any case). */
    public static Durability parse(String text) {
        if (text != null) {
            for (Durability d : values()) {
                if (d.name().equalsIgnoreCase(text.trim())) {
                    return d;
                }
            }
        }
        throw new IllegalArgumentException("durability must be fsync or none, not " + text);
    }

    /** The configuration spelling: {@code fsync} or {@code none}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
