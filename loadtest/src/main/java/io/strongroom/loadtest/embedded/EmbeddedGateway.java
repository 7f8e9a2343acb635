package io.strongroom.loadtest.embedded;

import io.strongroom.core.store.Durability;
import io.strongroom.crypto.AesNiReport;
import io.strongroom.loadtest.cli.LoadTestOptions;
import io.strongroom.loadtest.load.HttpClients;
import io.strongroom.loadtest.load.VolumeCreator;
import io.strongroom.loadtest.report.JvmFacts;
import io.strongroom.server.Gateway;
import io.strongroom.server.config.GatewayConfig;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The whole product in this process: the gateway (with its embedded local-vault) on loopback, an
 * ephemeral port and a temporary data directory, on its own Vert.x instance so it never shares event
 * loops with the load generator. {@link #close()} stops it and deletes the data directory.
 */
public final class EmbeddedGateway implements AutoCloseable {

    private final Vertx vertx;
    private final Gateway gateway;
    private final Path dataDir;

    private EmbeddedGateway(Vertx vertx, Gateway gateway, Path dataDir) {
        this.vertx = vertx;
        this.gateway = gateway;
        this.dataDir = dataDir;
    }

    /** Blocking: call from a plain thread. HTTP only. */
    public static EmbeddedGateway start(String durability, int eventLoops) throws IOException {
        return start(durability, eventLoops, false);
    }

    /**
     * Blocking: call from a plain thread. With {@code nbd} the gateway also serves every volume over NBD on an
     * ephemeral loopback port ({@link #nbdUri}).
     */
    public static EmbeddedGateway start(String durability, int eventLoops, boolean nbd) throws IOException {
        Path dataDir = Files.createTempDirectory("strongroom-embedded");
        GatewayConfig config = new GatewayConfig()
                .setHost("127.0.0.1")
                .setPort(0)
                .setDataDir(dataDir)
                .setDurability(Durability.parse(durability))
                .setEventLoops(eventLoops)
                .setNbdPort(nbd ? 0 : null);
        Vertx vertx = Vertx.vertx(Gateway.vertxOptions(config));
        try {
            return new EmbeddedGateway(vertx, Gateway.start(vertx, config).await(), dataDir);
        } catch (RuntimeException e) {
            vertx.close().await();
            deleteTree(dataDir);
            throw e;
        }
    }

    /**
     * The gateway's JVM as the report shows it: this process (heap, direct memory and collectors shared with the load
     * tool), the gateway's own AES-NI probe and its Vert.x instance's transport.
     */
    public JvmFacts jvmFacts() {
        AesNiReport aes = gateway.aesNi();
        return JvmFacts.ofThisJvm(
                "gateway, embedded in the load tool's JVM (heap, direct memory, GC shared)",
                String.format(
                        Locale.US,
                        "AES-GCM intrinsics %s, self-test %.0f MB/s; %s",
                        aes.intrinsicsOn() ? "on" : "OFF",
                        aes.selfTestMBps(),
                        new TreeMap<>(aes.vmFlags())
                                .entrySet().stream()
                                        .map(e -> e.getKey() + "=" + e.getValue())
                                        .collect(Collectors.joining(" "))),
                vertx.isNativeTransportEnabled() ? "epoll" : "nio");
    }

    public String baseUrl() {
        return gateway.baseUrl();
    }

    /** A token with every role, from the gateway's generated credentials; never printed. */
    public String adminToken() {
        return gateway.adminToken();
    }

    /** The NBD URI of a volume (the gateway started with NBD). */
    public String nbdUri(String volume) {
        if (gateway.nbdPort() < 0) {
            throw new IllegalStateException("the embedded gateway was started without NBD");
        }
        return "nbd://127.0.0.1:" + gateway.nbdPort() + "/" + volume;
    }

    /**
     * Creates the volumes of the options over HTTP (POST /v1/volumes with the admin token, as --create-volumes
     * does), for runs that then use them over NBD. Blocking.
     */
    public void createVolumes(LoadTestOptions o) {
        LoadTestOptions http = new LoadTestOptions()
                .targets(List.of(baseUrl()))
                .token(adminToken())
                .volumes(o.volumes())
                .workingSetBlocks(o.workingSetBlocks())
                .blockSize(o.blockSize())
                .requestTimeout(o.requestTimeout());
        Vertx client = HttpClients.clientVertx(1);
        try {
            VolumeCreator.createAll(HttpClients.create(client, http), http).await();
        } finally {
            client.close().await();
        }
    }

    public Path dataDir() {
        return dataDir;
    }

    @Override
    public void close() throws IOException {
        try {
            gateway.close().await();
        } finally {
            vertx.close().await();
            deleteTree(dataDir);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
