package io.strongroom.vault.local.errors;

import io.vertx.core.json.JsonObject;

/**
 * An error the vault answers with: HTTP status plus Azure Key Vault's error body
 * {@code {"error":{"code","message","innererror":{"code"}}}}. Messages name keys and operations,
 * never key material or tokens. No stack trace: these are expected outcomes, not bugs.
 */
public final class VaultError extends RuntimeException {
    private final int status;
    private final String code;
    private final String innerCode;

    public VaultError(int status, String code, String innerCode, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.innerCode = innerCode;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }
    /** Null when Azure sends no innererror for this case. */
    public String innerCode() {
        return innerCode;
    }

    public JsonObject toJson() {
        JsonObject error = new JsonObject().put("code", code).put("message", getMessage());
        if (innerCode != null) {
            error.put("innererror", new JsonObject().put("code", innerCode));
        }
        return new JsonObject().put("error", error);
    }

    public static VaultError keyNotFound(String name) {
        return new VaultError(
                404, "KeyNotFound", null, "A key with (name/id) " + name + " was not found in this key vault.");
    }

    public static VaultError keyVersionNotFound(String name, String version) {
        return new VaultError(
                404,
                "KeyNotFound",
                null,
                "A key with (name/id) " + name + "/" + version + " was not found in this key vault.");
    }

    public static VaultError deletedKeyNotFound(String name) {
        return new VaultError(404, "KeyNotFound", null, "Deleted Key not found: " + name);
    }

    public static VaultError keyDisabled(String operation) {
        return new VaultError(
                403, "Forbidden", "KeyDisabled", "Operation " + operation + " is not allowed on a disabled key.");
    }

    public static VaultError keyExpired(String operation) {
        return new VaultError(
                403, "Forbidden", "KeyExpired", "Operation " + operation + " is not allowed on an expired key.");
    }

    public static VaultError keyNotYetValid(String operation) {
        return new VaultError(
                403,
                "Forbidden",
                "KeyNotYetValid",
                "Operation " + operation + " is not allowed before the key's activation date (nbf).");
    }

    public static VaultError operationNotPermittedOnKey(String operation) {
        return new VaultError(
                403,
                "Forbidden",
                "KeyOperationForbidden",
                "Operation " + operation + " is not permitted by this key's key_ops.");
    }

    public static VaultError accessDenied(String identity, String permission, String vaultUrl) {
        return new VaultError(
                403,
                "Forbidden",
                "AccessDenied",
                "The user, group or application '" + identity + "' does not have keys " + permission
                        + " permission on key vault '" + vaultUrl + "'.");
    }

    public static VaultError forbiddenByFirewall(String clientAddress) {
        return new VaultError(
                403,
                "Forbidden",
                "ForbiddenByFirewall",
                "Client address is not authorized and caller is not a trusted service. Client address: "
                        + clientAddress);
    }

    public static VaultError missingToken() {
        return new VaultError(401, "Unauthorized", null, "AKV10000: Request is missing a Bearer or PoP token.");
    }

    public static VaultError invalidToken() {
        return new VaultError(401, "Unauthorized", null, "AKV10022: The bearer token is not valid or has expired.");
    }

    public static VaultError badParameter(String message) {
        return new VaultError(400, "BadParameter", null, message);
    }

    public static VaultError deletedButRecoverable(String name) {
        return new VaultError(
                409,
                "Conflict",
                "ObjectIsDeletedButRecoverable",
                "Key " + name + " is currently in a deleted but recoverable state, and its name cannot be reused;"
                        + " in this state, the key can only be recovered or purged.");
    }

    public static VaultError restoreConflict(String name) {
        return new VaultError(
                409,
                "Conflict",
                null,
                "Key " + name + " already exists in this vault: a backup is restored only under a name that is free.");
    }

    public static VaultError purgeProtected(String name) {
        return new VaultError(
                403,
                "Forbidden",
                "PurgeProtectionEnabled",
                "Operation purge is not allowed on key " + name
                        + ": purge protection is enabled and the retention period has not passed.");
    }

    public static VaultError notFoundPath(String path) {
        return new VaultError(404, "NotFound", null, "No such operation: " + path);
    }

    public static VaultError methodNotAllowed(String method, String path) {
        return new VaultError(405, "MethodNotAllowed", null, "Method " + method + " is not allowed on " + path);
    }

    public static VaultError internal() {
        return new VaultError(500, "InternalError", null, "The vault failed to process the request.");
    }
}
