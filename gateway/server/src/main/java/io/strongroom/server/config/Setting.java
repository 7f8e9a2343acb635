package io.strongroom.server.config;

import java.util.Locale;

/**
 * One configurable setting: its key in the config file (dotted path), its environment variable, its flag
 * and how it is applied. Structured settings take JSON (an object or array) from every source.
 */
final class Setting {

    /** Parses {@code value} and stores it in the config; throws {@link ConfigException} naming the setting. */
    @FunctionalInterface
    interface Applier {
        void apply(GatewayConfig config, String value);
    }

    final String key;
    final String flag;
    final String env;
    final String hint;
    final String help;
    final boolean structured;
    final boolean secret;
    final Applier applier;

    Setting(String key, String flag, String hint, String help, boolean structured, boolean secret, Applier applier) {
        this.key = key;
        this.flag = flag;
        this.env = envName(key);
        this.hint = hint;
        this.help = help;
        this.structured = structured;
        this.secret = secret;
        this.applier = applier;
    }

    /** {@code limits.maxBodyBytes} → {@code STRONGROOM_LIMITS_MAX_BODY_BYTES}. */
    static String envName(String key) {
        StringBuilder out = new StringBuilder("STRONGROOM_");
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c == '.') {
                out.append('_');
            } else if (Character.isUpperCase(c)) {
                out.append('_').append(c);
            } else {
                out.append(Character.toUpperCase(c));
            }
        }
        return out.toString().toUpperCase(Locale.ROOT);
    }
}
