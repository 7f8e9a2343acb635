package io.strongroom.core.keys;

/**
 * Told of every change of a KEK's access state (alert sinks, the sealer's thread scrub). Called on the thread that
 * caused the change, possibly an event loop: implementations must not block.
 */
@FunctionalInterface
public interface KeyAccessListener {
    void onTransition(KeyAccessSnapshot before, KeyAccessSnapshot after, java.util.List<String> volumes);
}
