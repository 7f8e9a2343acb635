package io.strongroom.crypto;

/** Key-wrap algorithms by their JWA names, as Azure Key Vault's wrapkey/unwrapkey use them. */
public enum KeyWrapAlgorithm {
    /** RSAES-OAEP with SHA-256 and MGF1-SHA-256: the default. */
    RSA_OAEP_256("RSA-OAEP-256"),
    /** RSAES-OAEP with SHA-1 and MGF1-SHA-1 (legacy). */
    RSA_OAEP("RSA-OAEP"),
    /** RSAES-PKCS1-v1_5 (legacy; the local vault refuses it unless allowed). */
    RSA1_5("RSA1_5");

    private final String jwaName;

    KeyWrapAlgorithm(String jwaName) {
        this.jwaName = jwaName;
    }

    public String jwaName() {
        return jwaName;
    }

    /** The algorithm with this exact JWA name; {@link IllegalArgumentException} for any other. */
    public static KeyWrapAlgorithm fromJwaName(String name) {
        for (KeyWrapAlgorithm a : values()) {
            if (a.jwaName.equals(name)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown key-wrap algorithm: " + name);
    }
}
