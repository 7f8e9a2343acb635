package io.strongroom.core.embed;

import io.strongroom.core.volume.VolumeInfo;
import io.strongroom.core.volume.VolumeSpec;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;

/**
 * {@link Strongroom} for code outside Vert.x: each call waits for its answer (at most
 * {@link StrongroomOptions#getBlockingTimeout()}) and throws a {@link io.strongroom.core.error.StrongroomException}
 * with the failure's code (IllegalArgumentException for unusable options). Every call fails at once with
 * IllegalStateException on a Vert.x thread (event loop or worker: use the future API there). Closing it closes
 * Strongroom.
 */
public final class BlockingStrongroom implements AutoCloseable {
    private final Strongroom strongroom;
    private final Duration timeout;

    private BlockingStrongroom(Strongroom strongroom) {
        this.strongroom = strongroom;
        this.timeout = strongroom.options().getBlockingTimeout();
    }

    /**
     * Starts Strongroom and waits until its volumes are open (their DEKs unwrapped, or known to be unavailable). If
     * it gives up waiting, Strongroom is closed as soon as it has started.
     */
    public static BlockingStrongroom start(StrongroomOptions options) {
        Blocking.refuseOnVertxThread("Strongroom start-up");
        Future<Strongroom> starting = Strongroom.start(options);
        try {
            return new BlockingStrongroom(
                    Blocking.await(() -> starting, options.getBlockingTimeout(), "Strongroom start-up"));
        } catch (RuntimeException e) {
            starting.onSuccess(Strongroom::close);
            throw e;
        }
    }

    /**
     * The blocking facade of a Strongroom started through the future API, for the threads of an application that
     * also runs on Vert.x. Closing it closes {@code strongroom}.
     */
    public static BlockingStrongroom of(Strongroom strongroom) {
        return new BlockingStrongroom(strongroom);
    }

    public VolumeInfo createVolume(VolumeSpec spec) {
        return Blocking.await(() -> strongroom.createVolume(spec), timeout, "creation of volume " + spec.name());
    }

    public List<VolumeInfo> listVolumes() {
        return Blocking.await(strongroom::listVolumes, timeout, "volume list");
    }

    public void deleteVolume(String name) {
        Blocking.await(() -> strongroom.deleteVolume(name), timeout, "deletion of volume " + name);
    }

    /** A blocking handle on an existing volume; VolumeNotFound when there is none of that name. */
    public BlockingVolume volume(String name) {
        return new BlockingVolume(Blocking.await(() -> strongroom.volume(name), timeout, "volume " + name), timeout);
    }

    /** The non-blocking API behind this one (key administration, storage statistics, the Vert.x instance). */
    public Strongroom async() {
        return strongroom;
    }

    /** Closes Strongroom and waits for it (see {@link Strongroom#close()}). */
    @Override
    public void close() {
        Blocking.await(strongroom::close, timeout, "Strongroom shutdown");
    }
}
