package io.strongroom.core.error;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.core.store.BlockStoreException;
import io.strongroom.core.store.BlockStoreException.Reason;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StorageErrorCodesTest {

    @Test
    void aFullQueueIsBackpressureTheClientMayRetry() {
        ErrorCode code = StorageErrorCodes.of(Reason.QUEUE_FULL);
        assertEquals(ErrorCode.StorageUnavailable, code);
        assertTrue(code.retryable());
    }

    @Test
    void aDamagedStoreFileIsDataDamageNotWorthRetrying() {
        ErrorCode code = StorageErrorCodes.of(Reason.CORRUPT);
        assertEquals(ErrorCode.BlockIntegrityError, code);
        assertFalse(code.retryable());
    }

    @Test
    void aFullFileSystemIsInsufficientStorageNotAnOutage() {
        ErrorCode code = StorageErrorCodes.of(Reason.NO_SPACE);
        assertEquals(ErrorCode.InsufficientStorage, code);
        assertFalse(code.retryable());
    }

    @Test
    void everyReasonHasACodeAndOnlyOutagesAreRetryable() {
        Set<Reason> retryable = EnumSet.of(Reason.QUEUE_FULL, Reason.CLOSED, Reason.IO_ERROR);
        for (Reason reason : Reason.values()) {
            ErrorCode code = StorageErrorCodes.of(reason);
            assertNotNull(code, reason.name());
            assertEquals(retryable.contains(reason), code.retryable(), reason.name());
        }
    }

    @Test
    void knownFailuresKeepTheirCodeAndMessageAndOthersAreLeftToTheCaller() {
        BlockStoreException full = new BlockStoreException(Reason.QUEUE_FULL, "write queue full (64 pending)");
        StrongroomException mapped = StrongroomException.known(full);
        assertNotNull(mapped);
        assertEquals(ErrorCode.StorageUnavailable, mapped.code());
        assertEquals("write queue full (64 pending)", mapped.getMessage());
        assertSame(full, mapped.getCause());

        StrongroomException own = new StrongroomException(ErrorCode.VolumeNotFound, "no volume named a");
        assertSame(own, StrongroomException.known(own));
        assertNull(StrongroomException.known(new IllegalStateException("a bug")));
        assertEquals(ErrorCode.InternalError, StrongroomException.codeOf(new IllegalStateException("a bug")));
    }
}
