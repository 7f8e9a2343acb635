package io.strongroom.vault;

import java.util.Base64;

/** The outcome of wrapKey: the versioned key id that wrapped, the algorithm and the wrapped bytes. */
public record WrapResult(KeyId kid, String alg, byte[] wrapped) {
    public WrapResult {
        wrapped = wrapped.clone();
    }

    @Override
    public byte[] wrapped() {
        return wrapped.clone();
    }

    @Override
    public String toString() {
        // wrapped keys are not secret, but long; a short prefix is enough for logs
        String b64 = Base64.getUrlEncoder().withoutPadding().encodeToString(wrapped);
        return "WrapResult[kid=" + kid + ", alg=" + alg + ", wrapped=" + b64.substring(0, Math.min(12, b64.length()))
                + "…(" + wrapped.length + " bytes)]";
    }
}
