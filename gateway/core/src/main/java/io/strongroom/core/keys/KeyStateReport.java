package io.strongroom.core.keys;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The access state of one KEK as administration and health report it: names, states and times only, never key
 * material.
 *
 * @param kek         versionless key URL
 * @param identity    the configured identity that reaches the key
 * @param state       the access state
 * @param since       when {@code state} was entered
 * @param volumes     names of the volumes under the key, sorted
 * @param cause       while the key is not AVAILABLE, the stable name of the failure's cause (e.g. {@code keyDisabled});
 *                    null when AVAILABLE: a failure the key has recovered from is history (the activity log keeps it)
 * @param causeDetail while the key is not AVAILABLE, the failure for operators (e.g.
 *                    {@code FORBIDDEN (unwrap: Forbidden)}); null when AVAILABLE
 */
public record KeyStateReport(
        String kek,
        String identity,
        KeyState state,
        Instant since,
        List<String> volumes,
        @Nullable String cause,
        @Nullable String causeDetail) {

    public KeyStateReport {
        Objects.requireNonNull(kek, "kek");
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(since, "since");
        volumes = List.copyOf(volumes);
    }

    /** The report of {@code snapshot}, with the volumes under its KEK; no cause once the key is AVAILABLE. */
    public static KeyStateReport of(KeyAccessSnapshot snapshot, List<String> volumes) {
        boolean failing = snapshot.state() != KeyState.AVAILABLE;
        return new KeyStateReport(
                snapshot.kek().keyUrl(),
                snapshot.kek().identity(),
                snapshot.state(),
                snapshot.since(),
                volumes,
                failing ? snapshot.causeName() : null,
                failing ? snapshot.causeText() : null);
    }
}
