package io.strongroom.vault;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/** Plain data options for {@link KeyVaultClient}: DEFAULT_* constants, fluent setters. */
public class KeyVaultClientOptions {
    public static final String DEFAULT_API_VERSION = "7.4";
    public static final String DEFAULT_RESOURCE = "https://vault.azure.net";
    public static final String DEFAULT_LOCAL_REGION = "local";
    public static final Duration DEFAULT_CALL_DEADLINE = Duration.ofSeconds(10);
    public static final Duration DEFAULT_ATTEMPT_TIMEOUT = Duration.ofSeconds(3);
    public static final int DEFAULT_MAX_RETRIES = 6;
    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(100);
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(2);
    public static final Duration DEFAULT_UNHEALTHY_COOL_DOWN = Duration.ofSeconds(30);
    public static final Duration DEFAULT_P99_WARN_THRESHOLD = Duration.ofMillis(50);
    public static final Duration DEFAULT_WARNING_LOG_INTERVAL = Duration.ofMinutes(1);
    public static final boolean DEFAULT_VERIFY_HOST = true;
    public static final boolean DEFAULT_PREFER_OPEN_SSL = true;
    public static final boolean DEFAULT_HTTP2 = true;
    public static final boolean DEFAULT_VERIFY_CHALLENGE_RESOURCE = true;
    public static final int DEFAULT_MAX_POOL_SIZE = 16;

    private String vaultUrl;
    private List<VaultEndpoint> endpoints = new ArrayList<>();
    private String localRegion = DEFAULT_LOCAL_REGION;
    private String apiVersion = DEFAULT_API_VERSION;
    private String resource = DEFAULT_RESOURCE;
    private Duration callDeadline = DEFAULT_CALL_DEADLINE;
    private Duration attemptTimeout = DEFAULT_ATTEMPT_TIMEOUT;
    private int maxRetries = DEFAULT_MAX_RETRIES;
    private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
    private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
    private Duration unhealthyCoolDown = DEFAULT_UNHEALTHY_COOL_DOWN;
    private String trustPem;
    private boolean verifyHost = DEFAULT_VERIFY_HOST;
    private Duration p99WarnThreshold = DEFAULT_P99_WARN_THRESHOLD;
    private Duration warningLogInterval = DEFAULT_WARNING_LOG_INTERVAL;
    private boolean preferOpenSsl = DEFAULT_PREFER_OPEN_SSL;
    private boolean http2 = DEFAULT_HTTP2;
    private boolean verifyChallengeResource = DEFAULT_VERIFY_CHALLENGE_RESOURCE;
    private Set<String> challengeResourceHosts = Set.of();
    private int maxPoolSize = DEFAULT_MAX_POOL_SIZE;
    private Integer listPageSize;

    public KeyVaultClientOptions() {}

    public KeyVaultClientOptions(KeyVaultClientOptions other) {
        this.vaultUrl = other.vaultUrl;
        this.endpoints = new ArrayList<>(other.endpoints);
        this.localRegion = other.localRegion;
        this.apiVersion = other.apiVersion;
        this.resource = other.resource;
        this.callDeadline = other.callDeadline;
        this.attemptTimeout = other.attemptTimeout;
        this.maxRetries = other.maxRetries;
        this.initialBackoff = other.initialBackoff;
        this.maxBackoff = other.maxBackoff;
        this.unhealthyCoolDown = other.unhealthyCoolDown;
        this.trustPem = other.trustPem;
        this.verifyHost = other.verifyHost;
        this.p99WarnThreshold = other.p99WarnThreshold;
        this.warningLogInterval = other.warningLogInterval;
        this.preferOpenSsl = other.preferOpenSsl;
        this.http2 = other.http2;
        this.verifyChallengeResource = other.verifyChallengeResource;
        this.challengeResourceHosts = other.challengeResourceHosts;
        this.maxPoolSize = other.maxPoolSize;
        this.listPageSize = other.listPageSize;
    }

