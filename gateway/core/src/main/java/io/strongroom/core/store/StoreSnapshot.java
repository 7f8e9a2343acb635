package io.strongroom.core.store;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.UUID;

/**
 * A snapshot of a volume as a {@link BlockStore} keeps it: its id, the name the layer above gave it (validated
 * there) and when it was taken (to the millisecond, as stores keep it). Nothing secret: the snapshot's slots are the volume's sealed slots as they were.
 */
public record StoreSnapshot(UUID id, String name, Instant created) {
    public StoreSnapshot {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        created = Objects.requireNonNull(created, "created").truncatedTo(ChronoUnit.MILLIS);
    }
}
