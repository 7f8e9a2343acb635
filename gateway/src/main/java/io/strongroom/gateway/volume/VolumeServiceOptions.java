package io.strongroom.gateway.volume;

import java.time.Duration;
import java.util.Objects;

/** Settings of {@link DefaultVolumeService}: plain data with {@code DEFAULT_*} constants and fluent setters. */
public class VolumeServiceOptions {
  /** Unwraps in flight at once while opening volumes at start-up. */
  public static final int DEFAULT_STARTUP_UNWRAP_CONCURRENCY = 8;
  /** Least time between two unwrap attempts for a volume whose DEK could not be unwrapped. */
  public static final Duration DEFAULT_UNWRAP_RETRY_INTERVAL = Duration.ofSeconds(1);

  private String serviceKekId;
  private String serviceKekIdentity;
  private int startupUnwrapConcurrency = DEFAULT_STARTUP_UNWRAP_CONCURRENCY;
  private Duration unwrapRetryInterval = DEFAULT_UNWRAP_RETRY_INTERVAL;

  public String getServiceKekId() {
    return serviceKekId;
  }

  /** Key identifier URL (versioned or not) of the service-managed KEK, used for volumes that name none. Required. */
  public VolumeServiceOptions setServiceKekId(String serviceKekId) {
    this.serviceKekId = serviceKekId;
    return this;
  }

  public String getServiceKekIdentity() {
    return serviceKekIdentity;
  }

  /** Identity that reaches the service KEK; null = the default identity of the key vaults config. */
  public VolumeServiceOptions setServiceKekIdentity(String serviceKekIdentity) {
    this.serviceKekIdentity = serviceKekIdentity;
    return this;
  }

  public int getStartupUnwrapConcurrency() {
    return startupUnwrapConcurrency;
  }

  public VolumeServiceOptions setStartupUnwrapConcurrency(int startupUnwrapConcurrency) {
    this.startupUnwrapConcurrency = startupUnwrapConcurrency;
    return this;
  }

  public Duration getUnwrapRetryInterval() {
    return unwrapRetryInterval;
  }

  public VolumeServiceOptions setUnwrapRetryInterval(Duration unwrapRetryInterval) {
    this.unwrapRetryInterval = Objects.requireNonNull(unwrapRetryInterval, "unwrapRetryInterval");
    return this;
  }

  void validate() {
    if (serviceKekId == null) {
      throw new IllegalArgumentException("serviceKekId is required");
    }
    if (startupUnwrapConcurrency <= 0) {
      throw new IllegalArgumentException("startupUnwrapConcurrency must be positive, not " + startupUnwrapConcurrency);
    }
    if (unwrapRetryInterval.isNegative()) {
      throw new IllegalArgumentException("unwrapRetryInterval must not be negative");
    }
  }
}
