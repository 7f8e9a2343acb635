package io.strongroom.vault;

/** The small, stable classification of vault failures that the gateway decides on. */
public enum VaultErrorClass {
    /** 404: the key (or version) does not exist or is soft-deleted. */
    KEY_NOT_FOUND,
    /** 403: the key is disabled, expired or not yet active. */
    KEY_DISABLED,
    /** 403: the identity lacks a permission for the operation. */
    FORBIDDEN,
    /** 403 ForbiddenByFirewall: the client address is not allowed by the vault's network rules. */
    FIREWALL,
    /** 401, or a token that cannot be obtained: the identity or its token was rejected. */
    UNAUTHORIZED,
    /** 429: throttled; retried after Retry-After within the call deadline. */
    THROTTLED,
    /** Connect error, timeout, 5xx: retried with backoff and failover within the call deadline. */
    UNAVAILABLE,
    /** Other 4xx (bad parameter, bad ciphertext, ...): the request itself is wrong. */
    BAD_REQUEST;

    /** Whether the client retries this class inside the call deadline. */
    public boolean retryable() {
        return this == THROTTLED || this == UNAVAILABLE;
    }
}
