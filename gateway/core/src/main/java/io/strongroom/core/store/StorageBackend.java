package io.strongroom.core.store;

import io.vertx.core.Future;

/**
 * One storage backend, opened: the slots of every volume ({@link #blocks()}) and the volumes' documents
 * ({@link #metadata()}), which live and die together (a document belongs to a volume of {@link #blocks()}).
 * Obtained from {@link StorageBackends#open}, which picks the backend named in {@link StorageOptions} and puts
 * the slot cache in front of its blocks.
 */
public interface StorageBackend {

    /** The backend's block store; whoever closes it closes the backend's files or connections. */
    BlockStore blocks();

    /** The backend's metadata store for the volumes of {@link #blocks()}. */
    MetadataStore metadata();

    /** Closes the block store (finishing and making durable what was acknowledged) and the metadata; idempotent. */
    Future<Void> close();
}
