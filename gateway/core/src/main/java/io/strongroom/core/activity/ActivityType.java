package io.strongroom.core.activity;

/** What an activity event records; {@link #jsonName()} is the stable name in the log and the admin API. */
public enum ActivityType {
    /** A DEK wrapped under a KEK (volume creation, rotation). */
    WRAP("wrap"),
    /** A DEK unwrapped (start-up, revalidation, lazy retry). */
    UNWRAP("unwrap"),
    /** A key-access probe: get on the key and an unwrap of one of its DEKs. */
    PROBE("probe"),
    /** A KEK's access state changed (AVAILABLE, DEGRADED, INACCESSIBLE). */
    STATE_CHANGE("stateChange"),
    /** A revalidation asked for by an operator (volume or KEK). */
    REVALIDATION("revalidation"),
    /** A volume's KEK validated before it is set. */
    KEK_VALIDATION("kekValidation"),
    /** A volume's DEKs re-wrapped under another KEK (rotation, auto-follow, key change). */
    ROTATION("rotation"),
    /** A volume got a new active DEK. */
    ROLLOVER("rollover"),
    /** Background re-seal progress or completion (blocks moved off an old DEK, old DEK dropped). */
    RESEAL("reseal"),
    /** A clone of a snapshot was created and its copy started. */
    CLONE_STARTED("cloneStarted"),
    /** A clone's copy finished: every block of the snapshot re-sealed under the clone's DEK. */
    CLONE_FINISHED("cloneFinished"),
    /** A clone's copy failed or was interrupted by a stop or crash; the clone was deleted. */
    CLONE_FAILED("cloneFailed"),
    /** A read replica of another gateway's volume was created here (docs/REPLICAS.md). */
    REPLICA_CREATED("replicaCreated"),
    /** A replica applied a cycle whole after syncing, lagging or failing: it follows its primary again. */
    REPLICA_CAUGHT_UP("replicaCaughtUp"),
    /** A replica's lag went over its threshold (the larger of 60 s and ten intervals). */
    REPLICA_LAGGING("replicaLagging"),
    /** A replica's cycle failed after one had succeeded: its primary is down, refuses, or lost its key. */
    REPLICA_PRIMARY_UNREACHABLE("replicaPrimaryUnreachable"),
    /** A replica was promoted into a writable volume. */
    REPLICA_PROMOTED("replicaPromoted");

    private final String jsonName;

    ActivityType(String jsonName) {
        this.jsonName = jsonName;
    }

    public String jsonName() {
        return jsonName;
    }

    public static ActivityType fromJsonName(String name) {
        for (ActivityType t : values()) {
            if (t.jsonName.equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown activity type " + name);
    }
}
