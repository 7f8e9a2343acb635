package io.strongroom.vault.impl;

import io.strongroom.vault.CachingTokenProvider;
import io.strongroom.vault.CreateKeyOptions;
import io.strongroom.vault.KeyId;
import io.strongroom.vault.KeyProperties;
import io.strongroom.vault.KeyVaultClient;
import io.strongroom.vault.KeyVaultClientOptions;
import io.strongroom.vault.KeyVaultException;
import io.strongroom.vault.TokenProvider;
import io.strongroom.vault.TransportInfo;
import io.strongroom.vault.VaultErrorClass;
import io.strongroom.vault.VaultLatency;
import io.strongroom.vault.WrapResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** The {@link KeyVaultClient} over a Vert.x WebClient; the call mechanics live in {@link CallExecutor}. */
public final class DefaultKeyVaultClient implements KeyVaultClient {
    private static final System.Logger LOG = System.getLogger(DefaultKeyVaultClient.class.getName());
    private static final int MAX_PAGES = 10_000;
    private static final long CLOSE_GRACE_MILLIS = 2_000;

    private final Vertx vertx;
    private final KeyVaultClientOptions options;
    private final String vaultUrl;
    private final String apiQuery;
    private final HttpClient http;
    private final WebClient client;
    private final String tlsEngine;
    private final VaultLatency latency;
    private final CallExecutor executor;
    private final Map<String, String> httpVersions = new ConcurrentHashMap<>();

