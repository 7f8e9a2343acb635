package io.strongroom.server;

import io.strongroom.core.embed.Strongroom;
import io.strongroom.core.embed.StrongroomOptions;
import io.strongroom.core.keys.DefaultKeyAdministration;
import io.strongroom.core.keys.IdentityConfig;
import io.strongroom.core.keys.KeyAccessRule;
import io.strongroom.core.keys.KeyVaults;
import io.strongroom.core.keys.KeyVaultsConfig;
import io.strongroom.core.metrics.MetricCatalog;
import io.strongroom.core.metrics.MetricsRegistry;
import io.strongroom.core.store.BlockStore;
import io.strongroom.core.store.StorageBackend;
import io.strongroom.core.store.StorageBackends;
import io.strongroom.core.store.StorageOptions;
import io.strongroom.core.volume.VolumeService;
import io.strongroom.core.volume.VolumeServiceOptions;
import io.strongroom.crypto.AesNiReport;
import io.strongroom.crypto.TlsPolicy;
import io.strongroom.http.HttpApi;
import io.strongroom.http.HttpServerVerticle;
import io.strongroom.nbd.NbdOptions;
import io.strongroom.nbd.NbdServer;
import io.strongroom.server.config.ConfigException;
import io.strongroom.server.config.GatewayConfig;
import io.strongroom.server.config.KeyAccessConfig;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.ServerSSLOptions;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The running gateway: embedded or external key vault, storage backend, volume service, one HTTP verticle per
 * event loop and, when {@code nbd.port} or {@code nbd.socket} is set, the NBD server beside them. Used by
 * {@link Main}, the tests and {@code loadtest --embedded}.
 */
public final class Gateway {
    private static final System.Logger LOG = System.getLogger(Gateway.class.getName());
    /** How often vault latency is sampled even without a metrics scrape (the clients warn when sampled). */
    private static final long VAULT_LATENCY_SAMPLE_MILLIS = 30_000;

    private final Vertx vertx;
    private final GatewayConfig config;
    private final List<String> deployments = new CopyOnWriteArrayList<>();
    private StartupMaterial material;
    private DataDirLock dataDirLock;
    private EmbeddedVault embeddedVault;
    private Strongroom strongroom;
    private KeyVaults keyVaults;
    private KeyAccessRule keyAccess;
    private StorageBackend storage;
    private BlockStore store;
    private VolumeService volumes;
    private HttpApi api;
    private MetricsRegistry metrics;
    private NbdServer nbd;
    private int httpPort;
    private long latencyTimer = -1;
    private boolean closed;

    private Gateway(Vertx vertx, GatewayConfig config) {
        this.vertx = vertx;
        this.config = config;
    }

    /**
     * Vert.x options for a gateway process: one event loop per configured loop, native transport preferred. An event
     * loop blocked past Vert.x's limit (2 s) is logged with the stack it is blocked in, not only after 5 s as by
     * default: a block that long is rare and the stack is what says where it came from.
     */
    public static VertxOptions vertxOptions(GatewayConfig config) {
        VertxOptions options =
                new VertxOptions().setEventLoopPoolSize(config.getEventLoops()).setPreferNativeTransport(true);
        return options.setWarningExceptionTime(options.getMaxEventLoopExecuteTime())
                .setWarningExceptionTimeUnit(options.getMaxEventLoopExecuteTimeUnit());
    }

    /** Starts everything; on failure, whatever was started is closed again and the future fails. */
    public static Future<Gateway> start(Vertx vertx, GatewayConfig config) {
        try {
            config.validate();
        } catch (ConfigException e) {
            return Future.failedFuture(e);
        }
        TlsPolicy.configureJdkEngine();
        Gateway gateway = new Gateway(vertx, config);
        return gateway.startAll().recover(e -> gateway.close().transform(ignored -> Future.failedFuture(e)));
    }

