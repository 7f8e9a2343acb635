package io.strongroom.nbd;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.SocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/** The listeners of one event loop: TCP and/or the Unix socket; every connection they accept stays on this loop. */
final class NbdVerticle extends VerticleBase {
    private final NbdServer.Shared shared;
    private final @Nullable SocketAddress tcpAddress;
    private final boolean unixSocket;
    private final List<NetServer> servers = new ArrayList<>();
    private volatile int port = -1;

    /**
     * @param tcpAddress the TCP address (the same object for every instance, so they share one bound socket), or null
     * @param unixSocket whether this instance binds the Unix socket (only one does: Vert.x shares TCP listeners
     *     between event loops, not Unix ones)
     */
    NbdVerticle(NbdServer.Shared shared, @Nullable SocketAddress tcpAddress, boolean unixSocket) {
        this.shared = shared;
        this.tcpAddress = tcpAddress;
        this.unixSocket = unixSocket;
    }

    @Override
    public Future<?> start() {
        NbdOptions options = shared.options();
        List<Future<NetServer>> listening = new ArrayList<>();
        if (tcpAddress != null) {
            NetServer tcp = vertx.createNetServer(serverOptions());
            boolean tls = shared.tls() != null;
            tcp.connectHandler(s -> new NbdConnection(shared, s, context, tls).start());
            servers.add(tcp);
            listening.add(tcp.listen(tcpAddress).onSuccess(s -> port = s.actualPort()));
        }
        Path socketPath = options.getSocketPath();
        if (unixSocket && socketPath != null) {
            NetServer unix = vertx.createNetServer(serverOptions());
            unix.connectHandler(s -> new NbdConnection(shared, s, context, false).start());
            servers.add(unix);
            listening.add(unix.listen(SocketAddress.domainSocketAddress(socketPath.toString())));
        }
        return Future.all(listening);
    }

    private NetServerOptions serverOptions() {
        NetServerOptions options = new NetServerOptions().setTcpNoDelay(true).setReuseAddress(true);
        if (shared.options().getSslEngine() != null) {
            options.setSslEngineOptions(shared.options().getSslEngine());
        }
        return options;
    }

    /** The TCP port bound, -1 for none. */
    int port() {
        return port;
    }

    @Override
    public Future<?> stop() {
        long grace = shared.options().getShutdownGrace().toMillis();
        return Future.join(servers.stream()
                .map(s -> s.shutdown(grace, TimeUnit.MILLISECONDS))
                .toList());
    }
}
