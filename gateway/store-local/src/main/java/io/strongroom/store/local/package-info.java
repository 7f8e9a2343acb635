/**
 * The local-file storage backend, {@code local}: {@link io.strongroom.store.local.LocalFileBlockStore} (the
 * {@link io.strongroom.core.store.BlockStore} of slots) and its sibling metadata store, opened together as a
 * {@link io.strongroom.store.local.LocalFileStorageBackend} and found by name through
 * {@link io.strongroom.store.local.LocalFileStorageBackendFactory}.
 *
 * <p>It keeps one directory per volume; slots are written with positioned I/O on the store's own I/O threads (never
 * an event loop), made atomic per block by a double-write journal, and acknowledged by group commit according to
 * {@link io.strongroom.core.store.Durability} (a FUA write once its journal record is synced). The byte layouts are
 * in the {@code *Descriptor} classes and in {@code docs/FORMAT.md} ({@code ## Storage}), with the recovery rule.
 * Hot reads are the slot cache's, in core, which the composition puts in front of any backend.
 *
 * <p>Tests: {@code mvn -B -pl gateway/store-local verify} runs core's store contract kits against this backend
 * (both durability modes, with the slot cache and without), the slot cache's own tests, the FUA and journal-recovery
 * tests (power-loss states built by hand) and the SIGKILL crash test (a child process killed 26 times, ~30 s).
 * {@code StoreThroughputMain} (test sources) measures throughput.
 */
package io.strongroom.store.local;
