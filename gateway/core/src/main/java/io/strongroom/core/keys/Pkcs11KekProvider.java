package io.strongroom.core.keys;

import io.strongroom.vault.KeyId;
import io.strongroom.vault.KeyProperties;
import io.strongroom.vault.KeyVaultClientOptions;
import io.strongroom.vault.KeyVaultException;
import io.strongroom.vault.VaultErrorClass;
import io.strongroom.vault.VaultLatency;
import io.strongroom.vault.WrapResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.AuthProvider;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Security;
import java.security.cert.Certificate;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.RSAPrivateKeySpec;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.IllegalBlockSizeException;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.security.auth.login.FailedLoginException;
import javax.security.auth.login.LoginException;

/**
 * KEKs in a PKCS#11 token through the JDK's SunPKCS11 provider. A KEK is an RSA private key with a certificate of
 * the same label (SunPKCS11's key store lists a private key only with its certificate): {@code object} in the key
 * id is that label. The private key stays in the token; SunPKCS11 has no RSA-OAEP cipher, so an unwrap is the
 * token's raw RSA private-key operation followed by the JDK's own OAEP-SHA-256 decoding (SunJCE, with a decode-only
 * key whose private exponent is 1), and a wrap is SunJCE's RSA-OAEP-SHA-256 under the certificate's public key. The
 * wrapped bytes are those an RSA-OAEP-256 vault produces.
 *
 * <p>Every call loads the token's key store afresh (a deleted key is seen at once) on a worker thread. Failures are
 * {@link KeyVaultException}s: no such key is KEY_NOT_FOUND, a refused PIN UNAUTHORIZED, a module that cannot be
 * loaded or a token that is gone or fails UNAVAILABLE (then the next call configures the provider anew), a
 * ciphertext the key cannot decode BAD_REQUEST. The PIN never reaches a message.
 *
 * <p>Calls the token answered (all but UNAVAILABLE) are timed into a {@link VaultLatency} like a vault client's, as
 * endpoint {@code pkcs11:<token>} in the local region with operations get, wrap and unwrap: the gateway's vault
 * latency metric and health list the token beside the vault endpoints.
 */
