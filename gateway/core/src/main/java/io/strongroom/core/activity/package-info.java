/**
 * The record of key use and the alerts about it: {@link io.strongroom.core.activity.ActivityLog} (append-only
 * JSON lines under the data directory plus an in-memory ring for the admin API) and the
 * {@link io.strongroom.core.activity.AlertSink}s (log, webhook) that hear about a KEK losing or regaining access.
 * Events and alerts carry names, ids, states and timings only: never key material or tokens.
 */
package io.strongroom.core.activity;
