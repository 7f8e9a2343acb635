package io.strongroom.loadtest.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Options of the vault unwrap storm: plain data, {@code DEFAULT_*} constants, fluent setters. */
public final class VaultStormOptions {

    public static final int DEFAULT_UNWRAPS = 200;
    public static final int DEFAULT_CONCURRENCY = 64;
    public static final int DEFAULT_ROUNDS = 3;
    public static final String DEFAULT_KEY_NAME = "loadtest-kek";

    /** An extra endpoint ("https://host:port=region") to spread requests over. */
    public record Endpoint(String url, String region) {}

    private int unwraps = DEFAULT_UNWRAPS;
    private int concurrency = DEFAULT_CONCURRENCY;
    private int rounds = DEFAULT_ROUNDS;
    private String vaultUrl; // null = start local-vault in-process
    private final List<Endpoint> endpoints = new ArrayList<>();
    private String token;
    private String keyName = DEFAULT_KEY_NAME;
    private Path trustPem;
    private Path out = Path.of("loadtest-report");

    public int unwraps() {
        return unwraps;
    }

    public VaultStormOptions unwraps(int v) {
        unwraps = v;
        return this;
    }

    public int concurrency() {
        return concurrency;
    }

    public VaultStormOptions concurrency(int v) {
        concurrency = v;
        return this;
    }

    public int rounds() {
        return rounds;
    }

    public VaultStormOptions rounds(int v) {
        rounds = v;
        return this;
    }

    public String vaultUrl() {
        return vaultUrl;
    }

    public VaultStormOptions vaultUrl(String v) {
        vaultUrl = v;
        return this;
    }

    public List<Endpoint> endpoints() {
        return endpoints;
    }
    /** Token for the vault; never printed. */
    public String token() {
        return token;
    }

    public VaultStormOptions token(String v) {
        token = v;
        return this;
    }

    public String keyName() {
        return keyName;
    }

    public VaultStormOptions keyName(String v) {
        keyName = v;
        return this;
    }

    public Path trustPem() {
        return trustPem;
    }

    public VaultStormOptions trustPem(Path v) {
        trustPem = v;
        return this;
    }

    public Path out() {
        return out;
    }

    public VaultStormOptions out(Path v) {
        out = v;
        return this;
    }

    /** Parses "URL=REGION" (region defaults to "default"). */
    public VaultStormOptions addEndpoint(String spec) {
        int eq = spec.lastIndexOf('=');
        if (eq > "https://".length()) {
            endpoints.add(new Endpoint(spec.substring(0, eq), spec.substring(eq + 1)));
        } else {
            endpoints.add(new Endpoint(spec, "default"));
        }
        return this;
    }

    public VaultStormOptions validate() {
        if (unwraps <= 0 || concurrency <= 0 || rounds <= 0) {
            throw new IllegalArgumentException("--unwraps, --concurrency and --rounds must be > 0");
        }
        if (vaultUrl != null && !vaultUrl.startsWith("https://")) {
            throw new IllegalArgumentException("--vault-url must be an https:// URL");
        }
        return this;
    }
}
