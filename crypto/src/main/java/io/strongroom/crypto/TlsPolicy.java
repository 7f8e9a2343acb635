package io.strongroom.crypto;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The TLS that every Strongroom server offers (the gateway's HTTP and NBD listeners, local-vault): Mozilla's
 * "intermediate" profile narrowed to forward-secret AEAD suites. TLS 1.3 with its three suites; TLS 1.2 only with
 * ECDHE key exchange and AES-GCM or ChaCha20-Poly1305 (no CBC, no static RSA key exchange, no DHE); certificates
 * Strongroom makes for itself live at most 366 days. Suite names are the IANA/JDK ones, which Netty's OpenSSL engine
 * also takes.
 */
public final class TlsPolicy {
    /** TLS versions accepted; anything older is refused in the handshake. */
    public static final Set<String> PROTOCOLS = Set.of("TLSv1.2", "TLSv1.3");

    /** The only cipher suites offered, strongest first. */
    public static final List<String> CIPHER_SUITES = List.of(
            "TLS_AES_128_GCM_SHA256",
            "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    /**
     * The key-exchange groups accepted (TLS 1.3 key shares, TLS 1.2 ECDHE curves): Mozilla intermediate's three. The
     * JDK would also take secp521r1, x448 and the finite-field groups.
     */
    public static final List<String> NAMED_GROUPS = List.of("x25519", "secp256r1", "secp384r1");

    /** The longest validity of a certificate Strongroom generates (the CA/Browser Forum's limit is 398 days). */
    public static final Duration MAX_CERTIFICATE_LIFETIME = Duration.ofDays(366);

    private TlsPolicy() {}

    /**
     * Applies the policy's process-wide switches to the JDK's TLS engine: renegotiation started by a client is refused
     * (its TLS 1.2 server allows it by default: each one costs the server a full handshake, a denial-of-service
     * lever), and only {@link #NAMED_GROUPS} are negotiated. The JDK reads both once, before its first handshake, so
     * servers call this before they listen. OpenSSL (BoringSSL) servers never accept renegotiation, and BoringSSL's
     * default groups are within the list.
     */
    public static void configureJdkEngine() {
        System.setProperty("jdk.tls.rejectClientInitiatedRenegotiation", "true");
        System.setProperty("jdk.tls.namedGroups", String.join(",", NAMED_GROUPS));
    }
}
