package io.strongroom.nbd;

/** A request the server refuses itself (bad range, flag or command), with the error value of its reply. */
final class NbdRequestError extends RuntimeException {
    private final int error;

    NbdRequestError(int error, String message) {
        super(message, null, false, false);
        this.error = error;
    }

    int error() {
        return error;
    }
}
