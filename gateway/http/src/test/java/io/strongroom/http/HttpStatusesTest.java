package io.strongroom.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.core.error.ErrorCode;
import io.strongroom.core.error.StrongroomException;
import io.strongroom.core.store.BlockStoreException;
import org.junit.jupiter.api.Test;

class HttpStatusesTest {

    @Test
    void everyCodeIsAnErrorStatusAndRetryableOnesAreOnesRetryAfterIsMeantFor() {
        for (ErrorCode code : ErrorCode.values()) {
            int status = HttpStatuses.of(code);
            assertTrue(status >= 400 && status <= 599, code + " -> " + status);
            if (code.retryable()) {
                assertTrue(status == 429 || status == 503, "Retry-After with " + status + " for " + code);
            }
        }
    }

    @Test
    void storeFailuresAreAnsweredByTheirCoreCode() {
        assertEquals(503, status(new BlockStoreException(BlockStoreException.Reason.QUEUE_FULL, "queue full")));
        assertEquals(500, status(new BlockStoreException(BlockStoreException.Reason.CORRUPT, "journal damaged")));
        assertEquals(404, status(BlockStoreException.unknownVolume(java.util.UUID.randomUUID())));
        assertEquals(
                409,
                status(new BlockStoreException(BlockStoreException.Reason.LEASED_ELSEWHERE, "written elsewhere")),
                "a volume another gateway writes is a conflict to route, not an outage");
        assertEquals(429, HttpStatuses.of(ErrorCode.TooManyRequests), "the frontend's own request limit");
    }

    @Test
    void anUnexpectedFailureIsAnInternalErrorThatHidesItsText() {
        StrongroomException answer = Failures.toStrongroom(new IllegalStateException("detail for the log only"), "r1");
        assertEquals(ErrorCode.InternalError, answer.code());
        assertEquals("internal error", answer.getMessage());
        assertEquals(500, HttpStatuses.of(answer.code()));
    }

    private static int status(Throwable failure) {
        return HttpStatuses.of(Failures.toStrongroom(failure, "r1").code());
    }
}
