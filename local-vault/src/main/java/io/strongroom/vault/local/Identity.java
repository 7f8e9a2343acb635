package io.strongroom.vault.local;

import java.security.MessageDigest;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * A caller of the vault and its key permissions (an access policy entry).
 *
 * <p>Permissions use Azure's names (get, list, create, update, import, delete, recover, backup,
 * restore, purge, rotate, wrapKey, unwrapKey; "all" grants every one) and are matched case-insensitively. An identity may
 * also carry a client id (selects it at the managed-identity endpoint) and a client secret (lets it
 * use the client-credentials token endpoint). Only the secret's SHA-256 digest is kept (and persisted by the
 * runtime access policy); it never appears in {@link #toString()}.
 */
public final class Identity {
    /** Every key permission this vault checks. */
    public static final Set<String> ALL_PERMISSIONS = Set.of(
            "get",
            "list",
            "create",
            "update",
            "import",
            "delete",
            "recover",
            "backup",
            "restore",
            "purge",
            "rotate",
            "wrapkey",
            "unwrapkey");

    private final String name;
    private final Set<String> keyPermissions;
    private final String clientId;
    private final byte[] clientSecretDigest;

    public Identity(String name, Set<String> keyPermissions) {
        this(name, keyPermissions, null, null);
    }

    public Identity(String name, Set<String> keyPermissions, String clientId, String clientSecret) {
        this(name, clientId, keyPermissions, clientSecret == null ? null : Digests.sha256(clientSecret));
    }

    private Identity(String name, String clientId, Set<String> keyPermissions, byte[] clientSecretDigest) {
        this.name = Objects.requireNonNull(name, "name");
        this.keyPermissions = normalize(keyPermissions);
        this.clientId = clientId;
        this.clientSecretDigest = clientSecretDigest == null ? null : clientSecretDigest.clone();
    }

    /** An identity whose client secret is known only by its SHA-256 digest (as persisted). */
    public static Identity withSecretDigest(
            String name, Set<String> keyPermissions, String clientId, byte[] clientSecretDigest) {
        return new Identity(name, clientId, keyPermissions, clientSecretDigest);
    }

    /** The same identity with other permissions (credentials kept). */
    public Identity withPermissions(Set<String> permissions) {
        return new Identity(name, clientId, permissions, clientSecretDigest);
    }

    private static Set<String> normalize(Set<String> permissions) {
        Set<String> out = new TreeSet<>();
        for (String p : Objects.requireNonNull(permissions, "keyPermissions")) {
            String lower = p.toLowerCase(Locale.ROOT);
            if (lower.equals("all")) {
                out.addAll(ALL_PERMISSIONS);
            } else if (ALL_PERMISSIONS.contains(lower)) {
                out.add(lower);
            } else {
                throw new IllegalArgumentException("unknown key permission: " + p);
            }
        }
        return Set.copyOf(out);
    }

    public String name() {
        return name;
    }

    /** Lower-case permission names. */
    public Set<String> keyPermissions() {
        return keyPermissions;
    }

    /** A permission as Azure spells it (wrapKey, unwrapKey; the others are lower case already). */
    public static String azureName(String permission) {
        return switch (permission) {
            case "wrapkey" -> "wrapKey";
            case "unwrapkey" -> "unwrapKey";
            default -> permission;
        };
    }

    public boolean may(String permission) {
        return keyPermissions.contains(permission.toLowerCase(Locale.ROOT));
    }

    /** Client id for the managed-identity and client-credentials endpoints, or null. */
    public String clientId() {
        return clientId;
    }

    /** The client secret's SHA-256 digest, or null (then the client-credentials endpoint refuses it). */
    public byte[] clientSecretDigest() {
        return clientSecretDigest == null ? null : clientSecretDigest.clone();
    }

    /** Whether {@code secret} is this identity's client secret (constant-time comparison of digests). */
    public boolean clientSecretMatches(String secret) {
        return clientSecretDigest != null && MessageDigest.isEqual(clientSecretDigest, Digests.sha256(secret));
    }

    @Override
    public String toString() {
        return "Identity[name=" + name + ", keyPermissions=" + keyPermissions
                + (clientId == null ? "" : ", clientId=" + clientId) + "]";
    }
}
