package io.strongroom.vault.local.identity;

import io.strongroom.vault.local.Digests;
import io.strongroom.vault.local.Identity;
import io.strongroom.vault.local.firewall.CidrAllowList;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The vault's access policy at one moment, immutable: its identities (by name), the static bearer tokens that stand
 * for them (kept only as SHA-256 digests) and its network rule (the client-address allow-list). A change makes a new
 * instance ({@link AccessPolicies} swaps it in).
 */
public final class AccessPolicy {
    static final int FORMAT = 1;

    private final Map<String, Identity> byName;
    private final Map<String, Identity> byTokenDigest;
    private final List<String> allowedCidrs;
    private final CidrAllowList firewall;

    private AccessPolicy(Map<String, Identity> byName, Map<String, Identity> byTokenDigest, List<String> allowedCidrs) {
        this.byName = Collections.unmodifiableMap(new LinkedHashMap<>(byName));
        this.byTokenDigest = Map.copyOf(byTokenDigest);
        this.allowedCidrs = List.copyOf(allowedCidrs);
        this.firewall = CidrAllowList.parse(this.allowedCidrs);
    }

    /** From the configuration: bearer token → identity; the first identity of a name answers to that name. */
    public static AccessPolicy fromTokens(Map<String, Identity> tokens, List<String> allowedCidrs) {
        Map<String, Identity> byName = new LinkedHashMap<>();
        Map<String, Identity> byDigest = new LinkedHashMap<>();
        tokens.forEach((token, identity) -> {
            byName.putIfAbsent(identity.name(), identity);
            byDigest.put(Digests.sha256Hex(token), identity);
        });
        return new AccessPolicy(byName, byDigest, allowedCidrs);
    }

    /** The identity a static token stands for, or null. */
    Identity byToken(String token) {
        return byTokenDigest.get(Digests.sha256Hex(token));
    }

    public Identity identity(String name) {
        return byName.get(name);
    }

    public Map<String, Identity> identities() {
        return byName;
    }

    public CidrAllowList firewall() {
        return firewall;
    }

    public List<String> allowedCidrs() {
        return allowedCidrs;
    }

    /**
     * Sets an identity (a new one, or a replacement of every entry of that name) with its static tokens; a token that
     * already stands for another identity is refused.
     */
    public AccessPolicy withIdentity(Identity identity, List<String> tokens) {
        Map<String, Identity> byDigest = new LinkedHashMap<>(byTokenDigest);
        byDigest.values().removeIf(i -> i.name().equals(identity.name()));
        for (String token : tokens) {
            Identity owner = byDigest.put(Digests.sha256Hex(token), identity);
            if (owner != null && !owner.name().equals(identity.name())) {
                throw new IllegalArgumentException(
                        "a token given for " + identity.name() + " already stands for identity " + owner.name());
            }
        }
        for (Identity other : byName.values()) {
            if (!other.name().equals(identity.name())
                    && identity.clientId() != null
                    && identity.clientId().equals(other.clientId())) {
                throw new IllegalArgumentException("client id " + identity.clientId() + " belongs to " + other.name());
            }
        }
        Map<String, Identity> names = new LinkedHashMap<>(byName);
        names.put(identity.name(), identity);
        return new AccessPolicy(names, byDigest, allowedCidrs);
    }

    /** The same identity, tokens and credentials with other key permissions. */
    public AccessPolicy withPermissions(String name, Set<String> permissions) {
        Identity current = byName.get(name);
        if (current == null) {
            throw new IllegalArgumentException("no identity named " + name + " in the access policy");
        }
        Identity changed = current.withPermissions(permissions);
        Map<String, Identity> byDigest = new LinkedHashMap<>(byTokenDigest);
        byDigest.replaceAll((digest, i) -> i.name().equals(name) ? changed : i);
        Map<String, Identity> names = new LinkedHashMap<>(byName);
        names.put(name, changed);
        return new AccessPolicy(names, byDigest, allowedCidrs);
    }

