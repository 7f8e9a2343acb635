package io.strongroom.server.config;

import io.strongroom.core.config.Durations;
import io.strongroom.core.keys.IdentityConfig;
import io.strongroom.core.keys.Pkcs11Config;
import io.strongroom.core.store.Durability;
import io.strongroom.core.store.StorageBackends;
import io.strongroom.core.store.StorageOptions;
import io.strongroom.http.LimitsConfig;
import io.strongroom.vault.local.keys.MasterSecret;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The table of every setting: keys, flags, help text and parsers. The one place to add a setting. */
final class Settings {
    static final String HOST = "listen.host";
    static final String PORT = "listen.port";
    static final String TLS_CERT = "tls.cert";
    static final String TLS_KEY = "tls.key";
    static final String TLS_CLIENT_AUTH = "tls.clientAuth";
    static final String TLS_CA = "tls.ca";
    static final String ALLOW_PLAIN = "allowPlainHttpOffLoopback";
    static final String DATA_DIR = "dataDir";
    static final String DURABILITY = "durability";
    static final String EVENT_LOOPS = "eventLoops";
    static final String CACHE_BYTES = "cacheBytes";
    static final String STORAGE_BACKEND = "storage.backend";
    static final String STORAGE_CEPH_CONF = "storage.ceph.conf";
    static final String STORAGE_CEPH_POOL = "storage.ceph.pool";
    static final String STORAGE_CEPH_NAMESPACE = "storage.ceph.namespace";
    static final String STORAGE_CEPH_LEASE_SECONDS = "storage.ceph.leaseSeconds";
    static final String MAX_BODY_BYTES = "limits.maxBodyBytes";
    static final String MAX_BLOCKS_PER_REQUEST = "limits.maxBlocksPerRequest";
    static final String REQUEST_TIMEOUT = "limits.requestTimeout";
    static final String MAX_CONCURRENT_REQUESTS = "limits.maxConcurrentRequests";
    static final String STORAGE_QUEUE_BOUND = "limits.storageQueueBound";
    static final String MAX_CONNECTIONS = "limits.maxConnections";
    static final String HEADER_READ_TIMEOUT = "limits.headerReadTimeout";
    static final String IDLE_TIMEOUT = "limits.idleTimeout";
    static final String WRITE_STALL_TIMEOUT = "limits.writeStallTimeout";
    static final String MAX_STREAMS_PER_CONNECTION = "limits.maxStreamsPerConnection";
    static final String MAX_STORAGE_SLOTS_PER_CONNECTION = "limits.maxStorageSlotsPerConnection";
    static final String VAULT_URL = "vault.url";
    static final String VAULT_ENDPOINTS = "vault.endpoints";
    static final String VAULT_LOCAL_REGION = "vault.localRegion";
    static final String VAULT_TRUST_PEM = "vault.trustPem";
    static final String VAULT_API_VERSION = "vault.apiVersion";
    static final String VAULT_IDENTITY = "vault.identity";
    static final String VAULT_CALL_DEADLINE = "vault.callDeadline";
    static final String VAULT_ATTEMPT_TIMEOUT = "vault.attemptTimeout";
    static final String VAULT_MAX_RETRIES = "vault.maxRetries";
    static final String VAULT_MASTER_KEY_FILE = "vault.masterKeyFile";
    static final String VAULT_MASTER_KEY = "vault.masterKey";
    static final String HSM_TOKEN = "hsm.token";
    static final String HSM_LIBRARY = "hsm.library";
    static final String HSM_SLOT_LIST_INDEX = "hsm.slotListIndex";
    static final String HSM_PIN_FILE = "hsm.pinFile";
    static final String HSM_PIN = "hsm.pin";
    static final String IDENTITIES = "identities";
    static final String SERVICE_KEK = "serviceKek";
    static final String GRACE_PERIOD = "keyAccess.gracePeriod";
    static final String PROBE_INTERVAL = "keyAccess.probeInterval";
    static final String ALERT_WEBHOOKS = "keyAccess.alertWebhooks";
    static final String RESEAL_RATE = "keyAccess.resealBlocksPerSecond";
    static final String DEK_MAX_AGE = "keyAccess.dekMaxAge";
    static final String NBD_PORT = "nbd.port";
    static final String NBD_HOST = "nbd.host";
    static final String NBD_SOCKET = "nbd.socket";
    static final String NBD_MAX_REQUEST_BYTES = "nbd.maxRequestBytes";
    static final String LOG_FORMAT = "log.format";

