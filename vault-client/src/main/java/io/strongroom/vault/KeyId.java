package io.strongroom.vault;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A key identifier: {@code https://{vault}/keys/{name}[/{version}]}. The vault part is the vault's
 * identity (as it appears in "kid" values), not necessarily where requests are sent.
 *
 * <p>A key in a PKCS#11 token has the RFC 7512 form {@code pkcs11:token={label};object={label}}: its "vault"
 * is {@code pkcs11:token={label}} ({@link #pkcs11Token()} gives the label), its name the object label, and it
 * has no versions. The gateway routes such ids to its PKCS#11 provider; this client never receives them.
 */
public record KeyId(String vaultUrl, String name, String versionOrNull) {
    private static final Pattern NAME = Pattern.compile("[0-9A-Za-z-]{1,127}");
    private static final Pattern VERSION = Pattern.compile("[0-9A-Za-z]{1,64}");
    private static final String PKCS11 = "pkcs11:";
    private static final String TOKEN = "token=";

    public KeyId {
        vaultUrl = normalizeVaultUrl(vaultUrl);
        if (versionOrNull != null && vaultUrl.startsWith(PKCS11)) {
            throw new IllegalArgumentException("a PKCS#11 key has no versions");
        }
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

    /**
     * Parses {@code https://host[:port]/keys/name[/version]} or {@code pkcs11:token=..;object=..} (the path
     * attributes {@code token} and {@code object} required, {@code type=private} allowed, in any order,
     * percent-encoded as RFC 7512 says); IllegalArgumentException otherwise.
     */
    public static KeyId parse(String url) {
        Objects.requireNonNull(url, "url");
        if (url.regionMatches(true, 0, PKCS11, 0, PKCS11.length())) {
            return parsePkcs11(url);
        }
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

    private static KeyId parsePkcs11(String uri) {
        String token = null;
        String object = null;
        for (String attribute : uri.substring(PKCS11.length()).split(";", -1)) {
            int eq = attribute.indexOf('=');
            String name = eq < 0 ? attribute : attribute.substring(0, eq);
            String value = eq < 0 ? "" : percentDecode(attribute.substring(eq + 1));
            switch (name) {
                case "token" -> token = value;
                case "object" -> object = value;
                case "type" -> {
                    if (!value.equals("private")) {
                        throw new IllegalArgumentException("a KEK is a private key (type=private): " + uri);
                    }
                }
                default ->
                    throw new IllegalArgumentException(
                            "unsupported PKCS#11 URI attribute '" + name + "' (token, object, type): " + uri);
            }
        }
        if (token == null || token.isEmpty() || object == null) {
            throw new IllegalArgumentException("a PKCS#11 key id names a token and an object: " + uri);
        }
        return new KeyId(PKCS11 + TOKEN + percentEncode(token), object, null);
    }

    /** The token label of a PKCS#11 key id, else null. */
    public String pkcs11Token() {
        return vaultUrl.startsWith(PKCS11) ? percentDecode(vaultUrl.substring(PKCS11.length() + TOKEN.length())) : null;
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
        return vaultUrl.startsWith(PKCS11) ? vaultUrl + ";object=" + name : vaultUrl + path();
    }

    /**
     * Lower-cases scheme and host and drops the default port, so ids from nextLinks and kids compare equal; a
     * PKCS#11 token ({@code pkcs11:token=..}) gets its label's canonical percent-encoding.
     */
    public static String normalizeVaultUrl(String vaultUrl) {
        Objects.requireNonNull(vaultUrl, "vaultUrl");
        if (vaultUrl.regionMatches(true, 0, PKCS11 + TOKEN, 0, PKCS11.length() + TOKEN.length())) {
            String label = percentDecode(vaultUrl.substring(PKCS11.length() + TOKEN.length()));
            if (label.isEmpty() || vaultUrl.indexOf(';') >= 0) {
                throw new IllegalArgumentException("bad PKCS#11 token: " + vaultUrl);
            }
            return PKCS11 + TOKEN + percentEncode(label);
        }
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

    /** RFC 7512's canonical form: unreserved characters as they are, every other UTF-8 byte as %XX. */
    private static String percentEncode(String text) {
        StringBuilder out = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            boolean unreserved = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '-'
                    || c == '.'
                    || c == '_'
                    || c == '~';
            out.append(
                    unreserved
                            ? String.valueOf(c)
                            : "%" + HexFormat.of().withUpperCase().toHexDigits(b));
        }
        return out.toString();
    }

    private static String percentDecode(String text) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%' && i + 2 < text.length()) {
                bytes.write(HexFormat.fromHexDigits(text, i + 1, i + 3));
                i += 2;
            } else if (c == '%') {
                throw new IllegalArgumentException("bad percent-encoding: " + text);
            } else {
                bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