    public DefaultKeyVaultClient(Vertx vertx, KeyVaultClientOptions options, TokenProvider tokens) {
        Objects.requireNonNull(tokens, "tokens");
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.options = new KeyVaultClientOptions(Objects.requireNonNull(options, "options"));
        this.vaultUrl = KeyId.normalizeVaultUrl(Objects.requireNonNull(options.getVaultUrl(), "vaultUrl"));
        this.apiQuery = "api-version=" + URLEncoder.encode(options.getApiVersion(), StandardCharsets.UTF_8);
        this.tlsEngine = HttpClients.chooseEngine(options.isPreferOpenSsl());
        WebClientOptions clientOptions =
                HttpClients.vault(tlsEngine, options.getTrustPem(), options.isVerifyHost(), options.isHttp2());
        // a connection attempt (TCP + TLS) never outlives one attempt: a server that accepts and then
        // stays silent must not hold a pooled connection slot (or close()) hostage
        int attemptMillis =
                (int) Math.min(Integer.MAX_VALUE, options.getAttemptTimeout().toMillis());
        clientOptions
                .setConnectTimeout(attemptMillis)
                .setSslHandshakeTimeout(attemptMillis)
                .setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS);
        this.http = vertx.createHttpClient(
                clientOptions,
                new PoolOptions().setHttp1MaxSize(options.getMaxPoolSize()).setHttp2MaxSize(1));
        this.client = WebClient.wrap(http, clientOptions);
        this.latency = new VaultLatency(
                options.getLocalRegion(), options.getP99WarnThreshold(), options.getWarningLogInterval());
        EndpointSelector selector = new EndpointSelector(
                options.effectiveEndpoints(),
                options.getLocalRegion(),
                options.getUnhealthyCoolDown(),
                System::nanoTime);
        TokenProvider cached = tokens instanceof CachingTokenProvider ? tokens : new CachingTokenProvider(tokens);
        CallExecutor.Settings settings = new CallExecutor.Settings(
                options.getAttemptTimeout().toNanos(),
                options.getMaxRetries(),
                options.isVerifyChallengeResource(),
                options.getChallengeResourceHosts(),
                URI.create(vaultUrl).getHost());
        this.executor = new CallExecutor(
                vertx,
                client,
                cached,
                selector,
                latency,
                Backoff.withRandomJitter(options.getInitialBackoff(), options.getMaxBackoff()),
                settings,
                options.getResource(),
                httpVersions);
        LOG.log(
                Level.INFO,
                () -> "vault-client for " + vaultUrl + ": TLS engine " + tlsEngine + ", endpoints "
                        + selector.endpoints() + ", local region " + options.getLocalRegion());
    }

    @Override
    public Future<KeyProperties> getKey(String name, String versionOrNull) {
        KeyId kid;
        try {
            kid = new KeyId(vaultUrl, name, versionOrNull);
        } catch (IllegalArgumentException e) {
            return badRequest(e.getMessage());
        }
        return getKey(kid);
    }

    @Override
    public Future<KeyProperties> getKey(KeyId kid) {
        return checkVault(kid).compose(k -> getKey(k, deadline()));
    }

    private Future<KeyProperties> getKey(KeyId kid, long deadline) {
        return executor.execute(new VaultRequest(HttpMethod.GET, kid.path() + "?" + apiQuery, null, "get"), deadline)
                .compose(response -> parse(response, body -> KeyBundles.fromKeyBundle(body)));
    }

    @Override
    public Future<List<KeyProperties>> listKeys() {
        return listPages("/keys?" + listQuery(), deadline(), new ArrayList<>(), 0);
    }

    @Override
    public Future<List<KeyProperties>> listVersions(String name) {
        return keyNamed(name)
                .compose(kid -> listPages(kid.path() + "/versions?" + listQuery(), deadline(), new ArrayList<>(), 0));
    }

    private String listQuery() {
        Integer pageSize = options.getListPageSize();
        return pageSize == null ? apiQuery : apiQuery + "&maxresults=" + pageSize;
    }

    private Future<List<KeyProperties>> listPages(
            String pathAndQuery, long deadline, List<KeyProperties> acc, int page) {
        if (page >= MAX_PAGES) {
            return badRequest("more than " + MAX_PAGES + " pages");
        }
        return executor.execute(new VaultRequest(HttpMethod.GET, pathAndQuery, null, "list"), deadline)
                .compose(response -> parse(response, body -> {
                    JsonArray values = body.getJsonArray("value", new JsonArray());
                    for (int i = 0; i < values.size(); i++) {
                        acc.add(KeyBundles.fromListItem(values.getJsonObject(i)));
                    }
                    return body.getString("nextLink");
                }))
                .compose(nextLink -> {
                    if (nextLink == null || nextLink.isBlank()) {
                        return Future.succeededFuture(List.copyOf(acc));
                    }
                    String next;
                    try {
                        next = rewriteNextLink(nextLink, apiQuery);
                    } catch (IllegalArgumentException e) {
                        return badRequest("unusable nextLink: " + e.getMessage());
                    }
                    return listPages(next, deadline, acc, page + 1);
                });
    }

    /**
     * nextLinks name the vault's identity URL; requests must go to the chosen endpoint, so only the
     * path and query are kept (with api-version added if the link lacks it).
     */
    static String rewriteNextLink(String nextLink, String apiQuery) {
        URI uri = URI.create(nextLink);
        String path = uri.getRawPath();
        if (path == null || !path.startsWith("/")) {
            throw new IllegalArgumentException("no path");
        }
        String query = uri.getRawQuery();
        if (query == null || query.isEmpty()) {
            return path + "?" + apiQuery;
        }
        boolean hasVersion = false;
        for (String part : query.split("&")) {
            if (part.startsWith("api-version=")) {
                hasVersion = true;
                break;
            }
        }
        return path + "?" + (hasVersion ? query : query + "&" + apiQuery);
    }

    @Override
    public Future<WrapResult> wrapKey(KeyId kid, String alg, byte[] keyBytes) {
        Objects.requireNonNull(alg, "alg");
        Objects.requireNonNull(keyBytes, "keyBytes");
        long deadline = deadline();
        // Wrapping needs a version in the path; for a versionless kid, resolve the latest version first
        // so the wrapped DEK records exactly which version can unwrap it.
        Future<KeyId> versioned = checkVault(kid)
                .compose(k -> k.hasVersion()
                        ? Future.succeededFuture(k)
                        : getKey(k, deadline).map(KeyProperties::kid));
        String body = new JsonObject()
                .put("alg", alg)
                .put("value", KeyBundles.base64Url(keyBytes))
                .encode();
        return versioned.compose(k -> executor.execute(
                        new VaultRequest(
                                HttpMethod.POST, k.path() + "/wrapkey?" + apiQuery, Buffer.buffer(body), "wrap"),
                        deadline)
                .compose(response -> parse(response, json -> {
                    String returnedKid = json.getString("kid");
                    KeyId used = returnedKid == null ? k : KeyId.parse(returnedKid);
                    return new WrapResult(
                            used.hasVersion() ? used : k, alg, KeyBundles.fromBase64Url(json.getString("value")));
                })));
    }

    @Override
    public Future<byte[]> unwrapKey(KeyId kid, String alg, byte[] wrapped) {
        Objects.requireNonNull(alg, "alg");
        Objects.requireNonNull(wrapped, "wrapped");
        if (!kid.hasVersion()) {
            return badRequest("unwrapKey needs the key version that wrapped: " + kid);
        }
        String body = new JsonObject()
                .put("alg", alg)
                .put("value", KeyBundles.base64Url(wrapped))
                .encode();
        return checkVault(kid)
                .compose(k -> executor.execute(
                        new VaultRequest(
                                HttpMethod.POST, k.path() + "/unwrapkey?" + apiQuery, Buffer.buffer(body), "unwrap"),
                        deadline()))
                .compose(response -> parse(response, json -> KeyBundles.fromBase64Url(json.getString("value"))));
    }

    @Override
    public Future<KeyProperties> createKey(String name, CreateKeyOptions options) {
        Buffer body = Buffer.buffer(
                createKeyBody(Objects.requireNonNull(options, "options")).encode());
        return keyNamed(name)
                .compose(kid -> executor.execute(
                        new VaultRequest(HttpMethod.POST, kid.path() + "/create?" + apiQuery, body, "create"),
                        deadline()))
                .compose(response -> parse(response, KeyBundles::fromKeyBundle));
    }

    /** Azure's key-create body; attributes only when one is set, so the vault's defaults apply otherwise. */
    private static JsonObject createKeyBody(CreateKeyOptions options) {
        JsonObject body = new JsonObject()
                .put("kty", options.getKty())
                .put("key_size", options.getKeySize())
                .put("key_ops", new JsonArray(new ArrayList<>(options.getKeyOps())));
        JsonObject attributes = new JsonObject();
        if (options.getEnabled() != null) {
            attributes.put("enabled", options.getEnabled());
        }
        if (options.getNotBefore() != null) {
            attributes.put("nbf", options.getNotBefore().getEpochSecond());
        }
        if (options.getExpires() != null) {
            attributes.put("exp", options.getExpires().getEpochSecond());
        }
        return attributes.isEmpty() ? body : body.put("attributes", attributes);
    }

    @Override
    public Future<KeyProperties> rotateKey(String name) {
        return keyNamed(name)
                .compose(kid -> executor.execute(
                        new VaultRequest(HttpMethod.POST, kid.path() + "/rotate?" + apiQuery, null, "rotate"),
                        deadline()))
                .compose(response -> parse(response, KeyBundles::fromKeyBundle));
    }

    @Override
    public Future<KeyProperties> deleteKey(String name) {
        return keyNamed(name)
                .compose(kid -> executor.execute(
                        new VaultRequest(HttpMethod.DELETE, kid.path() + "?" + apiQuery, null, "delete"), deadline()))
                .compose(response -> parse(response, KeyBundles::fromKeyBundle));
    }

    @Override
    public VaultLatency latency() {
        return latency;
    }

    @Override
    public TransportInfo transport() {
        return new TransportInfo(tlsEngine, httpVersions);
    }

    @Override
    public Future<Void> close() {
        // immediate: in-flight calls fail (their callers see UNAVAILABLE) instead of holding the close;
        // bounded, so a connection stuck in a handshake cannot hold the caller's shutdown hostage
        Promise<Void> closed = Promise.promise();
        long guard = vertx.setTimer(CLOSE_GRACE_MILLIS, t -> {
            if (closed.tryComplete()) {
                LOG.log(
                        Level.WARNING,
                        "vault-client for " + vaultUrl + ": HTTP client not closed after " + CLOSE_GRACE_MILLIS
                                + " ms; continuing");
            }
        });
        http.close().onComplete(ar -> {
            vertx.cancelTimer(guard);
            closed.tryComplete();
        });
        return closed.future();
    }

    private long deadline() {
        return System.nanoTime() + options.getCallDeadline().toNanos();
    }

    /** The versionless id of a key of this vault; a bad name fails as BAD_REQUEST before anything is sent. */
    private Future<KeyId> keyNamed(String name) {
        try {
            return Future.succeededFuture(new KeyId(vaultUrl, name, null));
        } catch (IllegalArgumentException e) {
            return badRequest(e.getMessage());
        }
    }

    private Future<KeyId> checkVault(KeyId kid) {
        Objects.requireNonNull(kid, "kid");
        if (!kid.vaultUrl().equals(vaultUrl)) {
            return badRequest("key " + kid + " is not in vault " + vaultUrl);
        }
        return Future.succeededFuture(kid);
    }

    private interface BodyReader<T> {
        T read(JsonObject body);
    }

    /** A 2xx answer whose body does not read as expected is a vault fault (UNAVAILABLE), not a bug here. */
    private <T> Future<T> parse(HttpResponse<Buffer> response, BodyReader<T> reader) {
        try {
            JsonObject body = response.bodyAsJsonObject();
            if (body == null) {
                throw new IllegalArgumentException("empty body");
            }
            return Future.succeededFuture(reader.read(body));
        } catch (RuntimeException e) {
            return Future.failedFuture(new KeyVaultException(
                    VaultErrorClass.UNAVAILABLE,
                    response.statusCode(),
                    null,
                    null,
                    "unreadable vault answer: " + e.getClass().getSimpleName(),
                    null,
                    null,
                    null));
        }
    }

    private static <T> Future<T> badRequest(String message) {
        return Future.failedFuture(new KeyVaultException(VaultErrorClass.BAD_REQUEST, message, null, null));
    }
}
