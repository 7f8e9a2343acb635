package io.strongroom.server.config;

/** How the gateway writes its log to standard error (docs/OPERATIONS.md, "Logs"). */
public enum LogFormat {
    /** One line per record: time, level, logger's short name, message; a stack trace below when there is one. */
    HUMAN,
    /** One JSON object per line with the documented fields {@code ts level logger thread msg error}. */
    JSON
}
