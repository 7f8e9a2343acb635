package io.strongroom.loadtest.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class RateScheduleTest {

    @Test
    void intendedTimesFollowTheRateWithoutDrift() {
        RateSchedule s = new RateSchedule(1_000, 3000);
        assertEquals(1_000, s.intendedNanos(0));
        assertEquals(1_000 + 1_000_000_000L, s.intendedNanos(3000));
        assertEquals(1_000 + 3_600_000_000_000L, s.intendedNanos(3000L * 3600), "one hour in, still exact");
    }

    @Test
    void dueCountMatchesTheTimetableAtEveryBoundary() {
        RateSchedule s = new RateSchedule(500, 7777);
        assertEquals(0, s.dueCount(499));
        assertEquals(1, s.dueCount(500));
        for (long i = 1; i < 20_000; i += 97) {
            long t = s.intendedNanos(i);
            assertEquals(i + 1, s.dueCount(t), "at the intended time of " + i);
            assertEquals(i, s.dueCount(t - 1), "just before it");
        }
    }

    @Test
    void rejectsNonPositiveRates() {
        assertThrows(IllegalArgumentException.class, () -> new RateSchedule(0, 0));
    }
}
