package io.strongroom.vault.local.keys;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A named key: its versions in creation order (the last is current) and its soft-delete state.
 * Immutable; the registry swaps whole instances.
 */
public record VaultKey(String name, List<KeyVersion> versions, Instant deletedDate, Instant scheduledPurgeDate) {

    public VaultKey {
        versions = List.copyOf(versions);
        if (versions.isEmpty()) {
            throw new IllegalArgumentException("a key has at least one version");
        }
    }

    public KeyVersion latest() {
        return versions.get(versions.size() - 1);
    }

    public Optional<KeyVersion> version(String version) {
        for (KeyVersion v : versions) {
            if (v.version().equals(version)) {
                return Optional.of(v);
            }
        }
        return Optional.empty();
    }

    public boolean isDeleted() {
        return deletedDate != null;
    }

    /** Past its scheduled purge date: treated as gone, physically removed by the next sweep. */
    public boolean isPurgeDue(Instant now) {
        return isDeleted() && !now.isBefore(scheduledPurgeDate);
    }

    public VaultKey withVersion(KeyVersion added) {
        List<KeyVersion> list = new ArrayList<>(versions);
        list.add(added);
        return new VaultKey(name, list, deletedDate, scheduledPurgeDate);
    }

    public VaultKey withReplaced(KeyVersion updated) {
        List<KeyVersion> list = new ArrayList<>(versions);
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i).version().equals(updated.version())) {
                list.set(i, updated);
            }
        }
        return new VaultKey(name, list, deletedDate, scheduledPurgeDate);
    }

    public VaultKey deleted(Instant when, Instant purgeDate) {
        return new VaultKey(name, versions, when, purgeDate);
    }

    public VaultKey recovered() {
        return new VaultKey(name, versions, null, null);
    }
}
