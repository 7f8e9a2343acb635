package io.strongroom.gateway.volume;

import io.strongroom.crypto.DekId;
import io.strongroom.crypto.SealedBlockLayout;
import io.strongroom.crypto.WrappedDek;
import io.strongroom.gateway.keys.KeyAccess;
import io.strongroom.gateway.store.MetadataStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.LongAdder;

/**
 * One open volume: its metadata, its DEKs (wrapped form and seal budget; the plaintext DEKs live in the
 * {@link io.strongroom.gateway.keys.DekCache}), the access state of its KEK and its counters. Safe for use from
 * every event loop: the DEK set is immutable (rotation and rollover will swap it as a whole), counters are adders.
 */
final class Volume {
  private final MetadataStore metadataStore;
  private final VolumeMetadata base;
  private final KeyAccess keyAccess;
  private final int slotSize;
  private final Map<DekId, VolumeDek> deks;
  private final VolumeDek active;
  private final List<VolumeDek> activeFirst;
  private volatile boolean deleted;
  private volatile long lastUnwrapAttemptNanos;
  private Future<Void> lastMetadataWrite = Future.succeededFuture(); // guarded by this

  final LongAdder reads = new LongAdder();
  final LongAdder writes = new LongAdder();
  final LongAdder bytesIn = new LongAdder();
  final LongAdder bytesOut = new LongAdder();

  /** One DEK of this volume. */
  record VolumeDek(WrappedDek wrapped, DekBudget budget) {
    DekId id() {
      return wrapped.dekId();
    }
  }

  /**
   * @param newVolume true for a volume just created (its DEK has sealed nothing); false for one loaded at start-up,
   *                  whose DEKs count from their persisted reservations
   */
  Volume(VolumeMetadata metadata, boolean newVolume, KeyAccess keyAccess, MetadataStore metadataStore) {
    this.metadataStore = metadataStore;
    this.base = metadata;
    this.keyAccess = keyAccess;
    this.slotSize = metadata.blockSize() + SealedBlockLayout.OVERHEAD;
    Map<DekId, VolumeDek> byId = new LinkedHashMap<>();
    for (VolumeMetadata.DekRecord d : metadata.deks()) {
      byId.put(d.wrapped().dekId(), new VolumeDek(d.wrapped(), new DekBudget(newVolume ? 0 : d.reservedUntil(), d.reservedUntil())));
    }
    this.deks = Map.copyOf(byId);
    this.active = byId.get(metadata.activeDek());
    List<VolumeDek> ordered = new ArrayList<>(byId.size());
    ordered.add(active);
    byId.values().stream().filter(d -> d != active).forEach(ordered::add);
    this.activeFirst = List.copyOf(ordered);
  }

  UUID id() {
    return base.id();
  }

  String name() {
    return base.name();
  }

  int blockSize() {
    return base.blockSize();
  }

  int slotSize() {
    return slotSize;
  }

  long blockCount() {
    return base.blockCount();
  }

  KeyAccess keyAccess() {
    return keyAccess;
  }

  VolumeDek activeDek() {
    return active;
  }

  /** This volume's DEK with that id, or null: a slot naming another DEK was not written to this volume. */
  VolumeDek dek(DekId id) {
    return deks.get(id);
  }

  /** The DEKs, the active one first (checked on every data request, so kept ready). */
  List<VolumeDek> deks() {
    return activeFirst;
  }

  /** Seals claimed over all DEKs (persisted counts adopted at start-up included). */
  long dekInvocations() {
    return deks.values().stream().mapToLong(d -> d.budget().claimed()).sum();
  }

  String identity() {
    return base.identity();
  }

  String kekId() {
    return base.kekId();
  }

  java.time.Instant createdAt() {
    return base.created();
  }

  long sizeBytes() {
    return base.sizeBytes();
  }

  boolean isDeleted() {
    return deleted;
  }

  void markDeleted() {
    deleted = true;
  }

  /**
   * Whether a retry of a failed unwrap may start now: at most one per {@code intervalNanos}, so a vault that
   * refuses fast is not called once per client request.
   */
  boolean mayRetryUnwrap(long nowNanos, long intervalNanos) {
    long last = lastUnwrapAttemptNanos;
    if (last != 0 && nowNanos - last < intervalNanos) {
      return false;
    }
    lastUnwrapAttemptNanos = nowNanos == 0 ? 1 : nowNanos;
    return true;
  }

  /** The metadata document as it must be persisted now (current reservations included). */
  VolumeMetadata metadata() {
    List<VolumeMetadata.DekRecord> records = new ArrayList<>();
    for (VolumeDek d : deks()) {
      records.add(new VolumeMetadata.DekRecord(d.wrapped(), d.budget().requestedReservation()));
    }
    return new VolumeMetadata(base.id(), base.name(), base.sizeBytes(), base.blockSize(),
        base.created(), base.kekId(), base.identity(), active.id(), records);
  }

  /**
   * Writes the metadata document after every earlier write of this volume, encoding the state at the moment it
   * runs, so a later document never is overtaken by an older one.
   */
  Future<Void> persistMetadata() {
    Promise<Void> done = Promise.promise();
    Future<Void> previous;
    synchronized (this) {
      previous = lastMetadataWrite;
      lastMetadataWrite = done.future();
    }
    previous.onComplete(ignored -> {
      Future<Void> write;
      try {
        write = metadataStore.write(id(), VolumeMetadataCodec.encode(metadata()));
      } catch (RuntimeException e) {
        write = Future.failedFuture(e);
      }
      write.onComplete(done);
    });
    return done.future();
  }

  /** Completes when every metadata write started so far has finished (successfully or not). */
  Future<Void> metadataWritesDone() {
    Future<Void> last;
    synchronized (this) {
      last = lastMetadataWrite;
    }
    return last.transform(ignored -> Future.succeededFuture());
  }

  @Override
  public String toString() {
    return "Volume[" + name() + " " + id() + "]";
  }
}
