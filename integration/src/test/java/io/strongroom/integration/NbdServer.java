package io.strongroom.integration;

/** The NBD server under test: exports are created on it, then reached by URI. */
interface NbdServer extends AutoCloseable {
    /** Creates an export of {@code sizeBytes} named {@code name} and returns its URI, {@code nbd://host:port/name}. */
    String createExport(String name, long sizeBytes);

    /** For failure messages: what runs, where. */
    String describe();

    @Override
    void close();
}
