package io.strongroom.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Locale;
import org.junit.jupiter.api.Test;

class PrometheusWriterTest {
    @Test
    void numbersAreLocaleIndependent() {
        Locale saved = Locale.getDefault();
        try {
            Locale.setDefault(Locale.GERMANY);
            assertEquals("0.000125", PrometheusWriter.format(0.000125));
            assertEquals("1.5", PrometheusWriter.format(1.5));
            assertEquals("42", PrometheusWriter.format(42));
            assertEquals("NaN", PrometheusWriter.format(Double.NaN));
        } finally {
            Locale.setDefault(saved);
        }
    }
}
