package io.strongroom.http;

/** Why the gateway closed an HTTP connection: the {@code reason} label of the closed-connections metric. */
public enum ConnectionCloseReason {
    /** {@code limits.maxConnections} were open when it was accepted. */
    LIMIT("limit"),
    /** No complete request within {@code limits.headerReadTimeout} of opening. */
    HEADER_TIMEOUT("headerTimeout"),
    /** Nothing in progress for {@code limits.idleTimeout}. */
    IDLE_TIMEOUT("idleTimeout"),
    /** Answers waiting and none read by the client for {@code limits.writeStallTimeout}. */
    WRITE_STALL("writeStall");

    final String label;

    ConnectionCloseReason(String label) {
        this.label = label;
    }
}
