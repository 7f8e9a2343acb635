package io.strongroom.core.volume;

import io.vertx.core.Future;

/**
 * A clone being made from a snapshot ({@link VolumeService#cloneSnapshot}).
 *
 * @param started  the new volume as soon as it exists, in state CLONING ({@link VolumeInfo#clonedFrom()})
 * @param finished completes with the volume once every block is copied and it serves requests (state DONE), or
 *                 fails with the reason the copy stopped (the clone is deleted then)
 */
public record CloneJob(VolumeInfo started, Future<VolumeInfo> finished) {}
