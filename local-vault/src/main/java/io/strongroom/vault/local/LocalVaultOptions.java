package io.strongroom.vault.local;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.crypto.SecretKey;

/**
 * Configuration of one {@link LocalVault}: plain data with {@code DEFAULT_*} constants and fluent
 * setters; also loadable from a JSON config file ({@link #load(Path)}, format in the README).
 */
public class LocalVaultOptions {
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 0;
    public static final String DEFAULT_REGION = "local";
    public static final int DEFAULT_SOFT_DELETE_RETENTION_DAYS = 90;
    public static final boolean DEFAULT_PURGE_PROTECTION = true;
    public static final String DEFAULT_TENANT_ID = "00000000-0000-0000-0000-000000000000";
    public static final Duration DEFAULT_ISSUED_TOKEN_LIFETIME = Duration.ofHours(1);
    public static final int DEFAULT_MAX_PAGE_SIZE = 25;

    private Path dataDir;
    private String host = DEFAULT_HOST;
    private int port = DEFAULT_PORT;
    private String region = DEFAULT_REGION;
    private String vaultUrl;
    private String masterSecretFile;
    private SecretKey masterSecret;
    private Map<String, Identity> identities = new LinkedHashMap<>();
    private List<String> allowedCidrs = new ArrayList<>();
    private int softDeleteRetentionDays = DEFAULT_SOFT_DELETE_RETENTION_DAYS;
    private boolean purgeProtection = DEFAULT_PURGE_PROTECTION;
    private boolean allowRsa15;
    private boolean faultInjection;
    private String tlsCertPem;
    private String tlsKeyPem;
    private boolean managedIdentityEndpoint = true;
    private boolean clientCredentialsEndpoint = true;
    private String systemAssignedIdentity;
    private String tenantId = DEFAULT_TENANT_ID;
    private Duration issuedTokenLifetime = DEFAULT_ISSUED_TOKEN_LIFETIME;
    private String auditLogFile;
    private String adminToken;
    private Clock clock = Clock.systemUTC();

    /** Reads a JSON config file (see the README for the format). */
    public static LocalVaultOptions load(Path configFile) throws IOException {
        JsonObject json = new JsonObject(Files.readString(configFile, StandardCharsets.UTF_8));
        Path base = configFile.toAbsolutePath().getParent();
        return fromJson(json, base);
    }

