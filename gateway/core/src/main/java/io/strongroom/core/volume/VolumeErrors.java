package io.strongroom.core.volume;

import io.strongroom.core.error.ErrorCode;
import io.strongroom.core.error.StrongroomException;
import io.strongroom.core.keys.KeyAccess;
import io.strongroom.vault.KeyVaultException;
import io.strongroom.vault.VaultErrorClass;

/** Maps failures of the layers below (store, vault) onto the gateway's error codes. */
final class VolumeErrors {
    private VolumeErrors() {}

    static StrongroomException notFound(String name) {
        return new StrongroomException(ErrorCode.VolumeNotFound, "no volume named " + name);
    }

    static StrongroomException keyUnavailable(Volume v, String why) {
        return new StrongroomException(
                ErrorCode.KeyUnavailable,
                "the DEK of volume " + v.name() + " is not unwrapped (" + why + "); retry later");
    }

    /** A store failure for volume {@code name}, coded by the one store map ({@link StrongroomException#known}). */
    static Throwable fromStore(String name, Throwable failure) {
        StrongroomException known = StrongroomException.known(failure);
        return known != null
                ? known
                : new StrongroomException(ErrorCode.InternalError, "storage failed for volume " + name, failure);
    }

    /**
     * A failed wrap when creating a volume. For a customer KEK, refusals (missing key, permission, bad request) are
     * the client's to fix: 400; an unreachable or throttling vault, and any problem with the service KEK: 503.
     */
    static Throwable fromWrap(String kek, boolean customerKek, Throwable failure) {
        if (failure instanceof StrongroomException) {
            return failure;
        }
        VaultErrorClass cause =
                failure instanceof KeyVaultException kve ? kve.errorClass() : VaultErrorClass.UNAVAILABLE;
        boolean transientCause = cause == VaultErrorClass.UNAVAILABLE || cause == VaultErrorClass.THROTTLED;
        ErrorCode code = customerKek && !transientCause ? ErrorCode.InvalidArgument : ErrorCode.KeyUnavailable;
        return new StrongroomException(code, "cannot wrap a DEK with " + kek + ": " + cause, failure);
    }

    /** A failed unwrap of a volume's DEK. */
    static StrongroomException fromUnwrap(Volume v, KeyAccess access) {
        String cause = access.snapshot().causeText();
        return keyUnavailable(
                v,
                "key " + access.kek().keyUrl() + ": "
                        + (cause == null ? "unwrap in progress" : "last failure " + cause));
    }
}
