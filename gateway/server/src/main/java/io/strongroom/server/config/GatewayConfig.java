package io.strongroom.server.config;

import io.strongroom.core.keys.IdentityConfig;
import io.strongroom.core.store.Durability;
import io.strongroom.core.store.StorageBackends;
import io.strongroom.core.store.StorageOptions;
import io.strongroom.http.LimitsConfig;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Everything the gateway needs to start: plain data with {@code DEFAULT_*} constants and fluent setters.
 * {@link ConfigLoader} fills it from a file, the environment and flags; {@link #validate()} checks the
 * combination and fails with one line naming the setting.
 */
public class GatewayConfig {
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;
    public static final Path DEFAULT_DATA_DIR = Path.of("strongroom-data");
    public static final Durability DEFAULT_DURABILITY = Durability.FSYNC;
    public static final long DEFAULT_CACHE_BYTES = StorageOptions.DEFAULT_CACHE_BYTES;
    public static final String DEFAULT_STORAGE_BACKEND = StorageOptions.DEFAULT_BACKEND;
    public static final boolean DEFAULT_ALLOW_PLAIN_HTTP_OFF_LOOPBACK = false;
    public static final String DEFAULT_NBD_HOST = "127.0.0.1";
    public static final int DEFAULT_NBD_MAX_REQUEST_BYTES = 32 * 1024 * 1024;
    public static final int MIN_NBD_MAX_REQUEST_BYTES = 1024 * 1024;
    public static final int MAX_NBD_MAX_REQUEST_BYTES = 256 * 1024 * 1024;
    /** Name of the service KEK created in the embedded vault. */
    public static final String EMBEDDED_SERVICE_KEK_NAME = "strongroom-service-key";

    /** One event loop (and one HTTP verticle) per core by default. */
    public static int defaultEventLoops() {
        return Runtime.getRuntime().availableProcessors();
    }

    private String host = DEFAULT_HOST;
    private int port = DEFAULT_PORT;
    private final TlsConfig tls = new TlsConfig();
    private boolean allowPlainHttpOffLoopback = DEFAULT_ALLOW_PLAIN_HTTP_OFF_LOOPBACK;
    private Path dataDir = DEFAULT_DATA_DIR;
    private Durability durability = DEFAULT_DURABILITY;
    private long cacheBytes = DEFAULT_CACHE_BYTES;
    private String storageBackend = DEFAULT_STORAGE_BACKEND;
    private @Nullable Path cephConf;
    private String cephPool = StorageOptions.DEFAULT_CEPH_POOL;
    private String cephNamespace = "";
    private long cephLeaseSeconds = StorageOptions.DEFAULT_CEPH_LEASE_SECONDS;
    private int eventLoops = defaultEventLoops();
    private final LimitsConfig limits = new LimitsConfig();
    private final VaultConfig vault = new VaultConfig();
    private final KeyAccessConfig keyAccess = new KeyAccessConfig();
    private final HsmConfig hsm = new HsmConfig();
    private final Map<String, IdentityConfig> identities = new LinkedHashMap<>();
    private String serviceKek;
    private Integer nbdPort;
    private String nbdHost = DEFAULT_NBD_HOST;
    private Path nbdSocket;
    private int nbdMaxRequestBytes = DEFAULT_NBD_MAX_REQUEST_BYTES;
    private LogFormat logFormat = LogFormat.HUMAN;
    private final List<String> loadWarnings = new ArrayList<>();

    public String getHost() {
        return host;
    }

    public GatewayConfig setHost(String host) {
        this.host = host;
        return this;
    }

    public int getPort() {
        return port;
    }

    /** 0 = an ephemeral port (tests); see {@code Gateway.httpPort()}. */
    public GatewayConfig setPort(int port) {
        this.port = port;
        return this;
    }

    public TlsConfig tls() {
        return tls;
    }

    public boolean isAllowPlainHttpOffLoopback() {
        return allowPlainHttpOffLoopback;
    }

    public GatewayConfig setAllowPlainHttpOffLoopback(boolean allow) {
        this.allowPlainHttpOffLoopback = allow;
        return this;
    }

    public Path getDataDir() {
        return dataDir;
    }

    public GatewayConfig setDataDir(Path dataDir) {
        this.dataDir = dataDir;
        return this;
    }

    public Durability getDurability() {
        return durability;
    }

    public GatewayConfig setDurability(Durability durability) {
        this.durability = durability;
        return this;
    }

    public long getCacheBytes() {
        return cacheBytes;
    }

    public GatewayConfig setCacheBytes(long cacheBytes) {
        this.cacheBytes = cacheBytes;
        return this;
    }

    public String getStorageBackend() {
        return storageBackend;
    }

    /** The storage backend by name ({@code local}: files under {@code <dataDir>/volumes}). */
    public GatewayConfig setStorageBackend(String storageBackend) {
        this.storageBackend = storageBackend;
        return this;
    }

    public @Nullable Path getCephConf() {
        return cephConf;
    }

    /** The {@code ceph} backend's ceph.conf; required when {@link #getStorageBackend()} is {@code ceph}. */
    public GatewayConfig setCephConf(@Nullable Path cephConf) {
        this.cephConf = cephConf;
        return this;
    }

    public String getCephPool() {
        return cephPool;
    }

    public GatewayConfig setCephPool(String cephPool) {
        this.cephPool = cephPool;
        return this;
    }

    public String getCephNamespace() {
        return cephNamespace;
    }

    public GatewayConfig setCephNamespace(String cephNamespace) {
        this.cephNamespace = cephNamespace;
        return this;
    }

    public long getCephLeaseSeconds() {
        return cephLeaseSeconds;
    }

    public GatewayConfig setCephLeaseSeconds(long cephLeaseSeconds) {
        this.cephLeaseSeconds = cephLeaseSeconds;
        return this;
    }

    public int getEventLoops() {
        return eventLoops;
    }

    public GatewayConfig setEventLoops(int eventLoops) {
        this.eventLoops = eventLoops;
        return this;
    }

    public LimitsConfig limits() {
        return limits;
    }

    /** Grace period, probe interval and alert webhooks of the key-access rule. */
    public KeyAccessConfig keyAccess() {
        return keyAccess;
    }

    public VaultConfig vault() {
        return vault;
    }

    /** The PKCS#11 token for KEKs ({@code pkcs11:} key ids); off unless {@code hsm.token} is set. */
    public HsmConfig hsm() {
        return hsm;
    }

    /** Vault identities by name (see {@link VaultConfig#getIdentity()}); empty for the embedded vault. */
    public Map<String, IdentityConfig> identities() {
        return identities;
    }

    public GatewayConfig putIdentity(String name, IdentityConfig identity) {
        identities.put(name, identity);
        return this;
    }

    public String getServiceKek() {
        return serviceKek;
    }

    /** Key identifier URL of the service KEK in an external vault; null with the embedded vault (created there). */
    public GatewayConfig setServiceKek(String serviceKek) {
        this.serviceKek = serviceKek;
        return this;
    }

    /** The NBD TCP port (0 = ephemeral, see {@code Gateway.nbdPort()}), or null: no NBD over TCP (the default). */
    public Integer getNbdPort() {
        return nbdPort;
    }

    public GatewayConfig setNbdPort(Integer nbdPort) {
        this.nbdPort = nbdPort;
        return this;
    }

    public String getNbdHost() {
        return nbdHost;
    }

    /** The NBD TCP address; off loopback, TLS with client certificates is required. */
    public GatewayConfig setNbdHost(String nbdHost) {
        this.nbdHost = nbdHost;
        return this;
    }

    /** The NBD Unix socket (mode 0600), or null: none (the default). */
    public Path getNbdSocket() {
        return nbdSocket;
    }

    public GatewayConfig setNbdSocket(Path nbdSocket) {
        this.nbdSocket = nbdSocket;
        return this;
    }

    public int getNbdMaxRequestBytes() {
        return nbdMaxRequestBytes;
    }

    /** The largest NBD read or write payload, advertised as the maximum block size. */
    public GatewayConfig setNbdMaxRequestBytes(int nbdMaxRequestBytes) {
        this.nbdMaxRequestBytes = nbdMaxRequestBytes;
        return this;
    }

    public LogFormat getLogFormat() {
        return logFormat;
    }

    /** How the log is written to standard error (default {@link LogFormat#HUMAN}). */
    public GatewayConfig setLogFormat(LogFormat logFormat) {
        this.logFormat = logFormat;
        return this;
    }

    /** What loading the configuration found suspicious but not fatal (an unknown STRONGROOM_* variable), to log. */
    public List<String> loadWarnings() {
        return List.copyOf(loadWarnings);
    }

    void addLoadWarning(String line) {
        loadWarnings.add(line);
    }

    /** True when NBD is served at all: a TCP port or a Unix socket is set. */
    public boolean nbdEnabled() {
        return nbdPort != null || nbdSocket != null;
    }

    /** True when NBD over TCP needs TLS: its address is not loopback. */
    public boolean nbdNeedsTls() {
        return nbdPort != null && !isLoopback(nbdHost);
    }

    /** Checks the combination of settings; throws {@link ConfigException} naming the first bad one. */
    public GatewayConfig validate() {
        if (host == null || host.isBlank()) {
            throw ConfigException.invalid(Settings.HOST, String.valueOf(host), "a host name or IP address");
        }
        checkRange(Settings.PORT, port, 0, 65535);
        checkRange(Settings.EVENT_LOOPS, eventLoops, 1, 1024);
        checkRange(Settings.MAX_BLOCKS_PER_REQUEST, limits.getMaxBlocksPerRequest(), 1, 1 << 16);
        checkRange(Settings.MAX_BODY_BYTES, limits.getMaxBodyBytes(), 4096, Integer.MAX_VALUE);
        checkRange(Settings.MAX_CONCURRENT_REQUESTS, limits.getMaxConcurrentRequests(), 1, Integer.MAX_VALUE);
        checkRange(Settings.STORAGE_QUEUE_BOUND, limits.getStorageQueueBound(), 1, Integer.MAX_VALUE);
        checkRange(Settings.MAX_CONNECTIONS, limits.getMaxConnections(), 1, Integer.MAX_VALUE);
        checkRange(Settings.MAX_STREAMS_PER_CONNECTION, limits.getMaxStreamsPerConnection(), 1, Integer.MAX_VALUE);
        checkRange(
                Settings.MAX_STORAGE_SLOTS_PER_CONNECTION,
                limits.getMaxStorageSlotsPerConnection(),
                1,
                Integer.MAX_VALUE);
        checkPositive(Settings.HEADER_READ_TIMEOUT, limits.getHeaderReadTimeout());
        checkPositive(Settings.IDLE_TIMEOUT, limits.getIdleTimeout());
        checkPositive(Settings.WRITE_STALL_TIMEOUT, limits.getWriteStallTimeout());
        if (!StorageBackends.names().contains(storageBackend)) {
            throw ConfigException.invalid(
                    Settings.STORAGE_BACKEND,
                    String.valueOf(storageBackend),
                    "one of " + String.join(", ", StorageBackends.names()));
        }
        validateCeph();
        if (limits.getRequestTimeout().isNegative()
                || limits.getRequestTimeout().isZero()) {
            throw ConfigException.invalid(
                    Settings.REQUEST_TIMEOUT, limits.getRequestTimeout().toString(), "a positive duration");
        }
        validateTls();
        if (!tls.enabled() && !allowPlainHttpOffLoopback && !isLoopback(host)) {
            throw ConfigException.invalid(
                    Settings.HOST,
                    host,
                    "a loopback address for plain HTTP; configure tls.cert/tls.key or set allowPlainHttpOffLoopback");
        }
        validateVault();
        keyAccess.validate();
        hsm.validate();
        validateNbd();
        return this;
    }

    private void validateCeph() {
        if (cephPool == null || cephPool.isBlank()) {
            throw ConfigException.invalid(Settings.STORAGE_CEPH_POOL, String.valueOf(cephPool), "a pool name");
        }
        if (cephNamespace == null) {
            throw ConfigException.invalid(Settings.STORAGE_CEPH_NAMESPACE, "null", "a namespace (\"\" is the default)");
        }
        checkRange(Settings.STORAGE_CEPH_LEASE_SECONDS, cephLeaseSeconds, 2, 3600);
        if ("ceph".equals(storageBackend) && cephConf == null) {
            throw ConfigException.invalid(
                    Settings.STORAGE_CEPH_CONF, "", "the path of a ceph.conf when storage.backend is ceph");
        }
    }

    private void validateNbd() {
        if (nbdPort != null) {
            checkRange(Settings.NBD_PORT, nbdPort, 0, 65535);
        }
        if (nbdHost == null || nbdHost.isBlank()) {
            throw ConfigException.invalid(Settings.NBD_HOST, String.valueOf(nbdHost), "a host name or IP address");
        }
        checkRange(
                Settings.NBD_MAX_REQUEST_BYTES,
                nbdMaxRequestBytes,
                MIN_NBD_MAX_REQUEST_BYTES,
                MAX_NBD_MAX_REQUEST_BYTES);
        if (nbdNeedsTls() && (!tls.enabled() || tls.getCaPath() == null)) {
            throw ConfigException.invalid(
                    Settings.NBD_HOST,
                    nbdHost,
                    "a loopback address, or tls.cert, tls.key and tls.ca for NBD off loopback (NBD has no"
                            + " authentication of its own: STARTTLS with client certificates is required there)");
        }
    }

    private void validateTls() {
        if (tls.getKeyPath() != null && tls.getCertPath() == null) {
            throw new ConfigException("invalid setting tls.cert: missing (tls.key is set; both are needed for TLS)");
        }
        if (tls.enabled() && tls.getKeyPath() == null) {
            throw new ConfigException("invalid setting tls.key: missing (tls.cert is set; both are needed for TLS)");
        }
        if (tls.getClientAuth() != ClientAuthMode.NONE && !tls.enabled()) {
            throw ConfigException.invalid(
                    Settings.TLS_CLIENT_AUTH, tls.getClientAuth().configName(), "none without tls.cert");
        }
        if (tls.getClientAuth() == ClientAuthMode.REQUIRE && tls.getCaPath() == null) {
            throw new ConfigException("invalid setting tls.ca: missing (tls.clientAuth is require)");
        }
    }

    private void validateVault() {
        vault.validateDeadlines();
        if (vault.embedded()) {
            if (serviceKek != null) {
                throw new ConfigException(
                        "invalid setting serviceKek: set (it needs vault.url; the embedded vault creates its own)");
            }
            return;
        }
        if (!vault.getUrl().startsWith("https://")) {
            throw ConfigException.invalid(Settings.VAULT_URL, vault.getUrl(), "an https:// URL");
        }
        for (VaultEndpointConfig e : vault.getEndpoints()) {
            if (e.url() == null || !e.url().startsWith("https://")) {
                throw ConfigException.invalid(
                        Settings.VAULT_ENDPOINTS, String.valueOf(e.url()), "https:// endpoint URLs");
            }
        }
        if (serviceKek == null) {
            throw new ConfigException(
                    "invalid setting serviceKek: missing (a key identifier URL is needed with vault.url)");
        }
        if (!identities.containsKey(vault.getIdentity())) {
            throw ConfigException.invalid(
                    Settings.VAULT_IDENTITY, vault.getIdentity(), "the name of an entry in identities");
        }
    }

    private static void checkRange(String setting, long value, long min, long max) {
        if (value < min || value > max) {
            throw ConfigException.invalid(setting, Long.toString(value), "an integer " + min + ".." + max);
        }
    }

    private static void checkPositive(String setting, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw ConfigException.invalid(setting, value.toString(), "a positive duration");
        }
    }

    /** Loopback by address form only: no name resolution, so start-up never waits on DNS. */
    static boolean isLoopback(String host) {
        if (host.equals("localhost")) {
            return true;
        }
        if (!host.matches("[0-9.]+|\\[?[0-9a-fA-F:]+]?")) {
            return false;
        }
        try {
            return InetAddress.getByName(host.replace("[", "").replace("]", "")).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
