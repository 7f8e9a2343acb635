/**
 * Encrypted volumes: {@link io.strongroom.gateway.volume.VolumeService}, the one entry point of every frontend, and
 * {@link io.strongroom.gateway.volume.DefaultVolumeService} over a {@link io.strongroom.gateway.store.BlockStore}.
 * Blocks are sealed and opened on the calling event loop ({@code SealedRuns}); each volume's metadata document
 * ({@code VolumeMetadataCodec}, docs/FORMAT.md "Volume metadata") holds only wrapped DEKs and the seal reservations
 * ({@code DekBudget}) that keep DEK use counted across restarts and crashes.
 */
package io.strongroom.gateway.volume;
