/**
 * A gateway's health, independent of the frontend that reports it: {@link io.strongroom.core.health.HealthCheck}
 * produces a {@link io.strongroom.core.health.HealthReport} whose {@link io.strongroom.core.health.HealthStatus}
 * (UP, DEGRADED, DOWN) is computed here, once; the HTTP frontend renders it as {@code GET /health}.
 */
package io.strongroom.core.health;
