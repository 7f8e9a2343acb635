package io.strongroom.store.ceph;

import io.strongroom.core.store.BlockStoreException;

/** A librados call that returned a negative errno: which call, on which object, and the errno. */
final class RadosException extends Exception {

    static final int ENOENT = 2;
    static final int EAGAIN = 11;
    static final int EEXIST = 17;
    static final int EINVAL = 22;
    static final int ENOSPC = 28;
    static final int EDQUOT = 122;
    /** What the OSDs answer a blocklisted (fenced) client: Ceph's EBLOCKLISTED is ESHUTDOWN. */
    static final int ESHUTDOWN = 108;
    /** A failed comparison (cmpext) answers {@code -MAX_ERRNO - offset}, so its "errno" is this or more. */
    static final int MAX_ERRNO = 4095;

    private final int errno;

    RadosException(String call, String oid, int result) {
        super(call + (oid.isEmpty() ? "" : " of " + oid) + " failed: errno " + -result);
        this.errno = -result;
    }

    int errno() {
        return errno;
    }

    /** The client was fenced: it is on the OSD blocklist and no OSD applies its operations any more. */
    boolean fenced() {
        return errno == ESHUTDOWN;
    }

    /** The store's view of it: NO_SPACE when the cluster or the pool is full, IO_ERROR otherwise. */
    BlockStoreException toStoreException() {
        BlockStoreException.Reason reason = errno == ENOSPC || errno == EDQUOT
                ? BlockStoreException.Reason.NO_SPACE
                : BlockStoreException.Reason.IO_ERROR;
        return new BlockStoreException(reason, getMessage(), this);
    }
}
