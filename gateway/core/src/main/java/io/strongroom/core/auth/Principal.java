package io.strongroom.core.auth;

import java.util.EnumSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Who made a request: the token's name (never the token), its roles and the volumes its {@code data} role covers.
 *
 * @param volumes volume names, or {@link #ALL_VOLUMES} alone for every volume
 */
public record Principal(String name, Set<Role> roles, Set<String> volumes) {
    public static final String ALL_VOLUMES = "*";

    public Principal {
        roles = roles.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(roles));
        volumes = Set.copyOf(volumes);
    }

    public boolean has(Role role) {
        return roles.contains(role);
    }

    /** True if this principal may read and write blocks of {@code volume}. */
    public boolean mayUseData(String volume) {
        return roles.contains(Role.DATA) && (volumes.contains(ALL_VOLUMES) || volumes.contains(volume));
    }

    /**
     * The authorization rule, the one question every frontend asks: may this principal do {@code operation} (on
     * {@code volume}, for operations on one volume)? Data operations need the data role on that volume; describing
     * a volume or its snapshots is also open to that volume's data tokens; the other operations need their role, on any volume.
     *
     * @param volume the volume concerned; required when {@link Operation#onVolume()}, ignored otherwise
     * @throws IllegalArgumentException if the operation concerns a volume and none is named
     */
    public boolean may(Operation operation, @Nullable String volume) {
        if (operation.onVolume() && volume == null) {
            throw new IllegalArgumentException(operation + " concerns a volume: name it");
        }
        Role role = operation.role();
        if (role == null) {
            return true;
        }
        if (role == Role.DATA) {
            return mayUseData(volume);
        }
        if (role == Role.REPLICATION) {
            return has(role) && (volumes.contains(ALL_VOLUMES) || volumes.contains(volume));
        }
        boolean describes = operation == Operation.DESCRIBE_VOLUME || operation == Operation.DESCRIBE_SNAPSHOTS;
        return has(role) || (describes && mayUseData(volume));
    }
}
