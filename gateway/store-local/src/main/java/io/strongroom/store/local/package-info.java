/**
 * Storage of sealed blocks: the {@link io.strongroom.core.store.BlockStore} SPI every backend implements (and
 * whose behaviour {@code BlockStoreContractTest} pins down), its sibling
 * {@link io.strongroom.core.store.MetadataStore} for per-volume documents, and the default local-file backend
 * {@link io.strongroom.store.local.LocalFileBlockStore}.
 *
 * <p>The local-file backend keeps one directory per volume; slots are written with positioned I/O on the store's
 * own I/O threads (never an event loop), made atomic per block by a double-write journal, and acknowledged by
 * group commit according to {@link io.strongroom.core.store.Durability}. The byte layouts are in the
 * {@code *Descriptor} classes and in {@code docs/FORMAT.md} ({@code ## Storage}), with the recovery rule.
 *
 * <p>Tests: {@code mvn -B -q -pl gateway test -Dtest='io.strongroom.gateway.store.**'} runs the contract suite in
 * both durability modes, the journal-recovery tests (crash states built by hand) and the SIGKILL crash test
 * (a child process killed 26 times, ~30 s). {@code StoreThroughputMain} (test sources) measures throughput.
 */
package io.strongroom.store.local;
