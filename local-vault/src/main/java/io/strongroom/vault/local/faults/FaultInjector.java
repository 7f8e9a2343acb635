package io.strongroom.vault.local.faults;

import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Holds the current {@link FaultPlan} and decides, per vault request, what to inject. Thread-safe;
 * counters say how much was injected (exposed by the admin API).
 */
public final class FaultInjector {
    /** What to do with one request: hold it forever, delay it, and/or answer with an error. */
    public record Decision(boolean blackhole, long delayMillis, FaultPlan.ErrorRule error) {
        static final Decision NONE = new Decision(false, 0, null);
    }

    private final AtomicReference<FaultPlan> plan = new AtomicReference<>(FaultPlan.NONE);
    private final AtomicLong delayed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong blackholed = new AtomicLong();

    public Decision decide(String operation) {
        FaultPlan p = plan.get();
        if (p == FaultPlan.NONE) {
            return Decision.NONE;
        }
        if (p.blackhole()) {
            blackholed.incrementAndGet();
            return new Decision(true, 0, null);
        }
        long delay = p.delayMillis(operation);
        FaultPlan.ErrorRule error = p.error(operation);
        if (delay > 0) {
            delayed.incrementAndGet();
        }
        if (error != null) {
            failed.incrementAndGet();
        }
        return new Decision(false, delay, error);
    }

    public void set(FaultPlan next) {
        plan.set(next);
    }

    public void reset() {
        plan.set(FaultPlan.NONE);
        delayed.set(0);
        failed.set(0);
        blackholed.set(0);
    }

    public JsonObject status() {
        return new JsonObject()
                .put("plan", plan.get().toJson())
                .put(
                        "injected",
                        new JsonObject()
                                .put("delayed", delayed.get())
                                .put("errors", failed.get())
                                .put("blackholed", blackholed.get()));
    }
}
