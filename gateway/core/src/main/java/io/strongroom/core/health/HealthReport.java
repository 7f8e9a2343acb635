package io.strongroom.core.health;

import io.strongroom.core.keys.KeyStateReport;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A gateway's detailed status: the overall {@link HealthStatus}, the state of each KEK in use, and named detail
 * sections (e.g. {@code aesNi}, {@code storage}, {@code vault}, {@code transport}) that frontends render as they
 * are. Detail values are plain data (strings, numbers, booleans, lists and maps of them) and never secrets. The
 * sections are open-ended because what is worth showing depends on the backend, vault and transport in use.
 *
 * @param details sections in the order given; each section's entries in their order (null values allowed)
 */
public record HealthReport(HealthStatus status, List<KeyStateReport> keys, Map<String, Map<String, Object>> details) {
    public HealthReport {
        Objects.requireNonNull(status, "status");
        keys = List.copyOf(keys);
        Map<String, Map<String, Object>> copy = new LinkedHashMap<>();
        details.forEach((name, section) -> copy.put(
                Objects.requireNonNull(name, "section name"),
                Collections.unmodifiableMap(new LinkedHashMap<>(section))));
        details = Collections.unmodifiableMap(copy);
    }
}
