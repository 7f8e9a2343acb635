package io.strongroom.core.volume;

import io.strongroom.core.error.ErrorCode;
import io.strongroom.core.error.StrongroomException;
import io.strongroom.core.keys.KekRef;
import io.strongroom.core.keys.KeyVaults;
import io.strongroom.core.store.BlockStore;
import io.strongroom.core.store.MetadataStore;
import io.strongroom.crypto.Dek;
import io.strongroom.crypto.DekId;
import io.strongroom.crypto.SealedBlockLayout;
import io.strongroom.vault.KeyId;
import io.vertx.core.Future;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/** Creating, loading, unwrapping and deleting volumes: the steps that involve the vault and the metadata. */
final class VolumeLifecycle {
    private static final System.Logger LOG = System.getLogger(VolumeLifecycle.class.getName());

    private final BlockStore store;
    private final MetadataStore metadataStore;
    private final KeyVaults keys;
    private final VolumeServiceOptions options;
    private final KekValidator validator;
    private final DocumentAdopter adopter;
    private final Set<String> namesBeingCreated = ConcurrentHashMap.newKeySet();
    /** Volumes this gateway deleted (ids are never reused): a refresh must not bring one back mid-deletion. */
    private final Set<UUID> deletedHere = ConcurrentHashMap.newKeySet();

    VolumeLifecycle(
            BlockStore store,
            MetadataStore metadataStore,
            KeyVaults keys,
            VolumeServiceOptions options,
            KekValidator validator) {
        this.validator = validator;
        this.store = store;
        this.metadataStore = metadataStore;
        this.keys = keys;
        this.options = options;
        this.adopter = new DocumentAdopter(keys);
    }

    DocumentAdopter adopter() {
        return adopter;
    }

    /**
     * Creates a volume: generate a DEK, wrap it under the KEK (the vault returns the versioned key id that wrapped),
     * create the store volume, then persist the metadata with only the wrapped DEK. The store wants its volume to
     * exist before the metadata document, so a crash in between leaves an empty store volume without a document,
     * which start-up never sees; a failure after creating it deletes it again. The name is claimed in the metadata
     * store before the store volume is created, so two gateways creating one name cannot both succeed (VolumeExists
     * for the later, as for a name this gateway serves); this gateway's own concurrent creates of one name are turned
     * away before that, and the new volume is registered in {@code volumes} before its name is released here.
     * {@code origin} is the snapshot a clone is made from (its document says so from the start, not finished), or
     * null.
     */
    Future<Volume> create(VolumeSpec spec, @Nullable CloneOrigin origin, Map<String, Volume> volumes) {
        int blockSize;
        KeyId kek;
        String identity;
        boolean customerKek = spec.kekId() != null;
        try {
            blockSize = VolumeRules.validate(spec);
            if (!customerKek && spec.identity() != null) {
                throw new StrongroomException(ErrorCode.InvalidArgument, "identity applies only together with kek");
            }
            kek = parseKek(customerKek ? spec.kekId() : options.getServiceKekId());
            identity = keys.resolveIdentity(customerKek ? spec.identity() : options.getServiceKekIdentity());
            keys.provider(kek, identity);
        } catch (StrongroomException e) {
            return Future.failedFuture(e);
        }
        if (volumes.containsKey(spec.name()) || !namesBeingCreated.add(spec.name())) {
            return Future.failedFuture(exists(spec.name()));
        }
        Dek dek = Dek.generate();
        UUID id = UUID.randomUUID();
        int slotSize = blockSize + SealedBlockLayout.OVERHEAD;
        long blockCount = spec.sizeBytes() / blockSize;
        // A customer KEK is validated first (RSA, size, enabled, dates, round trip), with one error code per unmet
        // requirement; the service KEK is the operator's and is used as configured.
        Future<KeyId> validated = customerKek ? validator.validate(kek, identity) : Future.succeededFuture(kek);
        return validated
                .compose(versioned -> keys.wrapping()
                        .wrap(dek, versioned, identity)
                        .recover(e -> Future.failedFuture(VolumeErrors.fromWrap(kek.toString(), customerKek, e))))
                .compose(wrapped -> {
                    VolumeMetadata metadata = new VolumeMetadata(
                                    id,
                                    spec.name(),
                                    spec.sizeBytes(),
                                    blockSize,
                                    keys.clock().instant(),
                                    wrapped.kekId(),
                                    identity,
                                    dek.id(),
                                    List.of(new VolumeMetadata.DekRecord(wrapped, DekBudget.RESERVATION_STEP)))
                            .withOrigin(origin);
                    return metadataStore
                            .claimName(spec.name(), id)
                            .compose(holder -> holder.equals(id)
                                    ? createClaimed(spec.name(), id, slotSize, blockCount, metadata)
                                    : Future.failedFuture(exists(spec.name())))
                            .recover(e -> Future.failedFuture(VolumeErrors.fromStore(spec.name(), e)))
                            .map(written -> new Volume(
                                    metadata,
                                    VolumeKeyring.of(
                                            metadata,
                                            true,
                                            keys.access(KekRef.of(KeyId.parse(wrapped.kekId()), identity))),
                                    metadataStore,
                                    store,
                                    adopter));
                })
                .andThen(ar -> {
                    if (ar.succeeded()) {
                        keys.dekCache().put(dek);
                        volumes.put(spec.name(), ar.result()); // before the name is released below
                        LOG.log(
                                Level.INFO,
                                "created volume {0} ({1}), {2} blocks of {3} bytes, DEK {4} wrapped by {5}",
                                spec.name(),
                                id,
                                String.valueOf(blockCount),
                                String.valueOf(blockSize),
                                dek.id(),
                                ar.result().keyring().kekId());
                    } else {
                        dek.destroy();
                    }
                    namesBeingCreated.remove(spec.name());
                });
    }

