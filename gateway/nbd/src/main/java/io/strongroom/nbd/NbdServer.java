package io.strongroom.nbd;

import io.strongroom.core.admission.StorageAdmission;
import io.strongroom.core.auth.Principal;
import io.strongroom.core.auth.Role;
import io.strongroom.core.volume.VolumeService;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.ServerSSLOptions;
import io.vertx.core.net.SocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Volumes served as NBD exports (one per volume, the export name is the volume name) on TCP, a Unix socket or both.
 * One TCP listener per event loop, as the HTTP frontend's verticles, sharing one bound socket (Vert.x spreads the
 * connections over them); each connection lives on the event loop that accepted it. The Unix socket is bound by the
 * first instance only (Vert.x does not share Unix listeners), so its connections share one event loop. Start with {@link #start}; {@link #close()} stops accepting, lets the requests in flight
 * finish (up to the shutdown grace) and closes the connections, before the caller closes the volumes.
 */
public final class NbdServer {
    /** Without TLS, whoever can connect may use every volume: NBD has no authentication of its own. */
    static final Principal EVERY_VOLUME = new Principal("nbd", Set.of(Role.DATA), Set.of(Principal.ALL_VOLUMES));

    /** What every connection of one server shares. */
    record Shared(
            VolumeService volumes,
            NbdOptions options,
            NbdMetrics metrics,
            BlockRangeLocks locks,
            StorageAdmission admission,
            @Nullable ServerSSLOptions tls) {}

    /** Ids of Vert.x shared random ports, one per server started with port 0. */
    private static final AtomicInteger SHARED_PORT_IDS = new AtomicInteger();

    private final Vertx vertx;
    private final Shared shared;
    private final List<String> deployments = new CopyOnWriteArrayList<>();
    private int port = -1;
    /** True once this server has bound the Unix socket: only then is the file its own to remove. */
    private volatile boolean socketBound;

    private @Nullable Future<Void> closing;

    private NbdServer(Vertx vertx, Shared shared) {
        this.vertx = vertx;
        this.shared = shared;
    }

    /**
     * Starts listening. Fails with IllegalArgumentException for unusable options, IllegalStateException when the
     * socket path is in use by a live server or is not a socket, or with what binding failed; whatever had started is
     * stopped again.
     */
    public static Future<NbdServer> start(Vertx vertx, VolumeService volumes, NbdOptions options) {
        try {
            options.validate();
        } catch (IllegalArgumentException e) {
            return Future.failedFuture(e);
        }
        ServerSSLOptions tls =
                options.getTls() == null ? null : options.getTls().copy().setClientAuth(ClientAuth.REQUIRED);
        Shared shared = new Shared(
                volumes,
                options,
                new NbdMetrics(),
                new BlockRangeLocks(),
                new StorageAdmission(options.getStorageQueueBound()),
                tls);
        NbdServer server = new NbdServer(vertx, shared);
        return server.startAll().recover(e -> server.close().transform(x -> Future.failedFuture(e)));
    }

    private Future<NbdServer> startAll() {
        Path socketPath = shared.options().getSocketPath();
        Future<Void> cleared = socketPath == null
                ? Future.succeededFuture()
                : vertx.executeBlocking(() -> SocketFiles.clearStale(socketPath), false);
        NbdOptions options = shared.options();
        SocketAddress tcp = options.getPort() < 0
                ? null
                : options.getPort() == 0
                        // An ephemeral port every instance shares (a plain 0 would give each instance its own).
                        ? SocketAddress.sharedRandomPort(SHARED_PORT_IDS.incrementAndGet(), options.getHost())
                        : SocketAddress.inetSocketAddress(options.getPort(), options.getHost());
        NbdVerticle[] first = new NbdVerticle[1];
        return cleared.compose(x -> deploy(tcp, 1, first))
                .compose(x -> {
                    port = first[0].port();
                    socketBound = socketPath != null;
                    return socketPath == null
                            ? Future.succeededFuture()
                            : vertx.executeBlocking(() -> SocketFiles.ownerOnly(socketPath), false);
                })
                .compose(x -> {
                    int more = shared.options().getInstances() - 1;
                    return more == 0 ? Future.succeededFuture() : deploy(tcp, more, null);
                })
                .map(x -> this);
    }

    private Future<Void> deploy(@Nullable SocketAddress tcp, int instances, NbdVerticle @Nullable [] created) {
        return vertx.deployVerticle(
                        () -> {
                            NbdVerticle v = new NbdVerticle(shared, tcp, created != null);
                            if (created != null) {
                                created[0] = v;
                            }
                            return v;
                        },
                        new DeploymentOptions().setInstances(instances))
                .onSuccess(deployments::add)
                .mapEmpty();
    }

    /** The TCP port listened on (the ephemeral one when 0 was asked for); -1 without a TCP listener. */
    public int port() {
        return port;
    }

    /** The Unix socket listened on, or null. */
    public @Nullable Path socketPath() {
        return shared.options().getSocketPath();
    }

    /** Requests, bytes and connections: register it with the gateway's metrics. */
    public NbdMetrics metrics() {
        return shared.metrics();
    }

    /** Block runs locked or waited for now (tests: every lock is released once its request has its reply). */
    int locksHeld() {
        return shared.locks().size();
    }

    /**
     * Stops accepting; connections stop reading requests, answer the ones in flight (up to the shutdown grace), then
     * close; the socket file is removed. Idempotent.
     */
    public synchronized Future<Void> close() {
        if (closing == null) {
            List<Future<Void>> undeployed =
                    deployments.stream().map(vertx::undeploy).toList();
            Path socketPath = shared.options().getSocketPath();
            closing = Future.join(undeployed)
                    .transform(x -> !socketBound
                            ? Future.succeededFuture()
                            : vertx.executeBlocking(() -> SocketFiles.remove(socketPath), false))
                    .mapEmpty();
        }
        return closing;
    }

    @Override
    public String toString() {
        return "NbdServer[port " + port + ", socket " + shared.options().getSocketPath() + "]";
    }
}
