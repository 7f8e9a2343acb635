package io.strongroom.core.metrics;

import java.util.List;

/**
 * Every metric family the gateway always exposes, declared once: the writers ({@code KeyAccessRule}, the HTTP
 * frontend's request metrics, the server's observability sources, {@link JvmMetrics}) write these, tests read them, and a documentation
 * test checks that docs/API.md names each. The storage families ({@code strongroom_store_*}) are declared by
 * {@code io.strongroom.core.store.StoreMetricsSource}, since a backend adds its own. Names and help texts are part of
 * the public API: renaming one breaks dashboards.
 */
public final class MetricCatalog {
    // HTTP frontend
    public static final Metric HTTP_REQUEST_DURATION = Metric.histogram(
            "strongroom_http_request_duration_seconds",
            "HTTP requests by method, route template and status: latency from request start to response end");
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
    public static final Metric PLAINTEXT_BUFFERS_IN_USE = Metric.gauge(
            "strongroom_plaintext_buffers_in_use",
            "Pooled direct buffers holding blocks read for an answer and not yet released (0 when idle)");
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
    public static final Metric NBD_REQUEST_DURATION = Metric.histogram(
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
    public static final Metric KEY_STATE_SINCE = Metric.gauge(
            "strongroom_key_state_since_timestamp_seconds", "Unix time when each KEK entered its current state");
    public static final Metric DEK_CACHE_HITS =
            Metric.counter("strongroom_dek_cache_hits_total", "DEK lookups served from memory");
    public static final Metric DEK_CACHE_MISSES =
            Metric.counter("strongroom_dek_cache_misses_total", "DEK lookups that found no unwrapped DEK");
    public static final Metric DEK_CACHE_SIZE = Metric.gauge("strongroom_dek_cache_size", "Unwrapped DEKs in memory");
    public static final Metric VAULT_CALL_DURATION = Metric.histogram(
            "strongroom_vault_call_duration_seconds",
            "Key vault calls that got an HTTP answer, per endpoint, region and operation: latency");
    public static final Metric ACTIVITY_EVENTS_DROPPED = Metric.counter(
            "strongroom_activity_events_dropped_total",
            "Activity-log events not written to the file (writer queue full, or recorded after close)");
    public static final Metric ALERTS_UNDELIVERED = Metric.counter(
            "strongroom_alerts_undelivered_total",
            "Key-access alerts given up on (webhook queue full, or refused on every attempt)");

    // Volumes
    public static final Metric CLONE_BLOCKS = Metric.counter(
            "strongroom_clone_blocks_total",
            "Blocks of snapshots re-sealed into clones (opened with the parent's DEK, sealed under the clone's)");
    public static final Metric CLONES_RUNNING =
            Metric.gauge("strongroom_clones_running", "Clones whose copy from their snapshot runs now");

    // Crypto
    public static final Metric AES_INTRINSICS =
            Metric.gauge("strongroom_aes_intrinsics", "1 when the CPU has AES-NI and the JVM uses its AES intrinsics");
    public static final Metric AES_SELFTEST_THROUGHPUT = Metric.gauge(
            "strongroom_aes_selftest_bytes_per_second", "Start-up self-test: bytes per second sealing 8 KiB blocks");

    // Process
    public static final Metric BUILD_INFO = Metric.gauge(
            "strongroom_build_info",
            "Always 1: the gateway's version, its git revision and the Java version running it");
    public static final Metric TRANSPORT_INFO =
            Metric.gauge("strongroom_transport_info", "Network transport and TLS engine in use");
    public static final Metric METRICS_SOURCE_ERRORS =
            Metric.gauge("strongroom_metrics_source_errors", "Metrics sources that failed during this scrape");

    // JVM and process, under the names Prometheus' client libraries use
    public static final Metric PROCESS_CPU =
            Metric.counter("process_cpu_seconds_total", "CPU time (user and system) the process has used");
    public static final Metric PROCESS_START =
            Metric.gauge("process_start_time_seconds", "Unix time when the process started");
    public static final Metric PROCESS_OPEN_FDS = Metric.gauge("process_open_fds", "Open file descriptors");
    public static final Metric PROCESS_MAX_FDS = Metric.gauge("process_max_fds", "Limit on open file descriptors");
    public static final Metric PROCESS_RESIDENT_MEMORY =
            Metric.gauge("process_resident_memory_bytes", "Resident set size (VmRSS)");
    public static final Metric PROCESS_VIRTUAL_MEMORY =
            Metric.gauge("process_virtual_memory_bytes", "Virtual memory size (VmSize)");
    public static final Metric JVM_MEMORY_USED =
            Metric.gauge("jvm_memory_used_bytes", "JVM memory in use by area: heap or nonheap");
    public static final Metric JVM_MEMORY_COMMITTED =
            Metric.gauge("jvm_memory_committed_bytes", "JVM memory committed by area: heap or nonheap");
    public static final Metric JVM_MEMORY_MAX =
            Metric.gauge("jvm_memory_max_bytes", "JVM memory limit by area (-1 when there is none)");
    public static final Metric JVM_BUFFER_POOL_USED = Metric.gauge(
            "jvm_buffer_pool_used_bytes", "NIO buffer pools: bytes in use by pool (direct: direct memory)");
    public static final Metric JVM_BUFFER_POOL_CAPACITY =
            Metric.gauge("jvm_buffer_pool_capacity_bytes", "NIO buffer pools: total capacity by pool");
    public static final Metric JVM_BUFFER_POOL_BUFFERS =
            Metric.gauge("jvm_buffer_pool_used_buffers", "NIO buffer pools: buffers by pool");
    public static final Metric JVM_GC_COLLECTION = Metric.summary(
            "jvm_gc_collection_seconds", "Garbage collections by collector: how many and the time they took");
    public static final Metric JVM_THREADS_CURRENT = Metric.gauge("jvm_threads_current", "Live threads");
    public static final Metric JVM_THREADS_DAEMON = Metric.gauge("jvm_threads_daemon", "Live daemon threads");
    public static final Metric JVM_THREADS_PEAK = Metric.gauge("jvm_threads_peak", "Most live threads at once");

    public static final Metric REPLICA_LAG = Metric.gauge(
            "strongroom_replica_lag_seconds",
            "Per read replica: seconds since the primary took the snapshot last applied whole (docs/REPLICAS.md)");
    public static final Metric REPLICA_CYCLES =
            Metric.counter("strongroom_replica_cycles_total", "Per read replica: cycles applied whole since start");
    public static final Metric REPLICA_BLOCKS = Metric.counter(
            "strongroom_replica_blocks_shipped_total", "Per read replica: blocks received and applied since start");
    public static final Metric REPLICA_BYTES = Metric.counter(
            "strongroom_replica_bytes_shipped_total",
            "Per read replica: bytes of replication pages received since start");
    public static final Metric REPLICA_FOLLOWING =
            Metric.gauge("strongroom_replica_following", "Per read replica: 1 while its last cycle succeeded, else 0");

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
            VAULT_CALL_DURATION,
            REPLICA_LAG,
            REPLICA_CYCLES,
            REPLICA_BLOCKS,
            REPLICA_BYTES,
            REPLICA_FOLLOWING,
            ACTIVITY_EVENTS_DROPPED,
            ALERTS_UNDELIVERED,
            CLONE_BLOCKS,
            CLONES_RUNNING,
            AES_INTRINSICS,
            AES_SELFTEST_THROUGHPUT,
            BUILD_INFO,
            TRANSPORT_INFO,
            METRICS_SOURCE_ERRORS,
            PROCESS_CPU,
            PROCESS_START,
            PROCESS_OPEN_FDS,
            PROCESS_MAX_FDS,
            PROCESS_RESIDENT_MEMORY,
            PROCESS_VIRTUAL_MEMORY,
            JVM_MEMORY_USED,
            JVM_MEMORY_COMMITTED,
            JVM_MEMORY_MAX,
            JVM_BUFFER_POOL_USED,
            JVM_BUFFER_POOL_CAPACITY,
            JVM_BUFFER_POOL_BUFFERS,
            JVM_GC_COLLECTION,
            JVM_THREADS_CURRENT,
            JVM_THREADS_DAEMON,
            JVM_THREADS_PEAK);

    private MetricCatalog() {}
}