    private Future<Gateway> startAll() {
        return vertx.executeBlocking(
                        () -> {
                            // Before anything else touches the data directory: one gateway per directory.
                            dataDirLock = DataDirLock.acquire(config.getDataDir());
                            // A port in use fails the start now, not after the vault and every volume have opened.
                            checkCanListen(config.getHost(), config.getPort(), "HTTP");
                            if (config.getNbdPort() != null) {
                                checkCanListen(config.getNbdHost(), config.getNbdPort(), "NBD");
                            }
                            // netty-tcnative's native library and its static set-up load here, on a worker, not on
                            // an event loop at the first TLS client or server (0.2 s, seconds on a loaded machine)
                            ServerOptionsFactory.openSslAvailable();
                            return StartupMaterial.load(config);
                        },
                        false)
                .compose(m -> {
                    material = m;
                    LOG.log(
                            m.aesNi().intrinsicsOn() ? Level.INFO : Level.WARNING,
                            m.aesNi().summaryLine());
                    return config.vault().embedded()
                            ? startEmbeddedVault()
                            : Future.succeededFuture(ExternalVaults.from(config, m));
                })
                .compose(vaults -> openStore().compose(backend -> Strongroom.start(strongroomOptions(vaults, backend))))
                .compose(started -> {
                    strongroom = started;
                    keyVaults = started.keyVaults();
                    keyAccess = started.keyAccess();
                    volumes = started.volumes();
                    return deployHttp();
                })
                .compose(v -> config.nbdEnabled() ? startNbd() : Future.succeededFuture())
                .map(v -> {
                    LOG.log(
                            Level.INFO,
                            "Strongroom gateway on {0} ({1} event loops, transport {2}, TLS engine {3}); credentials file {4}",
                            baseUrl(),
                            config.getEventLoops(),
                            transportName(),
                            tlsEngineName(),
                            credentialsFile());
                    return this;
                });
    }

    /** The key vaults to use and the service KEK id. */
    record Vaults(KeyVaultsConfig keyVaultsConfig, String serviceKekId) {}

    /** Volumes, keys and the key-access rule over {@code backend}, wired by the embedding API. */
    private StrongroomOptions strongroomOptions(Vaults vaults, StorageBackend backend) {
        KeyAccessConfig ka = config.keyAccess();
        return new StrongroomOptions()
                .setVertx(vertx)
                .setStorageBackend(backend)
                .setReplicaDirectory(config.getDataDir().resolve("replicas"))
                .setKeyVaults(vaults.keyVaultsConfig().setPkcs11(config.hsm().toPkcs11Config()))
                .setKeyAccess(new KeyAccessRule.Settings(
                        ka.getGracePeriod(),
                        ka.getProbeInterval(),
                        ka.getAlertWebhooks(),
                        config.getDataDir().resolve("activity.log")))
                .setVolumes(new VolumeServiceOptions()
                        .setServiceKekId(vaults.serviceKekId())
                        // auto-follow and DEK age checks ride on the key-access probe interval
                        .setKeyWatchInterval(ka.getProbeInterval())
                        .setResealBlocksPerSecond(ka.getResealBlocksPerSecond())
                        .setDekMaxAge(ka.getDekMaxAge()));
    }

    private Future<Vaults> startEmbeddedVault() {
        return EmbeddedVault.start(vertx, config.getDataDir(), config.vault())
                .compose(v -> {
                    embeddedVault = v;
                    return v.ensureServiceKey(vertx);
                })
                .map(x -> new Vaults(
                        new KeyVaultsConfig()
                                .addVault(embeddedVault.clientOptions)
                                .addIdentity(
                                        EmbeddedVault.IDENTITY, new IdentityConfig.StaticToken(embeddedVault.token))
                                .setDefaultIdentity(EmbeddedVault.IDENTITY),
                        EmbeddedVault.serviceKekId()));
    }

    /** The configured storage backend (by name, see {@link StorageBackends}), files under {@code <dataDir>/volumes}. */
    private Future<StorageBackend> openStore() {
        int bound = config.limits().getStorageQueueBound();
        // HTTP takes one store write per request; NBD, with its own bound, up to storeWritesPerRequest each.
        int nbdWrites =
                config.nbdEnabled() ? bound * NbdOptions.storeWritesPerRequest(config.getNbdMaxRequestBytes()) : 0;
        StorageOptions options = new StorageOptions()
                .setBackend(config.getStorageBackend())
                .setDataDir(config.getDataDir().resolve("volumes"))
                .setDurability(config.getDurability())
                .setCacheBytes(config.getCacheBytes())
                .setCephConf(config.getCephConf())
                .setCephPool(config.getCephPool())
                .setCephNamespace(config.getCephNamespace())
                .setCephLeaseSeconds(config.getCephLeaseSeconds())
                .setMaxPendingWrites(Math.max(StorageOptions.DEFAULT_MAX_PENDING_WRITES, 2 * bound + nbdWrites))
                .setMaxRequestBytes(Math.max(
                        StorageOptions.DEFAULT_MAX_REQUEST_BYTES,
                        2 * config.limits().getMaxBodyBytes()));
        return StorageBackends.open(vertx, options).onSuccess(s -> {
            storage = s;
            store = s.blocks();
        });
    }

