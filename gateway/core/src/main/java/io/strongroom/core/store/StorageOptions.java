package io.strongroom.core.store;

import java.nio.file.Path;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Settings of a storage backend, whichever it is: plain data with {@code DEFAULT_*} constants and fluent setters.
 * A backend uses the ones that make sense for it (the local-file backend keeps its files under
 * {@link #getDataDir()}); the slot cache in front of any backend is sized by {@link #getCacheBytes()}.
 */
public class StorageOptions {

    /** The backend used unless configured otherwise: local files. */
    public static final String DEFAULT_BACKEND = "local";

    public static final Durability DEFAULT_DURABILITY = Durability.FSYNC;
    /** Memory for cached sealed slots, so that reads of hot blocks need no backend I/O; 0 turns the cache off. */
    public static final long DEFAULT_CACHE_BYTES = 64L * 1024 * 1024;
    /** Writes, trims and flushes queued or in flight over all volumes before new ones fail with QUEUE_FULL. */
    public static final int DEFAULT_MAX_PENDING_WRITES = 1024;
    /** Largest single write or read, in bytes. */
    public static final int DEFAULT_MAX_REQUEST_BYTES = 8 * 1024 * 1024;
    /** The Ceph pool the {@code ceph} backend keeps its objects in. */
    public static final String DEFAULT_CEPH_POOL = "strongroom";
    /** How long a volume's writer lease on the {@code ceph} backend lasts unless renewed. */
    public static final long DEFAULT_CEPH_LEASE_SECONDS = 10;

    private String backend = DEFAULT_BACKEND;
    private @Nullable Path dataDir;
    private Durability durability = DEFAULT_DURABILITY;
    private long cacheBytes = DEFAULT_CACHE_BYTES;
    private int maxPendingWrites = DEFAULT_MAX_PENDING_WRITES;
    private int maxRequestBytes = DEFAULT_MAX_REQUEST_BYTES;
    private @Nullable Path cephConf;
    private String cephPool = DEFAULT_CEPH_POOL;
    private String cephNamespace = "";
    private long cephLeaseSeconds = DEFAULT_CEPH_LEASE_SECONDS;

    public StorageOptions() {}

    public StorageOptions(StorageOptions other) {
        this.backend = other.backend;
        this.dataDir = other.dataDir;
        this.durability = other.durability;
        this.cacheBytes = other.cacheBytes;
        this.maxPendingWrites = other.maxPendingWrites;
        this.maxRequestBytes = other.maxRequestBytes;
        this.cephConf = other.cephConf;
        this.cephPool = other.cephPool;
        this.cephNamespace = other.cephNamespace;
        this.cephLeaseSeconds = other.cephLeaseSeconds;
    }

    public String getBackend() {
        return backend;
    }

    /** The {@link StorageBackendFactory#name()} of the backend to open. */
    public StorageOptions setBackend(String backend) {
        this.backend = Objects.requireNonNull(backend, "backend");
        return this;
    }

    public @Nullable Path getDataDir() {
        return dataDir;
    }

    /** Where a backend keeping local files keeps them; created if missing. */
    public StorageOptions setDataDir(@Nullable Path dataDir) {
        this.dataDir = dataDir;
        return this;
    }

    public Durability getDurability() {
        return durability;
    }

    public StorageOptions setDurability(Durability durability) {
        this.durability = Objects.requireNonNull(durability, "durability");
        return this;
    }

    public long getCacheBytes() {
        return cacheBytes;
    }

    public StorageOptions setCacheBytes(long cacheBytes) {
        this.cacheBytes = cacheBytes;
        return this;
    }

    public int getMaxPendingWrites() {
        return maxPendingWrites;
    }

    public StorageOptions setMaxPendingWrites(int maxPendingWrites) {
        this.maxPendingWrites = maxPendingWrites;
        return this;
    }

    public int getMaxRequestBytes() {
        return maxRequestBytes;
    }

    public StorageOptions setMaxRequestBytes(int maxRequestBytes) {
        this.maxRequestBytes = maxRequestBytes;
        return this;
    }

    public @Nullable Path getCephConf() {
        return cephConf;
    }

    /** The {@code ceph} backend's cluster: the path of a ceph.conf (monitors, authentication, keyring). */
    public StorageOptions setCephConf(@Nullable Path cephConf) {
        this.cephConf = cephConf;
        return this;
    }

    public String getCephPool() {
        return cephPool;
    }

    /** The pool the {@code ceph} backend keeps volumes in (it must exist). */
    public StorageOptions setCephPool(String cephPool) {
        this.cephPool = Objects.requireNonNull(cephPool, "cephPool");
        return this;
    }

    public String getCephNamespace() {
        return cephNamespace;
    }

    /** The RADOS namespace within the pool ("" is the default one), so that several deployments share one pool. */
    public StorageOptions setCephNamespace(String cephNamespace) {
        this.cephNamespace = Objects.requireNonNull(cephNamespace, "cephNamespace");
        return this;
    }

    public long getCephLeaseSeconds() {
        return cephLeaseSeconds;
    }

    /**
     * How long the {@code ceph} backend's writer lease on a volume lasts unless renewed (renewed every quarter of it):
     * the longest another gateway waits to take over a volume whose writer died (docs/SCALE-OUT.md). 2 to 3600.
     */
    public StorageOptions setCephLeaseSeconds(long cephLeaseSeconds) {
        this.cephLeaseSeconds = cephLeaseSeconds;
        return this;
    }

    /** Throws IllegalArgumentException naming the first setting no backend could use. */
    public void validate() {
        if (backend.isBlank()) {
            throw new IllegalArgumentException("storage backend name is empty");
        }
        if (cacheBytes < 0) {
            throw new IllegalArgumentException("storage cacheBytes must be 0 (off) or positive, not " + cacheBytes);
        }
        if (maxPendingWrites <= 0) {
            throw new IllegalArgumentException("storage maxPendingWrites must be positive, not " + maxPendingWrites);
        }
        if (maxRequestBytes <= 0) {
            throw new IllegalArgumentException("storage maxRequestBytes must be positive, not " + maxRequestBytes);
        }
        if (cephPool.isBlank()) {
            throw new IllegalArgumentException("storage ceph pool name is empty");
        }
        if (cephLeaseSeconds < 2 || cephLeaseSeconds > 3600) {
            throw new IllegalArgumentException("storage ceph lease must be 2 to 3600 seconds, not " + cephLeaseSeconds);
        }
    }
}
