package io.strongroom.gateway.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The key-access rule (docs/KEY-ACCESS.md): grace period before a failing KEK goes INACCESSIBLE (never off), the
 * probe interval, and the webhook URLs that receive alerts (a log sink is always on).
 */
public class KeyAccessConfig {
  public static final Duration DEFAULT_GRACE_PERIOD = Duration.ofMinutes(10);
  public static final Duration DEFAULT_PROBE_INTERVAL = Duration.ofSeconds(60);

  private Duration gracePeriod = DEFAULT_GRACE_PERIOD;
  private Duration probeInterval = DEFAULT_PROBE_INTERVAL;
  private final List<String> alertWebhooks = new ArrayList<>();

  public Duration getGracePeriod() {
    return gracePeriod;
  }

  public KeyAccessConfig setGracePeriod(Duration gracePeriod) {
    this.gracePeriod = Objects.requireNonNull(gracePeriod, "gracePeriod");
    return this;
  }

  public Duration getProbeInterval() {
    return probeInterval;
  }

  public KeyAccessConfig setProbeInterval(Duration probeInterval) {
    this.probeInterval = Objects.requireNonNull(probeInterval, "probeInterval");
    return this;
  }

  public List<String> getAlertWebhooks() {
    return List.copyOf(alertWebhooks);
  }

  /** Replaces the webhook list (a later configuration source overrides an earlier one). */
  public KeyAccessConfig setAlertWebhooks(List<String> urls) {
    alertWebhooks.clear();
    urls.forEach(this::addAlertWebhook);
    return this;
  }

  public KeyAccessConfig addAlertWebhook(String url) {
    alertWebhooks.add(Objects.requireNonNull(url, "url"));
    return this;
  }

  /** Throws {@link ConfigException} for a zero or negative duration or a webhook URL that is not http(s). */
  void validate() {
    if (gracePeriod.isZero() || gracePeriod.isNegative()) {
      throw ConfigException.invalid("keyAccess.gracePeriod", gracePeriod.toString(),
          "a positive duration (the grace period cannot be turned off)");
    }
    if (probeInterval.isZero() || probeInterval.isNegative()) {
      throw ConfigException.invalid("keyAccess.probeInterval", probeInterval.toString(), "a positive duration");
    }
    for (String url : alertWebhooks) {
      if (!url.startsWith("http://") && !url.startsWith("https://")) {
        throw ConfigException.invalid("keyAccess.alertWebhooks", url, "http:// or https:// URLs");
      }
    }
  }
}
