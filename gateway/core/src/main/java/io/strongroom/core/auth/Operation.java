package io.strongroom.core.auth;

import org.jspecify.annotations.Nullable;

/**
 * What a principal asks to do, whatever the frontend: every frontend maps its requests to these and asks
 * {@link Principal#may}, so one rule decides who may do what on which volume.
 */
public enum Operation {
    READ_BLOCKS(Role.DATA, true),
    WRITE_BLOCKS(Role.DATA, true),
    TRIM_BLOCKS(Role.DATA, true),
    FLUSH(Role.DATA, true),
    /** Read a volume's description: its administrators, and the data tokens of that volume (they need its size). */
    DESCRIBE_VOLUME(Role.VOLUME_ADMIN, true),
    CREATE_VOLUME(Role.VOLUME_ADMIN, false),
    LIST_VOLUMES(Role.VOLUME_ADMIN, false),
    DELETE_VOLUME(Role.VOLUME_ADMIN, true),
    CREATE_SNAPSHOT(Role.VOLUME_ADMIN, true),
    DELETE_SNAPSHOT(Role.VOLUME_ADMIN, true),
    /** List a volume's snapshots or describe one: its administrators, and the data tokens of that volume. */
    DESCRIBE_SNAPSHOTS(Role.VOLUME_ADMIN, true),
    /** Read the blocks of a volume's snapshot: data, like the volume's own blocks. */
    READ_SNAPSHOT(Role.DATA, true),
    /** Serve a replica of a volume: start cycles, ship their sealed blocks, release the stream (on the primary). */
    REPLICATE(Role.REPLICATION, true),
    /** Create, list, describe, promote and delete the read replicas this gateway keeps of other gateways' volumes. */
    MANAGE_REPLICAS(Role.VOLUME_ADMIN, false),
    /**
     * Make a new volume from one of this volume's snapshots: a volume creation, so its administrators (the clone's
     * data is the snapshot's, which they could already copy into a volume of their own).
     */
    CLONE_SNAPSHOT(Role.VOLUME_ADMIN, true),
    REVALIDATE_VOLUME_KEY(Role.KEY_ADMIN, true),
    CHANGE_KEK(Role.KEY_ADMIN, true),
    ROLLOVER_DEK(Role.KEY_ADMIN, true),
    REVALIDATE_KEK(Role.KEY_ADMIN, false),
    READ_ACTIVITY(Role.KEY_ADMIN, false),
    /** Status only, no data and no key material: any authenticated principal. */
    READ_HEALTH(null, false),
    /** Counters only, no data and no key material: any authenticated principal. */
    READ_METRICS(null, false);

    private final @Nullable Role role;
    private final boolean onVolume;

    Operation(@Nullable Role role, boolean onVolume) {
        this.role = role;
        this.onVolume = onVolume;
    }

    /** The role that grants this operation; null when any authenticated principal may. */
    public @Nullable Role role() {
        return role;
    }

    /** True when the operation concerns one volume, which must be named when asking {@link Principal#may}. */
    public boolean onVolume() {
        return onVolume;
    }
}
