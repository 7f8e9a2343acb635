package io.strongroom.loadtest.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Axis ranges that fit the data: a nice step, the axis from the step below the smallest value to the one above the largest. */
class SvgChartTest {

    private static List<String> labels(double min, double max) {
        return SvgChart.niceTicks(min, max).stream().map(SvgChart.Tick::label).toList();
    }

    @Test
    void aTwentySecondRunIsDrawnOnATwentySecondAxis() {
        assertEquals(List.of("0", "2", "4", "6", "8", "10", "12", "14", "16", "18", "20"), labels(1, 20));
        assertEquals(
                List.of("0", "2", "4", "6", "8", "10", "12", "14", "16", "18", "20"),
                labels(1, 20.0004),
                "the window's last second ends a hair after 20 s");
        assertEquals(
                List.of("0", "2.5", "5", "7.5", "10", "12.5", "15", "17.5", "20", "22.5"),
                labels(1, 20.3),
                "a little past 20 s: 22.5, not 50");
        assertEquals(List.of("0", "5", "10", "15", "20", "25", "30", "35", "40", "45", "50"), labels(0.5, 49));
    }

    @Test
    void valueAxesFromZero() {
        assertEquals(List.of("0", "500", "1000", "1500", "2000", "2500", "3000", "3500", "4000"), labels(0, 3990));
        assertEquals(
                List.of("0", "1000", "2000", "3000", "4000", "5000", "6000", "7000", "8000", "9000"), labels(0, 8204));
        assertEquals(List.of("0", "0.02", "0.04", "0.06", "0.08", "0.1", "0.12", "0.14"), labels(0, 0.131));
        assertEquals(List.of("0", "0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9", "1"), labels(0, 0));
    }

    @Test
    void everyAxisIsSnug() {
        for (double max = 0.7; max < 1e6; max *= 1.37) {
            List<SvgChart.Tick> ticks = SvgChart.niceTicks(0, max);
            double top = ticks.get(ticks.size() - 1).value();
            double step = ticks.get(1).value() - ticks.get(0).value();
            assertEquals(true, top >= max && top - step < max, "max " + max + ": axis to " + top + " by " + step);
            assertEquals(true, ticks.size() - 1 <= 10, "max " + max + ": " + ticks.size() + " ticks");
            assertEquals(true, max / top > 0.5, "max " + max + " fills more than half of an axis to " + top);
        }
    }
}
