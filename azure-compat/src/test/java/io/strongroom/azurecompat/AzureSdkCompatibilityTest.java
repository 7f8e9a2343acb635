package io.strongroom.azurecompat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.exception.HttpResponseException;
import com.azure.core.exception.ResourceNotFoundException;
import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.security.keyvault.keys.KeyClient;
import com.azure.security.keyvault.keys.KeyClientBuilder;
import com.azure.security.keyvault.keys.cryptography.CryptographyClient;
import com.azure.security.keyvault.keys.cryptography.CryptographyClientBuilder;
import com.azure.security.keyvault.keys.cryptography.models.KeyWrapAlgorithm;
import com.azure.security.keyvault.keys.cryptography.models.UnwrapResult;
import com.azure.security.keyvault.keys.cryptography.models.WrapResult;
import com.azure.security.keyvault.keys.models.CreateRsaKeyOptions;
import com.azure.security.keyvault.keys.models.DeletedKey;
import com.azure.security.keyvault.keys.models.ImportKeyOptions;
import com.azure.security.keyvault.keys.models.JsonWebKey;
import com.azure.security.keyvault.keys.models.KeyOperation;
import com.azure.security.keyvault.keys.models.KeyType;
import com.azure.security.keyvault.keys.models.KeyVaultKey;
import io.strongroom.crypto.RsaKeyWrap;
import io.strongroom.vault.local.Identity;
import io.strongroom.vault.local.LocalVault;
import io.strongroom.vault.local.LocalVaultOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.interfaces.RSAPublicKey;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;

/**
 * Drives local-vault with Microsoft's own Key Vault client (azure-security-keyvault-keys) over
 * HTTPS with the vault's self-signed certificate trusted, through the SDK's JDK HttpClient
 * transport. The SDK runs its challenge-based auth: its first request carries no token, the vault
 * answers 401 with the bearer challenge, the SDK retries with the token from the credential.
 */
class AzureSdkCompatibilityTest {
    private static final String TOKEN = "azure-sdk-test-token";
    private static final String LIMITED_TOKEN = "azure-sdk-limited-token";
    private static final String ADMIN_TOKEN = "local-vault-admin-token-0123456789";

    @TempDir
    static Path dir;

    @TempDir
    static Path twinDir;

    static final byte[] MASTER = new byte[32];

