package io.strongroom.server.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The key-access rule (docs/KEY-ACCESS.md): grace period before a failing KEK goes INACCESSIBLE (never off), the
 * probe interval, and the webhook URLs that receive alerts (a log sink is always on); and the DEK lifecycle
 * (docs/KEY-ROTATION.md): the background re-seal rate and an optional maximum DEK age before rollover.
 */
public class KeyAccessConfig {
    public static final Duration DEFAULT_GRACE_PERIOD = Duration.ofMinutes(10);
    public static final Duration DEFAULT_PROBE_INTERVAL = Duration.ofSeconds(60);
    public static final int DEFAULT_RESEAL_BLOCKS_PER_SECOND = 4096;

    private Duration gracePeriod = DEFAULT_GRACE_PERIOD;
    private Duration probeInterval = DEFAULT_PROBE_INTERVAL;
    private final List<String> alertWebhooks = new ArrayList<>();
    private int resealBlocksPerSecond = DEFAULT_RESEAL_BLOCKS_PER_SECOND;
    private Duration dekMaxAge;

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

    public int getResealBlocksPerSecond() {
        return resealBlocksPerSecond;
    }

    public KeyAccessConfig setResealBlocksPerSecond(int resealBlocksPerSecond) {
        this.resealBlocksPerSecond = resealBlocksPerSecond;
        return this;
    }

    /** Age after which a volume's active DEK is rolled over; null (the default) rolls over by seal count only. */
    public Duration getDekMaxAge() {
        return dekMaxAge;
    }

    public KeyAccessConfig setDekMaxAge(Duration dekMaxAge) {
        this.dekMaxAge = dekMaxAge;
        return this;
    }

    /** Throws {@link ConfigException} for a zero or negative duration or a webhook URL that is not http(s). */
    void validate() {
        if (gracePeriod.isZero() || gracePeriod.isNegative()) {
            throw ConfigException.invalid(
                    "keyAccess.gracePeriod",
                    gracePeriod.toString(),
                    "a positive duration (the grace period cannot be turned off)");
        }
        if (probeInterval.isZero() || probeInterval.isNegative()) {
            throw ConfigException.invalid("keyAccess.probeInterval", probeInterval.toString(), "a positive duration");
        }
        if (dekMaxAge != null && (dekMaxAge.isZero() || dekMaxAge.isNegative())) {
            throw ConfigException.invalid("keyAccess.dekMaxAge", dekMaxAge.toString(), "a positive duration");
        }
        for (String url : alertWebhooks) {
            if (!url.startsWith("http://") && !url.startsWith("https://")) {
                throw ConfigException.invalid("keyAccess.alertWebhooks", url, "http:// or https:// URLs");
            }
        }
    }
}
