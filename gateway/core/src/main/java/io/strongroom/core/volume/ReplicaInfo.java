package io.strongroom.core.volume;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A read replica as the API shows it (never its token).
 *
 * @param state         what it does now
 * @param appliedCycle  the primary's replication snapshot last applied whole (null before the first)
 * @param appliedAt     when the primary took that snapshot: the replica holds every write acknowledged before it
 * @param lagSeconds    seconds from {@code appliedAt} to now (null before the first cycle)
 * @param lastError     why the last cycle failed, while it did (null once one succeeds)
 * @param cycles        cycles applied whole since this gateway started
 * @param blocksShipped blocks received and applied since start
 * @param bytesShipped  bytes of pages received since start
 */
public record ReplicaInfo(
        String name,
        String primaryUrl,
        String primaryVolume,
        State state,
        @Nullable String appliedCycle,
        @Nullable Instant appliedAt,
        @Nullable Double lagSeconds,
        @Nullable String lastError,
        long cycles,
        long blocksShipped,
        long bytesShipped) {

    /** A replica's state. */
    public enum State {
        /** Copying the primary's volume for the first time. */
        SYNCING("syncing"),
        /** Its last cycle succeeded: it holds the primary's volume as of {@code appliedAt}. */
        FOLLOWING("following"),
        /** Its last cycle failed (primary down, refused, key unavailable there); it keeps serving what it has. */
        PRIMARY_UNREACHABLE("primary-unreachable"),
        /** Promoted: an ordinary writable volume that follows nothing. */
        PROMOTED("promoted");

        private final String wireName;

        State(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }
}
