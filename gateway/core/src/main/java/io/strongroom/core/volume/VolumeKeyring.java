package io.strongroom.core.volume;

import io.strongroom.core.keys.KeyAccess;
import io.strongroom.crypto.DekId;
import io.strongroom.crypto.WrappedDek;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything key-related of one volume at one moment: the KEK (versioned id, identity, access state) and the
 * DEKs with their seal budgets. Immutable; a KEK rotation or a DEK rollover builds a new keyring and swaps it into
 * the {@link Volume} whole, so a request sees either the old or the new one, never a mix.
 */
final class VolumeKeyring {
    private final String kekId;
    private final String identity;
    private final KeyAccess keyAccess;
    private final Map<DekId, VolumeDek> byId;
    private final VolumeDek active;
    private final List<VolumeDek> activeFirst;

    /** One DEK of the volume: its wrapped form, its seal budget and when it was generated. */
    record VolumeDek(WrappedDek wrapped, DekBudget budget, Instant created) {
        DekId id() {
            return wrapped.dekId();
        }
    }

    VolumeKeyring(String kekId, String identity, KeyAccess keyAccess, List<VolumeDek> deks, DekId activeId) {
        this.kekId = kekId;
        this.identity = identity;
        this.keyAccess = keyAccess;
        Map<DekId, VolumeDek> map = new LinkedHashMap<>();
        deks.forEach(d -> map.put(d.id(), d));
        this.byId = Map.copyOf(map);
        this.active = map.get(activeId);
        if (active == null) {
            throw new IllegalArgumentException("active DEK " + activeId + " is not among the volume's DEKs");
        }
        List<VolumeDek> ordered = new ArrayList<>(deks.size());
        ordered.add(active);
        map.values().stream().filter(d -> d != active).forEach(ordered::add);
        this.activeFirst = List.copyOf(ordered);
    }

    /** The keyring described by a metadata document; {@code newVolume}: its DEK has sealed nothing yet. */
    static VolumeKeyring of(VolumeMetadata metadata, boolean newVolume, KeyAccess keyAccess) {
        List<VolumeDek> deks = new ArrayList<>();
        for (VolumeMetadata.DekRecord d : metadata.deks()) {
            long used = newVolume ? 0 : d.reservedUntil();
            deks.add(new VolumeDek(d.wrapped(), new DekBudget(used, d.reservedUntil()), d.created()));
        }
        return new VolumeKeyring(metadata.kekId(), metadata.identity(), keyAccess, deks, metadata.activeDek());
    }

    String kekId() {
        return kekId;
    }

    String identity() {
        return identity;
    }

    KeyAccess keyAccess() {
        return keyAccess;
    }

    VolumeDek active() {
        return active;
    }

    /** The DEK with that id, or null: a slot naming another DEK was not written to this volume. */
    VolumeDek dek(DekId id) {
        return byId.get(id);
    }

    /** The DEKs, the active one first (checked on every data request, so kept ready). */
    List<VolumeDek> deks() {
        return activeFirst;
    }

    /** The DEK records as the metadata document must carry them now (current reservations). */
    List<VolumeMetadata.DekRecord> records() {
        List<VolumeMetadata.DekRecord> records = new ArrayList<>(activeFirst.size());
        activeFirst.forEach(d ->
                records.add(new VolumeMetadata.DekRecord(d.wrapped(), d.budget().requestedReservation(), d.created())));
        return records;
    }

    /** The same DEKs and budgets, wrapped by another KEK (a rotation): {@code rewrapped} has one entry per DEK. */
    VolumeKeyring rewrapped(
            String newKekId, String newIdentity, KeyAccess newAccess, Map<DekId, WrappedDek> rewrapped) {
        List<VolumeDek> deks = new ArrayList<>(activeFirst.size());
        for (VolumeDek d : activeFirst) {
            WrappedDek w = rewrapped.get(d.id());
            if (w == null) {
                throw new IllegalArgumentException("DEK " + d.id() + " was not re-wrapped");
            }
            deks.add(new VolumeDek(w, d.budget(), d.created()));
        }
        return new VolumeKeyring(newKekId, newIdentity, newAccess, deks, active.id());
    }

    /** A new active DEK in front of the current ones (a rollover); the older ones stay for reading. */
    VolumeKeyring withActive(VolumeDek fresh) {
        List<VolumeDek> deks = new ArrayList<>(activeFirst.size() + 1);
        deks.add(fresh);
        deks.addAll(activeFirst);
        return new VolumeKeyring(kekId, identity, keyAccess, deks, fresh.id());
    }

    /** Only the active DEK (a re-seal pass has moved every block to it). */
    VolumeKeyring onlyActive() {
        return new VolumeKeyring(kekId, identity, keyAccess, List.of(active), active.id());
    }
}
