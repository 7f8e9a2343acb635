package io.strongroom.vault.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.strongroom.vault.KeyProperties;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyBundlesTest {
    @Test
    void keySizeFromModulusWithOrWithoutSignByte() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        BigInteger n = ((RSAPublicKey) g.generateKeyPair().getPublic()).getModulus();
        byte[] signed = n.toByteArray();
        byte[] unsigned = signed[0] == 0 ? Arrays.copyOfRange(signed, 1, signed.length) : signed;
        for (byte[] encoding : List.of(signed, unsigned)) {
            JsonObject bundle = new JsonObject()
                    .put(
                            "key",
                            new JsonObject()
                                    .put("kid", "https://v.vault.azure.net/keys/k/0123abcd")
                                    .put("kty", "RSA")
                                    .put("key_ops", List.of("wrapKey", "unwrapKey"))
                                    .put("n", KeyBundles.base64Url(encoding))
                                    .put("e", "AQAB"))
                    .put(
                            "attributes",
                            new JsonObject()
                                    .put("enabled", false)
                                    .put("nbf", 1700000000)
                                    .put("exp", 1900000000)
                                    .put("created", 1600000000)
                                    .put("updated", 1650000000)
                                    .put("recoveryLevel", "Recoverable")
                                    .put("recoverableDays", 90));
            KeyProperties p = KeyBundles.fromKeyBundle(bundle);
            assertEquals(2048, p.keySizeBits());
            assertEquals("0123abcd", p.kid().versionOrNull());
            assertEquals("RSA", p.kty());
            assertEquals(List.of("wrapKey", "unwrapKey"), p.keyOps());
            assertFalse(p.enabled());
            assertEquals(Instant.ofEpochSecond(1700000000), p.notBefore());
            assertEquals(Instant.ofEpochSecond(1900000000), p.expires());
            assertEquals(Instant.ofEpochSecond(1600000000), p.created());
            assertEquals(Instant.ofEpochSecond(1650000000), p.updated());
            assertEquals("Recoverable", p.recoveryLevel());
            assertEquals(90, p.recoverableDays());
        }
    }

    @Test
    void listItemsHaveNoKeyMaterial() {
        KeyProperties p = KeyBundles.fromListItem(new JsonObject()
                .put("kid", "https://v.vault.azure.net/keys/k")
                .put("attributes", new JsonObject().put("enabled", true)));
        assertEquals(0, p.keySizeBits());
        assertNull(p.kty());
        assertNull(p.kid().versionOrNull());
        assertNull(p.expires());
    }

    @Test
    void base64UrlWithoutPadding() {
        byte[] bytes = {(byte) 0xfb, (byte) 0xff, 0x01, 0x02};
        assertEquals("-_8BAg", KeyBundles.base64Url(bytes));
        assertArrayEquals(bytes, KeyBundles.fromBase64Url("-_8BAg"));
        assertArrayEquals(bytes, KeyBundles.fromBase64Url("-_8BAg=="));
    }

    @Test
    void nextLinkIsRewrittenToPathAndQuery() {
        assertEquals(
                "/keys?api-version=7.4&$skiptoken=abc&maxresults=1",
                DefaultKeyVaultClient.rewriteNextLink(
                        "https://myvault.vault.azure.net:443/keys?api-version=7.4&$skiptoken=abc&maxresults=1",
                        "api-version=7.4"));
        assertEquals(
                "/keys/k/versions?$skiptoken=x&api-version=7.5",
                DefaultKeyVaultClient.rewriteNextLink(
                        "https://myvault.vault.azure.net/keys/k/versions?$skiptoken=x", "api-version=7.5"));
    }
}
