package io.strongroom.core.keys;

import io.strongroom.vault.KeyVaultException;
import io.strongroom.vault.VaultErrorClass;

/**
 * Why access to a KEK failed, as operators and clients see it; {@link #jsonName()} is stable (503 bodies, activity
 * log, alerts, health). Classified from vault-client's {@link VaultErrorClass} and, where one class covers several
 * causes (a disabled, expired or not-yet-active key all answer 403 KeyDisabled-like codes), the vault's inner code.
 */
public enum KeyAccessCause {
    KEY_DELETED("keyDeleted"),
    KEY_DISABLED("keyDisabled"),
    KEY_EXPIRED("keyExpired"),
    KEY_NOT_YET_ACTIVE("keyNotYetActive"),
    PERMISSION_REVOKED("permissionRevoked"),
    IDENTITY_REJECTED("identityRejected"),
    FIREWALL("firewall"),
    VAULT_UNREACHABLE("vaultUnreachable"),
    THROTTLED("throttled"),
    /** The vault refused the request itself (e.g. a damaged wrapped DEK): about one DEK, not the whole key. */
    REQUEST_REJECTED("requestRejected");

    private final String jsonName;

    KeyAccessCause(String jsonName) {
        this.jsonName = jsonName;
    }

    public String jsonName() {
        return jsonName;
    }

    /** The cause of {@code failure}: the first KeyVaultException in its cause chain, else the vault was not reached. */
    public static KeyAccessCause of(Throwable failure) {
        Throwable t = failure;
        while (t != null) {
            if (t instanceof KeyVaultException kve) {
                return of(kve.errorClass(), kve.vaultCode(), kve.vaultInnerCode() + " " + kve.vaultMessage());
            }
            t = t.getCause();
        }
        return VAULT_UNREACHABLE;
    }

    static KeyAccessCause of(VaultErrorClass errorClass, String code, String innerCode) {
        return switch (errorClass) {
            case KEY_NOT_FOUND -> KEY_DELETED;
            case KEY_DISABLED -> disabledKind(code, innerCode);
            case FORBIDDEN -> PERMISSION_REVOKED;
            case UNAUTHORIZED -> IDENTITY_REJECTED;
            case FIREWALL -> FIREWALL;
            case THROTTLED -> THROTTLED;
            case UNAVAILABLE -> VAULT_UNREACHABLE;
            case BAD_REQUEST -> REQUEST_REJECTED;
        };
    }

    /**
     * Azure and local-vault answer 403 for disabled, expired and not-yet-valid keys alike; the inner code (or, from
     * Azure, the message) tells them apart.
     */
    private static KeyAccessCause disabledKind(String code, String innerCode) {
        String text = ((code == null ? "" : code) + " " + (innerCode == null ? "" : innerCode))
                .toLowerCase(java.util.Locale.ROOT);
        if (text.contains("expired")) {
            return KEY_EXPIRED;
        }
        if (text.contains("notyetvalid")
                || text.contains("notyetactive")
                || text.contains("not yet")
                || text.contains("not valid yet")) {
            return KEY_NOT_YET_ACTIVE;
        }
        return KEY_DISABLED;
    }

    /** Whether the cause concerns the whole key (every DEK under it), so one failure says enough for all volumes. */
    public boolean keyWide() {
        return this != REQUEST_REJECTED;
    }
}
