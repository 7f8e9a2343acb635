package io.strongroom.vault.it;

import static io.strongroom.vault.it.Await.await;
import static io.strongroom.vault.it.Await.failure;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.ssl.OpenSsl;
import io.strongroom.vault.KeyId;
import io.strongroom.vault.KeyProperties;
import io.strongroom.vault.KeyVaultClient;
import io.strongroom.vault.StaticTokenProvider;
import io.strongroom.vault.VaultErrorClass;
import io.strongroom.vault.WrapResult;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every vault-client operation against a real local-vault over HTTPS. */
class KeyVaultClientOperationsTest {
    @TempDir
    static Path dir;

    static Vertx vertx;
    static LocalVaultFixture fx;
    static KeyVaultClient client;
    static KeyId kek;
    static KeyId kek3072;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        fx = LocalVaultFixture.start(vertx, LocalVaultFixture.defaultOptions(dir, "eastus"));
        kek = fx.createKey("kek-a", 2048);
        kek3072 = fx.createKey("kek-b", 3072);
        fx.createKey("kek-c", 2048);
        client = fx.appClient();
    }

    @AfterAll
    static void stop() {
        await(client.close());
        fx.close();
        await(vertx.close());
    }

    @Test
    void getKeyLatestAndVersionWithSizeFromModulus() {
        KeyProperties latest = await(client.getKey("kek-a", null));
        assertEquals(kek, latest.kid());
        assertEquals("RSA", latest.kty());
        assertEquals(2048, latest.keySizeBits());
        assertTrue(latest.enabled());
        assertTrue(
                latest.keyOps().containsAll(List.of("wrapKey", "unwrapKey")),
                latest.keyOps().toString());
        assertTrue(latest.created() != null && latest.updated() != null);
        assertTrue(
                latest.recoveryLevel() != null && latest.recoveryLevel().startsWith("Recoverable"),
                latest.recoveryLevel());
        assertEquals(90, latest.recoverableDays());
        assertEquals(latest, await(client.getKey(kek)));
        assertEquals(3072, await(client.getKey(kek3072)).keySizeBits());
    }

    @Test
    void listKeysFollowsNextLinkOntoTheEndpoint() {
        // page size 1: one request per key; the nextLinks name the vault's identity URL
        // (strongroom-test.vault.azure.net), which does not resolve: they must be rewritten onto 127.0.0.1
        KeyVaultClient paging = KeyVaultClient.create(
                vertx, fx.clientOptions().setListPageSize(1), new StaticTokenProvider(LocalVaultFixture.APP_TOKEN));
        try {
            List<KeyProperties> keys = await(paging.listKeys());
            Set<String> names = keys.stream().map(p -> p.kid().name()).collect(Collectors.toSet());
            assertTrue(names.containsAll(Set.of("kek-a", "kek-b", "kek-c")), names.toString());
            assertTrue(keys.stream().noneMatch(p -> p.kid().hasVersion()), "list items are versionless");
            long requests = paging.latency().snapshot().stream()
                    .filter(s -> s.operation().equals("list"))
                    .mapToLong(s -> s.count())
                    .sum();
            assertTrue(requests >= names.size(), "one page per key, got " + requests + " requests");
        } finally {
            await(paging.close());
        }
    }

    @Test
    void listVersionsAfterRotation() {
        fx.createKey("kek-rot", 2048);
        KeyId v2 = fx.rotate("kek-rot");
        List<KeyProperties> versions = await(client.listVersions("kek-rot"));
        assertEquals(2, versions.size());
        assertTrue(versions.stream().allMatch(p -> p.kid().hasVersion()));
        assertTrue(versions.stream().anyMatch(p -> p.kid().equals(v2)));
        assertEquals(v2, await(client.getKey("kek-rot", null)).kid());
    }

    @Test
    void wrapWithVersionlessKidThenUnwrap() {
        byte[] dek = new byte[32];
        new SecureRandom().nextBytes(dek);
        WrapResult wrapped = await(client.wrapKey(kek.versionless(), "RSA-OAEP-256", dek));
        assertEquals(kek, wrapped.kid(), "the result names the version that wrapped");
        assertEquals("RSA-OAEP-256", wrapped.alg());
        assertEquals(256, wrapped.wrapped().length);
        assertArrayEquals(dek, await(client.unwrapKey(wrapped.kid(), "RSA-OAEP-256", wrapped.wrapped())));
    }

    @Test
    void rsaOaepAndLargerKeys() {
        byte[] dek = new byte[32];
        new SecureRandom().nextBytes(dek);
        WrapResult wrapped = await(client.wrapKey(kek3072, "RSA-OAEP", dek));
        assertEquals(384, wrapped.wrapped().length);
        assertArrayEquals(dek, await(client.unwrapKey(kek3072, "RSA-OAEP", wrapped.wrapped())));
    }

    @Test
    void badInputsAreBadRequests() {
        byte[] dek = new byte[32];
        WrapResult wrapped = await(client.wrapKey(kek, "RSA-OAEP-256", dek));
        byte[] tampered = wrapped.wrapped();
        tampered[10] ^= 1;
        assertEquals(
                VaultErrorClass.BAD_REQUEST,
                failure(client.unwrapKey(kek, "RSA-OAEP-256", tampered)).errorClass());
        assertEquals(
                VaultErrorClass.BAD_REQUEST,
                failure(client.unwrapKey(kek.versionless(), "RSA-OAEP-256", tampered))
                        .errorClass());
        assertEquals(
                VaultErrorClass.BAD_REQUEST,
                failure(client.wrapKey(kek, "RSA1_5", dek)).errorClass());
        KeyId foreign = KeyId.parse("https://other.vault.azure.net/keys/kek-a/" + kek.versionOrNull());
        assertEquals(
                VaultErrorClass.BAD_REQUEST, failure(client.getKey(foreign)).errorClass());
        assertEquals(
                VaultErrorClass.BAD_REQUEST,
                failure(client.getKey("bad_name", null)).errorClass());
    }

    @Test
    void transportUsesOpenSslAndHttp2WhenOffered() {
        await(client.getKey(kek));
        String expectedEngine = OpenSsl.isAvailable() ? "openssl" : "jdk";
        assertEquals(expectedEngine, client.transport().tlsEngine());
        assertEquals(
                "HTTP_2",
                client.transport().httpVersionByEndpoint().get(fx.vault.baseUrl()),
                "local-vault offers h2 through ALPN");
        assertNotEquals(0, client.latency().snapshot().size());
    }
}
