package io.strongroom.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The one debug line a failed connection gets: no control characters from the client, bounded length. */
class ClientErrorLineTest {
    @Test
    void controlCharactersAreReplacedAndTheLineIsBounded() {
        assertEquals(
                "IllegalArgumentException: invalid version format: ?[31mHTTP/9?",
                HttpServerVerticle.oneLine(new IllegalArgumentException("invalid version format: \u001b[31mHTTP/9\n")));
        String line = HttpServerVerticle.oneLine(new IllegalStateException("x".repeat(5000)));
        assertEquals(203, line.length());
        assertTrue(line.endsWith("..."), line);
        assertEquals("IllegalStateException", HttpServerVerticle.oneLine(new IllegalStateException()));
    }
}
