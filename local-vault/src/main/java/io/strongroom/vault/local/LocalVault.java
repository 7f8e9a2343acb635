package io.strongroom.vault.local;

import io.strongroom.crypto.TlsPolicy;
import io.strongroom.vault.local.audit.AuditLog;
import io.strongroom.vault.local.errors.VaultError;
import io.strongroom.vault.local.faults.FaultAdminApi;
import io.strongroom.vault.local.faults.FaultInjector;
import io.strongroom.vault.local.http.VaultHttpContext;
import io.strongroom.vault.local.http.VaultRequestHandler;
import io.strongroom.vault.local.identity.AccessPolicies;
import io.strongroom.vault.local.identity.AccessPolicy;
import io.strongroom.vault.local.identity.PolicyAdminApi;
import io.strongroom.vault.local.identity.TokenEndpoints;
import io.strongroom.vault.local.identity.TokenRegistry;
import io.strongroom.vault.local.keys.AtRestCipher;
import io.strongroom.vault.local.keys.KeyFileStore;
import io.strongroom.vault.local.keys.KeyRegistry;
import io.strongroom.vault.local.keys.MasterSecret;
import io.strongroom.vault.local.tls.SelfSignedCertificate;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import javax.crypto.SecretKey;

/**
 * A key vault server speaking the Azure Key Vault keys REST subset over HTTPS (see
 * docs/LOCAL-VAULT.md): the embedded default vault, a vault small deployments can run themselves,
 * and the real server tests run against. Start it from Java with {@link #start} or standalone with
 * {@link #main}.
 */
public final class LocalVault {
    private static final System.Logger LOG = System.getLogger(LocalVault.class.getName());
    private static final long SWEEP_PERIOD_MS = 60_000;

    private final Vertx vertx;
    private final HttpServer server;
    private final AuditLog audit;
    private final String baseUrl;
    private final String vaultUrl;
    private final String region;
    private final String certificatePem;
    private final long sweepTimer;

    private LocalVault(
            Vertx vertx,
            HttpServer server,
            AuditLog audit,
            String baseUrl,
            String vaultUrl,
            String region,
            String certificatePem,
            long sweepTimer) {
        this.vertx = vertx;
        this.server = server;
        this.audit = audit;
        this.baseUrl = baseUrl;
        this.vaultUrl = vaultUrl;
        this.region = region;
        this.certificatePem = certificatePem;
        this.sweepTimer = sweepTimer;
    }

    /**
     * What start() prepares off the event loop: loaded keys, access policy, master secret, audit file, certificate.
     */
    private record Prepared(
            KeyRegistry registry, AccessPolicies policies, AuditLog audit, String certPem, String keyPem) {}

    public static Future<LocalVault> start(Vertx vertx, LocalVaultOptions options) {
        Objects.requireNonNull(options.getDataDir(), "LocalVaultOptions.dataDir is required");
        AccessPolicy configured;
        try {
            configured = AccessPolicy.fromTokens(options.getIdentities(), options.getAllowedCidrs());
        } catch (IllegalArgumentException e) {
            return Future.failedFuture(e);
        }
        if ((options.getTlsCertPem() == null) != (options.getTlsKeyPem() == null)) {
            return Future.failedFuture(new IllegalArgumentException("tlsCertPem and tlsKeyPem go together"));
        }
        return vertx.executeBlocking(() -> prepare(options, configured), false).compose(p -> listen(vertx, options, p));
    }

    private static Prepared prepare(LocalVaultOptions options, AccessPolicy configured) throws Exception {
        Path dataDir = options.getDataDir();
        Files.createDirectories(dataDir);
        Path masterFile = options.getMasterSecretFile() != null
                ? Path.of(options.getMasterSecretFile())
                : dataDir.resolve("master.key");
        SecretKey master = options.getMasterSecret() != null
                ? options.getMasterSecret()
                : MasterSecret.loadOrCreate(masterFile, KeyFileStore.holdsKeys(dataDir));
        KeyFileStore store = new KeyFileStore(dataDir, new AtRestCipher(master));
        KeyRegistry registry = KeyRegistry.open(
                store, options.getClock(), options.getSoftDeleteRetentionDays(), options.isPurgeProtection());
        registry.purgeDue();
        AccessPolicies policies = options.getAdminToken() == null
                ? AccessPolicies.fixed(configured)
                : AccessPolicies.persisted(dataDir.resolve("policy.json"), configured);
        Path auditFile =
                options.getAuditLogFile() != null ? Path.of(options.getAuditLogFile()) : dataDir.resolve("audit.log");
        AuditLog audit = new AuditLog(auditFile, options.getRegion());
        if (options.getTlsCertPem() != null) {
            return new Prepared(registry, policies, audit, options.getTlsCertPem(), options.getTlsKeyPem());
        }
        SelfSignedCertificate cert = SelfSignedCertificate.generate(options.getHost());
        return new Prepared(registry, policies, audit, cert.certificatePem(), cert.privateKeyPem());
    }

