package io.strongroom.vault.local.faults;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * The fault-injection admin API, mounted only when fault injection is switched on:
 * {@code GET /_admin/faults} (region, plan, counters), {@code PUT /_admin/faults} (replace the
 * plan), {@code DELETE /_admin/faults} (reset: no faults, counters zeroed).
 */
public final class FaultAdminApi {
    private final FaultInjector injector;
    private final String region;

    public FaultAdminApi(FaultInjector injector, String region) {
        this.injector = injector;
        this.region = region;
    }

    public void mount(Router router) {
        router.get("/_admin/faults")
                .handler(ctx -> send(ctx, 200, injector.status().put("region", region)));
        router.put("/_admin/faults")
                .handler(BodyHandler.create().setBodyLimit(64 * 1024))
                .handler(this::replace);
        router.delete("/_admin/faults").handler(ctx -> {
            injector.reset();
            send(ctx, 200, injector.status().put("region", region));
        });
    }

    private void replace(RoutingContext ctx) {
        FaultPlan plan;
        try {
            JsonObject json = ctx.body().asJsonObject();
            if (json == null) {
                throw new IllegalArgumentException("a JSON fault plan is required");
            }
            plan = FaultPlan.fromJson(json);
        } catch (DecodeException | IllegalArgumentException | ClassCastException e) {
            send(
                    ctx,
                    400,
                    new JsonObject()
                            .put(
                                    "error",
                                    new JsonObject().put("code", "BadParameter").put("message", e.getMessage())));
            return;
        }
        injector.set(plan);
        send(ctx, 200, injector.status().put("region", region));
    }

    private static void send(RoutingContext ctx, int status, JsonObject body) {
        ctx.response()
                .setStatusCode(status)
                .putHeader("content-type", "application/json; charset=utf-8")
                .end(body.toBuffer());
    }
}
