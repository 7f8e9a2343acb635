package io.strongroom.core.volume;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * What an operator asks for when creating a read replica (docs/REPLICAS.md).
 *
 * @param name          the replica, and the name of its volume on this gateway
 * @param primaryUrl    the primary gateway's base URL, {@code http(s)://host:port}
 * @param primaryVolume the volume it follows there
 * @param token         a token of the primary with the {@code replication} role on that volume: a secret, kept in
 *                      a 0600 file beside the replica's state and never shown
 * @param kekId         the KEK of the replica's own volume (null: this gateway's service KEK)
 * @param identity      the identity that reaches it (null: the default one)
 * @param interval      the pause between two cycles (null: one second)
 */
public record ReplicaSpec(
        String name,
        String primaryUrl,
        String primaryVolume,
        String token,
        @Nullable String kekId,
        @Nullable String identity,
        @Nullable Duration interval) {

    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);

    /** A replica of {@code primaryVolume} under this gateway's service KEK, a cycle a second. */
    public ReplicaSpec(String name, String primaryUrl, String primaryVolume, String token) {
        this(name, primaryUrl, primaryVolume, token, null, null, null);
    }

    @Override
    public String toString() {
        return "ReplicaSpec[" + name + " of " + primaryVolume + " at " + primaryUrl + "]";
    }
}
