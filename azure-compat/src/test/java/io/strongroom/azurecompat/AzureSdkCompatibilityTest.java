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
import com.azure.security.keyvault.keys.models.KeyType;
import com.azure.security.keyvault.keys.models.KeyVaultKey;
import io.strongroom.vault.local.Identity;
import io.strongroom.vault.local.LocalVault;
import io.strongroom.vault.local.LocalVaultOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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

    @TempDir
    static Path dir;

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
        vault = await(LocalVault.start(
                vertx,
                new LocalVaultOptions().setDataDir(dir).addIdentity(TOKEN, new Identity("azure-sdk", Set.of("all")))));
        http = new JdkHttpClientBuilder(
                        java.net.http.HttpClient.newBuilder().sslContext(trusting(vault.certificatePem())))
                .build();
    }

    @AfterAll
    static void stop() {
        await(vault.close());
        await(vertx.close());
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
        return new KeyClientBuilder()
                .vaultUrl(vault.baseUrl())
                .credential(credential)
                .httpClient(http)
                .disableChallengeResourceVerification()
                .buildClient();
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
