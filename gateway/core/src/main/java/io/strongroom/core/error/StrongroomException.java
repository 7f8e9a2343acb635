package io.strongroom.core.error;

import io.strongroom.core.store.BlockStoreException;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

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

    /**
     * {@code failure} as a StrongroomException when it is a known one: itself, or a store failure with the code
     * {@link StorageErrorCodes} gives its reason (the store's message, which names volumes and blocks only). Null for
     * anything else, which is a bug: the caller decides how to report it.
     */
    public static @Nullable StrongroomException known(Throwable failure) {
        if (failure instanceof StrongroomException g) {
            return g;
        }
        if (failure instanceof BlockStoreException s) {
            return new StrongroomException(StorageErrorCodes.of(s.reason()), s.getMessage(), s);
        }
        return null;
    }
}
