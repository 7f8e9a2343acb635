/**
 * The embedding API: Strongroom started in-process from options ({@link io.strongroom.core.embed.Strongroom}),
 * volumes used through handles ({@link io.strongroom.core.embed.VolumeHandle}), and a small blocking facade for code
 * outside Vert.x ({@link io.strongroom.core.embed.BlockingStrongroom}, {@link io.strongroom.core.embed.BlockingVolume}).
 * The HTTP gateway is built on it too.
 */
@NullMarked
package io.strongroom.core.embed;

import org.jspecify.annotations.NullMarked;
