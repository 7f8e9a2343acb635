package io.strongroom.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class KeyIdTest {
    @Test
    void parsesVersionedAndVersionless() {
        KeyId k = KeyId.parse("https://myvault.vault.azure.net/keys/kek-1/78deebed173b48e48f55abf87ed4cf71");
        assertEquals("https://myvault.vault.azure.net", k.vaultUrl());
        assertEquals("kek-1", k.name());
        assertEquals("78deebed173b48e48f55abf87ed4cf71", k.versionOrNull());
        assertTrue(k.hasVersion());
        assertEquals("https://myvault.vault.azure.net/keys/kek-1/78deebed173b48e48f55abf87ed4cf71", k.toString());
        KeyId latest = KeyId.parse("https://myvault.vault.azure.net/keys/kek-1");
        assertNull(latest.versionOrNull());
        assertFalse(latest.hasVersion());
        assertEquals(latest, k.versionless());
        assertEquals("/keys/kek-1", latest.path());
    }

    @Test
    void normalizesPortAndCase() {
        assertEquals(
                KeyId.parse("https://MyVault.vault.azure.net:443/keys/a/1"),
                KeyId.parse("https://myvault.vault.azure.net/keys/a/1"));
        assertEquals(
                "https://127.0.0.1:8443",
                KeyId.parse("https://127.0.0.1:8443/keys/a/").vaultUrl());
        assertNull(KeyId.parse("https://127.0.0.1:8443/keys/a/").versionOrNull());
    }

    @Test
    void rejectsNonKeyUrls() {
        assertThrows(IllegalArgumentException.class, () -> KeyId.parse("https://v/secrets/a/1"));
        assertThrows(IllegalArgumentException.class, () -> KeyId.parse("https://v/keys"));
        assertThrows(IllegalArgumentException.class, () -> KeyId.parse("https://v/keys/a/1/wrapkey"));
        assertThrows(IllegalArgumentException.class, () -> KeyId.parse("https://v/keys/a_b/1"));
        assertThrows(IllegalArgumentException.class, () -> KeyId.parse("https://v/keys/a/1?x=y"));
        assertThrows(IllegalArgumentException.class, () -> KeyId.parse("keys/a/1"));
        assertThrows(IllegalArgumentException.class, () -> KeyId.parse("https://v/keys/../1"));
    }

    @Test
    void parsesPkcs11Uris() {
        KeyId k = KeyId.parse("pkcs11:object=kek-1;token=Strong%20Room;type=private");
        assertEquals("pkcs11:token=Strong%20Room;object=kek-1", k.toString());
        assertEquals("Strong Room", k.pkcs11Token());
        assertEquals("kek-1", k.name());
        assertFalse(k.hasVersion());
        assertEquals(k, k.versionless());
        assertEquals(k, KeyId.parse(k.toString()));
        assertEquals(k.vaultUrl(), KeyId.normalizeVaultUrl("pkcs11:token=Strong Room"));
        assertNull(KeyId.parse("https://v/keys/a").pkcs11Token());

        assertThrows(IllegalArgumentException.class, () -> KeyId.parse("pkcs11:token=t"));
        assertThrows(IllegalArgumentException.class, () -> KeyId.parse("pkcs11:object=k"));
        assertThrows(IllegalArgumentException.class, () -> KeyId.parse("pkcs11:token=t;object=k;type=cert"));
        assertThrows(IllegalArgumentException.class, () -> KeyId.parse("pkcs11:token=t;object=k;pin-value=1"));
        assertThrows(IllegalArgumentException.class, () -> KeyId.parse("pkcs11:token=t;object=a_b"));
        assertThrows(IllegalArgumentException.class, () -> KeyId.parse("pkcs11:token=t%2;object=k"));
        assertThrows(IllegalArgumentException.class, () -> new KeyId("pkcs11:token=t", "k", "v1"));
    }
}
