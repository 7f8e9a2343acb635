package io.strongroom.core.keys;

import java.util.Objects;

/**
 * How the gateway obtains bearer tokens for one named identity. Plain data: the config layer maps the
 * configuration file onto one of these; {@link KeyVaults} turns it into a token provider. {@code toString()}
 * never shows a token or a client secret.
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
     * An instance-metadata (managed identity) endpoint, e.g. {@code http://169.254.169.254};
     * {@code clientIdOrNull} selects a user-assigned identity; {@code trustPemOrNull} trusts an HTTPS endpoint's
     * certificate (null = JVM default trust).
     */
    record ManagedIdentity(String endpointUrl, String clientIdOrNull, String trustPemOrNull) implements IdentityConfig {
        public ManagedIdentity {
            Objects.requireNonNull(endpointUrl, "endpointUrl");
        }

        @Override
        public String toString() {
            return "ManagedIdentity[endpointUrl=" + endpointUrl + ", clientId=" + clientIdOrNull + ", trustPem="
                    + (trustPemOrNull == null ? "default" : "custom") + "]";
        }
    }

    /** OAuth2 client credentials against an authority such as {@code https://login.microsoftonline.com}. */
    record ClientCredentials(
            String authorityUrl, String tenant, String clientId, String clientSecret, String trustPemOrNull)
            implements IdentityConfig {
        public ClientCredentials {
            Objects.requireNonNull(authorityUrl, "authorityUrl");
            Objects.requireNonNull(tenant, "tenant");
            Objects.requireNonNull(clientId, "clientId");
            Objects.requireNonNull(clientSecret, "clientSecret");
        }

        @Override
        public String toString() {
            return "ClientCredentials[authorityUrl=" + authorityUrl + ", tenant=" + tenant + ", clientId=" + clientId
                    + ", clientSecret=<redacted>, trustPem=" + (trustPemOrNull == null ? "default" : "custom") + "]";
        }
    }
}
