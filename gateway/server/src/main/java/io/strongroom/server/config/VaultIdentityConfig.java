package io.strongroom.server.config;

import java.nio.file.Path;
import java.util.Locale;

/**
 * How the gateway obtains access tokens for one named vault identity, as configured. Secrets ({@code token},
 * {@code clientSecret}) never appear in {@link #toString()} or in configuration error lines.
 *
 * @param type          which token provider
 * @param token         STATIC: the bearer token
 * @param endpoint      MANAGED: the identity endpoint URL; CLIENT_CREDENTIALS: the authority URL
 * @param clientId      MANAGED: optional user-assigned identity; CLIENT_CREDENTIALS: the application id
 * @param tenant        CLIENT_CREDENTIALS: the directory (tenant) id
 * @param clientSecret  CLIENT_CREDENTIALS: the application secret
 * @param trustPemPath  CA certificates for an HTTPS identity endpoint; null = the JVM's default trust
 */
public record VaultIdentityConfig(
        Type type,
        String token,
        String endpoint,
        String clientId,
        String tenant,
        String clientSecret,
        Path trustPemPath) {

    public enum Type {
        STATIC("static"),
        MANAGED("managed"),
        CLIENT_CREDENTIALS("clientCredentials");

        private final String configName;

        Type(String configName) {
            this.configName = configName;
        }

        public String configName() {
            return configName;
        }

        static Type parse(String text) {
            for (Type t : values()) {
                if (t.configName.toLowerCase(Locale.ROOT).equals(text.toLowerCase(Locale.ROOT))) {
                    return t;
                }
            }
            return null;
        }
    }

    public static VaultIdentityConfig staticToken(String token) {
        return new VaultIdentityConfig(Type.STATIC, token, null, null, null, null, null);
    }

    public static VaultIdentityConfig managed(String endpoint, String clientIdOrNull, Path trustPemPathOrNull) {
        return new VaultIdentityConfig(Type.MANAGED, null, endpoint, clientIdOrNull, null, null, trustPemPathOrNull);
    }

    public static VaultIdentityConfig clientCredentials(
            String authority, String tenant, String clientId, String clientSecret, Path trustPemPathOrNull) {
        return new VaultIdentityConfig(
                Type.CLIENT_CREDENTIALS, null, authority, clientId, tenant, clientSecret, trustPemPathOrNull);
    }

    @Override
    public String toString() {
        return "VaultIdentityConfig[type=" + type.configName() + ", endpoint=" + endpoint + ", clientId=" + clientId
                + ", tenant=" + tenant + ", trustPem=" + trustPemPath + "]";
    }
}
