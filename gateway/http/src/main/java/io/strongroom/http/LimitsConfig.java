package io.strongroom.http;

import java.time.Duration;

/** Bounds that keep one client or a slow disk from exhausting the gateway. */
public class LimitsConfig {
    public static final int DEFAULT_MAX_BLOCKS_PER_REQUEST = 64;
    /** Enough for the maximum run of the largest block size (64 x 32 KiB). */
    public static final int DEFAULT_MAX_BODY_BYTES = DEFAULT_MAX_BLOCKS_PER_REQUEST * 32768;

    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_CONCURRENT_REQUESTS = 4096;
    /** Storage operations in flight before connections stop being read (backpressure). */
    public static final int DEFAULT_STORAGE_QUEUE_BOUND = 512;
    /** Open HTTP connections over the whole gateway; past it a new connection is closed at once. */
    public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
    /** A new connection must complete its first request's headers within this. */
    public static final Duration DEFAULT_HEADER_READ_TIMEOUT = Duration.ofSeconds(10);
    /** A connection with nothing in progress (no request, no answer being sent) is closed after this. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
    /** A connection whose answers wait to be sent and that reads none of them for this long is closed. */
    public static final Duration DEFAULT_WRITE_STALL_TIMEOUT = Duration.ofSeconds(30);
    /** HTTP/2 streams in progress on one connection (SETTINGS_MAX_CONCURRENT_STREAMS, enforced from the first). */
    public static final int DEFAULT_MAX_STREAMS_PER_CONNECTION = 100;
    /** Storage slots one connection may hold or wait for in the gateway's queue. */
    public static final int DEFAULT_MAX_STORAGE_SLOTS_PER_CONNECTION = 64;

    private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
    private int maxBlocksPerRequest = DEFAULT_MAX_BLOCKS_PER_REQUEST;
    private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
    private int maxConcurrentRequests = DEFAULT_MAX_CONCURRENT_REQUESTS;
    private int storageQueueBound = DEFAULT_STORAGE_QUEUE_BOUND;
    private int maxConnections = DEFAULT_MAX_CONNECTIONS;
    private Duration headerReadTimeout = DEFAULT_HEADER_READ_TIMEOUT;
    private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
    private Duration writeStallTimeout = DEFAULT_WRITE_STALL_TIMEOUT;
    private int maxStreamsPerConnection = DEFAULT_MAX_STREAMS_PER_CONNECTION;
    private int maxStorageSlotsPerConnection = DEFAULT_MAX_STORAGE_SLOTS_PER_CONNECTION;

    public int getMaxBodyBytes() {
        return maxBodyBytes;
    }

    public LimitsConfig setMaxBodyBytes(int maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
        return this;
    }

    public int getMaxBlocksPerRequest() {
        return maxBlocksPerRequest;
    }

    public LimitsConfig setMaxBlocksPerRequest(int maxBlocksPerRequest) {
        this.maxBlocksPerRequest = maxBlocksPerRequest;
        return this;
    }

    public Duration getRequestTimeout() {
        return requestTimeout;
    }

    public LimitsConfig setRequestTimeout(Duration requestTimeout) {
        this.requestTimeout = requestTimeout;
        return this;
    }

    public int getMaxConcurrentRequests() {
        return maxConcurrentRequests;
    }

    public LimitsConfig setMaxConcurrentRequests(int maxConcurrentRequests) {
        this.maxConcurrentRequests = maxConcurrentRequests;
        return this;
    }

    public int getStorageQueueBound() {
        return storageQueueBound;
    }

    public LimitsConfig setStorageQueueBound(int storageQueueBound) {
        this.storageQueueBound = storageQueueBound;
        return this;
    }

    public int getMaxConnections() {
        return maxConnections;
    }

    public LimitsConfig setMaxConnections(int maxConnections) {
        this.maxConnections = maxConnections;
        return this;
    }

    public Duration getHeaderReadTimeout() {
        return headerReadTimeout;
    }

    public LimitsConfig setHeaderReadTimeout(Duration headerReadTimeout) {
        this.headerReadTimeout = headerReadTimeout;
        return this;
    }

    public Duration getIdleTimeout() {
        return idleTimeout;
    }

    public LimitsConfig setIdleTimeout(Duration idleTimeout) {
        this.idleTimeout = idleTimeout;
        return this;
    }

    public Duration getWriteStallTimeout() {
        return writeStallTimeout;
    }

    public LimitsConfig setWriteStallTimeout(Duration writeStallTimeout) {
        this.writeStallTimeout = writeStallTimeout;
        return this;
    }

    public int getMaxStreamsPerConnection() {
        return maxStreamsPerConnection;
    }

    public LimitsConfig setMaxStreamsPerConnection(int maxStreamsPerConnection) {
        this.maxStreamsPerConnection = maxStreamsPerConnection;
        return this;
    }

    public int getMaxStorageSlotsPerConnection() {
        return maxStorageSlotsPerConnection;
    }

    public LimitsConfig setMaxStorageSlotsPerConnection(int maxStorageSlotsPerConnection) {
        this.maxStorageSlotsPerConnection = maxStorageSlotsPerConnection;
        return this;
    }
}