    private static Future<LocalVault> listen(Vertx vertx, LocalVaultOptions options, Prepared p) {
        TokenRegistry tokens = new TokenRegistry(p.policies(), options.getClock());
        FaultInjector faults = options.isFaultInjection() ? new FaultInjector() : null;
        // Known once the server listens (the default contains the port); no request is served before.
        AtomicReference<String> vaultUrl = new AtomicReference<>();
        VaultHttpContext context = new VaultHttpContext(
                p.registry(),
                tokens,
                faults,
                p.audit(),
                options.getClock(),
                options.getRegion(),
                options.getTenantId(),
                options.isAllowRsa15(),
                vaultUrl::get);

        Router router = Router.router(vertx);
        if (faults != null) {
            new FaultAdminApi(faults, options.getRegion()).mount(router);
        }
        if (options.getAdminToken() != null) {
            new PolicyAdminApi(vertx, p.policies(), options.getAdminToken(), p.audit(), options.getClock())
                    .mount(router);
        }
        new TokenEndpoints(tokens, options).mount(router);
        VaultRequestHandler vaultHandler = new VaultRequestHandler(vertx, context);
        BodyHandler body = BodyHandler.create().setBodyLimit(1024 * 1024).setHandleFileUploads(false);
        router.route("/keys*").handler(body).handler(vaultHandler);
        router.route("/deletedkeys*").handler(body).handler(vaultHandler);
        router.route()
                .handler(ctx ->
                        jsonError(ctx, VaultError.notFoundPath(ctx.request().path())));
        router.route().failureHandler(LocalVault::routingFailure);

        HttpServerOptions serverOptions = new HttpServerOptions()
                .setHost(options.getHost())
                .setPort(options.getPort())
                .setSsl(true)
                .setUseAlpn(true)
                .setEnabledSecureTransportProtocols(TlsPolicy.PROTOCOLS)
                .setKeyCertOptions(new PemKeyCertOptions()
                        .addCertValue(Buffer.buffer(p.certPem()))
                        .addKeyValue(Buffer.buffer(p.keyPem())));
        TlsPolicy.CIPHER_SUITES.forEach(serverOptions::addEnabledCipherSuite);
        TlsPolicy.configureJdkEngine();
        return vertx.createHttpServer(serverOptions)
                .requestHandler(router)
                .listen()
                .recover(err -> closeAudit(vertx, p.audit()).transform(ignored -> Future.failedFuture(err)))
                .map(server -> {
                    String host = options.getHost().equals("0.0.0.0")
                            ? "127.0.0.1"
                            : options.getHost().contains(":") ? "[" + options.getHost() + "]" : options.getHost();
                    String base = "https://" + host + ":" + server.actualPort();
                    vaultUrl.set(options.getVaultUrl() != null ? stripSlash(options.getVaultUrl()) : base);
                    long timer = vertx.setPeriodic(SWEEP_PERIOD_MS, id -> {
                        tokens.sweep();
                        vertx.executeBlocking(() -> p.registry().purgeDue(), false)
                                .onFailure(e -> LOG.log(
                                        System.Logger.Level.WARNING,
                                        "purge sweep failed: " + e.getClass().getName()));
                    });
                    LOG.log(
                            System.Logger.Level.INFO,
                            "local-vault (region " + options.getRegion() + ") listening on " + base + ", vault URL "
                                    + vaultUrl.get());
                    return new LocalVault(
                            vertx, server, p.audit(), base, vaultUrl.get(), options.getRegion(), p.certPem(), timer);
                });
    }

    /** Failures raised by Vert.x Web itself (body too large, malformed request): JSON like every other error. */
    private static void routingFailure(RoutingContext ctx) {
        int status = ctx.statusCode();
        if (status == 413) {
            jsonError(ctx, new VaultError(413, "RequestTooLarge", null, "The request body is too large."));
        } else if (status >= 400 && status < 500) {
            jsonError(ctx, VaultError.badParameter("The request could not be processed."));
        } else {
            LOG.log(
                    System.Logger.Level.ERROR,
                    "unhandled failure on " + ctx.request().path() + ": "
                            + (ctx.failure() == null
                                    ? "status " + status
                                    : ctx.failure().getClass().getName()));
            jsonError(ctx, VaultError.internal());
        }
    }

    private static void jsonError(RoutingContext ctx, VaultError e) {
        if (!ctx.response().ended()) {
            ctx.response()
                    .setStatusCode(e.status())
                    .putHeader("content-type", "application/json; charset=utf-8")
                    .end(e.toJson().toBuffer());
        }
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static Future<Void> closeAudit(Vertx vertx, AuditLog audit) {
        return vertx.executeBlocking(
                () -> {
                    audit.close();
                    return null;
                },
                false);
    }

    public int port() {
        return server.actualPort();
    }

    /** Where to send requests: https://127.0.0.1:port (or the configured host). */
    public String baseUrl() {
        return baseUrl;
    }

    /** The vault's identity as it appears in key ids. */
    public String vaultUrl() {
        return vaultUrl;
    }

    public String region() {
        return region;
    }

    /** The server certificate (PEM), for clients to trust. */
    public String certificatePem() {
        return certificatePem;
    }

    /** Stops listening, then drains and fsyncs the audit log. */
    public Future<Void> close() {
        vertx.cancelTimer(sweepTimer);
        return server.close().eventually(() -> closeAudit(vertx, audit));
    }

    /** Standalone: {@code java -jar strongroom-local-vault.jar --config vault.json}. */
    public static void main(String[] args) throws Exception {
        StandaloneMain.run(args);
    }
}
