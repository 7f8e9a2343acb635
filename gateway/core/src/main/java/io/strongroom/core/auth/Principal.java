package io.strongroom.core.auth;

import java.util.EnumSet;
import java.util.Set;

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
}
