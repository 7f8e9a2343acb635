package io.strongroom.core.volume;

import java.time.Instant;
import java.util.UUID;

/**
 * Where a cloned volume comes from, persisted in its metadata. While {@code finished} is false the volume's blocks
 * are being copied from the snapshot and the volume is not whole: a start-up that finds such a document (the
 * gateway stopped or crashed during the copy) deletes the volume (docs/SNAPSHOTS.md, "Clones").
 *
 * @param volume     name of the parent volume when the clone was made
 * @param volumeId   id of the parent volume
 * @param snapshot   name of the snapshot
 * @param snapshotId id of the snapshot
 * @param started    when the clone was asked for
 * @param finished   whether every block of the snapshot has been copied
 */
record CloneOrigin(String volume, UUID volumeId, String snapshot, UUID snapshotId, Instant started, boolean finished) {
    CloneOrigin done() {
        return new CloneOrigin(volume, volumeId, snapshot, snapshotId, started, true);
    }
}