    /**
     * Creates the store volume and its document under a name claimed for it. On failure the name is released: at
     * once when the store volume could not be created, after deleting it when the document could not be written (if
     * that deletion fails too, the claim stays, naming a volume without a document, which the store may collect).
     */
    private Future<Void> createClaimed(String name, UUID id, int slotSize, long blockCount, VolumeMetadata metadata) {
        return store.createVolume(id, slotSize, blockCount)
                .recover(e -> metadataStore.releaseName(name, id).transform(x -> Future.failedFuture(e)))
                .compose(created -> metadataStore
                        .write(id, VolumeMetadataCodec.encode(metadata))
                        .recover(e -> store.deleteVolume(id)
                                .compose(deleted -> metadataStore.releaseName(name, id))
                                .transform(x -> Future.failedFuture(e))));
    }

    /**
     * Claims the name of each volume loaded at start-up ({@link MetadataStore#claimName}; volumes created before
     * names were claimed have none yet) and returns those that hold their name: the ones to serve. A volume whose
     * name another volume holds is logged and left out; one whose claim cannot be made now is served (logged: the
     * next start claims it).
     */
    Future<List<Volume>> claimNames(List<Volume> loaded) {
        List<Future<Optional<Volume>>> claims = new ArrayList<>();
        for (Volume v : loaded) {
            claims.add(metadataStore
                    .claimName(v.name(), v.id())
                    .map(holder -> {
                        if (holder.equals(v.id())) {
                            return Optional.of(v);
                        }
                        LOG.log(
                                Level.ERROR,
                                "volumes {0} and {1} share the name {2}; {0} holds it, {1} is not served",
                                holder,
                                v.id(),
                                v.name());
                        return Optional.<Volume>empty();
                    })
                    .recover(e -> {
                        LOG.log(
                                Level.ERROR,
                                "cannot claim the name {0} of volume {1}; it is served unclaimed: {2}",
                                v.name(),
                                v.id(),
                                e.toString());
                        return Future.succeededFuture(Optional.of(v));
                    }));
        }
        return Future.join(claims)
                .map(all -> claims.stream().flatMap(f -> f.result().stream()).toList());
    }

