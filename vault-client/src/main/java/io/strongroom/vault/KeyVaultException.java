package io.strongroom.vault;

import java.time.Duration;
import java.util.OptionalLong;

/**
 * A classified vault failure. It keeps the vault's own code, inner code and message for logs; it
 * never carries tokens or key bytes.
 */
public class KeyVaultException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final VaultErrorClass errorClass;
    private final int httpStatus;
    private final String vaultCode;
    private final String vaultInnerCode;
    private final String vaultMessage;
    private final String endpoint;
    private final transient Duration retryAfter;
    private final boolean firstAttemptKnown;
    private final long firstAttemptNanos;

    public KeyVaultException(
            VaultErrorClass errorClass,
            int httpStatus,
            String vaultCode,
            String vaultInnerCode,
            String vaultMessage,
            String endpoint,
            Duration retryAfter,
            Throwable cause) {
        this(errorClass, httpStatus, vaultCode, vaultInnerCode, vaultMessage, endpoint, retryAfter, cause, false, 0);
    }

    private KeyVaultException(
            VaultErrorClass errorClass,
            int httpStatus,
            String vaultCode,
            String vaultInnerCode,
            String vaultMessage,
            String endpoint,
            Duration retryAfter,
            Throwable cause,
            boolean firstAttemptKnown,
            long firstAttemptNanos) {
        super(describe(errorClass, httpStatus, vaultCode, vaultInnerCode, vaultMessage, endpoint), cause);
        this.errorClass = errorClass;
        this.httpStatus = httpStatus;
        this.vaultCode = vaultCode;
        this.vaultInnerCode = vaultInnerCode;
        this.vaultMessage = vaultMessage;
        this.endpoint = endpoint;
        this.retryAfter = retryAfter;
        this.firstAttemptKnown = firstAttemptKnown;
        this.firstAttemptNanos = firstAttemptNanos;
    }

    public KeyVaultException(VaultErrorClass errorClass, String message, String endpoint, Throwable cause) {
        this(errorClass, 0, null, null, message, endpoint, null, cause);
    }

    public VaultErrorClass errorClass() {
        return errorClass;
    }

    /** HTTP status of the vault's answer, 0 when there was none (connect error, timeout, deadline). */
    public int httpStatus() {
        return httpStatus;
    }

    /** The vault's {@code error.code}, or null. */
    public String vaultCode() {
        return vaultCode;
    }

    /** The vault's {@code error.innererror.code}, or null. */
    public String vaultInnerCode() {
        return vaultInnerCode;
    }

    /** The vault's {@code error.message} (or a description of the local failure), or null. */
    public String vaultMessage() {
        return vaultMessage;
    }

    /** Base URL of the endpoint (or token endpoint) that failed, or null. */
    public String endpoint() {
        return endpoint;
    }

    /** The server's Retry-After, when it sent one (429, 503), else null. */
    public Duration retryAfter() {
        return retryAfter;
    }

    /**
     * When ({@link System#nanoTime()}) the failed call's first attempt was sent: the call failed from then on, however
     * long its retries took to give up. Empty for a failure that did not come from a call's attempts.
     */
    public OptionalLong firstAttemptNanos() {
        return firstAttemptKnown ? OptionalLong.of(firstAttemptNanos) : OptionalLong.empty();
    }

    /** This failure (same class, codes, message and cause), marked with when its call's first attempt was sent. */
    public KeyVaultException withFirstAttempt(long nanoTime) {
        KeyVaultException marked = new KeyVaultException(
                errorClass,
                httpStatus,
                vaultCode,
                vaultInnerCode,
                vaultMessage,
                endpoint,
                retryAfter,
                getCause(),
                true,
                nanoTime);
        marked.setStackTrace(getStackTrace());
        return marked;
    }

    private static String describe(
            VaultErrorClass errorClass, int status, String code, String innerCode, String message, String endpoint) {
        StringBuilder sb = new StringBuilder(errorClass.name());
        if (status != 0) {
            sb.append(" (HTTP ").append(status).append(')');
        }
        if (code != null) {
            sb.append(' ').append(code);
            if (innerCode != null) {
                sb.append('/').append(innerCode);
            }
        }
        if (message != null) {
            sb.append(": ").append(message);
        }
        if (endpoint != null) {
            sb.append(" [").append(endpoint).append(']');
        }
        return sb.toString();
    }
}
