package io.strongroom.core.volume;

import org.jspecify.annotations.Nullable;

/**
 * What a key admin asks for when setting a volume's KEK ({@code PUT /v1/volumes/{name}/kek}).
 *
 * @param kek              key identifier URL of the new KEK, with or without version (without: the current version
 *                         at the time of the call), or {@link #SERVICE_KEK} for the service-managed key
 * @param identity   configured identity that reaches the key; null = the default identity (for the service key: the
 *                   service key's identity)
 * @param autoFollow follow new versions of the key from now on; null = keep the volume's current setting
 */
public record KekChange(
        String kek, @Nullable String identity, @Nullable Boolean autoFollow) {
    /** The name that stands for the service-managed KEK. */
    public static final String SERVICE_KEK = "service";
}