    /** The vault's identity as it appears in key ids, e.g. {@code https://myvault.vault.azure.net}. */
    public String getVaultUrl() {
        return vaultUrl;
    }

    public KeyVaultClientOptions setVaultUrl(String vaultUrl) {
        this.vaultUrl = vaultUrl;
        return this;
    }

    /** Where requests go; empty means the vault URL itself, labelled with the local region. */
    public List<VaultEndpoint> getEndpoints() {
        return endpoints;
    }

    public KeyVaultClientOptions setEndpoints(List<VaultEndpoint> endpoints) {
        this.endpoints = new ArrayList<>(Objects.requireNonNull(endpoints, "endpoints"));
        return this;
    }

    public KeyVaultClientOptions addEndpoint(VaultEndpoint endpoint) {
        this.endpoints.add(Objects.requireNonNull(endpoint, "endpoint"));
        return this;
    }

    /** The region this client runs in; same-region endpoints are preferred. */
    public String getLocalRegion() {
        return localRegion;
    }

    public KeyVaultClientOptions setLocalRegion(String localRegion) {
        this.localRegion = Objects.requireNonNull(localRegion, "localRegion");
        return this;
    }

    /** The {@code api-version} query parameter (7.4 or later). */
    public String getApiVersion() {
        return apiVersion;
    }

    public KeyVaultClientOptions setApiVersion(String apiVersion) {
        this.apiVersion = Objects.requireNonNull(apiVersion, "apiVersion");
        return this;
    }

    /** Token resource used until a 401 challenge names another. */
    public String getResource() {
        return resource;
    }

    public KeyVaultClientOptions setResource(String resource) {
        this.resource = Objects.requireNonNull(resource, "resource");
        return this;
    }

    /** Bounds all attempts, backoffs and token fetches of one call. */
    public Duration getCallDeadline() {
        return callDeadline;
    }

    public KeyVaultClientOptions setCallDeadline(Duration callDeadline) {
        this.callDeadline = positive(callDeadline, "callDeadline");
        return this;
    }

    /** Timeout of one attempt; the effective timeout is min(remaining deadline, this). */
    public Duration getAttemptTimeout() {
        return attemptTimeout;
    }

    public KeyVaultClientOptions setAttemptTimeout(Duration attemptTimeout) {
        this.attemptTimeout = positive(attemptTimeout, "attemptTimeout");
        return this;
    }

    /** Retries after the first attempt (THROTTLED and UNAVAILABLE only). */
    public int getMaxRetries() {
        return maxRetries;
    }

