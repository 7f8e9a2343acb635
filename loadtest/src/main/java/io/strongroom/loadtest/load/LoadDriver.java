package io.strongroom.loadtest.load;

/** Issues requests until told to stop: the open (paced) or the closed (as fast as answered) model. */
public interface LoadDriver {

    /**
     * Starts issuing at startNanos. Requests issued before measureStartNanos are warm-up (recorded
     * apart); requests due at or after endNanos are not issued.
     */
    void start(long startNanos, long measureStartNanos, long endNanos);

    /** Stops issuing new requests (outstanding ones complete on their own). */
    void stop();
}
