package io.strongroom.core.store;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A volume the store does not fully serve now, and why: what {@code /health} and {@code GET /metrics} show, so a
 * stopped volume is visible without reading the log.
 *
 * @param volumeId the store's id of the volume
 * @param state what the volume still does
 * @param cause the failure in a few words (the file system's message: no slot contents, no key material)
 * @param since when the volume entered this state
 */
public record VolumeFault(UUID volumeId, State state, String cause, Instant since) {

    /** What a faulted volume still does. */
    public enum State {
        /**
         * The file system is full: reads are served, writes and trims fail with NO_SPACE at once, and a write is let
         * through now and then to find out whether space has returned (then the volume is served again by itself).
         */
        NO_SPACE("no_space"),
        /**
         * Storage failed: after an I/O error writes and trims fail until the store is reopened (reads are served from
         * what the files hold); a volume that could not be opened serves nothing.
         */
        STOPPED("stopped");

        private final String label;

        State(String label) {
            this.label = label;
        }

        /** The state as metrics and health pages spell it. */
        public String label() {
            return label;
        }
    }

    public VolumeFault {
        Objects.requireNonNull(volumeId, "volumeId");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(cause, "cause");
        Objects.requireNonNull(since, "since");
    }
}
