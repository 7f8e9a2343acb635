package io.strongroom.core.volume;

import java.time.Instant;

/**
 * How far the background re-seal after a DEK rollover has come, persisted in the volume metadata so a restart
 * resumes where the last durable checkpoint left off (blocks scanned again after a crash are skipped cheaply:
 * they are already under the active DEK).
 *
 * @param cursor   next block to scan; every block below it is sealed under the active DEK (or never written)
 * @param scanned  blocks scanned so far (equals {@code cursor}, kept apart for reporting)
 * @param resealed blocks found under an older DEK and re-sealed
 * @param started  when the rollover that started the pass happened
 */
record ResealProgress(long cursor, long scanned, long resealed, Instant started) {
    static ResealProgress start(Instant now) {
        return new ResealProgress(0, 0, 0, now);
    }

    ResealProgress advance(long blocks, long resealedNow) {
        return new ResealProgress(cursor + blocks, scanned + blocks, resealed + resealedNow, started);
    }
}
