package io.strongroom.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.core.config.Durations.InvalidDurationException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DurationsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "500ms, 500000000",
        "30s, 30000000000",
        "1.5s, 1500000000",
        "0.25ms, 250000",
        "10m, 600000000000",
        "1.5m, 90000000000",
        "1h, 3600000000000",
        "0s, 0",
        "PT30S, 30000000000",
        "PT1M30S, 90000000000",
        "pt0.5s, 500000000",
        "P1D, 86400000000000",
        "'  45s\t', 45000000000"
    })
    void acceptsEveryForm(String text, long nanos) {
        assertEquals(Duration.ofNanos(nanos), Durations.parse(text));
    }

    @Test
    void aBareNumberIsRefusedWithTheReason() {
        InvalidDurationException e = assertThrows(InvalidDurationException.class, () -> Durations.parse("30"));
        assertEquals(
                "not a duration: '30' (expected a duration: a number and a unit (500ms, 30s, 1.5s, 10m, 1h) or"
                        + " ISO-8601 (PT30S); a bare number has no unit)",
                e.getMessage());
        assertEquals(
                "a duration: " + Durations.FORMS + "; a bare number has no unit", e.expected(), "for config lines");
        assertTrue(reason("1.5").endsWith("; a bare number has no unit"));
    }

    @ParameterizedTest(name = "''{0}'' ({1})")
    @CsvSource({
        "-5s, it is negative",
        "PT-5S, it is negative",
        "-PT5S, it is negative",
        "'', it is empty",
        "'   ', it is empty",
        "9999999999999h, it is too long",
        "0.0000000001s, it is finer than a nanosecond"
    })
    void refusesWithAReason(String text, String why) {
        assertEquals("a duration: " + Durations.FORMS + "; " + why, reason(text));
    }

    @ParameterizedTest(name = "''{0}''")
    @CsvSource({"soon", "5x", "5 s", ".5s", "1.s", "1e3s", "30S", "10M", "s", "PTXS", "P", "1h30m"})
    void refusesOtherTextNamingTheForms(String text) {
        assertEquals("a duration: " + Durations.FORMS, reason(text));
    }

    @Test
    void nullIsAProgrammingError() {
        assertThrows(NullPointerException.class, () -> Durations.parse(null));
    }

    private static String reason(String text) {
        return assertThrows(InvalidDurationException.class, () -> Durations.parse(text))
                .expected();
    }
}
