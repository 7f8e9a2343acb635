package io.strongroom.server.config;

/**
 * A configuration problem, reported at start-up as one line that names the setting, e.g.
 * {@code invalid setting durability: 'fsnc' (expected fsync or none)}. Messages never echo secret values.
 */
public class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String line) {
        super(line);
    }

    /** The standard line for a value that does not parse or is out of range. */
    static ConfigException invalid(String setting, String shownValue, String expected) {
        return new ConfigException("invalid setting " + setting + ": '" + shownValue + "' (expected " + expected + ")");
    }
}
