package io.strongroom.core.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class StorageAdmissionTest {

    @Test
    void waitersGetFreedSlotsInArrivalOrderAndCancelledOnesAreSkipped() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            Context context = vertx.getOrCreateContext();
            StorageAdmission admission = new StorageAdmission(2);
            assertTrue(admission.tryAcquire());
            assertTrue(admission.tryAcquire());
            assertFalse(admission.tryAcquire());

            List<String> admitted = new CopyOnWriteArrayList<>();
            CountDownLatch two = new CountDownLatch(2);
            admission.enqueue(context, v -> {
                admitted.add("first");
                two.countDown();
            });
            StorageAdmission.Ticket cancelled = admission.enqueue(context, v -> admitted.add("cancelled"));
            admission.enqueue(context, v -> {
                admitted.add("third");
                two.countDown();
            });
            assertEquals(3, admission.waiting());
            assertTrue(admission.cancel(cancelled));
            assertFalse(admission.tryAcquire(), "no overtaking while others wait");

            admission.release();
            admission.release();
            assertTrue(two.await(5, TimeUnit.SECONDS));
            assertEquals(List.of("first", "third"), admitted);
            assertEquals(2, admission.inUse());
            assertEquals(0, admission.waiting());
            admission.release();
            admission.release();
            assertEquals(0, admission.inUse());
            assertTrue(admission.tryAcquire());
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aTicketAdmittedBeforeItsCancelKeepsItsSlot() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            StorageAdmission admission = new StorageAdmission(1);
            assertTrue(admission.tryAcquire());
            CountDownLatch ran = new CountDownLatch(1);
            StorageAdmission.Ticket ticket = admission.enqueue(vertx.getOrCreateContext(), v -> ran.countDown());
            admission.release();
            assertTrue(ran.await(5, TimeUnit.SECONDS));
            assertFalse(admission.cancel(ticket), "already admitted: the holder must release");
            assertEquals(1, admission.inUse());
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }
}