    private Future<Void> deployHttp() {
        GatewayObservability observability = new GatewayObservability(
                keyVaults, volumes, store, config.getDurability(), material.aesNi(), transportName(), tlsEngineName());
        metrics = new MetricsRegistry();
        api = new HttpApi(
                volumes,
                strongroom.replicas(),
                material.credentials().tokens(),
                metrics,
                observability,
                new DefaultKeyAdministration(volumes, keyVaults, keyAccess),
                config.limits());
        observability.registerMetrics(metrics);
        keyAccess.registerMetrics(metrics);
        strongroom.replicas().registerMetrics(metrics);
        metrics.register(out -> {
            out.family(MetricCatalog.PLAINTEXT_BUFFERS_IN_USE);
            out.sample(MetricCatalog.PLAINTEXT_BUFFERS_IN_USE, volumes.directBuffersInUse());
        });
        latencyTimer = vertx.setPeriodic(VAULT_LATENCY_SAMPLE_MILLIS, id -> observability.sampleVaultLatency());
        if (config.getPort() != 0) {
            httpPort = config.getPort();
            return deploy(httpPort, config.getEventLoops());
        }
        // Port 0: Vert.x would give every instance its own ephemeral port, so pick one free port for all of them.
        return vertx.executeBlocking(this::freePort, false).compose(port -> {
            httpPort = port;
            return deploy(port, config.getEventLoops());
        });
    }

    /**
     * The NBD server over the same volumes: its listeners on the HTTP frontend's event loops, its request bound the
     * storage queue bound, its shutdown grace the request timeout; off loopback STARTTLS with the gateway's
     * certificate and TLS engine (OpenSSL when it loads, as HTTP) and required client certificates, whose CN names an
     * entry of the token store (its grants apply).
     */
    private Future<Void> startNbd() {
        NbdOptions options = new NbdOptions()
                .setHost(config.getNbdHost())
                .setPort(config.getNbdPort() == null ? -1 : config.getNbdPort())
                .setSocketPath(config.getNbdSocket())
                .setMaxRequestBytes(config.getNbdMaxRequestBytes())
                .setMaxConnectionBytesInFlight(
                        Math.max(NbdOptions.DEFAULT_MAX_CONNECTION_BYTES_IN_FLIGHT, 2 * config.getNbdMaxRequestBytes()))
                .setStorageQueueBound(config.limits().getStorageQueueBound())
                .setInstances(config.getEventLoops())
                .setShutdownGrace(config.limits().getRequestTimeout());
        if (config.nbdNeedsTls()) {
            ServerOptionsFactory.TlsMaterial tls = material.tls();
            ServerSSLOptions ssl = new ServerSSLOptions()
                    .setKeyCertOptions(new PemKeyCertOptions()
                            .setCertValue(tls.certChain())
                            .setKeyValue(tls.privateKey()))
                    .setTrustOptions(new PemTrustOptions().addCertValue(tls.clientCa()))
                    .setEnabledSecureTransportProtocols(TlsPolicy.PROTOCOLS);
            TlsPolicy.CIPHER_SUITES.forEach(ssl::addEnabledCipherSuite);
            options.setTls(ssl)
                    .setSslEngine(
                            ServerOptionsFactory.openSslAvailable()
                                    ? new OpenSSLEngineOptions()
                                    : new JdkSSLEngineOptions())
                    .setPrincipals(name -> material.credentials().tokens().entries().stream()
                            .filter(e -> e.name().equals(name))
                            .map(e -> e.principal())
                            .findFirst()
                            .orElse(null));
        }
        return NbdServer.start(vertx, volumes, options).map(server -> {
            nbd = server;
            metrics.register(server.metrics());
            if (server.port() >= 0) {
                boolean loopback = !config.nbdNeedsTls();
                LOG.log(
                        loopback ? Level.WARNING : Level.INFO,
                        loopback
                                ? "NBD on nbd://{0}:{1}/<volume> without TLS: every local user can connect and read and"
                                        + " write every volume (NBD has no authentication); prefer nbd.socket (mode 0600)"
                                : "NBD on nbds://{0}:{1}/<volume>: STARTTLS and a client certificate naming a token"
                                        + " are required",
                        config.getNbdHost(),
                        String.valueOf(server.port()));
            }
            if (server.socketPath() != null) {
                LOG.log(Level.INFO, "NBD on nbd+unix:///<volume>?socket={0} (mode 0600)", server.socketPath());
            }
            return null;
        });
    }

