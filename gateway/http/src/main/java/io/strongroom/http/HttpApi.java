package io.strongroom.http;

import io.strongroom.core.admission.ConcurrencyLimit;
import io.strongroom.core.admission.StorageAdmission;
import io.strongroom.core.auth.TokenStore;
import io.strongroom.core.health.HealthCheck;
import io.strongroom.core.keys.KeyAdministration;
import io.strongroom.core.metrics.MetricCatalog;
import io.strongroom.core.metrics.MetricsRegistry;
import io.strongroom.core.volume.Replicas;
import io.strongroom.core.volume.VolumeService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * What every HTTP verticle instance shares: the volume service, tokens, limits, backpressure and metrics.
 * Thread-safe; one per gateway.
 */
public final class HttpApi {
    private final VolumeService volumes;
    private final Replicas replicas;
    private final TokenStore tokens;
    private final MetricsRegistry metrics;
    private final RequestMetrics requestMetrics = new RequestMetrics(Route.labels());
    private final HealthCheck health;
    private final KeyAdministration keyAdmin;
    private final ConcurrencyLimit concurrency;
    private final StorageAdmission admission;
    private final int maxBlocksPerRequest;
    private final int maxBodyBytes;
    private final long requestTimeoutNanos;
    private final ConnectionLimits connectionLimits;
    private final AtomicInteger connectionsOpen = new AtomicInteger();
    private final LongAdder responseBytesPending = new LongAdder();
    private final LongAdder streamsRefused = new LongAdder();
    private final LongAdder[] connectionsClosed = new LongAdder[ConnectionCloseReason.values().length];

    public HttpApi(
            VolumeService volumes,
            Replicas replicas,
            TokenStore tokens,
            MetricsRegistry metrics,
            HealthCheck health,
            KeyAdministration keyAdmin,
            LimitsConfig limits) {
        this.volumes = volumes;
        this.replicas = replicas;
        this.tokens = tokens;
        this.metrics = metrics;
        this.health = health;
        this.keyAdmin = keyAdmin;
        this.concurrency = new ConcurrencyLimit(limits.getMaxConcurrentRequests());
        this.admission = new StorageAdmission(limits.getStorageQueueBound());
        this.maxBlocksPerRequest = limits.getMaxBlocksPerRequest();
        this.maxBodyBytes = limits.getMaxBodyBytes();
        this.requestTimeoutNanos = limits.getRequestTimeout().toNanos();
        this.connectionLimits = new ConnectionLimits(limits);
        for (int i = 0; i < connectionsClosed.length; i++) {
            connectionsClosed[i] = new LongAdder();
        }
        metrics.register(requestMetrics);
        metrics.register(out -> {
            out.family(MetricCatalog.HTTP_REQUESTS_IN_FLIGHT);
            out.sample(MetricCatalog.HTTP_REQUESTS_IN_FLIGHT, concurrency.inFlight());
            out.family(MetricCatalog.STORAGE_SLOTS_IN_USE);
            out.sample(MetricCatalog.STORAGE_SLOTS_IN_USE, admission.inUse());
            out.family(MetricCatalog.STORAGE_REQUESTS_WAITING);
            out.sample(MetricCatalog.STORAGE_REQUESTS_WAITING, admission.waiting());
            out.family(MetricCatalog.HTTP_CONNECTIONS_OPEN);
            out.sample(MetricCatalog.HTTP_CONNECTIONS_OPEN, connectionsOpen.get());
            out.family(MetricCatalog.HTTP_CONNECTIONS_CLOSED);
            for (ConnectionCloseReason reason : ConnectionCloseReason.values()) {
                out.sample(
                        MetricCatalog.HTTP_CONNECTIONS_CLOSED,
                        connectionsClosed[reason.ordinal()].sum(),
                        "reason",
                        reason.label);
            }
            out.family(MetricCatalog.HTTP_STREAMS_REFUSED);
            out.sample(MetricCatalog.HTTP_STREAMS_REFUSED, streamsRefused.sum());
            out.family(MetricCatalog.HTTP_RESPONSE_BYTES_PENDING);
            out.sample(MetricCatalog.HTTP_RESPONSE_BYTES_PENDING, responseBytesPending.sum());
        });
    }

    /** Requests recorded per route and status (tests and health). */
    public RequestMetrics requestMetrics() {
        return requestMetrics;
    }

    /** Requests admitted and not yet answered, over all event loops. */
    public int inFlight() {
        return concurrency.inFlight();
    }

    /** HTTP connections open over all event loops. */
    public int connectionsOpen() {
        return connectionsOpen.get();
    }

    /** Response bytes reserved for block reads in progress or handed to connections and not yet sent. */
    public long responseBytesPending() {
        return responseBytesPending.sum();
    }

    /** Connections the gateway closed for {@code reason} since start. */
    public long connectionsClosed(ConnectionCloseReason reason) {
        return connectionsClosed[reason.ordinal()].sum();
    }

    /** Counts a connection as open; false (nothing counted) when {@code limits.maxConnections} are open. */
    boolean openConnection() {
        if (connectionsOpen.incrementAndGet() > connectionLimits.maxConnections()) {
            connectionsOpen.decrementAndGet();
            return false;
        }
        return true;
    }

    void connectionClosed() {
        connectionsOpen.decrementAndGet();
    }

    void countClosed(ConnectionCloseReason reason) {
        connectionsClosed[reason.ordinal()].increment();
    }

    void countStreamRefused() {
        streamsRefused.increment();
    }

    LongAdder pendingBytesTotal() {
        return responseBytesPending;
    }

    ConnectionLimits connectionLimits() {
        return connectionLimits;
    }

    VolumeService volumes() {
        return volumes;
    }

    Replicas replicas() {
        return replicas;
    }

    TokenStore tokens() {
        return tokens;
    }

    MetricsRegistry metrics() {
        return metrics;
    }

    HealthCheck health() {
        return health;
    }

    KeyAdministration keyAdmin() {
        return keyAdmin;
    }

    ConcurrencyLimit concurrency() {
        return concurrency;
    }

    StorageAdmission admission() {
        return admission;
    }

    int maxBlocksPerRequest() {
        return maxBlocksPerRequest;
    }

    int maxBodyBytes() {
        return maxBodyBytes;
    }

    long requestTimeoutNanos() {
        return requestTimeoutNanos;
    }

    long requestTimeoutMillis() {
        return TimeUnit.NANOSECONDS.toMillis(requestTimeoutNanos);
    }
}
