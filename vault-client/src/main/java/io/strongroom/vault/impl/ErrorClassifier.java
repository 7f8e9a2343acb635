package io.strongroom.vault.impl;

import io.strongroom.vault.KeyVaultException;
import io.strongroom.vault.VaultErrorClass;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;

/**
 * Maps a vault error answer (status + {@code {"error":{"code","message","innererror":{"code"}}}})
 * to a {@link VaultErrorClass}. Key Vault reports a disabled, expired or not-yet-valid key as 403
 * Forbidden with inner codes such as KeyDisabled; older answers only say so in the message, so the
 * message is checked as a fallback.
 */
public final class ErrorClassifier {
    private static final Set<String> KEY_STATE_CODES =
            Set.of("keydisabled", "keyexpired", "keynotyetvalid", "keynotvalidyet", "keynotyetactive");
    private static final String[] KEY_STATE_PHRASES = {
        "disabled key",
        "key is disabled",
        "expired key",
        "key is expired",
        "key has expired",
        "not yet valid",
        "not valid yet",
        "not yet active"
    };

    private ErrorClassifier() {}

    /** The vault's error fields, any of which may be null. */
    public record VaultError(String code, String innerCode, String message) {
        static final VaultError NONE = new VaultError(null, null, null);
    }

    public static VaultErrorClass classify(int status, VaultError error) {
        String code = lower(error.code());
        String inner = lower(error.innerCode());
        if (status == 404) {
            return VaultErrorClass.KEY_NOT_FOUND;
        }
        if (status == 401) {
            return VaultErrorClass.UNAUTHORIZED;
        }
        if (status == 403) {
            if ("forbiddenbyfirewall".equals(inner) || "forbiddenbyfirewall".equals(code)) {
                return VaultErrorClass.FIREWALL;
            }
            if (isKeyStateCode(inner) || isKeyStateCode(code) || mentionsKeyState(error.message())) {
                return VaultErrorClass.KEY_DISABLED;
            }
            return VaultErrorClass.FORBIDDEN;
        }
        if (status == 429) {
            return VaultErrorClass.THROTTLED;
        }
        if (status == 408 || status >= 500) {
            return VaultErrorClass.UNAVAILABLE;
        }
        return VaultErrorClass.BAD_REQUEST;
    }

    /** Builds the exception for an error answer; the message holds the vault's code and text only. */
    public static KeyVaultException toException(
            int status, Buffer body, String retryAfterHeader, String endpoint, java.time.Instant now) {
        VaultError error = parse(body);
        Duration retryAfter = RetryAfter.parse(retryAfterHeader, now);
        return new KeyVaultException(
                classify(status, error),
                status,
                error.code(),
                error.innerCode(),
                error.message(),
                endpoint,
                retryAfter,
                null);
    }

    /** Reads Azure's error body; tolerant of empty or non-JSON bodies (proxies, load balancers). */
    public static VaultError parse(Buffer body) {
        if (body == null || body.length() == 0) {
            return VaultError.NONE;
        }
        try {
            JsonObject root = new JsonObject(body);
            Object err = root.getValue("error");
            if (!(err instanceof JsonObject e)) {
                return VaultError.NONE;
            }
            Object innerObj = e.getValue("innererror");
            if (innerObj == null) {
                innerObj = e.getValue("innerError");
            }
            String inner = innerObj instanceof JsonObject i ? str(i.getValue("code")) : null;
            return new VaultError(str(e.getValue("code")), inner, str(e.getValue("message")));
        } catch (DecodeException | ClassCastException e) {
            return VaultError.NONE;
        }
    }

    private static boolean isKeyStateCode(String lowerCode) {
        return lowerCode != null && KEY_STATE_CODES.contains(lowerCode);
    }

    private static boolean mentionsKeyState(String message) {
        if (message == null) {
            return false;
        }
        String m = message.toLowerCase(Locale.ROOT);
        for (String phrase : KEY_STATE_PHRASES) {
            if (m.contains(phrase)) {
                return true;
            }
        }
        return false;
    }

    private static String str(Object o) {
        return o instanceof String s ? s : null;
    }

    private static String lower(String s) {
        return s == null ? null : s.toLowerCase(Locale.ROOT);
    }
}