    private int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName(config.getHost()))) {
            return probe.getLocalPort();
        }
    }

    private Future<Void> deploy(int port, int instances) {
        var options = ServerOptionsFactory.create(config, port, material.tls());
        return vertx.deployVerticle(
                        () -> new HttpServerVerticle(
                                api, options, config.limits().getRequestTimeout()),
                        new DeploymentOptions().setInstances(instances))
                .onSuccess(deployments::add)
                .recover(e -> Future.failedFuture(cannotListen(config.getHost(), port, "HTTP", e)))
                .mapEmpty();
    }

    /**
     * Binds {@code host:port} and lets it go again (with SO_REUSEADDR, as the servers bind), so that a port taken by
     * another process ends start-up at once with the address in the message. Port 0 always binds.
     */
    private static void checkCanListen(String host, int port, String what) {
        if (port == 0) {
            return;
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(host, port));
        } catch (IOException e) {
            throw cannotListen(host, port, what, e);
        }
    }

    private static IllegalStateException cannotListen(String host, int port, String what, Throwable cause) {
        String setting = what.equals("HTTP") ? "listen.port, --port" : "nbd.port, --nbd-port";
        return new IllegalStateException(
                "cannot listen for " + what + " on " + host + ":" + port + " (" + setting + ")", cause);
    }

    /**
     * Graceful shutdown: stop accepting and let requests in progress finish (up to the request timeout), NBD and HTTP
     * both, then flush and close the volumes (files closed, DEKs destroyed), the vault clients and the embedded vault.
     */
    public Future<Void> close() {
        if (closed) {
            return Future.succeededFuture();
        }
        closed = true;
        vertx.cancelTimer(latencyTimer);
        List<Future<Void>> undeploys = new ArrayList<>();
        if (nbd != null) {
            undeploys.add(nbd.close());
        }
        deployments.forEach(id -> undeploys.add(vertx.undeploy(id)));
        return Future.join(undeploys)
                .transform(x -> strongroom != null
                        ? strongroom.close()
                        : storage != null ? storage.close() : Future.succeededFuture())
                .transform(x -> embeddedVault != null ? embeddedVault.close() : Future.succeededFuture())
                .andThen(x -> {
                    // Last: everything that writes to the data directory is closed.
                    if (dataDirLock != null) {
                        dataDirLock.close();
                    }
                })
                .onComplete(x -> LOG.log(Level.INFO, "Strongroom gateway stopped"))
                .mapEmpty();
    }

    /** The actual HTTP port (the ephemeral one when the configured port is 0). */
    public int httpPort() {
        return httpPort;
    }

    /** The actual NBD TCP port (the ephemeral one when {@code nbd.port} is 0); -1 when NBD is not served on TCP. */
    public int nbdPort() {
        return nbd == null ? -1 : nbd.port();
    }

    /** The NBD Unix socket, or null when NBD is not served on one. */
    public Path nbdSocket() {
        return nbd == null ? null : nbd.socketPath();
    }

    public String baseUrl() {
        String host = config.getHost();
        if (host.equals("0.0.0.0") || host.equals("::")) {
            host = "127.0.0.1";
        } else if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return (config.tls().enabled() ? "https" : "http") + "://" + host + ":" + httpPort;
    }

    /** The 0600 file with the tokens generated on first start (it may have been removed by the operator since). */
    public Path credentialsFile() {
        return material.credentials().credentialsFile();
    }

    /** The generated admin token (all roles), or null when the credentials file no longer holds it. */
    public String adminToken() {
        return material.adminToken();
    }

    /** The AES-NI probe run at start-up (intrinsics, self-test speed, the JVM's AES flags). */
    public AesNiReport aesNi() {
        return material.aesNi();
    }

    /** The volume service (for in-process callers and tests). */
    public VolumeService volumes() {
        return volumes;
    }

    /** The HTTP layer's shared state (request metrics, requests in flight). */
    public HttpApi httpApi() {
        return api;
    }

    public GatewayConfig config() {
        return config;
    }

    private String transportName() {
        return vertx.isNativeTransportEnabled() ? "epoll" : "nio";
    }

    private String tlsEngineName() {
        if (!config.tls().enabled()) {
            return "none";
        }
        return ServerOptionsFactory.openSslAvailable() ? "openssl" : "jdk";
    }

    @Override
    public String toString() {
        return "Gateway[" + (httpPort == 0 ? "starting" : baseUrl()) + "]";
    }
}