final class Pkcs11KekProvider implements KekProvider {
    private static final OAEPParameterSpec OAEP_SHA256 =
            new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT);
    private static final List<String> KEY_OPS = List.of("wrapKey", "unwrapKey");

    private final Vertx vertx;
    private final Pkcs11Config config;
    private final String token;
    private final String endpoint;
    private final VaultLatency latency = new VaultLatency(
            KeyVaultClientOptions.DEFAULT_LOCAL_REGION,
            KeyVaultClientOptions.DEFAULT_P99_WARN_THRESHOLD,
            KeyVaultClientOptions.DEFAULT_WARNING_LOG_INTERVAL);
    private Provider provider; // guarded by this; null until configured or after a failure

    Pkcs11KekProvider(Vertx vertx, Pkcs11Config config) {
        this.vertx = vertx;
        this.config = config;
        this.token = new KeyId("pkcs11:token=" + config.tokenLabel(), "k", null).vaultUrl();
        this.endpoint = "pkcs11:" + config.tokenLabel();
    }

    /** Latency of the calls the token answered. */
    VaultLatency latency() {
        return latency;
    }

    @Override
    public Future<KeyProperties> getKey(KeyId kid) {
        return call("get", () -> {
            RSAPublicKey publicKey = entry(kid).publicKey();
            return new KeyProperties(
                    kid,
                    "RSA-HSM",
                    publicKey.getModulus().bitLength(),
                    KEY_OPS,
                    true,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null);
        });
    }

    @Override
    public Future<WrapResult> wrapKey(KeyId kid, String alg, byte[] keyBytes) {
        return call("wrap", () -> {
            checkAlgorithm(alg);
            Cipher oaep = Cipher.getInstance("RSA/ECB/OAEPPadding", "SunJCE");
            oaep.init(Cipher.ENCRYPT_MODE, entry(kid).publicKey(), OAEP_SHA256);
            return new WrapResult(kid, alg, oaep.doFinal(keyBytes));
        });
    }

    @Override
    public Future<byte[]> unwrapKey(KeyId kid, String alg, byte[] wrapped) {
        return call("unwrap", () -> {
            checkAlgorithm(alg);
            Entry entry = entry(kid);
            Cipher raw = Cipher.getInstance("RSA/ECB/NoPadding", entry.provider());
            raw.init(Cipher.DECRYPT_MODE, entry.privateKey());
            byte[] encoded = raw.doFinal(wrapped);
            try {
                Key decoder = KeyFactory.getInstance("RSA", "SunRsaSign")
                        .generatePrivate(new RSAPrivateKeySpec(entry.publicKey().getModulus(), BigInteger.ONE));
                Cipher oaep = Cipher.getInstance("RSA/ECB/OAEPPadding", "SunJCE");
                oaep.init(Cipher.DECRYPT_MODE, decoder, OAEP_SHA256);
                return oaep.doFinal(encoded);
            } finally {
                Arrays.fill(encoded, (byte) 0);
            }
        });
    }

    private record Entry(Provider provider, PrivateKey privateKey, RSAPublicKey publicKey) {}

    /** The key and its certificate's public key, from a freshly loaded key store; KEY_NOT_FOUND if either is gone. */
    private Entry entry(KeyId kid) throws GeneralSecurityException, IOException {
        Provider p = provider();
        KeyStore store = KeyStore.getInstance("PKCS11", p);
        char[] pin = pin();
        try {
            store.load(null, pin);
        } finally {
            Arrays.fill(pin, '\0');
        }
        Key key = store.getKey(kid.name(), null);
        Certificate certificate = store.getCertificate(kid.name());
        if (!(key instanceof PrivateKey privateKey)
                || certificate == null
                || !(certificate.getPublicKey() instanceof RSAPublicKey publicKey)) {
            throw failure(
                    VaultErrorClass.KEY_NOT_FOUND,
                    "no RSA private key with a certificate labelled '" + kid.name() + "' in " + token,
                    null);
        }
        return new Entry(p, privateKey, publicKey);
    }

    private synchronized Provider provider() {
        if (provider == null) {
            try {
                provider = Security.getProvider("SunPKCS11")
                        .configure("--name=strongroom\nlibrary=" + config.library() + "\nslotListIndex="
                                + config.slotListIndex() + "\n");
            } catch (RuntimeException e) {
                throw failure(
                        VaultErrorClass.UNAVAILABLE,
                        "the PKCS#11 module " + config.library() + " cannot be loaded or has no token at slot index "
                                + config.slotListIndex() + ": " + rootCause(e),
                        e);
            }
        }
        return provider;
    }

    private synchronized void forgetProvider() {
        provider = null;
    }

    /** Logs out of the token (the next call logs in again with the PIN as it is then). */
    Future<Void> close() {
        return vertx.executeBlocking(
                () -> {
                    Provider p;
                    synchronized (this) {
                        p = provider;
                        provider = null;
                    }
                    if (p instanceof AuthProvider auth) {
                        try {
                            auth.logout();
                        } catch (LoginException | RuntimeException e) {
                            // a token that is gone or not logged in has nothing to log out of
                        }
                    }
                    return null;
                },
                false);
    }

    private char[] pin() {
        char[] given = config.pin();
        if (given != null) {
            return given;
        }
        try {
            String text = Files.readString(config.pinFile(), StandardCharsets.UTF_8);
            int end = text.indexOf('\n');
            return (end < 0 ? text : text.substring(0, end)).strip().toCharArray();
        } catch (IOException e) {
            throw failure(VaultErrorClass.UNAUTHORIZED, "cannot read the PIN file " + config.pinFile(), null);
        }
    }

    private void checkAlgorithm(String alg) {
        if (!DekWrapping.ALGORITHM.equals(alg)) {
            throw failure(VaultErrorClass.BAD_REQUEST, "a PKCS#11 KEK wraps with " + DekWrapping.ALGORITHM, null);
        }
    }

    private <T> Future<T> call(String name, Callable<T> operation) {
        return vertx.executeBlocking(
                () -> {
                    long start = System.nanoTime();
                    boolean answered = false;
                    try {
                        T result = operation.call();
                        answered = true;
                        return result;
                    } catch (KeyVaultException e) {
                        answered = e.errorClass() != VaultErrorClass.UNAVAILABLE;
                        if (!answered) {
                            forgetProvider();
                        }
                        throw e;
                    } catch (BadPaddingException | IllegalBlockSizeException e) {
                        answered = true;
                        throw failure(VaultErrorClass.BAD_REQUEST, "the wrapped key does not decode: " + e, e);
                    } catch (Exception e) {
                        if (refusedLogin(e)) {
                            answered = true;
                            throw failure(VaultErrorClass.UNAUTHORIZED, "the token " + token + " refused the PIN", e);
                        }
                        forgetProvider();
                        throw failure(VaultErrorClass.UNAVAILABLE, "the token " + token + " failed: " + e, e);
                    } finally {
                        if (answered) {
                            latency.record(
                                    endpoint,
                                    KeyVaultClientOptions.DEFAULT_LOCAL_REGION,
                                    name,
                                    System.nanoTime() - start);
                        }
                    }
                },
                false);
    }

    private static String rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.toString();
    }

    /** The token said no to the PIN (incorrect, wrong length, locked, expired), not that it cannot log in at all. */
    private static boolean refusedLogin(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = String.valueOf(t.getMessage());
            if (t instanceof FailedLoginException || message.contains("CKR_PIN_")) {
                return true;
            }
        }
        return false;
    }

    private KeyVaultException failure(VaultErrorClass errorClass, String message, Throwable cause) {
        return new KeyVaultException(errorClass, message, token, cause);
    }

    @Override
    public String toString() {
        return "Pkcs11KekProvider[" + config + "]";
    }
}
