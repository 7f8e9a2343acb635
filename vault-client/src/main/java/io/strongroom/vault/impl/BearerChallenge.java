package io.strongroom.vault.impl;

import java.net.URI;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A parsed {@code WWW-Authenticate: Bearer authorization="...", resource="..."} (or
 * {@code scope="..."}) challenge, as sent by Key Vault on 401.
 */
public record BearerChallenge(String authorization, String resource) {

    /** Null when the header is absent, not a Bearer challenge, or names neither resource nor scope. */
    public static BearerChallenge parse(String header) {
        if (header == null) {
            return null;
        }
        String trimmed = header.trim();
        if (trimmed.length() < 6 || !trimmed.regionMatches(true, 0, "Bearer", 0, 6)) {
            return null;
        }
        Map<String, String> params = params(trimmed.substring(6));
        String authorization = params.getOrDefault("authorization", params.get("authorization_uri"));
        String resource = params.get("resource");
        if (resource == null && params.get("scope") != null) {
            resource = resourceOfScope(params.get("scope"));
        }
        if (resource == null || resource.isBlank()) {
            return null;
        }
        return new BearerChallenge(authorization, resource);
    }

    /** {@code https://vault.azure.net/.default} → {@code https://vault.azure.net}. */
    static String resourceOfScope(String scope) {
        String first = scope.trim().split("\\s+")[0];
        return first.endsWith("/.default") ? first.substring(0, first.length() - "/.default".length()) : first;
    }

    /**
     * Azure's check: the challenge's resource host must be a dot-suffix of the host the request went
     * to (e.g. {@code vault.azure.net} for {@code myvault.vault.azure.net}), so a foreign endpoint
     * cannot make the client fetch a token for an unrelated resource.
     */
    public boolean resourceMatchesHost(String requestHost) {
        String resourceHost;
        try {
            resourceHost = URI.create(resource).getHost();
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (resourceHost == null || requestHost == null) {
            return false;
        }
        String r = resourceHost.toLowerCase(Locale.ROOT);
        String h = requestHost.toLowerCase(Locale.ROOT);
        return h.equals(r) || h.endsWith("." + r);
    }

    /** Whether the resource's host is one of {@code hosts} (lower case), exactly. */
    public boolean resourceHostIn(Set<String> hosts) {
        if (hosts.isEmpty()) {
            return false;
        }
        try {
            String host = URI.create(resource).getHost();
            return host != null && hosts.contains(host.toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Parses comma separated {@code key="value"} or {@code key=value} pairs. */
    private static Map<String, String> params(String s) {
        Map<String, String> out = new HashMap<>();
        int i = 0;
        int n = s.length();
        while (i < n) {
            while (i < n && (s.charAt(i) == ',' || Character.isWhitespace(s.charAt(i)))) {
                i++;
            }
            int eq = s.indexOf('=', i);
            if (eq < 0) {
                break;
            }
            String key = s.substring(i, eq).trim().toLowerCase(Locale.ROOT);
            i = eq + 1;
            String value;
            if (i < n && s.charAt(i) == '"') {
                int end = s.indexOf('"', i + 1);
                if (end < 0) {
                    end = n;
                }
                value = s.substring(i + 1, end);
                i = end + 1;
            } else {
                int end = s.indexOf(',', i);
                if (end < 0) {
                    end = n;
                }
                value = s.substring(i, end).trim();
                i = end;
            }
            out.putIfAbsent(key, value);
        }
        return out;
    }
}
