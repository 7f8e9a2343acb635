/**
 * Encrypted volumes: {@link io.strongroom.core.volume.VolumeService}, the one entry point of every frontend, and
 * {@link io.strongroom.core.volume.DefaultVolumeService} over a {@link io.strongroom.core.store.BlockStore}.
 * Blocks are sealed and opened on the calling event loop ({@code SealedRuns}); each volume's metadata document
 * ({@code VolumeMetadataCodec}, docs/FORMAT.md "Volume metadata") holds only wrapped DEKs and the seal reservations
 * ({@code DekBudget}) that keep DEK use counted across restarts and crashes.
 */
package io.strongroom.core.volume;
