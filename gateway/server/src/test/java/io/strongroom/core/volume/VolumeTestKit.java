package io.strongroom.core.volume;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.strongroom.core.error.ErrorCode;
import io.strongroom.core.error.StrongroomException;
import io.strongroom.core.keys.IdentityConfig;
import io.strongroom.core.keys.KeyVaults;
import io.strongroom.core.keys.KeyVaultsConfig;
import io.strongroom.core.store.BlockStore;
import io.strongroom.core.store.MetadataStore;
import io.strongroom.core.store.StorageOptions;
import io.strongroom.core.store.cache.CachingBlockStore;
import io.strongroom.core.testkit.Await;
import io.strongroom.crypto.BlockSealer;
import io.strongroom.store.local.LocalFileBlockStore;
import io.strongroom.store.local.LocalFileBlockStoreOptions;
import io.strongroom.store.local.LocalFileStorageBackend;
import io.strongroom.vault.KeyVaultClientOptions;
import io.strongroom.vault.local.Identity;
import io.strongroom.vault.local.LocalVault;
import io.strongroom.vault.local.LocalVaultOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Test fixture: a real local-vault over HTTPS (its self-signed certificate trusted by vault-client), a real
 * {@link LocalFileBlockStore} in a temporary directory behind the slot cache (as the gateway runs it) and a
 * {@link DefaultVolumeService} over both, with
 * blocking helpers so tests read top to bottom. The service can be closed and reopened over the same directory.
 * One vault (and Vert.x instance) serves every test of the JVM: starting one costs a certificate and an RSA key,
 * so tests name their own keys and {@link #close()} clears any fault plan.
 */
final class VolumeTestKit implements AutoCloseable {
    static final String ADMIN_TOKEN = "admin-token";
    static final String GATEWAY_TOKEN = "gateway-token";
    static final String SERVICE_KEY = "service-kek";
    static final String API = "?api-version=7.4";
    /** A second vault identity, reached through local-vault's managed-identity and client-credentials endpoints. */
    static final String WORKLOAD_CLIENT_ID = "workload-client";

    static final String WORKLOAD_CLIENT_SECRET = "workload-secret";

    /** An identity that may get and wrap but not unwrap: a KEK round trip fails with it. */
    static final String WRAP_ONLY_TOKEN = "wrap-only-token";

    static final String WRAP_ONLY = "wrap-only";

    private static Vertx sharedVertx;
    private static LocalVault sharedVault;
    private static final AtomicInteger KEY_NAMES = new AtomicInteger();

    final Vertx vertx;
    final Path storeDir;
    final LocalVault vault;
    final WebClient admin;
    KeyVaults keys;
    /** The local store itself, for checks of its files and volumes. */
    LocalFileBlockStore files;
    /** What the service uses: {@link #files} behind the slot cache. */
    BlockStore store;

    MetadataStore metadata;
    DefaultVolumeService service;
    /** Applied to the service options on every open (tests set re-seal pace, key-watch interval...). */
    java.util.function.Consumer<VolumeServiceOptions> tuning = o -> {};
    /** Put in front of the store on every open (a test that holds some store answers wraps it). */
    java.util.function.UnaryOperator<BlockStore> storeWrapper = s -> s;
    /** Applied to the vault client options on every open (a test that wants calls to give up soon sets deadlines). */
    java.util.function.Consumer<KeyVaultClientOptions> vaultTuning = o -> {};

    private VolumeTestKit(Vertx vertx, Path storeDir, LocalVault vault) {
        this.vertx = vertx;
        this.storeDir = storeDir;
        this.vault = vault;
        this.admin = WebClient.create(
                vertx,
                new WebClientOptions()
                        .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(vault.certificatePem())))
                        .setVerifyHost(true));
    }

    /** Opens a service over an empty store in {@code tempDir}, against the shared vault. */
    static VolumeTestKit start(Path tempDir) {
        boolean firstUse = startSharedVault();
        VolumeTestKit kit = new VolumeTestKit(sharedVertx, tempDir.resolve("store"), sharedVault);
        if (firstUse) {
            kit.createKey(SERVICE_KEY);
        }
        kit.open();
        return kit;
    }

    /** Starts the JVM-wide vault (fault injection on) unless running; true if it was started now. */
    private static synchronized boolean startSharedVault() {
        if (sharedVault != null) {
            return false;
        }
        try {
            Path dir = Files.createTempDirectory("strongroom-volume-tests-vault");
            sharedVertx = Vertx.vertx();
            sharedVault = Await.result(LocalVault.start(
                    sharedVertx,
                    new LocalVaultOptions()
                            .setDataDir(dir)
                            .setFaultInjection(true)
                            .addIdentity(ADMIN_TOKEN, new Identity("admin", Set.of("all")))
                            .addIdentity(
                                    GATEWAY_TOKEN,
                                    new Identity("gateway", Set.of("get", "list", "wrapKey", "unwrapKey")))
                            .addIdentity(WRAP_ONLY_TOKEN, new Identity("wrap-only", Set.of("get", "wrapKey")))
                            .addIdentity(
                                    "workload-static-token",
                                    new Identity(
                                            "workload",
                                            Set.of("get", "wrapKey", "unwrapKey"),
                                            WORKLOAD_CLIENT_ID,
                                            WORKLOAD_CLIENT_SECRET))));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
            return true;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** A key name no other test of this JVM uses. */
    static String uniqueKeyName(String prefix) {
        return prefix + "-" + KEY_NAMES.incrementAndGet();
    }

    /** Opens the store and the service (the key vaults too) over {@link #storeDir}. */
    void open() {
        open(VolumeServiceOptions.DEFAULT_STARTUP_UNWRAP_CONCURRENCY);
    }

    void open(int startupUnwrapConcurrency) {
        keys = KeyVaults.create(vertx, keyVaultsConfig());
        LocalFileStorageBackend storage = Await.result(
                LocalFileStorageBackend.open(vertx, new LocalFileBlockStoreOptions().setDataDir(storeDir)));
        files = storage.blocks();
        store = storeWrapper.apply(new CachingBlockStore(files, StorageOptions.DEFAULT_CACHE_BYTES));
        metadata = storage.metadata();
        VolumeServiceOptions options = new VolumeServiceOptions()
                .setServiceKekId(keyUrl(SERVICE_KEY))
                .setUnwrapRetryInterval(Duration.ofMillis(100))
                .setStartupUnwrapConcurrency(startupUnwrapConcurrency);
        tuning.accept(options);
        service = Await.result(DefaultVolumeService.open(vertx, store, metadata, keys, BlockSealer.create(), options));
    }

    /** The shared vault as the default (gateway) identity, plus the wrap-only, managed and client-credentials ones. */
    KeyVaultsConfig keyVaultsConfig() {
        KeyVaultClientOptions vaultClient = new KeyVaultClientOptions()
                .setVaultUrl(vault.vaultUrl())
                .setTrustPem(vault.certificatePem())
                // Generous: a loaded machine answers slowly (tight deadlines made set-up fail on one core).
                .setCallDeadline(Duration.ofSeconds(60))
                .setAttemptTimeout(Duration.ofSeconds(20))
                .setMaxRetries(1);
        vaultTuning.accept(vaultClient);
        return new KeyVaultsConfig()
                .addVault(vaultClient)
                .addIdentity(KeyVaultsConfig.DEFAULT_IDENTITY, new IdentityConfig.StaticToken(GATEWAY_TOKEN))
                .addIdentity(WRAP_ONLY, new IdentityConfig.StaticToken(WRAP_ONLY_TOKEN))
                .addIdentity(
                        "managed",
                        new IdentityConfig.ManagedIdentity(vault.baseUrl(), WORKLOAD_CLIENT_ID, vault.certificatePem()))
                .addIdentity(
                        "app",
                        new IdentityConfig.ClientCredentials(
                                vault.baseUrl(),
                                LocalVaultOptions.DEFAULT_TENANT_ID,
                                WORKLOAD_CLIENT_ID,
                                WORKLOAD_CLIENT_SECRET,
                                vault.certificatePem()));
    }

    /** Graceful close of the service (and its store) and the key vaults. */
    void closeService() {
        Await.result(service.close());
        Await.result(keys.close());
    }

    /** Close and open again over the same directory: a clean restart. */
    void restart() {
        closeService();
        open();
    }

    String keyUrl(String name) {
        return vault.vaultUrl() + "/keys/" + name;
    }

    /** Creates an RSA-2048 key in the vault; returns its versioned kid. */
    String createKey(String name) {
        HttpResponse<Buffer> r = vaultCall(
                HttpMethod.POST,
                "/keys/" + name + "/create" + API,
                new JsonObject().put("kty", "RSA").put("key_size", 2048));
        assertEquals(200, r.statusCode(), () -> "create key: " + r.bodyAsString());
        return r.bodyAsJsonObject().getJsonObject("key").getString("kid");
    }

    /** Creates an RSA-2048 key with attributes (nbf, exp as epoch seconds, enabled); returns its versioned kid. */
    String createKey(String name, JsonObject attributes) {
        HttpResponse<Buffer> r = vaultCall(
                HttpMethod.POST,
                "/keys/" + name + "/create" + API,
                new JsonObject().put("kty", "RSA").put("key_size", 2048).put("attributes", attributes));
        assertEquals(200, r.statusCode(), () -> "create key: " + r.bodyAsString());
        return r.bodyAsJsonObject().getJsonObject("key").getString("kid");
    }

    /** A new version of the key (the vault's rotate); returns its versioned kid. */
    String rotateKey(String name) {
        HttpResponse<Buffer> r = vaultCall(HttpMethod.POST, "/keys/" + name + "/rotate" + API, new JsonObject());
        assertEquals(200, r.statusCode(), () -> "rotate key: " + r.bodyAsString());
        return r.bodyAsJsonObject().getJsonObject("key").getString("kid");
    }

    /** Updates the attributes of a key version (kid with version). */
    void updateAttributes(String versionedKid, JsonObject attributes) {
        String path = versionedKid.substring(vault.vaultUrl().length());
        HttpResponse<Buffer> r =
                vaultCall(HttpMethod.PATCH, path + API, new JsonObject().put("attributes", attributes));
        assertEquals(200, r.statusCode(), () -> "update key: " + r.bodyAsString());
    }

    /** The volume's metadata document as stored. */
    JsonObject metadataDocument(VolumeInfo info) {
        return new JsonObject(Await.result(metadata.read(info.id())).orElseThrow());
    }

    /** Enables or disables a key version (kid with version) in the vault. */
    void setEnabled(String versionedKid, boolean enabled) {
        String path = versionedKid.substring(vault.vaultUrl().length());
        HttpResponse<Buffer> r = vaultCall(
                HttpMethod.PATCH,
                path + API,
                new JsonObject().put("attributes", new JsonObject().put("enabled", enabled)));
        assertEquals(200, r.statusCode(), () -> "update key: " + r.bodyAsString());
    }

    /** Replaces local-vault's fault plan ({} = no faults). */
    void faults(JsonObject plan) {
        HttpResponse<Buffer> r = Await.result(admin.requestAbs(HttpMethod.PUT, vault.baseUrl() + "/_admin/faults")
                .sendJsonObject(plan));
        assertEquals(200, r.statusCode(), () -> "faults: " + r.bodyAsString());
    }

    /** How many requests local-vault's fault injection has swallowed (blackholed) so far, over all tests. */
    long blackholedRequests() {
        HttpResponse<Buffer> r = Await.result(admin.requestAbs(HttpMethod.GET, vault.baseUrl() + "/_admin/faults")
                .send());
        assertEquals(200, r.statusCode(), () -> "faults: " + r.bodyAsString());
        return r.bodyAsJsonObject().getJsonObject("injected").getLong("blackholed");
    }

    private HttpResponse<Buffer> vaultCall(HttpMethod method, String pathAndQuery, JsonObject body) {
        return Await.result(admin.requestAbs(method, vault.baseUrl() + pathAndQuery)
                .putHeader("Authorization", "Bearer " + ADMIN_TOKEN)
                .sendJsonObject(body));
    }

    /** Every regular file under the store directory. */
    Stream<Path> storeFiles() {
        try {
            return Files.walk(storeDir).filter(Files::isRegularFile).toList().stream();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** The slots file of a volume. */
    Path slotsFile(VolumeInfo info) {
        return storeDir.resolve(info.id().toString()).resolve("slots.dat");
    }

    static Buffer pattern(int blockSize, int count, int seed) {
        byte[] bytes = new byte[blockSize * count];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (seed * 31 + i * 7 + (i >>> 8));
        }
        return Buffer.buffer(bytes);
    }

    /** Awaits a future that must fail with {@code code}; returns the exception. */
    static StrongroomException awaitFailure(Future<?> future, ErrorCode code) {
        StrongroomException e = Await.failure(future, StrongroomException.class);
        assertEquals(code, e.code(), () -> "message: " + e.getMessage());
        return e;
    }

    /** Closes the service; the shared vault keeps running, without faults. */
    @Override
    public void close() {
        try {
            if (service != null) {
                closeService();
            }
        } finally {
            faults(new JsonObject());
            admin.close();
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort at JVM exit: the directory is under the system temp dir
        }
    }
}