    static final List<Setting> ALL = List.of(
            scalar(
                    HOST,
                    "--host",
                    "<address>",
                    "listen address (default " + GatewayConfig.DEFAULT_HOST + ")",
                    (c, v) -> c.setHost(v)),
            scalar(
                    PORT,
                    "--port",
                    "<port>",
                    "listen port, 0 = ephemeral (default " + GatewayConfig.DEFAULT_PORT + ")",
                    (c, v) -> c.setPort(integer(PORT, v, 0, 65535))),
            scalar(
                    TLS_CERT,
                    "--tls-cert",
                    "<pem file>",
                    "server certificate chain; enables TLS (HTTP/2 by ALPN)",
                    (c, v) -> c.tls().setCertPath(path(v))),
            scalar(
                    TLS_KEY,
                    "--tls-key",
                    "<pem file>",
                    "server private key",
                    (c, v) -> c.tls().setKeyPath(path(v))),
            scalar(
                    TLS_CLIENT_AUTH,
                    "--tls-client-auth",
                    "none|request|require",
                    "client certificates (default none)",
                    (c, v) -> c.tls()
                            .setClientAuth(
                                    enumValue(TLS_CLIENT_AUTH, v, ClientAuthMode.class, "none, request or require"))),
            scalar(
                    TLS_CA,
                    "--tls-ca",
                    "<pem file>",
                    "CA certificates for client certificates",
                    (c, v) -> c.tls().setCaPath(path(v))),
            scalar(
                    ALLOW_PLAIN,
                    "--allow-plain-http-off-loopback",
                    "[true|false]",
                    "allow plain HTTP on a non-loopback address (default false)",
                    (c, v) -> c.setAllowPlainHttpOffLoopback(bool(ALLOW_PLAIN, v))),
            scalar(
                    DATA_DIR,
                    "--data-dir",
                    "<dir>",
                    "volumes, tokens, embedded vault (default ./strongroom-data)",
                    (c, v) -> c.setDataDir(path(v))),
            scalar(
                    DURABILITY,
                    "--durability",
                    "fsync|none",
                    "acknowledge writes once durable or once in page cache (default fsync)",
                    (c, v) -> c.setDurability(enumValue(DURABILITY, v, Durability.class, "fsync or none"))),
            scalar(
                    CACHE_BYTES,
                    "--cache-bytes",
                    "<bytes>",
                    "memory for cached sealed slots, so hot reads need no file I/O; 0 = off " + "(default "
                            + GatewayConfig.DEFAULT_CACHE_BYTES + ")",
                    (c, v) -> c.setCacheBytes(integer(CACHE_BYTES, v, 0, Integer.MAX_VALUE))),
            scalar(
                    STORAGE_BACKEND,
                    "--storage-backend",
                    "<name>",
                    "where volumes are stored: " + String.join(", ", StorageBackends.names()) + " (default "
                            + GatewayConfig.DEFAULT_STORAGE_BACKEND + ": files under <dataDir>/volumes)",
                    (c, v) -> c.setStorageBackend(storageBackend(v))),
            scalar(
                    STORAGE_CEPH_CONF,
                    "--storage-ceph-conf",
                    "<file>",
                    "the ceph backend's cluster: a ceph.conf (monitors, authentication); required with it",
                    (c, v) -> c.setCephConf(path(v))),
            scalar(
                    STORAGE_CEPH_POOL,
                    "--storage-ceph-pool",
                    "<name>",
                    "the ceph backend's pool (default " + StorageOptions.DEFAULT_CEPH_POOL + ")",
                    (c, v) -> c.setCephPool(v.trim())),
            scalar(
                    STORAGE_CEPH_NAMESPACE,
                    "--storage-ceph-namespace",
                    "<name>",
                    "the ceph backend's RADOS namespace in the pool (default: the pool's default one)",
                    (c, v) -> c.setCephNamespace(v.trim())),
            scalar(
                    STORAGE_CEPH_LEASE_SECONDS,
                    "--storage-ceph-lease-seconds",
                    "<n>",
                    "the ceph backend's writer lease on a volume: the longest another gateway waits to take over a"
                            + " volume whose writer died (2-3600, default " + StorageOptions.DEFAULT_CEPH_LEASE_SECONDS
                            + ")",
                    (c, v) -> c.setCephLeaseSeconds(integer(STORAGE_CEPH_LEASE_SECONDS, v, 2, 3600))),
            scalar(
                    EVENT_LOOPS,
                    "--event-loops",
                    "<n>",
                    "event loops and HTTP verticles (default: cores)",
                    (c, v) -> c.setEventLoops(integer(EVENT_LOOPS, v, 1, 1024))),
            scalar(
                    MAX_BODY_BYTES,
                    "--max-body-bytes",
                    "<bytes>",
                    "largest request body (default " + LimitsConfig.DEFAULT_MAX_BODY_BYTES + ")",
                    (c, v) -> c.limits().setMaxBodyBytes(integer(MAX_BODY_BYTES, v, 4096, Integer.MAX_VALUE))),
            scalar(
                    MAX_BLOCKS_PER_REQUEST,
                    "--max-blocks-per-request",
                    "<n>",
                    "most blocks read or written by one request (default " + LimitsConfig.DEFAULT_MAX_BLOCKS_PER_REQUEST
                            + ")",
                    (c, v) -> c.limits().setMaxBlocksPerRequest(integer(MAX_BLOCKS_PER_REQUEST, v, 1, 1 << 16))),
            scalar(
                    REQUEST_TIMEOUT,
                    "--request-timeout",
                    "<duration>",
                    "answer 503 RequestTimeout after this (default 30s)",
                    (c, v) -> c.limits().setRequestTimeout(duration(REQUEST_TIMEOUT, v))),
            scalar(
                    MAX_CONCURRENT_REQUESTS,
                    "--max-concurrent-requests",
                    "<n>",
                    "requests in progress before 429 (default " + LimitsConfig.DEFAULT_MAX_CONCURRENT_REQUESTS + ")",
                    (c, v) -> c.limits()
                            .setMaxConcurrentRequests(integer(MAX_CONCURRENT_REQUESTS, v, 1, Integer.MAX_VALUE))),
            scalar(
                    STORAGE_QUEUE_BOUND,
                    "--storage-queue-bound",
                    "<n>",
                    "storage operations in flight before connections are paused (default "
                            + LimitsConfig.DEFAULT_STORAGE_QUEUE_BOUND + ")",
                    (c, v) -> c.limits().setStorageQueueBound(integer(STORAGE_QUEUE_BOUND, v, 1, Integer.MAX_VALUE))),
            scalar(
                    MAX_CONNECTIONS,
                    "--max-connections",
                    "<n>",
                    "open HTTP connections; above it a new one is closed at once (default "
                            + LimitsConfig.DEFAULT_MAX_CONNECTIONS + ")",
                    (c, v) -> c.limits().setMaxConnections(integer(MAX_CONNECTIONS, v, 1, Integer.MAX_VALUE))),
            scalar(
                    HEADER_READ_TIMEOUT,
                    "--header-read-timeout",
                    "<duration>",
                    "close a new connection whose first request is not complete after this (default "
                            + LimitsConfig.DEFAULT_HEADER_READ_TIMEOUT.toSeconds() + "s)",
                    (c, v) -> c.limits().setHeaderReadTimeout(duration(HEADER_READ_TIMEOUT, v))),
            scalar(
                    IDLE_TIMEOUT,
                    "--idle-timeout",
                    "<duration>",
                    "close a connection with nothing in progress after this (default "
                            + LimitsConfig.DEFAULT_IDLE_TIMEOUT.toSeconds() + "s)",
                    (c, v) -> c.limits().setIdleTimeout(duration(IDLE_TIMEOUT, v))),
            scalar(
                    WRITE_STALL_TIMEOUT,
                    "--write-stall-timeout",
                    "<duration>",
                    "close a connection that reads none of its pending answers for this long (default "
                            + LimitsConfig.DEFAULT_WRITE_STALL_TIMEOUT.toSeconds() + "s)",
                    (c, v) -> c.limits().setWriteStallTimeout(duration(WRITE_STALL_TIMEOUT, v))),
            scalar(
                    MAX_STREAMS_PER_CONNECTION,
                    "--max-streams-per-connection",
                    "<n>",
                    "HTTP/2 streams in progress on one connection; more are refused (default "
                            + LimitsConfig.DEFAULT_MAX_STREAMS_PER_CONNECTION + ")",
                    (c, v) -> c.limits()
                            .setMaxStreamsPerConnection(integer(MAX_STREAMS_PER_CONNECTION, v, 1, Integer.MAX_VALUE))),
            scalar(
                    MAX_STORAGE_SLOTS_PER_CONNECTION,
                    "--max-storage-slots-per-connection",
                    "<n>",
                    "storage slots one connection may hold or queue for; its other requests wait (default "
                            + LimitsConfig.DEFAULT_MAX_STORAGE_SLOTS_PER_CONNECTION + ")",
                    (c, v) -> c.limits()
                            .setMaxStorageSlotsPerConnection(
                                    integer(MAX_STORAGE_SLOTS_PER_CONNECTION, v, 1, Integer.MAX_VALUE))),
            scalar(
                    VAULT_URL,
                    "--vault-url",
                    "<https url>",
                    "external key vault; unset = embedded local-vault",
                    (c, v) -> c.vault().setUrl(v)),
            structured(
                    VAULT_ENDPOINTS,
                    "--vault-endpoints",
                    "<json>",
                    "[{\"url\":..,\"region\":..}] where vault requests go",
                    false,
                    Settings::applyEndpoints),
            scalar(
                    VAULT_LOCAL_REGION,
                    "--vault-local-region",
                    "<region>",
                    "this gateway's region",
                    (c, v) -> c.vault().setLocalRegion(v)),
            scalar(
                    VAULT_TRUST_PEM,
                    "--vault-trust-pem",
                    "<pem file>",
                    "CA certificates trusted for the vault (default: JVM trust)",
                    (c, v) -> c.vault().setTrustPemPath(path(v))),
            scalar(
                    VAULT_API_VERSION,
                    "--vault-api-version",
                    "<7.x>",
                    "Key Vault REST api-version (default 7.4)",
                    (c, v) -> c.vault().setApiVersion(apiVersion(v))),
            scalar(
                    VAULT_IDENTITY,
                    "--vault-identity",
                    "<name>",
                    "identity (in identities) for the service KEK (default default)",
                    (c, v) -> c.vault().setIdentity(v)),
            scalar(
                    VAULT_CALL_DEADLINE,
                    "--vault-call-deadline",
                    "<duration>",
                    "bounds one vault call, all attempts and backoffs included (default "
                            + VaultConfig.DEFAULT_CALL_DEADLINE.toSeconds() + "s)",
                    (c, v) -> c.vault().setCallDeadline(duration(VAULT_CALL_DEADLINE, v))),
            scalar(
                    VAULT_ATTEMPT_TIMEOUT,
                    "--vault-attempt-timeout",
                    "<duration>",
                    "bounds one attempt, connect and TLS handshake included (default "
                            + VaultConfig.DEFAULT_ATTEMPT_TIMEOUT.toSeconds() + "s)",
                    (c, v) -> c.vault().setAttemptTimeout(duration(VAULT_ATTEMPT_TIMEOUT, v))),
            scalar(
                    VAULT_MAX_RETRIES,
                    "--vault-max-retries",
                    "<n>",
                    "retries of a vault call that failed unavailable or throttled (default "
                            + VaultConfig.DEFAULT_MAX_RETRIES + ")",
                    (c, v) -> c.vault().setMaxRetries(integer(VAULT_MAX_RETRIES, v, 0, VaultConfig.MAX_RETRIES_LIMIT))),
            scalar(
                    VAULT_MASTER_KEY_FILE,
                    "--vault-master-key-file",
                    "<file>",
                    "embedded vault: its master key (32 bytes, base64), kept outside the data directory; created"
                            + " on a first start (default: $CREDENTIALS_DIRECTORY/strongroom-master-key, then "
                            + Setting.envName(VAULT_MASTER_KEY) + ", then <dataDir>/vault/master.key with a warning)",
                    (c, v) -> c.vault().setMasterKeyFile(path(v))),
            new Setting(
                    VAULT_MASTER_KEY,
                    null,
                    "<base64>",
                    "embedded vault: its master key itself (environment or file only: a secret)",
                    false,
                    true,
                    Settings::applyMasterKey),
            scalar(
                    HSM_TOKEN,
                    "--hsm-token",
                    "<label>",
                    "PKCS#11 token whose keys may be KEKs (pkcs11:token=<label>;object=<key>; docs/HSM.md); unset = none",
                    (c, v) -> c.hsm().setToken(v.trim())),
            scalar(
                    HSM_LIBRARY,
                    "--hsm-library",
                    "<file>",
                    "PKCS#11 module of the token (default " + Pkcs11Config.DEFAULT_LIBRARY + ")",
                    (c, v) -> c.hsm().setLibrary(path(v))),
            scalar(
                    HSM_SLOT_LIST_INDEX,
                    "--hsm-slot-list-index",
                    "<n>",
                    "index of the token's slot among the module's slots with a token (default 0)",
                    (c, v) -> c.hsm().setSlotListIndex(integer(HSM_SLOT_LIST_INDEX, v, 0, 1 << 16))),
            scalar(
                    HSM_PIN_FILE,
                    "--hsm-pin-file",
                    "<file>",
                    "file whose first line is the token's user PIN, read at every login",
                    (c, v) -> c.hsm().setPinFile(path(v))),
            new Setting(
                    HSM_PIN,
                    null,
                    "<pin>",
                    "the token's user PIN itself (environment or file only: a secret)",
                    false,
                    true,
                    (c, v) -> c.hsm().setPin(v.toCharArray())),
            structured(
                    IDENTITIES,
                    null,
                    "<json>",
                    "{\"<name>\":{\"type\":\"static|managed|clientCredentials\",...}} (file or environment only: holds secrets)",
                    true,
                    Settings::applyIdentities),
            scalar(
                    SERVICE_KEK,
                    "--service-kek",
                    "<key id url>",
                    "the service KEK in the external vault",
                    (c, v) -> c.setServiceKek(v)),
            scalar(
                    GRACE_PERIOD,
                    "--key-grace-period",
                    "<duration>",
                    "failing KEK to INACCESSIBLE after this (default 10m)",
                    (c, v) -> c.keyAccess().setGracePeriod(duration(GRACE_PERIOD, v))),
            scalar(
                    PROBE_INTERVAL,
                    "--key-probe-interval",
                    "<duration>",
                    "KEK probe interval (default 60s)",
                    (c, v) -> c.keyAccess().setProbeInterval(duration(PROBE_INTERVAL, v))),
            structured(
                    ALERT_WEBHOOKS,
                    "--alert-webhooks",
                    "<json>",
                    "[\"https://...\"] URLs receiving key-access alerts",
                    false,
                    Settings::applyWebhooks),
            scalar(
                    RESEAL_RATE,
                    "--reseal-rate",
                    "<blocks/s>",
                    "background re-seal rate after a DEK rollover (default "
                            + KeyAccessConfig.DEFAULT_RESEAL_BLOCKS_PER_SECOND + ")",
                    (c, v) -> c.keyAccess().setResealBlocksPerSecond(integer(RESEAL_RATE, v, 1, 1_000_000))),
            scalar(
                    DEK_MAX_AGE,
                    "--dek-max-age",
                    "<duration>",
                    "roll a volume's DEK over at this age (default: by seal count only)",
                    (c, v) -> c.keyAccess().setDekMaxAge(duration(DEK_MAX_AGE, v))),
            scalar(
                    NBD_PORT,
                    "--nbd-port",
                    "<port>",
                    "serve every volume over NBD on this TCP port, 0 = ephemeral (default: no TCP NBD; NBD has no"
                            + " authentication: on loopback every local user can use every volume)",
                    (c, v) -> c.setNbdPort(integer(NBD_PORT, v, 0, 65535))),
            scalar(
                    NBD_HOST,
                    "--nbd-host",
                    "<address>",
                    "NBD TCP address (default " + GatewayConfig.DEFAULT_NBD_HOST
                            + "); off loopback it needs tls.cert, tls.key and tls.ca: STARTTLS and client"
                            + " certificates are then required",
                    (c, v) -> c.setNbdHost(v)),
            scalar(
                    NBD_SOCKET,
                    "--nbd-socket",
                    "<path>",
                    "serve every volume over NBD on this Unix socket, mode 0600 (default: none)",
                    (c, v) -> c.setNbdSocket(path(v))),
            scalar(
                    NBD_MAX_REQUEST_BYTES,
                    "--nbd-max-request-bytes",
                    "<bytes>",
                    "largest NBD read or write, advertised as the maximum block size (default "
                            + GatewayConfig.DEFAULT_NBD_MAX_REQUEST_BYTES + ")",
                    (c, v) -> c.setNbdMaxRequestBytes(integer(
                            NBD_MAX_REQUEST_BYTES,
                            v,
                            GatewayConfig.MIN_NBD_MAX_REQUEST_BYTES,
                            GatewayConfig.MAX_NBD_MAX_REQUEST_BYTES))),
            scalar(
                    LOG_FORMAT,
                    "--log-format",
                    "human|json",
                    "log lines on standard error: human (one line: time level logger: message) or json (one object"
                            + " per line: ts level logger thread msg error; docs/OPERATIONS.md) (default human)",
                    (c, v) -> c.setLogFormat(enumValue(LOG_FORMAT, v, LogFormat.class, "human or json"))));

