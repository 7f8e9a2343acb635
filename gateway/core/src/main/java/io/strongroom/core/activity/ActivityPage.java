package io.strongroom.core.activity;

import java.util.List;

/**
 * One answer of an activity query: the most recent matching events, newest first.
 *
 * @param events at most the limit asked for; empty when nothing matched
 */
public record ActivityPage(List<ActivityEvent> events) {
    public ActivityPage {
        events = List.copyOf(events);
    }
}