    /** Reads every metadata document; a document that cannot be read is logged and its volume skipped. */
    Future<List<Volume>> loadAll() {
        return metadataStore.listVolumes().compose(ids -> {
            List<Future<Optional<Volume>>> loads = new ArrayList<>();
            for (UUID id : ids) {
                loads.add(metadataStore
                        .read(id)
                        .map(doc -> doc.flatMap(json -> decode(id, json)))
                        .recover(e -> {
                            LOG.log(
                                    Level.ERROR,
                                    "cannot read the metadata of volume {0}; it is not served: {1}",
                                    id,
                                    e.toString());
                            return Future.succeededFuture(Optional.empty());
                        }));
            }
            return Future.join(loads).map(all -> {
                List<Volume> volumes = new ArrayList<>();
                loads.forEach(f -> f.result().ifPresent(volumes::add));
                return volumes;
            });
        });
    }

    /** The volume {@code json} describes, or empty (logged) if it is not a valid document of volume {@code id}. */
    Optional<Volume> decode(UUID id, String json) {
        try {
            VolumeMetadata metadata = VolumeMetadataCodec.decode(json);
            if (!metadata.id().equals(id)) {
                throw new IllegalArgumentException("document of volume " + id + " describes " + metadata.id());
            }
            KekRef kek = KekRef.of(KeyId.parse(metadata.kekId()), metadata.identity());
            return Optional.of(new Volume(
                    metadata, VolumeKeyring.of(metadata, false, keys.access(kek)), metadataStore, store, adopter));
        } catch (IllegalArgumentException e) {
            LOG.log(Level.ERROR, "bad metadata for volume {0}; it is not served: {1}", id, e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Unwraps one DEK of {@code v} into the cache (if not there yet), adopting it with the seal count claimed so
     * far, so the persisted reservation carries over. Failures are recorded in the KEK's access state.
     */
    Future<Dek> unwrap(Volume v, VolumeKeyring keyring, VolumeKeyring.VolumeDek d) {
        return keys.wrapping()
                .unwrap(d.wrapped(), keyring.identity(), d.budget().claimed())
                .andThen(ar -> {
                    if (v.isDeleted()) {
                        keys.dekCache().destroy(d.id()); // deleted while the vault answered: the key must not linger
                    }
                });
    }

    /**
     * Deletes a volume already removed from the service: its DEKs are destroyed first (the data is unreadable from
     * then on), then the store deletes its slots and metadata.
     */
    Future<Void> delete(Volume v) {
        v.markDeleted();
        v.keyring().deks().forEach(d -> keys.dekCache().destroy(d.id()));
        return v.metadataWritesDone()
                .compose(ignored -> store.deleteVolume(v.id()))
                .recover(e -> Future.failedFuture(VolumeErrors.fromStore(v.name(), e)))
                .onSuccess(x -> LOG.log(Level.INFO, "deleted volume {0} ({1})", v.name(), v.id()))
                .compose(deleted -> metadataStore.releaseName(v.name(), v.id()).recover(e -> {
                    LOG.log(
                            Level.WARNING,
                            "volume {0} ({1}) is deleted but its name stays claimed until the store collects the"
                                    + " claim: {2}",
                            v.name(),
                            v.id(),
                            e.toString());
                    return Future.succeededFuture();
                }));
    }

    private static StrongroomException exists(String name) {
        return new StrongroomException(ErrorCode.VolumeExists, "volume " + name + " exists");
    }

    /** Destroys DEK {@code id} in memory: a volume that used it is no longer served here. */
    void forget(DekId id) {
        keys.dekCache().destroy(id);
    }

    /** Whether this gateway is creating a volume named {@code name} right now. */
    boolean creating(String name) {
        return namesBeingCreated.contains(name);
    }

    /** Notes that this gateway deletes volume {@code id}: call before it leaves the service's map of volumes. */
    void deleting(UUID id) {
        deletedHere.add(id);
    }

    /** Whether this gateway deleted (or is deleting) volume {@code id}. */
    boolean deletedHere(UUID id) {
        return deletedHere.contains(id);
    }

    private static KeyId parseKek(String text) {
        try {
            return KeyId.parse(text);
        } catch (IllegalArgumentException e) {
            throw new StrongroomException(
                    ErrorCode.InvalidArgument, "kek must be a key identifier URL: " + e.getMessage());
        }
    }
}
