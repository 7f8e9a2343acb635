package io.strongroom.core.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The authorization rule every frontend asks: {@link Principal#may}. */
class PrincipalTest {
    private static final Set<Operation> DATA_OPS = EnumSet.of(
            Operation.READ_BLOCKS,
            Operation.WRITE_BLOCKS,
            Operation.TRIM_BLOCKS,
            Operation.FLUSH,
            Operation.READ_SNAPSHOT);

    private static Principal principal(Set<Role> roles, Set<String> volumes) {
        return new Principal("t", roles, volumes);
    }

    @Test
    void aDataTokenUsesAndDescribesItsVolumesOnly() {
        Principal data = principal(Set.of(Role.DATA), Set.of("db1"));
        for (Operation op : DATA_OPS) {
            assertTrue(data.may(op, "db1"), op.name());
            assertFalse(data.may(op, "db2"), op.name());
        }
        assertTrue(data.may(Operation.DESCRIBE_VOLUME, "db1"), "a data token may read its volume's size");
        assertFalse(data.may(Operation.DESCRIBE_VOLUME, "db2"));
        assertTrue(data.may(Operation.DESCRIBE_SNAPSHOTS, "db1"), "a data token may list its volume's snapshots");
        assertFalse(data.may(Operation.DESCRIBE_SNAPSHOTS, "db2"));
        for (Operation op : EnumSet.complementOf(EnumSet.copyOf(DATA_OPS))) {
            if (op != Operation.DESCRIBE_VOLUME && op != Operation.DESCRIBE_SNAPSHOTS && op.role() != null) {
                assertFalse(data.may(op, "db1"), op.name());
            }
        }
    }

    @Test
    void allVolumesCoversAnyName() {
        Principal data = principal(Set.of(Role.DATA), Set.of(Principal.ALL_VOLUMES));
        assertTrue(data.may(Operation.WRITE_BLOCKS, "anything"));
        assertFalse(data.may(Operation.DELETE_VOLUME, "anything"));
    }

    @Test
    void adminRolesGrantTheirOperationsOnEveryVolumeButNoData() {
        Principal volumeAdmin = principal(Set.of(Role.VOLUME_ADMIN), Set.of());
        Principal keyAdmin = principal(Set.of(Role.KEY_ADMIN), Set.of());
        for (Operation op : Operation.values()) {
            String volume = op.onVolume() ? "db1" : null;
            boolean anyone = op.role() == null;
            assertEquals(anyone || op.role() == Role.VOLUME_ADMIN, volumeAdmin.may(op, volume), op.name());
            assertEquals(anyone || op.role() == Role.KEY_ADMIN, keyAdmin.may(op, volume), op.name());
        }
        Principal adminWithVolumes = principal(Set.of(Role.VOLUME_ADMIN), Set.of("db1"));
        assertFalse(adminWithVolumes.may(Operation.READ_BLOCKS, "db1"), "volumes only matter with the data role");
    }

    @Test
    void healthAndMetricsAreOpenToAnyAuthenticatedPrincipal() {
        Principal nobody = principal(Set.of(), Set.of());
        assertTrue(nobody.may(Operation.READ_HEALTH, null));
        assertTrue(nobody.may(Operation.READ_METRICS, null));
        assertFalse(nobody.may(Operation.LIST_VOLUMES, null));
    }

    @Test
    void anOperationOnAVolumeMustNameIt() {
        Principal data = principal(Set.of(Role.DATA), Set.of(Principal.ALL_VOLUMES));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> data.may(Operation.READ_BLOCKS, null));
        assertTrue(e.getMessage().contains("READ_BLOCKS"), e.getMessage());
    }
}
