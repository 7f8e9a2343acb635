package io.strongroom.core.volume;

import java.time.Instant;
import java.util.UUID;

/**
 * A snapshot of a volume as the API shows it: a read-only, point-in-time image whose blocks stay sealed under the
 * volume's DEKs and bound to its volume id (docs/SNAPSHOTS.md).
 */
public record SnapshotInfo(String volume, String name, UUID id, Instant createdAt) {}
