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

    private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
    private int maxBlocksPerRequest = DEFAULT_MAX_BLOCKS_PER_REQUEST;
    private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
    private int maxConcurrentRequests = DEFAULT_MAX_CONCURRENT_REQUESTS;
    private int storageQueueBound = DEFAULT_STORAGE_QUEUE_BOUND;

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
}
