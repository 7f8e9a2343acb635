package io.strongroom.gateway;

import io.strongroom.crypto.BlockSealer;
import io.strongroom.gateway.activity.ActivityLog;
import io.strongroom.gateway.activity.AlertSink;
import io.strongroom.gateway.activity.JsonLinesActivityLog;
import io.strongroom.gateway.activity.LogAlertSink;
import io.strongroom.gateway.activity.WebhookAlertSink;
import io.strongroom.gateway.config.GatewayConfig;
import io.strongroom.gateway.config.KeyAccessConfig;
import io.strongroom.gateway.keys.KeyAccessAlerts;
import io.strongroom.gateway.keys.KeyAccessMonitor;
import io.strongroom.gateway.keys.KeyState;
import io.strongroom.gateway.keys.KeyVaults;
import io.strongroom.gateway.metrics.MetricsRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;

/**
 * The key-access rule as the running gateway wires it: grace period, activity log file
 * ({@code <dataDir>/activity.log}), alert sinks (log + configured webhooks), the sealer's per-thread key residue
 * scrubbed on every event loop when a KEK goes INACCESSIBLE, and the monitor (deadline tick and probes).
 */
final class GatewayKeyAccess {
  private static final System.Logger LOG = System.getLogger(GatewayKeyAccess.class.getName());

  private final ActivityLog activityLog;
  private final List<AlertSink> sinks;
  private final KeyAccessMonitor monitor;

  private GatewayKeyAccess(ActivityLog activityLog, List<AlertSink> sinks, KeyAccessMonitor monitor) {
    this.activityLog = activityLog;
    this.sinks = sinks;
    this.monitor = monitor;
  }

  /** Configures {@code keys}' key-access context; non-blocking (the log's writer thread reads the old file). */
  static GatewayKeyAccess attach(Vertx vertx, GatewayConfig config, KeyVaults keys) {
    KeyAccessConfig settings = config.keyAccess();
    ActivityLog log = JsonLinesActivityLog.open(config.getDataDir().resolve("activity.log"));
    List<AlertSink> sinks = new ArrayList<>();
    sinks.add(new LogAlertSink());
    settings.getAlertWebhooks().forEach(url -> sinks.add(new WebhookAlertSink(vertx, url)));
    BlockSealer sealer = BlockSealer.create();
    keys.accessContext()
        .setGracePeriod(settings.getGracePeriod())
        .setActivityLog(log)
        .addListener(new KeyAccessAlerts(keys.accessContext(), sinks))
        .addListener((before, after, volumes) -> {
          if (after.state() == KeyState.INACCESSIBLE) {
            // The DEKs are destroyed; the JCA's per-thread copy of the last key used lives on until re-keyed.
            ((VertxInternal) vertx).nettyEventLoopGroup().forEach(loop -> loop.execute(sealer::scrubThreadState));
          }
        });
    LOG.log(Level.INFO, "key access: grace period {0}, probes every {1}, alerts to the log and {2} webhook(s), "
        + "activity log {3}", settings.getGracePeriod(), settings.getProbeInterval(),
        String.valueOf(settings.getAlertWebhooks().size()), config.getDataDir().resolve("activity.log"));
    return new GatewayKeyAccess(log, sinks, new KeyAccessMonitor(vertx, keys, settings.getProbeInterval()));
  }

  KeyAccessMonitor monitor() {
    return monitor;
  }

  ActivityLog activityLog() {
    return activityLog;
  }

  void startMonitor() {
    monitor.start();
  }

  void stopMonitor() {
    monitor.stop();
  }

  /** Counters of what key-access reporting lost: activity-log events not written, alerts not delivered. */
  void registerMetrics(MetricsRegistry registry) {
    registry.register(out -> {
      out.family("strongroom_activity_events_dropped_total", "counter",
          "Activity-log events not written to the file (writer queue full, or recorded after close)");
      out.sample("strongroom_activity_events_dropped_total", activityLog.dropped());
      out.family("strongroom_alerts_undelivered_total", "counter",
          "Key-access alerts given up on (webhook queue full, or refused on every attempt)");
      out.sample("strongroom_alerts_undelivered_total", sinks.stream().mapToLong(AlertSink::undelivered).sum());
    });
  }

  /** Closes the sinks and the log (after the vault clients: their last unwraps are logged too). */
  Future<Void> close() {
    List<Future<Void>> closing = new ArrayList<>();
    sinks.forEach(s -> closing.add(s.close()));
    closing.add(activityLog.close());
    return Future.join(closing).mapEmpty();
  }
}
