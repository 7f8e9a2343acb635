package io.strongroom.core.keys;

import io.strongroom.core.activity.ActivityLog;
import io.strongroom.core.activity.AlertSink;
import io.strongroom.core.activity.JsonLinesActivityLog;
import io.strongroom.core.activity.LogAlertSink;
import io.strongroom.core.activity.WebhookAlertSink;
import io.strongroom.core.metrics.MetricCatalog;
import io.strongroom.core.metrics.MetricsRegistry;
import io.strongroom.crypto.BlockSealer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The key-access rule wired for a running process: grace period, activity log file, alert sinks (log + configured
 * webhooks), the sealer's per-thread key residue scrubbed on every event loop when a KEK goes INACCESSIBLE, and
 * the monitor (deadline tick and probes). Every frontend shares one; {@code Gateway} and the embedding API create it.
 */
public final class KeyAccessRule {
    private static final System.Logger LOG = System.getLogger(KeyAccessRule.class.getName());

    private final ActivityLog activityLog;
    private final List<AlertSink> sinks;
    private final KeyAccessMonitor monitor;

    private KeyAccessRule(ActivityLog activityLog, List<AlertSink> sinks, KeyAccessMonitor monitor) {
        this.activityLog = activityLog;
        this.sinks = sinks;
        this.monitor = monitor;
    }

    /**
     * The rule's settings.
     *
     * @param gracePeriod     how long a failing KEK stays DEGRADED before it goes INACCESSIBLE
     * @param probeInterval   how often every KEK in use is probed
     * @param alertWebhooks   http(s) URLs that receive alerts (a log sink is always on)
     * @param activityLogFile the append-only activity log (JSON lines)
     */
    public record Settings(
            Duration gracePeriod, Duration probeInterval, List<String> alertWebhooks, Path activityLogFile) {
        public Settings {
            alertWebhooks = List.copyOf(alertWebhooks);
        }
    }

    /** Configures {@code keys}' key-access context; non-blocking (the log's writer thread reads the old file). */
    public static KeyAccessRule attach(Vertx vertx, Settings settings, KeyVaults keys) {
        ActivityLog log = JsonLinesActivityLog.open(settings.activityLogFile());
        List<AlertSink> sinks = new ArrayList<>();
        sinks.add(new LogAlertSink());
        settings.alertWebhooks().forEach(url -> sinks.add(new WebhookAlertSink(vertx, url)));
        BlockSealer sealer = BlockSealer.create();
        keys.accessContext()
                .setGracePeriod(settings.gracePeriod())
                .setActivityLog(log)
                .addListener(new KeyAccessAlerts(keys.accessContext(), sinks))
                .addListener((before, after, volumes) -> {
                    if (after.state() == KeyState.INACCESSIBLE) {
                        // The DEKs are destroyed; the JCA's per-thread copy of the last key used lives on until
                        // re-keyed.
                        ((VertxInternal) vertx)
                                .nettyEventLoopGroup()
                                .forEach(loop -> loop.execute(sealer::scrubThreadState));
                    }
                });
        LOG.log(
                Level.INFO,
                "key access: grace period {0}, probes every {1}, alerts to the log and {2} webhook(s), "
                        + "activity log {3}",
                settings.gracePeriod(),
                settings.probeInterval(),
                String.valueOf(settings.alertWebhooks().size()),
                settings.activityLogFile());
        return new KeyAccessRule(log, sinks, new KeyAccessMonitor(vertx, keys, settings.probeInterval()));
    }

    public KeyAccessMonitor monitor() {
        return monitor;
    }

    public ActivityLog activityLog() {
        return activityLog;
    }

    public void startMonitor() {
        monitor.start();
    }

    public void stopMonitor() {
        monitor.stop();
    }

    /** Counters of what key-access reporting lost: activity-log events not written, alerts not delivered. */
    public void registerMetrics(MetricsRegistry registry) {
        registry.register(out -> {
            out.family(MetricCatalog.ACTIVITY_EVENTS_DROPPED);
            out.sample(MetricCatalog.ACTIVITY_EVENTS_DROPPED, activityLog.dropped());
            out.family(MetricCatalog.ALERTS_UNDELIVERED);
            out.sample(
                    MetricCatalog.ALERTS_UNDELIVERED,
                    sinks.stream().mapToLong(AlertSink::undelivered).sum());
        });
    }

    /** Closes the sinks and the log (after the vault clients: their last unwraps are logged too). */
    public Future<Void> close() {
        List<Future<Void>> closing = new ArrayList<>();
        sinks.forEach(s -> closing.add(s.close()));
        closing.add(activityLog.close());
        return Future.join(closing).mapEmpty();
    }
}