    public AccessPolicy withoutIdentity(String name) {
        Map<String, Identity> byDigest = new LinkedHashMap<>(byTokenDigest);
        byDigest.values().removeIf(i -> i.name().equals(name));
        Map<String, Identity> names = new LinkedHashMap<>(byName);
        names.remove(name);
        return new AccessPolicy(names, byDigest, allowedCidrs);
    }

    /** Throws IllegalArgumentException for a CIDR that does not parse. */
    public AccessPolicy withAllowedCidrs(List<String> cidrs) {
        return new AccessPolicy(byName, byTokenDigest, cidrs);
    }

    private int tokenCount(String name) {
        return (int) byTokenDigest.values().stream()
                .filter(i -> i.name().equals(name))
                .count();
    }

    /** What the admin API shows: names, permissions, client ids, how many tokens; never a token or secret. */
    public JsonObject view() {
        JsonArray identities = new JsonArray();
        for (Identity i : byName.values()) {
            JsonObject o = new JsonObject()
                    .put("name", i.name())
                    .put("keyPermissions", permissions(i))
                    .put("tokens", tokenCount(i.name()))
                    .put("clientSecret", i.clientSecretDigest() != null);
            if (i.clientId() != null) {
                o.put("clientId", i.clientId());
            }
            identities.add(o);
        }
        return new JsonObject()
                .put("identities", identities)
                .put(
                        "networkRules",
                        new JsonObject().put("allowedCidrs", new JsonArray(new ArrayList<>(allowedCidrs))));
    }

    private static JsonArray permissions(Identity identity) {
        JsonArray names = new JsonArray();
        new TreeSet<>(identity.keyPermissions()).forEach(p -> names.add(Identity.azureName(p)));
        return names;
    }

    /** The persisted form (digests only). */
    JsonObject toJson() {
        JsonArray identities = new JsonArray();
        for (Identity i : byName.values()) {
            JsonArray tokens = new JsonArray();
            byTokenDigest.forEach((digest, owner) -> {
                if (owner.name().equals(i.name())) {
                    tokens.add(digest);
                }
            });
            byte[] secret = i.clientSecretDigest();
            identities.add(new JsonObject()
                    .put("name", i.name())
                    .put("keyPermissions", permissions(i))
                    .put("clientId", i.clientId())
                    .put(
                            "clientSecretSha256",
                            secret == null ? null : HexFormat.of().formatHex(secret))
                    .put("tokensSha256", tokens));
        }
        return new JsonObject()
                .put("format", FORMAT)
                .put("identities", identities)
                .put("allowedCidrs", new JsonArray(new ArrayList<>(allowedCidrs)));
    }

    static AccessPolicy fromJson(JsonObject json) {
        if (json.getInteger("format", -1) != FORMAT) {
            throw new IllegalArgumentException("unsupported access policy format: " + json.getValue("format"));
        }
        Map<String, Identity> byName = new LinkedHashMap<>();
        Map<String, Identity> byDigest = new LinkedHashMap<>();
        for (Object o : json.getJsonArray("identities")) {
            JsonObject entry = (JsonObject) o;
            Set<String> permissions = new TreeSet<>();
            entry.getJsonArray("keyPermissions").forEach(p -> permissions.add((String) p));
            String secret = entry.getString("clientSecretSha256");
            Identity identity = Identity.withSecretDigest(
                    entry.getString("name"),
                    permissions,
                    entry.getString("clientId"),
                    secret == null ? null : HexFormat.of().parseHex(secret));
            byName.put(identity.name(), identity);
            entry.getJsonArray("tokensSha256").forEach(d -> byDigest.put((String) d, identity));
        }
        List<String> cidrs = new ArrayList<>();
        json.getJsonArray("allowedCidrs").forEach(c -> cidrs.add((String) c));
        return new AccessPolicy(byName, byDigest, cidrs);
    }
}
