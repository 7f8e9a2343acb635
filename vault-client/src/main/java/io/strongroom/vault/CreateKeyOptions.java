package io.strongroom.vault;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What {@link KeyVaultClient#createKey} asks the vault for: plain data, DEFAULT_* constants, fluent
 * setters. Type, size and operations are checked by the vault, not here (which values it takes depends
 * on the vault: Azure RSA keys are 2048, 3072 or 4096 bits), so an unsupported value fails the call
 * with {@link VaultErrorClass#BAD_REQUEST} and the vault's own message.
 */
public class CreateKeyOptions {
    public static final String DEFAULT_KTY = "RSA";
    public static final int DEFAULT_KEY_SIZE = 2048;
    /**
     * What a key-encryption key is for. Azure's default when no operations are sent would also allow
     * encrypt, decrypt, sign and verify, so this default is always sent explicitly.
     */
    public static final List<String> DEFAULT_KEY_OPS = List.of("wrapKey", "unwrapKey");

    private String kty = DEFAULT_KTY;
    private int keySize = DEFAULT_KEY_SIZE;
    private List<String> keyOps = DEFAULT_KEY_OPS;
    private Boolean enabled;
    private Instant notBefore;
    private Instant expires;

    /** JSON web key type: {@code RSA} (software-protected) or {@code RSA-HSM}. */
    public String getKty() {
        return kty;
    }

    public CreateKeyOptions setKty(String kty) {
        this.kty = Objects.requireNonNull(kty, "kty");
        return this;
    }

    /** Size of the RSA modulus in bits. */
    public int getKeySize() {
        return keySize;
    }

    public CreateKeyOptions setKeySize(int keySize) {
        if (keySize < 1) {
            throw new IllegalArgumentException("keySize < 1");
        }
        this.keySize = keySize;
        return this;
    }

    /** JSON web key operations the key allows, e.g. {@code wrapKey}, {@code unwrapKey}, {@code encrypt}. */
    public List<String> getKeyOps() {
        return keyOps;
    }

    public CreateKeyOptions setKeyOps(List<String> keyOps) {
        this.keyOps = List.copyOf(Objects.requireNonNull(keyOps, "keyOps"));
        return this;
    }

    /** Whether the key is usable; null leaves it to the vault (enabled). */
    public Boolean getEnabled() {
        return enabled;
    }

    public CreateKeyOptions setEnabled(Boolean enabled) {
        this.enabled = enabled;
        return this;
    }

    /** Not usable before this time ({@code nbf}, whole seconds); null for no bound. */
    public Instant getNotBefore() {
        return notBefore;
    }

    public CreateKeyOptions setNotBefore(Instant notBefore) {
        this.notBefore = notBefore;
        return this;
    }

    /** Not usable from this time on ({@code exp}, whole seconds); null for no bound. */
    public Instant getExpires() {
        return expires;
    }

    public CreateKeyOptions setExpires(Instant expires) {
        this.expires = expires;
        return this;
    }
}