    public KeyVaultClientOptions setMaxRetries(int maxRetries) {
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries < 0");
        }
        this.maxRetries = maxRetries;
        return this;
    }

    public Duration getInitialBackoff() {
        return initialBackoff;
    }

    public KeyVaultClientOptions setInitialBackoff(Duration initialBackoff) {
        this.initialBackoff = positive(initialBackoff, "initialBackoff");
        return this;
    }

    public Duration getMaxBackoff() {
        return maxBackoff;
    }

    public KeyVaultClientOptions setMaxBackoff(Duration maxBackoff) {
        this.maxBackoff = positive(maxBackoff, "maxBackoff");
        return this;
    }

    /** How long an endpoint that failed with UNAVAILABLE is avoided before it is tried again. */
    public Duration getUnhealthyCoolDown() {
        return unhealthyCoolDown;
    }

    public KeyVaultClientOptions setUnhealthyCoolDown(Duration unhealthyCoolDown) {
        this.unhealthyCoolDown = positive(unhealthyCoolDown, "unhealthyCoolDown");
        return this;
    }

    /** PEM text of trusted certificates, or null for the JVM's default trust. */
    public String getTrustPem() {
        return trustPem;
    }

    public KeyVaultClientOptions setTrustPem(String trustPem) {
        this.trustPem = trustPem;
        return this;
    }

    public boolean isVerifyHost() {
        return verifyHost;
    }

    public KeyVaultClientOptions setVerifyHost(boolean verifyHost) {
        this.verifyHost = verifyHost;
        return this;
    }

    /** Same-region p99 above this raises a latency warning. */
    public Duration getP99WarnThreshold() {
        return p99WarnThreshold;
    }

    public KeyVaultClientOptions setP99WarnThreshold(Duration p99WarnThreshold) {
        this.p99WarnThreshold = positive(p99WarnThreshold, "p99WarnThreshold");
        return this;
    }

    /** Minimum interval between two log lines of the same latency warning. */
    public Duration getWarningLogInterval() {
        return warningLogInterval;
    }

    public KeyVaultClientOptions setWarningLogInterval(Duration warningLogInterval) {
        this.warningLogInterval = Objects.requireNonNull(warningLogInterval, "warningLogInterval");
        return this;
    }

    /** Use the OpenSSL (BoringSSL) engine when it loads; the JDK engine otherwise. */
    public boolean isPreferOpenSsl() {
        return preferOpenSsl;
    }

    public KeyVaultClientOptions setPreferOpenSsl(boolean preferOpenSsl) {
        this.preferOpenSsl = preferOpenSsl;
        return this;
    }

    /** Offer HTTP/2 through ALPN (falls back to HTTP/1.1 when the server does not take it). */
    public boolean isHttp2() {
        return http2;
    }

    public KeyVaultClientOptions setHttp2(boolean http2) {
        this.http2 = http2;
        return this;
    }

    /**
     * Check that the resource named by a 401 challenge belongs to the vault's domain (host suffix
     * match, or a host of {@link #getChallengeResourceHosts()}), as Azure's clients do, so a rogue
     * endpoint cannot obtain a token for another resource. A challenge that fails the check is not
     * followed (the token resource stays); the rejected token is dropped and refetched either way.
     */
    public boolean isVerifyChallengeResource() {
        return verifyChallengeResource;
    }

    public KeyVaultClientOptions setVerifyChallengeResource(boolean verifyChallengeResource) {
        this.verifyChallengeResource = verifyChallengeResource;
        return this;
    }

    /**
     * Hosts a challenge's resource may name besides the vault's domain, for a self-hosted vault
     * reached under a name outside the resource's domain (local-vault at 127.0.0.1 names
     * {@code https://vault.azure.net}): {@code vault.azure.net} here lets such a challenge switch the
     * token resource. Exact host names, case-insensitive; empty by default.
     */
    public Set<String> getChallengeResourceHosts() {
        return challengeResourceHosts;
    }

    public KeyVaultClientOptions setChallengeResourceHosts(Set<String> challengeResourceHosts) {
        this.challengeResourceHosts = Objects.requireNonNull(challengeResourceHosts, "challengeResourceHosts").stream()
                .map(h -> h.toLowerCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
        return this;
    }

    /** Maximum HTTP/1.1 connections per endpoint (HTTP/2 multiplexes over one). */
    public int getMaxPoolSize() {
        return maxPoolSize;
    }

    public KeyVaultClientOptions setMaxPoolSize(int maxPoolSize) {
        if (maxPoolSize < 1) {
            throw new IllegalArgumentException("maxPoolSize < 1");
        }
        this.maxPoolSize = maxPoolSize;
        return this;
    }

    /** {@code maxresults} for list calls (Azure: 1..25), or null for the server's default. */
    public Integer getListPageSize() {
        return listPageSize;
    }

    public KeyVaultClientOptions setListPageSize(Integer listPageSize) {
        if (listPageSize != null && listPageSize < 1) {
            throw new IllegalArgumentException("listPageSize < 1");
        }
        this.listPageSize = listPageSize;
        return this;
    }

    /** Endpoints to use: the configured ones, or the vault URL itself in the local region. */
    public List<VaultEndpoint> effectiveEndpoints() {
        if (!endpoints.isEmpty()) {
            return List.copyOf(endpoints);
        }
        return List.of(new VaultEndpoint(Objects.requireNonNull(vaultUrl, "vaultUrl"), localRegion));
    }

    private static Duration positive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
        return d;
    }
}
