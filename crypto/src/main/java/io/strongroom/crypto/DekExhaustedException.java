package io.strongroom.crypto;

/** A {@link Dek} reached {@link Dek#INVOCATION_LIMIT} seals; roll over to a new DEK (see docs/FORMAT.md). */
public class DekExhaustedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public DekExhaustedException(DekId id, long limit) {
        super("DEK " + id + " reached its limit of " + limit + " seals; a new DEK is required");
    }
}
