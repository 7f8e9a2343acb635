package io.strongroom.server;

import io.strongroom.server.config.LogFormat;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The gateway's log output: java.util.logging (which Vert.x, Netty and {@link System.Logger} all reach) with one
 * handler on standard error in the chosen {@link LogFormat}. The format names the logger, never the class and
 * method of the log site (which for a lambda is a name such as {@code lambda$startAll$3}). Field names and level
 * names are documented in docs/OPERATIONS.md and stay stable.
 */
public final class Logging {
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private Logging() {}

    /** Replaces the root logger's handlers with one on standard error writing {@code format}. */
    public static void install(LogFormat format) {
        Logger root = Logger.getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        Handler handler = new ConsoleHandler();
        handler.setLevel(Level.ALL);
        handler.setFormatter(formatter(format));
        root.addHandler(handler);
    }

    static Formatter formatter(LogFormat format) {
        return format == LogFormat.JSON ? new JsonFormatter() : new HumanFormatter();
    }

    /** SEVERE → ERROR, WARNING → WARN, INFO and CONFIG → INFO, FINE → DEBUG, FINER and FINEST → TRACE. */
    static String levelName(Level level) {
        int v = level.intValue();
        if (v >= Level.SEVERE.intValue()) {
            return "ERROR";
        } else if (v >= Level.WARNING.intValue()) {
            return "WARN";
        } else if (v >= Level.CONFIG.intValue()) {
            return "INFO";
        } else if (v >= Level.FINE.intValue()) {
            return "DEBUG";
        }
        return "TRACE";
    }

    /** {@code io.strongroom.server.Gateway} → {@code Gateway}. */
    static String shortName(String logger) {
        if (logger == null || logger.isEmpty()) {
            return "root";
        }
        return logger.substring(logger.lastIndexOf('.') + 1);
    }

    /**
     * The name of the thread that logged: the formatter runs on it when the handler is the synchronous console
     * handler; otherwise only its id is known.
     */
    static String threadName(LogRecord record) {
        Thread current = Thread.currentThread();
        return current.getId() == record.getThreadID() ? current.getName() : "thread-" + record.getThreadID();
    }

    static String stackTrace(Throwable t) {
        StringWriter out = new StringWriter();
        t.printStackTrace(new PrintWriter(out));
        return out.toString();
    }

    /** {@code 2026-12-03T05:40:25.123Z INFO  Gateway: message}, then the stack trace when there is one. */
    static final class HumanFormatter extends Formatter {
        @Override
        public String format(LogRecord record) {
            StringBuilder out = new StringBuilder(160)
                    .append(TIME.format(record.getInstant()))
                    .append(' ')
                    .append(String.format("%-5s", levelName(record.getLevel())))
                    .append(' ')
                    .append(shortName(record.getLoggerName()))
                    .append(": ")
                    .append(formatMessage(record))
                    .append(System.lineSeparator());
            if (record.getThrown() != null) {
                out.append(stackTrace(record.getThrown()));
            }
            return out.toString();
        }
    }

    /**
     * One JSON object per line: {@code ts} (UTC, milliseconds), {@code level}, {@code logger} (full name),
     * {@code thread}, {@code msg}, and {@code error} ({@code class}, {@code message}, {@code stack}) when the record
     * carries an exception.
     */
    static final class JsonFormatter extends Formatter {
        @Override
        public String format(LogRecord record) {
            JsonObject line = new JsonObject()
                    .put("ts", TIME.format(record.getInstant()))
                    .put("level", levelName(record.getLevel()))
                    .put("logger", record.getLoggerName() == null ? "root" : record.getLoggerName())
                    .put("thread", threadName(record))
                    .put("msg", formatMessage(record));
            Throwable t = record.getThrown();
            if (t != null) {
                line.put(
                        "error",
                        new JsonObject()
                                .put("class", t.getClass().getName())
                                .put("message", t.getMessage())
                                .put("stack", stackTrace(t)));
            }
            return line.encode() + System.lineSeparator();
        }
    }
}
