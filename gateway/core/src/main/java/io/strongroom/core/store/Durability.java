package io.strongroom.core.store;

import java.util.Locale;

/** When a write or trim is acknowledged. */
public enum Durability {
    /** Acknowledged once durable on stable storage (survives power loss, atomic per block); the default. */
    FSYNC,
    /**
     * Acknowledged once in the operating system's page cache: survives a crash of the process (with the atomic
     * block guarantee) but not of the machine: after a power loss, writes since the last completed
     * {@link BlockStore#flush} may be lost, and their slots may even be torn. A flush makes everything acknowledged
     * before it durable and atomic, as in FSYNC mode.
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