    static Vertx vertx;
    static LocalVault vault;
    static HttpClient http;
    static final AtomicInteger tokenRequests = new AtomicInteger();
    static final TokenCredential credential = request -> {
        tokenRequests.incrementAndGet();
        return Mono.just(new AccessToken(TOKEN, OffsetDateTime.now().plusHours(1)));
    };

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        new SecureRandom().nextBytes(MASTER);
        vault = await(LocalVault.start(vertx, options(dir)));
        http = trustingClient(vault);
    }

    private static LocalVaultOptions options(Path dataDir) {
        return new LocalVaultOptions()
                .setDataDir(dataDir)
                .setMasterSecret(new SecretKeySpec(MASTER, "AES"))
                .setAdminToken(ADMIN_TOKEN)
                .addIdentity(TOKEN, new Identity("azure-sdk", Set.of("all")))
                .addIdentity(LIMITED_TOKEN, new Identity("azure-sdk-limited", Set.of("get")));
    }

    @AfterAll
    static void stop() {
        await(vault.close());
        await(vertx.close());
    }

    /** An SDK transport that trusts the vault's self-signed certificate. */
    private static HttpClient trustingClient(LocalVault target) throws Exception {
        return new JdkHttpClientBuilder(
                        java.net.http.HttpClient.newBuilder().sslContext(trusting(target.certificatePem())))
                .build();
    }

    private static SSLContext trusting(String pem) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry(
                "local-vault",
                CertificateFactory.getInstance("X.509")
                        .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), new SecureRandom());
        return ssl;
    }

    private static KeyClient keyClient() {
        return keyClientBuilder(vault, http).buildClient();
    }

    private static KeyClientBuilder keyClientBuilder(LocalVault target, HttpClient transport) {
        return new KeyClientBuilder()
                .vaultUrl(target.baseUrl())
                .credential(credential)
                .httpClient(transport)
                .disableChallengeResourceVerification();
    }

    private static CryptographyClient cryptoClient(String keyId) {
        return new CryptographyClientBuilder()
                .keyIdentifier(keyId)
                .credential(credential)
                .httpClient(http)
                .disableChallengeResourceVerification()
                .buildClient();
    }

    @Test
    void createWrapUnwrapThenDisableIsReportedBySdk() throws Exception {
        KeyClient keys = keyClient();
        KeyVaultKey key = keys.createRsaKey(new CreateRsaKeyOptions("sdk-kek").setKeySize(2048));
        assertEquals(KeyType.RSA, key.getKeyType());
        assertTrue(key.getId().startsWith(vault.vaultUrl() + "/keys/sdk-kek/"), key.getId());
        assertEquals(2048, key.getKey().getN().length * 8);
        assertTrue(key.getProperties().isEnabled());
        assertTrue(tokenRequests.get() > 0, "the SDK asked its credential for a token after the challenge");

        CryptographyClient crypto = cryptoClient(key.getId());
        byte[] dek = new byte[32];
        new SecureRandom().nextBytes(dek);
        WrapResult wrapped = crypto.wrapKey(KeyWrapAlgorithm.RSA_OAEP_256, dek);
        assertEquals(256, wrapped.getEncryptedKey().length);
        UnwrapResult unwrapped = crypto.unwrapKey(KeyWrapAlgorithm.RSA_OAEP_256, wrapped.getEncryptedKey());
        assertArrayEquals(dek, unwrapped.getKey());
        assertEquals(key.getId(), unwrapped.getKeyId());

        KeyVaultKey disabled = keys.updateKeyProperties(key.getProperties().setEnabled(false));
        assertFalse(disabled.getProperties().isEnabled());
        HttpResponseException refused = assertThrows(
                HttpResponseException.class,
                () -> crypto.unwrapKey(KeyWrapAlgorithm.RSA_OAEP_256, wrapped.getEncryptedKey()));
        assertEquals(403, refused.getResponse().getStatusCode());
        assertTrue(refused.getMessage().contains("disabled"), refused.getMessage());
    }

    @Test
    void readListRotateAndSoftDeleteThroughSdk() {
        KeyClient keys = keyClient();
        KeyVaultKey first = keys.createRsaKey(new CreateRsaKeyOptions("sdk-life").setKeySize(3072));
        KeyVaultKey second = keys.rotateKey("sdk-life");
        assertEquals(second.getId(), keys.getKey("sdk-life").getId());
        assertEquals(
                first.getId(),
                keys.getKey("sdk-life", first.getProperties().getVersion()).getId());
        List<String> versions = new ArrayList<>();
        keys.listPropertiesOfKeyVersions("sdk-life").forEach(p -> versions.add(p.getVersion()));
        assertEquals(
                List.of(
                        first.getProperties().getVersion(),
                        second.getProperties().getVersion()),
                versions);
        List<String> names = new ArrayList<>();
        keys.listPropertiesOfKeys().forEach(p -> names.add(p.getName()));
        assertTrue(names.contains("sdk-life"), names.toString());

        DeletedKey deleted = keys.beginDeleteKey("sdk-life").waitForCompletion().getValue();
        assertNotNull(deleted.getRecoveryId());
        assertNotNull(deleted.getScheduledPurgeDate());
        assertThrows(ResourceNotFoundException.class, () -> keys.getKey("sdk-life"));
        assertEquals("sdk-life", keys.getDeletedKey("sdk-life").getName());
        KeyVaultKey back =
                keys.beginRecoverDeletedKey("sdk-life").waitForCompletion().getValue();
        assertEquals(second.getId(), back.getId());
    }

    /** Every operation goes to the vault: no key is fetched, so the SDK does not wrap locally. */
    private static CryptographyClient remoteCrypto(String keyId) {
        return remoteCrypto(keyId, http);
    }

    private static CryptographyClient remoteCrypto(String keyId, HttpClient transport) {
        return new CryptographyClientBuilder()
                .keyIdentifier(keyId)
                .credential(credential)
                .httpClient(transport)
                .disableChallengeResourceVerification()
                .disableKeyCaching()
                .buildClient();
    }

    private static byte[] freshDek() {
        byte[] dek = new byte[32];
        new SecureRandom().nextBytes(dek);
        return dek;
    }

    @Test
    void aPlainPropertiesUpdateLeavesTheKeyOperations() {
        List<String> patchBodies = new CopyOnWriteArrayList<>();
        KeyClient keys = keyClientBuilder(vault, http)
                .addPolicy((context, next) -> {
                    if (context.getHttpRequest().getHttpMethod() == HttpMethod.PATCH) {
                        patchBodies.add(
                                context.getHttpRequest().getBodyAsBinaryData().toString());
                    }
                    return next.process();
                })
                .buildClient();
        KeyVaultKey key = keys.createRsaKey(
                new CreateRsaKeyOptions("sdk-props").setKeyOperations(KeyOperation.WRAP_KEY, KeyOperation.UNWRAP_KEY));
        KeyVaultKey updated = keys.updateKeyProperties(key.getProperties().setTags(Map.of("owner", "ops")));
        assertTrue(patchBodies.get(0).contains("\"key_ops\":[]"), "what the SDK sends: " + patchBodies);
        assertEquals(List.of(KeyOperation.WRAP_KEY, KeyOperation.UNWRAP_KEY), updated.getKeyOperations());
        assertEquals("ops", updated.getProperties().getTags().get("owner"));
        CryptographyClient crypto = remoteCrypto(key.getId());
        byte[] dek = freshDek();
        WrapResult wrapped = crypto.wrapKey(KeyWrapAlgorithm.RSA_OAEP_256, dek);
        assertArrayEquals(
                dek,
                crypto.unwrapKey(KeyWrapAlgorithm.RSA_OAEP_256, wrapped.getEncryptedKey())
                        .getKey());
    }

    @Test
    void anExpiredKeyRefusesWrapAndStillUnwraps() {
        KeyClient keys = keyClient();
        KeyVaultKey key = keys.createRsaKey(new CreateRsaKeyOptions("sdk-expiring"));
        CryptographyClient crypto = remoteCrypto(key.getId());
        byte[] dek = freshDek();
        WrapResult wrapped = crypto.wrapKey(KeyWrapAlgorithm.RSA_OAEP_256, dek);
        keys.updateKeyProperties(
                key.getProperties().setExpiresOn(OffsetDateTime.now().minusMinutes(1)));
        HttpResponseException refused =
                assertThrows(HttpResponseException.class, () -> crypto.wrapKey(KeyWrapAlgorithm.RSA_OAEP_256, dek));
        assertEquals(403, refused.getResponse().getStatusCode());
        assertArrayEquals(
                dek,
                crypto.unwrapKey(KeyWrapAlgorithm.RSA_OAEP_256, wrapped.getEncryptedKey())
                        .getKey());
    }

    @Test
    void aBackupRestoresIntoAVaultWithTheSameMasterSecret() throws Exception {
        KeyClient keys = keyClient();
        KeyVaultKey key = keys.createRsaKey(new CreateRsaKeyOptions("sdk-backup"));
        byte[] dek = freshDek();
        WrapResult wrapped = remoteCrypto(key.getId()).wrapKey(KeyWrapAlgorithm.RSA_OAEP_256, dek);
        byte[] blob = keys.backupKey("sdk-backup");
        assertTrue(blob.length > 256, "a blob of " + blob.length + " bytes");
        HttpResponseException taken = assertThrows(HttpResponseException.class, () -> keys.restoreKeyBackup(blob));
        assertEquals(409, taken.getResponse().getStatusCode());

        LocalVault twin = await(LocalVault.start(vertx, options(twinDir)));
        try {
            HttpClient twinHttp = trustingClient(twin);
            KeyVaultKey restored =
                    keyClientBuilder(twin, twinHttp).buildClient().restoreKeyBackup(blob);
            assertEquals(
                    key.getProperties().getVersion(), restored.getProperties().getVersion());
            assertEquals("sdk-backup", restored.getName());
            assertTrue(restored.getId().startsWith(twin.vaultUrl() + "/keys/sdk-backup/"), restored.getId());
            assertArrayEquals(
                    dek,
                    remoteCrypto(restored.getId(), twinHttp)
                            .unwrapKey(KeyWrapAlgorithm.RSA_OAEP_256, wrapped.getEncryptedKey())
                            .getKey());
        } finally {
            await(twin.close());
        }
    }

    @Test
    void anImportedKeyUnwrapsWhatWasWrappedOutsideTheVault() throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        KeyPair pair = rsa.generateKeyPair();
        KeyVaultKey imported = keyClient()
                .importKey(new ImportKeyOptions(
                                "sdk-byok",
                                JsonWebKey.fromRsa(pair, List.of(KeyOperation.WRAP_KEY, KeyOperation.UNWRAP_KEY)))
                        .setHardwareProtected(true));
        assertEquals(KeyType.RSA_HSM, imported.getKeyType());
        assertArrayEquals(
                ((RSAPublicKey) pair.getPublic()).getModulus().toByteArray(),
                new BigInteger(1, imported.getKey().getN()).toByteArray());
        byte[] dek = freshDek();
        byte[] wrappedOutside = RsaKeyWrap.wrap(
                io.strongroom.crypto.KeyWrapAlgorithm.RSA_OAEP_256, (RSAPublicKey) pair.getPublic(), dek);
        assertArrayEquals(
                dek,
                remoteCrypto(imported.getId())
                        .unwrapKey(KeyWrapAlgorithm.RSA_OAEP_256, wrappedOutside)
                        .getKey());
    }

    /** The admin API as an operator calls it (curl in docs/LOCAL-VAULT.md), here with the JDK's HTTP client. */
    private static int admin(String method, String path, String json) throws Exception {
        java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
                .sslContext(trusting(vault.certificatePem()))
                .build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(vault.baseUrl() + "/_admin/policy" + path))
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(json))
                .build();
        return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void anAccessPolicyAndNetworkRuleChangeReachesARunningSdkClient() throws Exception {
        KeyVaultKey key = keyClient().createRsaKey(new CreateRsaKeyOptions("sdk-policy"));
        TokenCredential limited = request ->
                Mono.just(new AccessToken(LIMITED_TOKEN, OffsetDateTime.now().plusHours(1)));
        CryptographyClient crypto = new CryptographyClientBuilder()
                .keyIdentifier(key.getId())
                .credential(limited)
                .httpClient(http)
                .disableChallengeResourceVerification()
                .disableKeyCaching()
                .buildClient();
        byte[] dek = freshDek();
        HttpResponseException denied =
                assertThrows(HttpResponseException.class, () -> crypto.wrapKey(KeyWrapAlgorithm.RSA_OAEP_256, dek));
        assertEquals(403, denied.getResponse().getStatusCode());

        assertEquals(
                200,
                admin(
                        "PUT",
                        "/identities/azure-sdk-limited/keyPermissions",
                        "{\"keyPermissions\":[\"get\",\"wrapKey\",\"unwrapKey\"]}"));
        WrapResult wrapped = crypto.wrapKey(KeyWrapAlgorithm.RSA_OAEP_256, dek);
        assertArrayEquals(
                dek,
                crypto.unwrapKey(KeyWrapAlgorithm.RSA_OAEP_256, wrapped.getEncryptedKey())
                        .getKey());

        assertEquals(200, admin("PUT", "/networkRules", "{\"allowedCidrs\":[\"192.0.2.0/24\"]}"));
        try {
            HttpResponseException firewalled =
                    assertThrows(HttpResponseException.class, () -> crypto.wrapKey(KeyWrapAlgorithm.RSA_OAEP_256, dek));
            assertEquals(403, firewalled.getResponse().getStatusCode());
            assertTrue(firewalled.getMessage().contains("Client address"), firewalled.getMessage());
        } finally {
            assertEquals(200, admin("PUT", "/networkRules", "{\"allowedCidrs\":[]}"));
        }
        assertEquals(
                200, admin("PUT", "/identities/azure-sdk-limited/keyPermissions", "{\"keyPermissions\":[\"get\"]}"));
    }

    @Test
    void auditLogRecordsSdkOperationsWithoutTheToken() throws Exception {
        keyClient().createRsaKey(new CreateRsaKeyOptions("sdk-audit").setKeySize(2048));
        Path audit = dir.resolve("audit.log");
        String text = "";
        for (int i = 0; i < 50 && !text.contains("sdk-audit"); i++) {
            TimeUnit.MILLISECONDS.sleep(20);
            text = Files.readString(audit);
        }
        assertTrue(text.contains("\"operation\":\"create\""), text);
        assertTrue(text.contains("\"identity\":\"azure-sdk\""));
        assertFalse(text.contains(TOKEN), "tokens never reach the audit log");
    }

    private static <T> T await(Future<T> f) {
        try {
            return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
