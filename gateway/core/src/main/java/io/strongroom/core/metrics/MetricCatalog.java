package io.strongroom.core.metrics;

import java.util.List;

/**
 * Every metric family the gateway always exposes, declared once: the writers ({@code KeyAccessRule}, the HTTP
 * frontend's request metrics, the server's observability sources) write these, tests read them, and a documentation
 * test checks that docs/API.md names each. The storage families ({@code strongroom_store_*}) are declared by
 * {@code io.strongroom.core.store.StoreMetricsSource}, since a backend adds its own. Names and help texts are part of
 * the public API: renaming one breaks dashboards.
 */
public final class MetricCatalog {
    // HTTP frontend
    public static final Metric HTTP_REQUEST_DURATION = Metric.summary(
            "strongroom_http_request_duration_seconds",
            "HTTP requests by route and status: latency from request start to response end");
    public static final Metric HTTP_REQUEST_BYTES =
            Metric.counter("strongroom_http_request_bytes_total", "Request body bytes received");
    public static final Metric HTTP_RESPONSE_BYTES =
            Metric.counter("strongroom_http_response_bytes_total", "Response body bytes sent");
    public static final Metric HTTP_REQUESTS_IN_FLIGHT =
            Metric.gauge("strongroom_http_requests_in_flight", "Requests in progress");
    public static final Metric STORAGE_SLOTS_IN_USE = Metric.gauge(
            "strongroom_storage_slots_in_use", "Storage operations in flight (bound: limits.storageQueueBound)");
    public static final Metric STORAGE_REQUESTS_WAITING = Metric.gauge(
            "strongroom_storage_requests_waiting", "Requests paused waiting for a storage slot (backpressure)");
    public static final Metric HTTP_CONNECTIONS_OPEN =
            Metric.gauge("strongroom_http_connections_open", "HTTP connections open (bound: limits.maxConnections)");
    public static final Metric HTTP_CONNECTIONS_CLOSED = Metric.counter(
            "strongroom_http_connections_closed_total",
            "HTTP connections the gateway closed by reason: limit, headerTimeout, idleTimeout, writeStall");
    public static final Metric HTTP_STREAMS_REFUSED = Metric.counter(
            "strongroom_http_streams_refused_total",
            "HTTP/2 streams reset with REFUSED_STREAM: over limits.maxStreamsPerConnection on their connection");
    public static final Metric HTTP_RESPONSE_BYTES_PENDING = Metric.gauge(
            "strongroom_http_response_bytes_pending",
            "Response bytes being read from storage or waiting for clients to read them, over all connections");

    // NBD frontend
    public static final Metric NBD_REQUEST_DURATION = Metric.summary(
            "strongroom_nbd_request_duration_seconds",
            "NBD requests by command and result (ok or the errno name): latency from the request to its reply");
    public static final Metric NBD_READ_BYTES =
            Metric.counter("strongroom_nbd_read_bytes_total", "Bytes sent in NBD read replies");
    public static final Metric NBD_WRITE_BYTES =
            Metric.counter("strongroom_nbd_write_bytes_total", "Bytes received in NBD write requests");
    public static final Metric NBD_CONNECTIONS_OPEN =
            Metric.gauge("strongroom_nbd_connections_open", "NBD connections open (handshake or transmission)");

    // Keys
    public static final Metric KEY_STATE =
            Metric.gauge("strongroom_key_state", "Access state of each KEK in use: 1 for the current state");
    public static final Metric KEY_STATE_SINCE =
            Metric.gauge("strongroom_key_state_since_seconds", "Unix time when each KEK entered its current state");
    public static final Metric DEK_CACHE_HITS =
            Metric.counter("strongroom_dek_cache_hits_total", "DEK lookups served from memory");
    public static final Metric DEK_CACHE_MISSES =
            Metric.counter("strongroom_dek_cache_misses_total", "DEK lookups that found no unwrapped DEK");
    public static final Metric DEK_CACHE_SIZE = Metric.gauge("strongroom_dek_cache_size", "Unwrapped DEKs in memory");
    public static final Metric VAULT_CALLS =
            Metric.counter("strongroom_vault_calls_total", "Key vault calls per endpoint, region and operation");
    public static final Metric VAULT_LATENCY = Metric.gauge(
            "strongroom_vault_latency_seconds",
            "Key vault call latency per endpoint, region and operation over the latest sampled interval with calls");
    public static final Metric ACTIVITY_EVENTS_DROPPED = Metric.counter(
            "strongroom_activity_events_dropped_total",
            "Activity-log events not written to the file (writer queue full, or recorded after close)");
    public static final Metric ALERTS_UNDELIVERED = Metric.counter(
            "strongroom_alerts_undelivered_total",
            "Key-access alerts given up on (webhook queue full, or refused on every attempt)");

    // Crypto
    public static final Metric AES_INTRINSICS =
            Metric.gauge("strongroom_aes_intrinsics", "1 when the CPU has AES-NI and the JVM uses its AES intrinsics");
    public static final Metric AES_SELFTEST_MBPS = Metric.gauge(
            "strongroom_aes_selftest_megabytes_per_second", "Start-up self-test: MB/s sealing 8 KiB blocks");

    // Process
    public static final Metric TRANSPORT_INFO =
            Metric.gauge("strongroom_transport_info", "Network transport and TLS engine in use");
    public static final Metric METRICS_SOURCE_ERRORS =
            Metric.gauge("strongroom_metrics_source_errors", "Metrics sources that failed during this scrape");

    /** Every family, grouped as above. */
    public static final List<Metric> ALL = List.of(
            HTTP_REQUEST_DURATION,
            HTTP_REQUEST_BYTES,
            HTTP_RESPONSE_BYTES,
            HTTP_REQUESTS_IN_FLIGHT,
            STORAGE_SLOTS_IN_USE,
            STORAGE_REQUESTS_WAITING,
            HTTP_CONNECTIONS_OPEN,
            HTTP_CONNECTIONS_CLOSED,
            HTTP_STREAMS_REFUSED,
            HTTP_RESPONSE_BYTES_PENDING,
            NBD_REQUEST_DURATION,
            NBD_READ_BYTES,
            NBD_WRITE_BYTES,
            NBD_CONNECTIONS_OPEN,
            KEY_STATE,
            KEY_STATE_SINCE,
            DEK_CACHE_HITS,
            DEK_CACHE_MISSES,
            DEK_CACHE_SIZE,
            VAULT_CALLS,
            VAULT_LATENCY,
            ACTIVITY_EVENTS_DROPPED,
            ALERTS_UNDELIVERED,
            AES_INTRINSICS,
            AES_SELFTEST_MBPS,
            TRANSPORT_INFO,
            METRICS_SOURCE_ERRORS);

    private MetricCatalog() {}
}
