package io.strongroom.vault.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.vault.KeyVaultException;
import io.strongroom.vault.VaultErrorClass;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ErrorClassifierTest {
    private static final Instant NOW = Instant.parse("2026-11-28T06:00:00Z");

    private static VaultErrorClass classify(int status, String body) {
        return ErrorClassifier.toException(status, body == null ? null : Buffer.buffer(body), null, "https://v", NOW)
                .errorClass();
    }

    private static String error(String code, String inner, String message) {
        return "{\"error\":{\"code\":\"" + code + "\",\"message\":\"" + message + "\""
                + (inner == null ? "" : ",\"innererror\":{\"code\":\"" + inner + "\"}") + "}}";
    }

    @Test
    void notFoundIsKeyNotFound() {
        assertEquals(
                VaultErrorClass.KEY_NOT_FOUND,
                classify(404, error("KeyNotFound", null, "A key with (name/id) k was not found")));
        assertEquals(VaultErrorClass.KEY_NOT_FOUND, classify(404, null));
    }

    @Test
    void forbiddenVariants() {
        assertEquals(
                VaultErrorClass.KEY_DISABLED,
                classify(
                        403,
                        error("Forbidden", "KeyDisabled", "Operation unwrapKey is not allowed on a disabled key.")));
        assertEquals(VaultErrorClass.KEY_DISABLED, classify(403, error("Forbidden", "KeyExpired", "x")));
        assertEquals(VaultErrorClass.KEY_DISABLED, classify(403, error("Forbidden", "KeyNotYetValid", "x")));
        assertEquals(
                VaultErrorClass.KEY_DISABLED,
                classify(403, error("Forbidden", null, "Operation wrapKey is not allowed on an expired key.")));
        assertEquals(VaultErrorClass.KEY_DISABLED, classify(403, error("Forbidden", null, "The key is not yet valid")));
        assertEquals(
                VaultErrorClass.FIREWALL,
                classify(
                        403,
                        error(
                                "Forbidden",
                                "ForbiddenByFirewall",
                                "Client address is not authorized and caller is not a trusted service.")));
        assertEquals(
                VaultErrorClass.FORBIDDEN,
                classify(
                        403,
                        error(
                                "Forbidden",
                                "AccessDenied",
                                "The user, group or application does not have keys unwrapKey permission on key vault")));
        assertEquals(VaultErrorClass.FORBIDDEN, classify(403, "<html>proxy says no</html>"));
    }

    @Test
    void otherStatuses() {
        assertEquals(
                VaultErrorClass.UNAUTHORIZED,
                classify(401, error("Unauthorized", null, "AKV10000: Request is missing a Bearer or PoP token.")));
        assertEquals(
                VaultErrorClass.THROTTLED,
                classify(
                        429,
                        error(
                                "Throttled",
                                null,
                                "Request was not processed because too many requests were received.")));
        assertEquals(VaultErrorClass.UNAVAILABLE, classify(500, null));
        assertEquals(VaultErrorClass.UNAVAILABLE, classify(503, error("ServiceUnavailable", null, "x")));
        assertEquals(VaultErrorClass.UNAVAILABLE, classify(408, null));
        assertEquals(VaultErrorClass.BAD_REQUEST, classify(400, error("BadParameter", null, "Invalid ciphertext")));
        assertEquals(VaultErrorClass.BAD_REQUEST, classify(409, null));
    }

    @Test
    void keepsVaultFieldsAndRetryAfter() {
        KeyVaultException e = ErrorClassifier.toException(
                429, Buffer.buffer(error("Throttled", "TooManyRequests", "slow down")), "7", "https://v1", NOW);
        assertEquals(429, e.httpStatus());
        assertEquals("Throttled", e.vaultCode());
        assertEquals("TooManyRequests", e.vaultInnerCode());
        assertEquals("slow down", e.vaultMessage());
        assertEquals("https://v1", e.endpoint());
        assertEquals(Duration.ofSeconds(7), e.retryAfter());
        assertTrue(e.getMessage().contains("THROTTLED"));
        assertTrue(e.errorClass().retryable());
        assertFalse(VaultErrorClass.FORBIDDEN.retryable());
    }

    @Test
    void toleratesJunkBodies() {
        assertNull(ErrorClassifier.parse(Buffer.buffer("not json")).code());
        assertNull(
                ErrorClassifier.parse(Buffer.buffer("{\"error\":\"string\"}")).code());
        assertEquals(
                "X",
                ErrorClassifier.parse(Buffer.buffer("{\"error\":{\"code\":\"X\",\"innerError\":{\"code\":\"Y\"}}}"))
                        .code());
        assertEquals(
                "Y",
                ErrorClassifier.parse(Buffer.buffer("{\"error\":{\"code\":\"X\",\"innerError\":{\"code\":\"Y\"}}}"))
                        .innerCode());
    }
}
