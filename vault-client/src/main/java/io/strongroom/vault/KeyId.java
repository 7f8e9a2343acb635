package io.strongroom.vault;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A key identifier: {@code https://{vault}/keys/{name}[/{version}]}. The vault part is the vault's
 * identity (as it appears in "kid" values), not necessarily where requests are sent.
 */
public record KeyId(String vaultUrl, String name, String versionOrNull) {
    private static final Pattern NAME = Pattern.compile("[0-9A-Za-z-]{1,127}");
    private static final Pattern VERSION = Pattern.compile("[0-9A-Za-z]{1,64}");

    public KeyId {
        vaultUrl = normalizeVaultUrl(vaultUrl);
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("bad key name: " + name);
        }
        if (versionOrNull != null && versionOrNull.isEmpty()) {
            versionOrNull = null;
        }
        if (versionOrNull != null && !VERSION.matcher(versionOrNull).matches()) {
            throw new IllegalArgumentException("bad key version: " + versionOrNull);
        }
    }

    /** Parses {@code https://host[:port]/keys/name[/version]}; IllegalArgumentException otherwise. */
    public static KeyId parse(String url) {
        Objects.requireNonNull(url, "url");
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a key identifier: " + url, e);
        }
        if (uri.getScheme() == null
                || uri.getRawAuthority() == null
                || uri.getRawPath() == null
                || uri.getRawQuery() != null
                || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("not a key identifier: " + url);
        }
        String[] parts = uri.getRawPath().split("/", -1);
        // "", "keys", name [, version] ; a trailing slash after the name is tolerated (Azure accepts it)
        boolean shapeOk = parts.length >= 3 && parts.length <= 4 && parts[0].isEmpty() && parts[1].equals("keys");
        if (!shapeOk) {
            throw new IllegalArgumentException("not a key identifier: " + url);
        }
        String version = parts.length == 4 ? parts[3] : null;
        return new KeyId(uri.getScheme() + "://" + uri.getRawAuthority(), parts[2], version);
    }

    /** The same key without a version (latest). */
    public KeyId versionless() {
        return versionOrNull == null ? this : new KeyId(vaultUrl, name, null);
    }

    public boolean hasVersion() {
        return versionOrNull != null;
    }

    /** Path of the key on any endpoint of its vault: {@code /keys/name[/version]}. */
    public String path() {
        return "/keys/" + name + (versionOrNull == null ? "" : "/" + versionOrNull);
    }

    @Override
    public String toString() {
        return vaultUrl + path();
    }

    /** Lower-cases scheme and host and drops the default port, so ids from nextLinks and kids compare equal. */
    public static String normalizeVaultUrl(String vaultUrl) {
        Objects.requireNonNull(vaultUrl, "vaultUrl");
        URI uri = URI.create(vaultUrl.endsWith("/") ? vaultUrl.substring(0, vaultUrl.length() - 1) : vaultUrl);
        if (uri.getScheme() == null
                || uri.getHost() == null
                || (uri.getRawPath() != null && !uri.getRawPath().isEmpty())) {
            throw new IllegalArgumentException("bad vault URL: " + vaultUrl);
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        int port = uri.getPort();
        boolean defaultPort =
                port == -1 || (scheme.equals("https") && port == 443) || (scheme.equals("http") && port == 80);
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        return scheme + "://" + host + (defaultPort ? "" : ":" + port);
    }
}