    /** Builds options from a config object; relative paths resolve against {@code baseDir}. */
    public static LocalVaultOptions fromJson(JsonObject json, Path baseDir) throws IOException {
        LocalVaultOptions o = new LocalVaultOptions();
        String dataDir = json.getString("dataDir");
        if (dataDir == null) {
            throw new IllegalArgumentException("config: dataDir is required");
        }
        o.setDataDir(baseDir.resolve(dataDir));
        o.setHost(json.getString("host", DEFAULT_HOST));
        o.setPort(json.getInteger("port", DEFAULT_PORT));
        o.setRegion(json.getString("region", DEFAULT_REGION));
        o.setVaultUrl(json.getString("vaultUrl"));
        String master = json.getString("masterSecretFile");
        o.setMasterSecretFile(master == null ? null : baseDir.resolve(master).toString());
        String audit = json.getString("auditLogFile");
        o.setAuditLogFile(audit == null ? null : baseDir.resolve(audit).toString());
        o.setTenantId(json.getString("tenantId", DEFAULT_TENANT_ID));
        o.setSystemAssignedIdentity(json.getString("systemAssignedIdentity"));
        o.setSoftDeleteRetentionDays(json.getInteger("softDeleteRetentionDays", DEFAULT_SOFT_DELETE_RETENTION_DAYS));
        o.setPurgeProtection(json.getBoolean("purgeProtection", DEFAULT_PURGE_PROTECTION));
        o.setAllowRsa15(json.getBoolean("allowRsa15", false));
        o.setFaultInjection(json.getBoolean("faultInjection", false));
        o.setManagedIdentityEndpoint(json.getBoolean("managedIdentityEndpoint", true));
        o.setClientCredentialsEndpoint(json.getBoolean("clientCredentialsEndpoint", true));
        o.setIssuedTokenLifetime(Duration.ofSeconds(
                json.getLong("issuedTokenLifetimeSeconds", DEFAULT_ISSUED_TOKEN_LIFETIME.toSeconds())));
        String adminTokenFile = json.getString("adminTokenFile");
        if (adminTokenFile != null) {
            String token = Files.readString(baseDir.resolve(adminTokenFile), StandardCharsets.UTF_8)
                    .strip();
            if (token.isEmpty()) {
                throw new IllegalArgumentException("config: adminTokenFile " + adminTokenFile + " is empty");
            }
            o.setAdminToken(token);
        }
        String certFile = json.getString("tlsCertFile");
        String keyFile = json.getString("tlsKeyFile");
        if ((certFile == null) != (keyFile == null)) {
            throw new IllegalArgumentException("config: tlsCertFile and tlsKeyFile go together");
        }
        if (certFile != null) {
            o.setTlsCertPem(Files.readString(baseDir.resolve(certFile), StandardCharsets.US_ASCII));
            o.setTlsKeyPem(Files.readString(baseDir.resolve(keyFile), StandardCharsets.US_ASCII));
        }
        JsonArray cidrs = json.getJsonArray("allowedCidrs", new JsonArray());
        for (Object c : cidrs) {
            o.allowedCidrs.add((String) c);
        }
        JsonObject ids = json.getJsonObject("identities", new JsonObject());
        for (String token : ids.fieldNames()) {
            JsonObject id = ids.getJsonObject(token);
            HashSet<String> perms = new HashSet<>();
            for (Object p : id.getJsonArray("keyPermissions", new JsonArray())) {
                perms.add((String) p);
            }
            o.addIdentity(
                    token,
                    new Identity(
                            id.getString("name", token),
                            perms,
                            id.getString("clientId"),
                            id.getString("clientSecret")));
        }
        return o;
    }

    public Path getDataDir() {
        return dataDir;
    }

    public LocalVaultOptions setDataDir(Path dataDir) {
        this.dataDir = dataDir;
        return this;
    }

    public String getHost() {
        return host;
    }

    public LocalVaultOptions setHost(String host) {
        this.host = Objects.requireNonNull(host);
        return this;
    }

    public int getPort() {
        return port;
    }

    public LocalVaultOptions setPort(int port) {
        this.port = port;
        return this;
    }

    public String getRegion() {
        return region;
    }

    public LocalVaultOptions setRegion(String region) {
        this.region = Objects.requireNonNull(region);
        return this;
    }

    /** The vault's identity in key ids (e.g. https://myvault.vault.azure.net); null = https://host:port. */
    public String getVaultUrl() {
        return vaultUrl;
    }

    public LocalVaultOptions setVaultUrl(String vaultUrl) {
        this.vaultUrl = vaultUrl;
        return this;
    }

    /**
     * Null = {@code <dataDir>/master.key}. Generated with mode 0600 when missing, unless the vault holds keys already
     * (then start-up fails: a new secret could not open them). Keep it apart from the data directory: with it, a copy
     * of the data directory opens every private key.
     */
    public String getMasterSecretFile() {
        return masterSecretFile;
    }

    public LocalVaultOptions setMasterSecretFile(String f) {
        this.masterSecretFile = f;
        return this;
    }

    /** The master secret itself (e.g. read from an environment variable); when set, no file is read. */
    public SecretKey getMasterSecret() {
        return masterSecret;
    }

    public LocalVaultOptions setMasterSecret(SecretKey secret) {
        this.masterSecret = secret;
        return this;
    }

    /** Bearer token → identity. */
    public Map<String, Identity> getIdentities() {
        return identities;
    }

    public LocalVaultOptions setIdentities(Map<String, Identity> identities) {
        this.identities = new LinkedHashMap<>(identities);
        return this;
    }

    public LocalVaultOptions addIdentity(String token, Identity identity) {
        identities.put(Objects.requireNonNull(token), Objects.requireNonNull(identity));
        return this;
    }

    /** Client address allow-list (CIDRs, IPv4 or IPv6); empty = every address allowed. */
    public List<String> getAllowedCidrs() {
        return allowedCidrs;
    }