    private Settings() {}

    static Setting byKey(String key) {
        for (Setting s : ALL) {
            if (s.key.equals(key)) {
                return s;
            }
        }
        return null;
    }

    static Setting byFlag(String flag) {
        for (Setting s : ALL) {
            if (flag.equals(s.flag)) {
                return s;
            }
        }
        return null;
    }

    private static Setting scalar(String key, String flag, String hint, String help, Setting.Applier applier) {
        return new Setting(key, flag, hint, help, false, false, applier);
    }

    private static Setting structured(
            String key, String flag, String hint, String help, boolean secret, Setting.Applier applier) {
        return new Setting(key, flag, hint, help, true, secret, applier);
    }

    static int integer(String key, String v, int min, int max) {
        try {
            long n = Long.parseLong(v.trim());
            if (n >= min && n <= max) {
                return (int) n;
            }
        } catch (NumberFormatException e) {
            // reported below with the expected range
        }
        throw ConfigException.invalid(key, v, "an integer " + min + ".." + max);
    }

    static boolean bool(String key, String v) {
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw ConfigException.invalid(key, v, "true or false");
        };
    }

    static Duration duration(String key, String v) {
        try {
            return Durations.parse(v);
        } catch (Durations.InvalidDurationException e) {
            throw ConfigException.invalid(key, v, e.expected());
        }
    }

    static <E extends Enum<E>> E enumValue(String key, String v, Class<E> type, String expected) {
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(v.trim())) {
                return e;
            }
        }
        throw ConfigException.invalid(key, v, expected);
    }

    private static String storageBackend(String v) {
        String name = v.trim();
        if (!StorageBackends.names().contains(name)) {
            throw ConfigException.invalid(STORAGE_BACKEND, v, "one of " + String.join(", ", StorageBackends.names()));
        }
        return name;
    }

    private static Path path(String v) {
        return Path.of(v.trim());
    }

    private static String apiVersion(String v) {
        if (!v.matches("7\\.\\d+(-preview)?")) {
            throw ConfigException.invalid(VAULT_API_VERSION, v, "a 7.x api-version such as 7.4");
        }
        return v;
    }

    private static void applyEndpoints(GatewayConfig config, String json) {
        JsonArray array;
        try {
            array = new JsonArray(json);
        } catch (DecodeException | ClassCastException e) {
            throw ConfigException.invalid(VAULT_ENDPOINTS, json, "a JSON array of {\"url\":..,\"region\":..}");
        }
        List<VaultEndpointConfig> endpoints = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            Object item = array.getValue(i);
            if (!(item instanceof JsonObject o)
                    || !(o.getValue("url") instanceof String url)
                    || !(o.getValue("region") instanceof String region)) {
                throw ConfigException.invalid(
                        VAULT_ENDPOINTS + "[" + i + "]", String.valueOf(item), "{\"url\":..,\"region\":..}");
            }
            endpoints.add(new VaultEndpointConfig(url, region));
        }
        config.vault().setEndpoints(endpoints);
    }

    /** The value is a secret: an error says what is wrong with it, never what it is. */
    private static void applyMasterKey(GatewayConfig config, String base64) {
        try {
            config.vault()
                    .setMasterKey(MasterSecret.decode(
                            base64, VAULT_MASTER_KEY + " (env " + Setting.envName(VAULT_MASTER_KEY) + ")"));
        } catch (IOException e) {
            throw new ConfigException("invalid setting " + e.getMessage() + " (the value is not shown)");
        }
    }

    private static void applyWebhooks(GatewayConfig config, String json) {
        List<String> urls = new ArrayList<>();
        try {
            for (Object url : new JsonArray(json)) {
                if (!(url instanceof String s)) {
                    throw ConfigException.invalid(ALERT_WEBHOOKS, json, "a JSON array of URL strings");
                }
                urls.add(s);
            }
        } catch (DecodeException | ClassCastException e) {
            throw ConfigException.invalid(ALERT_WEBHOOKS, json, "a JSON array of URL strings");
        }
        config.keyAccess().setAlertWebhooks(urls);
    }

    private static void applyIdentities(GatewayConfig config, String json) {
        JsonObject all;
        try {
            all = new JsonObject(json);
        } catch (DecodeException | ClassCastException e) {
            // The text may hold secrets: it is not echoed.
            throw new ConfigException("invalid setting identities: not a JSON object of named identities");
        }
        for (Map.Entry<String, Object> entry : all) {
            String prefix = IDENTITIES + "." + entry.getKey();
            if (!(entry.getValue() instanceof JsonObject o)) {
                throw new ConfigException("invalid setting " + prefix + ": not an object");
            }
            config.putIdentity(entry.getKey(), identity(prefix, o));
        }
    }

    /** One entry of {@code identities}; a {@code trustPem} file is read here, so a bad path fails at load. */
    private static IdentityConfig identity(String prefix, JsonObject o) {
        String type = String.valueOf(o.getValue("type", ""));
        String trustPem =
                o.getValue("trustPem") instanceof String p ? PemFile.read(prefix + ".trustPem", path(p)) : null;
        return switch (type.toLowerCase(Locale.ROOT)) {
            case "static" -> new IdentityConfig.StaticToken(required(prefix, o, "token"));
            case "managed" ->
                new IdentityConfig.ManagedIdentity(required(prefix, o, "endpoint"), o.getString("clientId"), trustPem);
            case "clientcredentials" ->
                new IdentityConfig.ClientCredentials(
                        required(prefix, o, "authority"),
                        required(prefix, o, "tenant"),
                        required(prefix, o, "clientId"),
                        required(prefix, o, "clientSecret"),
                        trustPem);
            default -> throw ConfigException.invalid(prefix + ".type", type, "static, managed or clientCredentials");
        };
    }

    private static String required(String prefix, JsonObject o, String field) {
        Object v = o.getValue(field);
        if (!(v instanceof String s) || s.isEmpty()) {
            throw new ConfigException("invalid setting " + prefix + "." + field + ": missing (a non-empty string)");
        }
        return s;
    }
}
