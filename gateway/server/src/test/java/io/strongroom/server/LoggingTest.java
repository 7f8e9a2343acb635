package io.strongroom.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.server.config.LogFormat;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

/** The two log formats record by record: fields, level names, parameters, exceptions, one line per record. */
class LoggingTest {

    private static LogRecord record(Level level, String message, Object... params) {
        LogRecord r = new LogRecord(level, message);
        r.setLoggerName("io.strongroom.server.Gateway");
        r.setInstant(Instant.parse("2026-12-03T05:40:25.007Z"));
        r.setSourceClassName("io.strongroom.server.Gateway");
        r.setSourceMethodName("lambda$startAll$3");
        r.setParameters(params);
        return r;
    }

    @Test
    void humanIsOneLineWithTheLoggerNotTheLambda() {
        String line = Logging.formatter(LogFormat.HUMAN)
                .format(record(Level.INFO, "gateway on {0} with {1} event loops", "http://127.0.0.1:8080", 2));
        assertEquals(
                "2026-12-03T05:40:25.007Z INFO  Gateway: gateway on http://127.0.0.1:8080 with 2 event loops"
                        + System.lineSeparator(),
                line);
        assertFalse(line.contains("lambda$"));
    }

    @Test
    void humanPutsTheStackTraceBelowTheLine() {
        LogRecord r = record(Level.WARNING, "volume stopped");
        r.setThrown(new IOException("No space left on device"));
        List<String> lines =
                Logging.formatter(LogFormat.HUMAN).format(r).lines().toList();
        assertEquals("2026-12-03T05:40:25.007Z WARN  Gateway: volume stopped", lines.get(0));
        assertEquals("java.io.IOException: No space left on device", lines.get(1));
        assertTrue(lines.get(2).startsWith("\tat io.strongroom.server.LoggingTest."), lines.get(2));
    }

    @Test
    void jsonIsOneObjectPerLineWithTheDocumentedFields() {
        LogRecord r = record(Level.SEVERE, "cannot open volume {0}", "db1");
        r.setThrown(new IllegalStateException("journal header damaged", new IOException("bad checksum")));
        String text = Logging.formatter(LogFormat.JSON).format(r);
        assertTrue(text.endsWith(System.lineSeparator()));
        assertEquals(1, text.lines().count(), "a stack trace stays inside its line: " + text);
        JsonObject line = new JsonObject(text);
        assertEquals(List.of("ts", "level", "logger", "thread", "msg", "error"), List.copyOf(line.fieldNames()));
        assertEquals("2026-12-03T05:40:25.007Z", line.getString("ts"));
        assertEquals("ERROR", line.getString("level"));
        assertEquals("io.strongroom.server.Gateway", line.getString("logger"));
        assertEquals(Thread.currentThread().getName(), line.getString("thread"));
        assertEquals("cannot open volume db1", line.getString("msg"));
        JsonObject error = line.getJsonObject("error");
        assertEquals("java.lang.IllegalStateException", error.getString("class"));
        assertEquals("journal header damaged", error.getString("message"));
        assertTrue(error.getString("stack").contains("Caused by: java.io.IOException: bad checksum"), text);

        JsonObject plain = new JsonObject(Logging.formatter(LogFormat.JSON).format(record(Level.FINE, "a \"quote\"")));
        assertEquals("DEBUG", plain.getString("level"));
        assertEquals("a \"quote\"", plain.getString("msg"));
        assertNull(plain.getValue("error"));
    }

    @Test
    void levelNames() {
        assertEquals("ERROR", Logging.levelName(Level.SEVERE));
        assertEquals("WARN", Logging.levelName(Level.WARNING));
        assertEquals("INFO", Logging.levelName(Level.INFO));
        assertEquals("INFO", Logging.levelName(Level.CONFIG));
        assertEquals("DEBUG", Logging.levelName(Level.FINE));
        assertEquals("TRACE", Logging.levelName(Level.FINER));
        assertEquals("TRACE", Logging.levelName(Level.FINEST));
    }
}