    public LocalVaultOptions setAllowedCidrs(List<String> cidrs) {
        this.allowedCidrs = new ArrayList<>(cidrs);
        return this;
    }

    public int getSoftDeleteRetentionDays() {
        return softDeleteRetentionDays;
    }

    public LocalVaultOptions setSoftDeleteRetentionDays(int days) {
        if (days < 7 || days > 90) {
            throw new IllegalArgumentException("softDeleteRetentionDays must be 7..90 (as in Azure)");
        }
        this.softDeleteRetentionDays = days;
        return this;
    }

    public boolean isPurgeProtection() {
        return purgeProtection;
    }

    public LocalVaultOptions setPurgeProtection(boolean on) {
        this.purgeProtection = on;
        return this;
    }

    public boolean isAllowRsa15() {
        return allowRsa15;
    }

    public LocalVaultOptions setAllowRsa15(boolean allow) {
        this.allowRsa15 = allow;
        return this;
    }

    /** Enables the fault-injection admin API under /_admin/faults. */
    public boolean isFaultInjection() {
        return faultInjection;
    }

    public LocalVaultOptions setFaultInjection(boolean on) {
        this.faultInjection = on;
        return this;
    }

    /** Server certificate chain and private key (PEM); both null = a self-signed certificate is generated. */
    public String getTlsCertPem() {
        return tlsCertPem;
    }

    public LocalVaultOptions setTlsCertPem(String pem) {
        this.tlsCertPem = pem;
        return this;
    }

    public String getTlsKeyPem() {
        return tlsKeyPem;
    }

    public LocalVaultOptions setTlsKeyPem(String pem) {
        this.tlsKeyPem = pem;
        return this;
    }

    /** Serves GET /metadata/identity/oauth2/token (managed-identity compatible). */
    public boolean isManagedIdentityEndpoint() {
        return managedIdentityEndpoint;
    }

    public LocalVaultOptions setManagedIdentityEndpoint(boolean on) {
        this.managedIdentityEndpoint = on;
        return this;
    }

    /** Serves POST /{tenant}/oauth2/v2.0/token (OAuth2 client credentials). */
    public boolean isClientCredentialsEndpoint() {
        return clientCredentialsEndpoint;
    }

    public LocalVaultOptions setClientCredentialsEndpoint(boolean on) {
        this.clientCredentialsEndpoint = on;
        return this;
    }

    /** Identity name the managed-identity endpoint issues for when no client_id is given; null = the only identity. */
    public String getSystemAssignedIdentity() {
        return systemAssignedIdentity;
    }

    public LocalVaultOptions setSystemAssignedIdentity(String name) {
        this.systemAssignedIdentity = name;
        return this;
    }

    /** Tenant named in the 401 challenge's authorization URI. */
    public String getTenantId() {
        return tenantId;
    }

    public LocalVaultOptions setTenantId(String tenantId) {
        this.tenantId = Objects.requireNonNull(tenantId);
        return this;
    }

    public Duration getIssuedTokenLifetime() {
        return issuedTokenLifetime;
    }

    public LocalVaultOptions setIssuedTokenLifetime(Duration d) {
        this.issuedTokenLifetime = Objects.requireNonNull(d);
        return this;
    }

    /** Null = {@code <dataDir>/audit.log}. */
    public String getAuditLogFile() {
        return auditLogFile;
    }

    public LocalVaultOptions setAuditLogFile(String f) {
        this.auditLogFile = f;
        return this;
    }

    /**
     * The bearer token of the policy admin API ({@code /_admin/policy}); null = no admin API, and the access policy
     * is the configuration's. With it, the policy lives in {@code <dataDir>/policy.json} (docs/LOCAL-VAULT.md).
     */
    public String getAdminToken() {
        return adminToken;
    }

    public LocalVaultOptions setAdminToken(String token) {
        this.adminToken = token;
        return this;
    }

    /** Time source for created/updated, nbf/exp checks, soft-delete retention and issued tokens. */
    public Clock getClock() {
        return clock;
    }

    public LocalVaultOptions setClock(Clock clock) {
        this.clock = Objects.requireNonNull(clock);
        return this;
    }
}
