package io.strongroom.server.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.core.keys.IdentityConfig;
import io.strongroom.core.testkit.Await;
import io.strongroom.server.LocalVaultClientOptions;
import io.strongroom.server.config.GatewayConfig;
import io.strongroom.vault.KeyId;
import io.strongroom.vault.KeyVaultClient;
import io.strongroom.vault.StaticTokenProvider;
import io.strongroom.vault.local.Identity;
import io.strongroom.vault.local.LocalVault;
import io.strongroom.vault.local.LocalVaultOptions;
import io.strongroom.vault.local.keys.AtRestCipher;
import io.strongroom.vault.local.keys.KeyFileStore;
import io.strongroom.vault.local.keys.KeyVersion;
import io.strongroom.vault.local.keys.VaultKey;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.RSAPrivateCrtKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.stream.Stream;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secret hygiene of the whole gateway, at debug log level: a scenario through every key path (volumes under the
 * service key and under a customer key reached with OAuth2 client credentials, writes and reads, a KEK rotation, a
 * DEK rollover and its re-seal, the customer key disabled until the volume is INACCESSIBLE and revalidated back,
 * bad requests), then every log line, every answer body, /metrics, /health, the activity log (file and route) and the
 * toString() of the configuration and the key-bearing objects are searched for every secret: each DEK the volumes
 * ever had (hex, base64, base64url; unwrapped here through the vault's own API as its operator), every bearer token,
 * the client secret, the vault's master secret and the KEK private keys (PKCS#8 base64 as PEM lines, the RSA private
 * exponent and primes in decimal, hex and base64url as a JWK carries them).
 */
class SecretHygieneEndToEndTest {
    private static final String OPERATOR_TOKEN = "hygiene-operator-token-0123456789abcdef0123456789";
    private static final String GATEWAY_VAULT_TOKEN = "hygiene-gateway-vault-token-0123456789abcdef012345";
    private static final String APP_STATIC_TOKEN = "hygiene-app-static-token-0123456789abcdef01234567";
    private static final String CLIENT_ID = "hygiene-app";
    private static final String CLIENT_SECRET = "hygiene-client-secret-Zk3q9Lm2Xw7Pv5Rt8Yb1Nc4";
    private static final int BS = 8192;
    /** Kept here: java.util.logging holds loggers weakly, and a collected logger would lose its level. */
    private static final List<Logger> DEBUG_LOGGERS =
            List.of(Logger.getLogger("io.strongroom"), Logger.getLogger("io.vertx"), Logger.getLogger("io.netty"));

    @TempDir
    Path dir;

    /** Every text that leaves the gateway, labelled by where it came from. */
    final List<String[]> texts = new CopyOnWriteArrayList<>();

