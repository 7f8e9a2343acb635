package io.strongroom.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.core.config.Durations;
import io.strongroom.core.keys.IdentityConfig;
import io.strongroom.core.keys.Pkcs11Config;
import io.strongroom.core.store.Durability;
import io.strongroom.vault.KeyVaultClientOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    private static GatewayConfig load(Map<String, String> env, String... args) {
        return ConfigLoader.load(args, env);
    }

    private static String error(Map<String, String> env, String... args) {
        return assertThrows(ConfigException.class, () -> ConfigLoader.load(args, env))
                .getMessage();
    }

    @Test
    void defaults() {
        GatewayConfig c = load(Map.of());
        assertEquals("127.0.0.1", c.getHost());
        assertEquals(8080, c.getPort());
        assertEquals(Path.of("strongroom-data"), c.getDataDir());
        assertEquals(Durability.FSYNC, c.getDurability());
        assertEquals(Runtime.getRuntime().availableProcessors(), c.getEventLoops());
        assertEquals(64, c.limits().getMaxBlocksPerRequest());
        assertEquals(Duration.ofSeconds(30), c.limits().getRequestTimeout());
        assertFalse(c.tls().enabled());
        assertTrue(c.vault().embedded());
        assertFalse(c.isAllowPlainHttpOffLoopback());
    }

    @Test
    void flagsBeatEnvironmentWhichBeatsTheFile() throws Exception {
        Path file = dir.resolve("gateway.yaml");
        Files.writeString(file, """
        listen:
          port: 9000
          host: 127.0.0.1
        durability: none
        eventLoops: 3
        limits:
          maxBlocksPerRequest: 16
          requestTimeout: 5s
        dataDir: /from/file
        """);
        Map<String, String> env = Map.of("STRONGROOM_LISTEN_PORT", "9001", "STRONGROOM_EVENT_LOOPS", "5");
        GatewayConfig c = load(env, "--config", file.toString(), "--event-loops=7", "--request-timeout", "250ms");
        assertEquals(9001, c.getPort(), "environment over file");
        assertEquals(7, c.getEventLoops(), "flag over environment");
        assertEquals(Duration.ofMillis(250), c.limits().getRequestTimeout(), "flag over file");
        assertEquals(Durability.NONE, c.getDurability(), "file over default");
        assertEquals(16, c.limits().getMaxBlocksPerRequest());
        assertEquals(Path.of("/from/file"), c.getDataDir());
    }

    @Test
    void jsonFileFromTheEnvironmentWithAnExternalVault() throws Exception {
        Path file = dir.resolve("gateway.json");
        Files.writeString(file, """
        {"vault": {"url": "https://myvault.vault.azure.net", "localRegion": "westeurope",
                   "endpoints": [{"url": "https://myvault.vault.azure.net", "region": "westeurope"},
                                 {"url": "https://myvault-ne.example.net", "region": "northeurope"}],
                   "identity": "mi"},
         "identities": {"mi": {"type": "managed", "endpoint": "http://169.254.169.254/metadata/identity/oauth2/token",
                               "clientId": "abc"},
                        "app": {"type": "clientCredentials", "authority": "https://login.example", "tenant": "t",
                                "clientId": "c", "clientSecret": "s3cret"}},
         "serviceKek": "https://myvault.vault.azure.net/keys/service"}
        """);
        GatewayConfig c = load(Map.of("STRONGROOM_CONFIG", file.toString()));
        assertFalse(c.vault().embedded());
        assertEquals(2, c.vault().getEndpoints().size());
        assertEquals("northeurope", c.vault().getEndpoints().get(1).region());
        IdentityConfig.ManagedIdentity managed = assertInstanceOf(
                IdentityConfig.ManagedIdentity.class, c.identities().get("mi"));
        assertEquals("abc", managed.clientId());
        assertNull(managed.trustPem(), "no trustPem: the JVM's default trust");
        IdentityConfig.ClientCredentials app = assertInstanceOf(
                IdentityConfig.ClientCredentials.class, c.identities().get("app"));
        assertEquals("s3cret", app.clientSecret());
        assertFalse(app.toString().contains("s3cret"));
        assertEquals("https://myvault.vault.azure.net/keys/service", c.getServiceKek());
    }

    @Test
    void keyAccessSettings() throws Exception {
        Path file = dir.resolve("keys.yaml");
        Files.writeString(file, "keyAccess:\n  gracePeriod: 5m\n  alertWebhooks: [\"https://alerts.example/a\"]\n");
        GatewayConfig c = load(
                Map.of("STRONGROOM_KEY_ACCESS_ALERT_WEBHOOKS", "[\"https://alerts.example/b\"]"),
                "--config",
                file.toString(),
                "--key-probe-interval",
                "15s");
        assertEquals(Duration.ofMinutes(5), c.keyAccess().getGracePeriod());
        assertEquals(Duration.ofSeconds(15), c.keyAccess().getProbeInterval());
        assertEquals(
                java.util.List.of("https://alerts.example/b"),
                c.keyAccess().getAlertWebhooks(),
                "environment replaces the file's list");
        assertEquals(
                "invalid setting keyAccess.gracePeriod: 'soon' (expected a duration: a number and a unit (500ms, 30s,"
                        + " 1.5s, 10m, 1h) or ISO-8601 (PT30S))",
                error(Map.of(), "--key-grace-period", "soon"));
        assertEquals(
                "invalid setting keyAccess.alertWebhooks: 'ftp://x' (expected http:// or https:// URLs)",
                error(Map.of(), "--alert-webhooks", "[\"ftp://x\"]"));
    }

    @Test
    void dekLifecycleSettings() {
        GatewayConfig defaults = load(Map.of());
        assertEquals(
                KeyAccessConfig.DEFAULT_RESEAL_BLOCKS_PER_SECOND,
                defaults.keyAccess().getResealBlocksPerSecond());
        assertNull(defaults.keyAccess().getDekMaxAge(), "rollover by age is off unless set");
        GatewayConfig c = load(Map.of("STRONGROOM_KEY_ACCESS_DEK_MAX_AGE", "24h"), "--reseal-rate", "500");
        assertEquals(500, c.keyAccess().getResealBlocksPerSecond());
        assertEquals(Duration.ofHours(24), c.keyAccess().getDekMaxAge());
        assertTrue(error(Map.of(), "--reseal-rate", "0")
                .startsWith("invalid setting keyAccess.resealBlocksPerSecond: '0'"));
        assertTrue(error(Map.of(), "--dek-max-age", "0s").startsWith("invalid setting keyAccess.dekMaxAge: "));
    }

    @Test
    void theProductionExampleLoads() {
        GatewayConfig c =
                load(Map.of(), "--config", Path.of("strongroom.example.yaml").toString());
        assertEquals("0.0.0.0", c.getHost());
        assertEquals(8443, c.getPort());
        assertTrue(c.tls().enabled());
        assertEquals(ClientAuthMode.REQUEST, c.tls().getClientAuth());
        assertEquals("7.4", c.vault().getApiVersion());
        assertEquals(Duration.ofSeconds(10), c.vault().getCallDeadline());
        assertInstanceOf(IdentityConfig.ManagedIdentity.class, c.identities().get("gateway"));
        assertInstanceOf(IdentityConfig.ClientCredentials.class, c.identities().get("tenant-a"));
        assertEquals("https://contoso-kv.vault.azure.net/keys/strongroom-service-key", c.getServiceKek());
        assertEquals(Duration.ofMinutes(10), c.keyAccess().getGracePeriod());
        assertEquals(1, c.keyAccess().getAlertWebhooks().size());
    }

    @Test
    void durationsTakeTheFormsTheLoadGeneratorTakes() {
        assertEquals(
                Duration.ofMillis(1500),
                load(Map.of(), "--request-timeout", "1.5s").limits().getRequestTimeout());
        assertEquals(
                Duration.ofSeconds(90),
                load(Map.of("STRONGROOM_KEY_ACCESS_PROBE_INTERVAL", "PT1M30S"))
                        .keyAccess()
                        .getProbeInterval());
    }

    @Test
    void badSettingsFailWithOneLineNamingThem() throws Exception {
        assertEquals(
                "invalid setting durability: 'fsnc' (expected fsync or none)", error(Map.of(), "--durability", "fsnc"));
        assertEquals(
                "invalid setting listen.port: '99999' (expected an integer 0..65535)", error(Map.of(), "--port=99999"));
        assertEquals(
                "invalid setting eventLoops: 'two' (expected an integer 1..1024)",
                error(Map.of("STRONGROOM_EVENT_LOOPS", "two")));
        assertEquals(
                "invalid setting limits.requestTimeout: '30' (expected a duration: a number and a unit (500ms, 30s,"
                        + " 1.5s, 10m, 1h) or ISO-8601 (PT30S); a bare number has no unit)",
                error(Map.of(), "--request-timeout", "30"));
        assertEquals("unknown flag --prot (did you mean --port?) (see --help)", error(Map.of(), "--prot", "1"));
        assertEquals("unknown flag --colour (see --help)", error(Map.of(), "--colour", "1"));
        assertEquals("missing value for flag --port", error(Map.of(), "--port"));
        assertTrue(error(Map.of(), "--host", "0.0.0.0")
                .startsWith("invalid setting listen.host: '0.0.0.0' (expected a loopback"));
        assertEquals(
                "invalid setting tls.key: missing (tls.cert is set; both are needed for TLS)",
                error(Map.of(), "--tls-cert", "/c.pem"));
        assertEquals(
                "invalid setting tls.ca: missing (tls.clientAuth is require)",
                error(Map.of(), "--tls-cert", "/c.pem", "--tls-key", "/k.pem", "--tls-client-auth", "require"));
        assertEquals(
                "invalid setting serviceKek: missing (a key identifier URL is needed with vault.url)",
                error(Map.of(), "--vault-url", "https://v.example"));
        assertEquals(
                "invalid setting vault.url: 'http://v.example' (expected an https:// URL)",
                error(Map.of(), "--vault-url", "http://v.example", "--service-kek", "x"));

        Path yaml = dir.resolve("typo.yaml");
        Files.writeString(yaml, "limits:\n  maxBlocksPerReqest: 4\n");
        assertEquals(
                "config error: " + yaml
                        + ": unknown setting limits.maxBlocksPerReqest (did you mean limits.maxBlocksPerRequest?)"
                        + " (see --help)",
                error(Map.of(), "--config", yaml.toString()));
        Path broken = dir.resolve("broken.json");
        Files.writeString(broken, "{\"listen\": {\n  \"port\" 8080}}");
        assertEquals(
                "config error: " + broken + ":2:10: Unexpected character ('8' (code 56)): was expecting a colon to"
                        + " separate field name and value",
                error(Map.of(), "--config", broken.toString()));
        assertEquals(
                "config error: " + dir.resolve("absent.json") + ": no such file (--config or STRONGROOM_CONFIG)",
                error(Map.of(), "--config", dir.resolve("absent.json").toString()));
        for (String line : new String[] {error(Map.of(), "--durability", "x"), error(Map.of(), "--port", "-1")}) {
            assertFalse(line.contains("\n"), line);
        }
    }

    @Test
    void vaultDeadlineSettings() throws Exception {
        GatewayConfig defaults = load(Map.of());
        assertEquals(Duration.ofSeconds(10), defaults.vault().getCallDeadline());
        assertEquals(Duration.ofSeconds(3), defaults.vault().getAttemptTimeout());
        assertEquals(6, defaults.vault().getMaxRetries());

        Path file = dir.resolve("vault.yaml");
        Files.writeString(file, "vault:\n  callDeadline: 45s\n  attemptTimeout: 5s\n");
        GatewayConfig c = load(
                Map.of("STRONGROOM_VAULT_ATTEMPT_TIMEOUT", "1.5s"),
                "--config",
                file.toString(),
                "--vault-max-retries",
                "2");
        assertEquals(Duration.ofSeconds(45), c.vault().getCallDeadline(), "file");
        assertEquals(Duration.ofMillis(1500), c.vault().getAttemptTimeout(), "environment over file");
        assertEquals(2, c.vault().getMaxRetries(), "flag");
        KeyVaultClientOptions options = c.vault().applyDeadlines(new KeyVaultClientOptions());
        assertEquals(Duration.ofSeconds(45), options.getCallDeadline());
        assertEquals(Duration.ofMillis(1500), options.getAttemptTimeout());
        assertEquals(2, options.getMaxRetries());

        assertTrue(error(Map.of(), "--vault-call-deadline", "0s").startsWith("invalid setting vault.callDeadline: "));
        assertTrue(error(Map.of(), "--vault-attempt-timeout", "soon")
                .startsWith("invalid setting vault.attemptTimeout: 'soon' (expected a duration"));
        assertEquals(
                "invalid setting vault.maxRetries: '101' (expected an integer 0..100)",
                error(Map.of(), "--vault-max-retries", "101"));
        assertTrue(ConfigLoader.help().contains("--vault-call-deadline <duration>"), ConfigLoader.help());
        assertTrue(ConfigLoader.help().contains("file key vault.maxRetries, env STRONGROOM_VAULT_MAX_RETRIES"));
    }

    @Test
    void anIdentityTrustPemFileIsReadIntoTheIdentity() throws Exception {
        Path pem = dir.resolve("identity-ca.pem");
        Files.writeString(pem, "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
        String identities = "{\"mi\": {\"type\": \"managed\", \"endpoint\": \"https://identity.example\", "
                + "\"trustPem\": \"" + pem + "\"}}";
        GatewayConfig c = load(Map.of("STRONGROOM_IDENTITIES", identities));
        IdentityConfig.ManagedIdentity mi = assertInstanceOf(
                IdentityConfig.ManagedIdentity.class, c.identities().get("mi"));
        assertEquals(Files.readString(pem), mi.trustPem());

        Path absent = dir.resolve("absent.pem");
        assertEquals(
                "invalid setting identities.mi.trustPem: '" + absent + "' (expected a readable PEM file)",
                error(Map.of("STRONGROOM_IDENTITIES", identities.replace(pem.toString(), absent.toString()))));
    }

    @Test
    void secretsAreNotEchoedInErrors() {
        String line = error(
                Map.of("STRONGROOM_IDENTITIES", "{\"app\": {\"type\": \"nope\", \"clientSecret\": \"hunter2\"}}"));
        assertEquals(
                "invalid setting identities.app.type: 'nope' (expected static, managed or clientCredentials)", line);
        String malformed = error(Map.of("STRONGROOM_IDENTITIES", "{hunter2"));
        assertFalse(malformed.contains("hunter2"), malformed);
    }

    @Test
    void hsmSettings() {
        assertNull(load(Map.of()).hsm().toPkcs11Config(), "no token unless hsm.token is set");
        GatewayConfig c = load(
                Map.of("STRONGROOM_HSM_PIN", "hunter2-pin"),
                "--hsm-token",
                "strongroom",
                "--hsm-library",
                "/opt/hsm/libvendor.so",
                "--hsm-slot-list-index",
                "2");
        Pkcs11Config token = c.hsm().toPkcs11Config();
        assertEquals("strongroom", token.tokenLabel());
        assertEquals(Path.of("/opt/hsm/libvendor.so"), token.library());
        assertEquals(2, token.slotListIndex());
        assertNull(token.pinFile());
        String shown = c.hsm() + " " + token;
        assertFalse(shown.contains("hunter2-pin"), shown);
        assertEquals(
                Pkcs11Config.DEFAULT_LIBRARY,
                load(Map.of(), "--hsm-token", "t", "--hsm-pin-file", "/run/pin")
                        .hsm()
                        .getLibrary());

        assertEquals(
                "invalid setting hsm.pinFile: exactly one of hsm.pinFile and hsm.pin is needed with hsm.token",
                error(Map.of(), "--hsm-token", "t"));
        String both = error(Map.of("STRONGROOM_HSM_PIN", "hunter2-pin"), "--hsm-token", "t", "--hsm-pin-file", "/p");
        assertFalse(both.contains("hunter2-pin"), both);
        assertEquals(
                "invalid setting hsm.token: missing (a PIN is set for no token)",
                error(Map.of("STRONGROOM_HSM_PIN", "hunter2-pin")));
        assertTrue(ConfigLoader.help().contains("file key hsm.pin, env STRONGROOM_HSM_PIN"), ConfigLoader.help());
    }

    @Test
    void plainHttpOffLoopbackOnlyWhenAllowed() {
        GatewayConfig c = load(Map.of(), "--host", "0.0.0.0", "--allow-plain-http-off-loopback");
        assertTrue(c.isAllowPlainHttpOffLoopback());
        assertEquals("0.0.0.0", c.getHost());
        assertTrue(GatewayConfig.isLoopback("127.0.0.2"));
        assertTrue(GatewayConfig.isLoopback("::1"));
        assertTrue(GatewayConfig.isLoopback("localhost"));
        assertFalse(GatewayConfig.isLoopback("example.org"));
        assertFalse(GatewayConfig.isLoopback("10.0.0.1"));
    }

    @Test
    void helpListsEveryFlagAndItsEnvironmentVariable() {
        String help = ConfigLoader.help();
        for (Setting s : Settings.ALL) {
            if (s.flag != null) {
                assertTrue(help.contains(s.flag), s.flag);
            }
            assertTrue(help.contains(s.env), s.env);
        }
        assertTrue(help.contains("--config"));
        assertTrue(help.contains("<duration> is " + Durations.FORMS), "the help says what a duration is");
        assertTrue(ConfigLoader.wantsHelp(new String[] {"--port", "1", "--help"}));
        assertEquals("STRONGROOM_LIMITS_MAX_BODY_BYTES", Setting.envName("limits.maxBodyBytes"));
        assertNull(Settings.byFlag("--nope"));
    }
}
