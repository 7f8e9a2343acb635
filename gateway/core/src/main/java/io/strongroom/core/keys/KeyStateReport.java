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
 * @param cause       the stable name of the last failure's cause (e.g. {@code keyDisabled}); null if none happened
 * @param causeDetail the last failure for operators (e.g. {@code FORBIDDEN (unwrap: Forbidden)}); null if none
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

    /** The report of {@code snapshot}, with the volumes under its KEK. */
    public static KeyStateReport of(KeyAccessSnapshot snapshot, List<String> volumes) {
        return new KeyStateReport(
                snapshot.kek().keyUrl(),
                snapshot.kek().identity(),
                snapshot.state(),
                snapshot.since(),
                volumes,
                snapshot.causeName(),
                snapshot.causeText());
    }
}
