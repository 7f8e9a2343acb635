package io.strongroom.core.error;

import java.util.Objects;

/**
 * A failure with a stable {@link ErrorCode}. Messages are shown to API clients: they name volumes, blocks and
 * key ids, never key material or tokens.
 */
public class StrongroomException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;

    public StrongroomException(ErrorCode code, String message) {
        super(message);
        this.code = Objects.requireNonNull(code, "code");
    }

    public StrongroomException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    public ErrorCode code() {
        return code;
    }

    /** The code of {@code failure} if it is a StrongroomException, otherwise {@link ErrorCode#InternalError}. */
    public static ErrorCode codeOf(Throwable failure) {
        return failure instanceof StrongroomException g ? g.code : ErrorCode.InternalError;
    }
}
