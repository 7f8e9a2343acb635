package io.strongroom.server;

/**
 * A start refused because another gateway holds the data directory's lock; the message is one line naming the
 * directory and the holder (pid, host, since when). Nothing in the directory was touched.
 */
public final class DataDirInUseException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    DataDirInUseException(String message) {
        super(message);
    }
}
