package io.strongroom.core.health;

/** Produces the current {@link HealthReport}. Reads in-memory state only: called on event loops, it must not block. */
@FunctionalInterface
public interface HealthCheck {
    HealthReport report();
}
