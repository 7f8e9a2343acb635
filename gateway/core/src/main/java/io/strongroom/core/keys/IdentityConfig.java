package io.strongroom.core.keys;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How the gateway obtains bearer tokens for one named identity: the one model of a vault identity, built by the
 * configuration parser (file, environment) or by an embedding program, and turned into a token provider by
 * {@link KeyVaults}. Plain data holding PEM text, not file names, so nothing here touches the disk.
 * {@code toString()} never shows a token or a client secret.
 */
public sealed interface IdentityConfig {

    /** A fixed bearer token (local-vault, tests, short-lived setups). */
    record StaticToken(String token) implements IdentityConfig {
        public StaticToken {
            Objects.requireNonNull(token, "token");
        }

        @Override
        public String toString() {
            return "StaticToken[token=<redacted>]";
        }
    }

    /**
     * An instance-metadata (managed identity) endpoint, e.g. {@code http://169.254.169.254}.
     *
     * @param clientId selects a user-assigned identity; null for the system-assigned one
     * @param trustPem CA certificates (PEM text) for an HTTPS endpoint; null for the JVM's default trust
     */
    record ManagedIdentity(
            String endpointUrl,
            @Nullable String clientId,
            @Nullable String trustPem) implements IdentityConfig {
        public ManagedIdentity {
            Objects.requireNonNull(endpointUrl, "endpointUrl");
        }

        @Override
        public String toString() {
            return "ManagedIdentity[endpointUrl=" + endpointUrl + ", clientId=" + clientId + ", trustPem="
                    + (trustPem == null ? "default" : "custom") + "]";
        }
    }

    /**
     * OAuth2 client credentials against an authority such as {@code https://login.microsoftonline.com}.
     *
     * @param trustPem CA certificates (PEM text) for the authority; null for the JVM's default trust
     */
    record ClientCredentials(
            String authorityUrl,
            String tenant,
            String clientId,
            String clientSecret,
            @Nullable String trustPem) implements IdentityConfig {
        public ClientCredentials {
            Objects.requireNonNull(authorityUrl, "authorityUrl");
            Objects.requireNonNull(tenant, "tenant");
            Objects.requireNonNull(clientId, "clientId");
            Objects.requireNonNull(clientSecret, "clientSecret");
        }

        @Override
        public String toString() {
            return "ClientCredentials[authorityUrl=" + authorityUrl + ", tenant=" + tenant + ", clientId=" + clientId
                    + ", clientSecret=<redacted>, trustPem=" + (trustPem == null ? "default" : "custom") + "]";
        }
    }
}