    final Handler capture = new Handler() {
        final SimpleFormatter formatter = new SimpleFormatter();

        @Override
        public void publish(LogRecord r) {
            texts.add(new String[] {"log " + r.getLoggerName(), formatter.format(r)});
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    @Test
    void noSecretLeavesTheGatewayAtDebugLevel() throws Exception {
        KeyGenerator aes = KeyGenerator.getInstance("AES");
        aes.init(256);
        SecretKey master = aes.generateKey();
        Vertx side = Vertx.vertx();
        LocalVault vault = LocalVault.start(
                        side,
                        new LocalVaultOptions()
                                .setDataDir(dir.resolve("vault"))
                                .setMasterSecret(master)
                                .addIdentity(OPERATOR_TOKEN, new Identity("operator", Set.of("all")))
                                .addIdentity(GATEWAY_VAULT_TOKEN, new Identity("gateway", Set.of("all")))
                                .addIdentity(
                                        APP_STATIC_TOKEN, new Identity("app", Set.of("all"), CLIENT_ID, CLIENT_SECRET)))
                .await(60, TimeUnit.SECONDS);
        VaultOperator vaultOps = new VaultOperator(vault, OPERATOR_TOKEN);
        KeyVaultClient operator = KeyVaultClient.create(
                side, LocalVaultClientOptions.reaching(vault), new StaticTokenProvider(OPERATOR_TOKEN));
        Map<String, byte[]> deks = new LinkedHashMap<>();
        Logger root = Logger.getLogger("");
        try {
            GatewayConfig config = vaultOps.prepareGateway(dir, GATEWAY_VAULT_TOKEN)
                    .putIdentity(
                            "app",
                            new IdentityConfig.ClientCredentials(
                                    vault.baseUrl(),
                                    LocalVaultOptions.DEFAULT_TENANT_ID,
                                    CLIENT_ID,
                                    CLIENT_SECRET,
                                    vault.certificatePem()));
            Path data = dir.resolve("data");
            config.keyAccess().setGracePeriod(Duration.ofSeconds(2)).setProbeInterval(Duration.ofMillis(300));
            String kek = vaultOps.kek(VaultOperator.CUSTOMER_KEY);

            capture.setLevel(Level.ALL);
            root.addHandler(capture);
            for (Logger logger : DEBUG_LOGGERS) {
                logger.setLevel(Level.FINEST);
            }
            try (GatewayFixture gw = GatewayFixture.start(config, null, b -> {})) {
                Api api = new Api(gw);
                api.expect(
                        201,
                        "POST",
                        "/v1/volumes",
                        TestTokens.ADMIN,
                        new JsonObject()
                                .put("name", "cust")
                                .put("sizeBytes", 16L * BS)
                                .put("kek", kek)
                                .put("identity", "app"));
                api.expect(
                        201,
                        "POST",
                        "/v1/volumes",
                        TestTokens.ADMIN,
                        new JsonObject().put("name", "svc").put("sizeBytes", 16L * BS));
                byte[] run = BlockApiTest.random(4 * BS, 11);
                for (String volume : List.of("cust", "svc")) {
                    api.expectBytes(204, "PUT", "/v1/volumes/" + volume + "/blocks/0?count=4", run);
                    api.expectBytes(200, "GET", "/v1/volumes/" + volume + "/blocks/0?count=4", null);
                }
                unwrapAll(operator, data, deks);

                // KEK rotation: a new version of the customer key, every DEK re-wrapped under it
                vaultOps.createRsaKey(VaultOperator.CUSTOMER_KEY);
                api.expect(
                        200,
                        "PUT",
                        "/v1/volumes/cust/kek",
                        TestTokens.KEY_ADMIN,
                        new JsonObject().put("kek", kek).put("identity", "app"));
                // DEK rollover: a new active DEK, the old blocks re-sealed under it in the background
                api.expect(202, "POST", "/v1/volumes/cust/rollover", TestTokens.KEY_ADMIN, null);
                unwrapAll(operator, data, deks);
                await().atMost(Duration.ofSeconds(Await.DEFAULT_TIMEOUT_SECONDS))
                        .until(() -> api.get("/v1/volumes/cust").getValue("rollover") == null);
                api.expectBytes(200, "GET", "/v1/volumes/cust/blocks/0?count=4", null);
                api.expect(200, "POST", "/v1/volumes/svc/revalidate", TestTokens.KEY_ADMIN, null);

                // the customer key disabled: DEGRADED, then INACCESSIBLE after the grace period; revalidated back
                vaultOps.setEnabled(VaultOperator.CUSTOMER_KEY, false);
                await().atMost(Duration.ofSeconds(Await.DEFAULT_TIMEOUT_SECONDS))
                        .until(() -> "INACCESSIBLE"
                                .equals(api.get("/v1/volumes/cust").getString("keyState")));
                api.expectBytes(503, "GET", "/v1/volumes/cust/blocks/0", null);
                api.expect(200, "GET", "/health", TestTokens.ADMIN, null);
                api.expect(
                        400,
                        "PUT",
                        "/v1/volumes/svc/kek",
                        TestTokens.KEY_ADMIN,
                        new JsonObject().put("kek", kek).put("identity", "app"));
                vaultOps.setEnabled(VaultOperator.CUSTOMER_KEY, true);
                api.expect(
                        200,
                        "POST",
                        "/v1/keys/revalidate",
                        TestTokens.KEY_ADMIN,
                        new JsonObject().put("kek", kek).put("identity", "app"));
                assertEquals("AVAILABLE", api.get("/v1/volumes/cust").getString("keyState"));
                api.expectBytes(200, "GET", "/v1/volumes/cust/blocks/0?count=4", null);

                // client mistakes, each with a near miss of a real token where a token goes
                api.raw(401, "GET", "/v1/volumes/cust", TestTokens.ADMIN + "x", null);
                api.raw(401, "GET", "/v1/volumes/cust", TestTokens.ADMIN.substring(1), null);
                api.raw(401, "GET", "/health", null, null);
                api.raw(403, "GET", "/v1/volumes", TestTokens.DATA_ALL, null);
                api.raw(403, "POST", "/v1/volumes/cust/rollover", TestTokens.DATA_ALL, new byte[0]);
                api.raw(400, "POST", "/v1/volumes", TestTokens.ADMIN, "{\"name\":".getBytes(StandardCharsets.UTF_8));
                api.raw(400, "PUT", "/v1/volumes/cust/blocks/0", TestTokens.DATA_ALL, new byte[BS - 1]);
                api.expect(
                        400,
                        "PUT",
                        "/v1/volumes/cust/kek",
                        TestTokens.KEY_ADMIN,
                        new JsonObject()
                                .put("kek", vault.vaultUrl() + "/keys/no-such-key")
                                .put("identity", "app"));
                api.expect(
                        400,
                        "PUT",
                        "/v1/volumes/cust/kek",
                        TestTokens.KEY_ADMIN,
                        new JsonObject().put("kek", "not-a-key-url").put("identity", "app"));

                api.expect(200, "GET", "/metrics", TestTokens.ADMIN, null);
                api.expect(200, "GET", "/health", TestTokens.ADMIN, null);
                api.expect(200, "GET", "/v1/activity?limit=1000", TestTokens.KEY_ADMIN, null);
                api.expect(200, "GET", "/v1/volumes", TestTokens.ADMIN, null);
                unwrapAll(operator, data, deks);

                texts.add(new String[] {"activity.log", Files.readString(data.resolve("activity.log"))});
                texts.add(new String[] {"toString", gw.gateway.toString()});
                texts.add(new String[] {"toString", config.toString()});
                texts.add(new String[] {"toString", String.valueOf(config.identities())});
                texts.add(new String[] {"toString", config.vault().toString()});
                texts.add(new String[] {"toString", gw.gateway.volumes().toString()});
                texts.add(new String[] {
                    "toString", Await.result(gw.gateway.volumes().get("cust")).toString()
                });
                texts.add(new String[] {"toString", gw.gateway.httpApi().toString()});
            } finally {
                root.removeHandler(capture);
                for (Logger logger : DEBUG_LOGGERS) {
                    logger.setLevel(null);
                }
            }
        } finally {
            Await.result(operator.close());
            vault.close().await(30, TimeUnit.SECONDS);
            side.close().await(30, TimeUnit.SECONDS);
        }

        assertTrue(deks.size() >= 3, () -> "the DEKs of both volumes and the rollover's: " + deks.keySet());
        Map<String, String> secrets = secretForms(deks, master);
        assertTrue(
                texts.stream().anyMatch(t -> t[0].startsWith("log") && t[1].contains("INACCESSIBLE")),
                "the debug log covers the scenario");
        List<String> found = new ArrayList<>();
        for (String[] text : texts) {
            secrets.forEach((form, what) -> {
                int at = text[1].indexOf(form);
                if (at >= 0) {
                    // the context around the find, the secret itself replaced by its description
                    String around = text[1].substring(Math.max(0, at - 200), Math.min(text[1].length(), at + 200));
                    found.add(what + " in " + text[0] + ": " + around.replace(form, "<" + what + ">"));
                }
            });
        }
        assertTrue(found.isEmpty(), () -> found.size() + " secret(s) found: " + String.join("\n", found));
    }

    /** Every form in which a secret could be printed, mapped to a description that does not repeat the secret. */
    private Map<String, String> secretForms(Map<String, byte[]> deks, SecretKey master) throws Exception {
        Map<String, String> forms = new LinkedHashMap<>();
        deks.forEach((id, key) -> bytes(forms, key, "DEK " + id));
        bytes(forms, master.getEncoded(), "the vault's master secret");
        for (String token : List.of(
                TestTokens.ADMIN,
                TestTokens.DATA_A,
                TestTokens.DATA_ALL,
                TestTokens.VOLUME_ADMIN,
                TestTokens.KEY_ADMIN,
                OPERATOR_TOKEN,
                GATEWAY_VAULT_TOKEN,
                APP_STATIC_TOKEN,
                CLIENT_SECRET)) {
            forms.put(token, "a token or client secret");
        }
        int privateKeys = 0;
        for (VaultKey key : new KeyFileStore(dir.resolve("vault"), new AtRestCipher(master)).loadAll()) {
            for (KeyVersion v : key.versions()) {
                RSAPrivateCrtKey k = v.privateKey();
                String what = "private key " + key.name() + "/" + v.version();
                String pem = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(k.getEncoded());
                List<String> lines = pem.lines().toList();
                // the first line is the PKCS#8 header and the start of the (public) modulus; the rest is secret
                lines.subList(lines.size() / 2, lines.size() - 1).forEach(l -> forms.put(l, what + " (PEM line)"));
                for (BigInteger n : List.of(
                        k.getPrivateExponent(),
                        k.getPrimeP(),
                        k.getPrimeQ(),
                        k.getPrimeExponentP(),
                        k.getPrimeExponentQ(),
                        k.getCrtCoefficient())) {
                    forms.put(n.toString(), what + " (decimal)");
                    bytes(forms, KeyFileStore.unsigned(n), what);
                }
                privateKeys++;
            }
        }
        assertEquals(3, privateKeys, "service key, customer key and its rotated version");
        return forms;
    }

    private static void bytes(Map<String, String> forms, byte[] secret, String what) {
        forms.put(HexFormat.of().formatHex(secret), what + " (hex)");
        forms.put(HexFormat.of().withUpperCase().formatHex(secret), what + " (HEX)");
        forms.put(Base64.getEncoder().withoutPadding().encodeToString(secret), what + " (base64)");
        forms.put(Base64.getUrlEncoder().withoutPadding().encodeToString(secret), what + " (base64url)");
    }

    /** Unwraps, as the vault's operator, every DEK the volumes' metadata documents hold now. */
    private static void unwrapAll(KeyVaultClient operator, Path data, Map<String, byte[]> deks) throws Exception {
        List<Path> documents;
        try (Stream<Path> walk = Files.walk(data.resolve("volumes"))) {
            documents = walk.filter(Files::isRegularFile)
                    .filter(p -> p.toString().endsWith(".json"))
                    .toList();
        }
        for (Path p : documents) {
            JsonObject doc = new JsonObject(Files.readString(p));
            if (!doc.containsKey("deks")) {
                continue;
            }
            for (Object d : doc.getJsonArray("deks")) {
                JsonObject wrapped = ((JsonObject) d).getJsonObject("wrapped");
                byte[] key = Await.result(operator.unwrapKey(
                        KeyId.parse(wrapped.getString("kek")),
                        wrapped.getString("alg"),
                        Base64.getUrlDecoder().decode(wrapped.getString("wrapped"))));
                deks.put(wrapped.getString("dekId"), key);
            }
        }
        assertFalse(deks.isEmpty(), "volume metadata documents found under " + data);
    }

    /** The gateway's HTTP API with every answer body kept for the scan. */
    private final class Api {
        private final GatewayFixture gw;

        Api(GatewayFixture gw) {
            this.gw = gw;
        }

        JsonObject get(String path) throws Exception {
            GatewayFixture.Response r = gw.get(path, TestTokens.ADMIN);
            keep(path, r);
            return r.json();
        }

        void expect(int status, String method, String path, String token, JsonObject body) throws Exception {
            GatewayFixture.Response r = body == null
                    ? gw.send(method, path, token, method.equals("GET") ? null : new byte[0])
                    : gw.json(method, path, token, body);
            keep(path, r);
            assertEquals(status, r.status(), () -> method + " " + path + ": " + new String(r.body()));
        }

        void expectBytes(int status, String method, String path, byte[] body) throws Exception {
            raw(status, method, path, TestTokens.DATA_ALL, body);
        }

        void raw(int status, String method, String path, String token, byte[] body) throws Exception {
            GatewayFixture.Response r = gw.send(method, path, token, body);
            keep(path, r);
            assertEquals(status, r.status(), () -> method + " " + path + ": " + new String(r.body()));
        }

        private void keep(String path, GatewayFixture.Response r) {
            String type = r.headers().firstValue("content-type").orElse("");
            texts.add(new String[] {"headers of " + path, r.headers().map().toString()});
            if (!type.equals("application/octet-stream")) {
                texts.add(new String[] {"body of " + path, new String(r.body(), StandardCharsets.UTF_8)});
            }
        }
    }
}
