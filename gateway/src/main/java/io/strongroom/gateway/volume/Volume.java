package io.strongroom.gateway.volume;

import io.strongroom.gateway.store.MetadataStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.UUID;
import java.util.concurrent.atomic.LongAdder;

/**
 * One open volume: its fixed geometry, its {@link VolumeKeyring} (KEK, access state, DEKs with their seal budgets;
 * the plaintext DEKs live in the {@link io.strongroom.gateway.keys.DekCache}), its counters and the chain of its
 * metadata writes. Safe for use from every event loop: the keyring is immutable (KEK rotation and DEK rollover will
 * replace it whole), counters are adders.
 */
final class Volume {
  private final MetadataStore metadataStore;
  private final VolumeMetadata base;
  private final VolumeKeyring keyring;
  private volatile boolean deleted;
  private volatile long lastUnwrapAttemptNanos;
  private Future<Void> lastMetadataWrite = Future.succeededFuture(); // guarded by this

  final LongAdder reads = new LongAdder();
  final LongAdder writes = new LongAdder();
  final LongAdder bytesIn = new LongAdder();
  final LongAdder bytesOut = new LongAdder();

  Volume(VolumeMetadata metadata, VolumeKeyring keyring, MetadataStore metadataStore) {
    this.metadataStore = metadataStore;
    this.base = metadata;
    this.keyring = keyring;
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

  long blockCount() {
    return base.blockCount();
  }

  long sizeBytes() {
    return base.sizeBytes();
  }

  java.time.Instant createdAt() {
    return base.created();
  }

  /** The current keyring; read it once per request so the request sees one consistent key set. */
  VolumeKeyring keyring() {
    return keyring;
  }

  /** Seals claimed over all DEKs (persisted counts adopted at start-up included). */
  long dekInvocations() {
    return keyring.deks().stream().mapToLong(d -> d.budget().claimed()).sum();
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

  /** The metadata document as it must be persisted now (current KEK and reservations). */
  VolumeMetadata metadata() {
    VolumeKeyring k = keyring;
    return new VolumeMetadata(base.id(), base.name(), base.sizeBytes(), base.blockSize(), base.created(),
        k.kekId(), k.identity(), k.active().id(), k.records());
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
