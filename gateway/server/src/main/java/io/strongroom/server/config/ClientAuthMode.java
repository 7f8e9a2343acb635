package io.strongroom.server.config;

import java.util.Locale;

/** Whether the TLS server asks clients for a certificate. */
public enum ClientAuthMode {
    NONE,
    /** Asks, accepts clients without one. */
    REQUEST,
    /** Refuses clients without a certificate signed by the configured CA. */
    REQUIRE;

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
