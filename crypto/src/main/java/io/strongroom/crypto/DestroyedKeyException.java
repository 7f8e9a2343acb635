package io.strongroom.crypto;

/** A destroyed {@link Dek} was asked to do work. */
public class DestroyedKeyException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public DestroyedKeyException(DekId id) {
        super("DEK " + id + " has been destroyed");
    }
}
