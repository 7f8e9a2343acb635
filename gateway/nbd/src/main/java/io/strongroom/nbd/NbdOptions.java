package io.strongroom.nbd;

import io.strongroom.core.auth.Principal;
import io.vertx.core.net.SSLEngineOptions;
import io.vertx.core.net.ServerSSLOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Where and how the NBD server listens: a TCP address, a Unix socket, or both; the largest request; the bytes one
 * connection may have in flight; TLS for the TCP listener. Plain data with fluent setters, read once at start.
 */
public class NbdOptions {
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** The largest request payload: the specification's 2^25 bytes every client may send. */
    public static final int DEFAULT_MAX_REQUEST_BYTES = 32 * 1024 * 1024;
    /** The smallest maximum payload: qemu-img sends 2 MiB, and the specification asks for at least 1 MiB. */
    public static final int MIN_MAX_REQUEST_BYTES = 1024 * 1024;
    /** Bytes of read and write payloads one connection may have in flight before the server stops reading it. */
    public static final int DEFAULT_MAX_CONNECTION_BYTES_IN_FLIGHT = 64 * 1024 * 1024;
    /** Storage operations in flight over all NBD connections before connections are paused. */
    public static final int DEFAULT_STORAGE_QUEUE_BOUND = 512;
    /** How long a closing server lets the requests in flight finish before it drops their connections. */
    public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(30);

    private String host = DEFAULT_HOST;
    private int port = -1;
    private @Nullable Path socketPath;
    private int maxRequestBytes = DEFAULT_MAX_REQUEST_BYTES;
    private int maxConnectionBytesInFlight = DEFAULT_MAX_CONNECTION_BYTES_IN_FLIGHT;
    private int storageQueueBound = DEFAULT_STORAGE_QUEUE_BOUND;
    private int instances = 1;
    private Duration shutdownGrace = DEFAULT_SHUTDOWN_GRACE;
    private @Nullable ServerSSLOptions tls;
    private @Nullable SSLEngineOptions sslEngine;
    private Function<String, @Nullable Principal> principals = name -> null;

    public String getHost() {
        return host;
    }

    /** The TCP listen address (default 127.0.0.1). */
    public NbdOptions setHost(String host) {
        this.host = Objects.requireNonNull(host, "host");
        return this;
    }

    public int getPort() {
        return port;
    }

    /** The TCP port; 0 = an ephemeral one ({@link NbdServer#port()}); -1 (the default) = no TCP listener. */
    public NbdOptions setPort(int port) {
        this.port = port;
        return this;
    }

    public @Nullable Path getSocketPath() {
        return socketPath;
    }

    /** A Unix socket to listen on (mode 0600; a stale file left by a dead process is replaced); null = none. */
    public NbdOptions setSocketPath(@Nullable Path socketPath) {
        this.socketPath = socketPath;
        return this;
    }

    public int getMaxRequestBytes() {
        return maxRequestBytes;
    }

    /** The largest read or write payload, advertised as the maximum block size. */
    public NbdOptions setMaxRequestBytes(int maxRequestBytes) {
        this.maxRequestBytes = maxRequestBytes;
        return this;
    }

    public int getMaxConnectionBytesInFlight() {
        return maxConnectionBytesInFlight;
    }

    /**
     * Read and write payload bytes one connection may have in flight; past it the server stops reading that
     * connection until replies bring it back under. At least the largest request.
     */
    public NbdOptions setMaxConnectionBytesInFlight(int maxConnectionBytesInFlight) {
        this.maxConnectionBytesInFlight = maxConnectionBytesInFlight;
        return this;
    }

    public int getStorageQueueBound() {
        return storageQueueBound;
    }

    /** Requests in progress over all connections; a connection whose request finds none free is paused. */
    public NbdOptions setStorageQueueBound(int storageQueueBound) {
        this.storageQueueBound = storageQueueBound;
        return this;
    }

    public int getInstances() {
        return instances;
    }

    /** Listener instances, one per event loop (as the HTTP verticles): connections are spread over them. */
    public NbdOptions setInstances(int instances) {
        this.instances = instances;
        return this;
    }

    public Duration getShutdownGrace() {
        return shutdownGrace;
    }

    /** How long {@link NbdServer#close()} lets requests in flight finish before it drops their connections. */
    public NbdOptions setShutdownGrace(Duration shutdownGrace) {
        this.shutdownGrace = Objects.requireNonNull(shutdownGrace, "shutdownGrace");
        return this;
    }

    public @Nullable ServerSSLOptions getTls() {
        return tls;
    }

    /**
     * TLS for the TCP listener: with it, every TCP connection must upgrade with NBD_OPT_STARTTLS before any other
     * option and present a client certificate that these options' trust accepts (client authentication is made
     * required whatever they say); its subject CN names its principal ({@link #setPrincipals}). The Unix socket never
     * uses TLS: its file mode decides who connects.
     */
    public NbdOptions setTls(@Nullable ServerSSLOptions tls) {
        this.tls = tls;
        return this;
    }

    public @Nullable SSLEngineOptions getSslEngine() {
        return sslEngine;
    }

    /** The TLS engine (OpenSSL or the JDK's); null (the default) = Vert.x's default, the JDK's. */
    public NbdOptions setSslEngine(@Nullable SSLEngineOptions sslEngine) {
        this.sslEngine = sslEngine;
        return this;
    }

    public Function<String, @Nullable Principal> getPrincipals() {
        return principals;
    }

    /**
     * Over TLS, the principal a client certificate's subject CN names (null: none, so no volume is exported to it).
     * Without TLS every connection may use every volume.
     */
    public NbdOptions setPrincipals(Function<String, @Nullable Principal> principals) {
        this.principals = Objects.requireNonNull(principals, "principals");
        return this;
    }

    /**
     * Store writes one request may have in flight at once (a long write is cut into several calls; a write-zeroes
     * writes its two edge blocks and trims the rest at once): with the storage queue bound, what the store's bound on
     * pending writes must hold so that NBD load never fills it (a full store queue would be EIO to the client).
     */
    public static int storeWritesPerRequest(int maxRequestBytes) {
        return Math.max(3, (maxRequestBytes + BlockIo.CHUNK_BYTES - 1) / BlockIo.CHUNK_BYTES);
    }

    /** Throws IllegalArgumentException naming the first unusable setting. */
    void validate() {
        if (port < -1 || port > 65535) {
            throw new IllegalArgumentException("port must be -1 (none), 0 (ephemeral) or 1..65535, not " + port);
        }
        if (port == -1 && socketPath == null) {
            throw new IllegalArgumentException("nothing to listen on: set a port, a socket path or both");
        }
        if (maxRequestBytes < MIN_MAX_REQUEST_BYTES) {
            throw new IllegalArgumentException(
                    "maxRequestBytes must be at least " + MIN_MAX_REQUEST_BYTES + ", not " + maxRequestBytes);
        }
        if (maxConnectionBytesInFlight < maxRequestBytes) {
            throw new IllegalArgumentException("maxConnectionBytesInFlight (" + maxConnectionBytesInFlight
                    + ") must be at least maxRequestBytes (" + maxRequestBytes + ")");
        }
        if (storageQueueBound < 1 || instances < 1) {
            throw new IllegalArgumentException("storageQueueBound and instances must be positive");
        }
        if (shutdownGrace.isNegative()) {
            throw new IllegalArgumentException("shutdownGrace must not be negative, not " + shutdownGrace);
        }
    }
}
