package io.strongroom.server.config;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.strongroom.core.config.Durations;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Builds a {@link GatewayConfig} from, in increasing precedence: defaults, one JSON or YAML file
 * ({@code --config} or {@code STRONGROOM_CONFIG}), environment variables {@code STRONGROOM_*}, then flags.
 * Every problem is a {@link ConfigException} with one line naming the setting.
 */
public final class ConfigLoader {
    public static final String CONFIG_FLAG = "--config";
    public static final String CONFIG_ENV = "STRONGROOM_CONFIG";
    public static final String HELP_FLAG = "--help";
    /** Set by systemd for a service with {@code LoadCredential=}; the embedded vault looks for its master key there. */
    public static final String CREDENTIALS_DIRECTORY_ENV = "CREDENTIALS_DIRECTORY";

    private record Assignment(Setting setting, String value) {}

    private ConfigLoader() {}

    /** True when the arguments ask for the help text instead of a start. */
    public static boolean wantsHelp(String[] args) {
        for (String a : args) {
            if (a.equals(HELP_FLAG) || a.equals("-h")) {
                return true;
            }
        }
        return false;
    }

    /** Loads and validates the configuration from {@code args} and the environment {@code env}. */
    public static GatewayConfig load(String[] args, Map<String, String> env) {
        List<Assignment> flags = new ArrayList<>();
        String configFile = env.get(CONFIG_ENV);
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new ConfigException("unexpected argument '" + arg + "' (see --help)");
            }
            int eq = arg.indexOf('=');
            String name = eq < 0 ? arg : arg.substring(0, eq);
            String inline = eq < 0 ? null : arg.substring(eq + 1);
            Setting setting = Settings.byFlag(name);
            if (setting == null && !name.equals(CONFIG_FLAG)) {
                throw new ConfigException("unknown flag " + name + " (see --help)");
            }
            String value = inline;
            if (value == null
                    && setting != null
                    && setting.key.equals(Settings.ALLOW_PLAIN)
                    && (i + 1 == args.length || args[i + 1].startsWith("--"))) {
                value = "true";
            }
            if (value == null) {
                if (i + 1 == args.length) {
                    throw new ConfigException("missing value for flag " + name);
                }
                value = args[++i];
            }
            if (setting == null) {
                configFile = value;
            } else {
                flags.add(new Assignment(setting, value));
            }
        }
        GatewayConfig config = new GatewayConfig();
        if (configFile != null) {
            for (Assignment a : fromFile(Path.of(configFile))) {
                a.setting.applier.apply(config, a.value);
            }
        }
        for (Setting s : Settings.ALL) {
            String value = env.get(s.env);
            if (value != null) {
                s.applier.apply(config, value);
            }
        }
        for (Assignment a : flags) {
            a.setting.applier.apply(config, a.value);
        }
        String credentials = env.get(CREDENTIALS_DIRECTORY_ENV);
        if (credentials != null && !credentials.isEmpty()) {
            config.vault().setCredentialsDirectory(Path.of(credentials));
        }
        return config.validate();
    }

    /** The settings of a JSON or YAML file; its nesting gives the dotted keys ({@code listen: {port: 8080}}). */
    private static List<Assignment> fromFile(Path file) {
        JsonObject root;
        try {
            byte[] bytes = Files.readAllBytes(file);
            String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
            if (name.endsWith(".yaml") || name.endsWith(".yml")) {
                Map<?, ?> tree = new YAMLMapper().readValue(bytes, Map.class);
                root = tree == null ? new JsonObject() : JsonObject.mapFrom(tree);
            } else {
                root = new JsonObject(new String(bytes, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw ConfigException.invalid(CONFIG_FLAG.substring(2), file.toString(), "a readable JSON or YAML file");
        } catch (RuntimeException e) {
            String why = String.valueOf(e.getMessage()).lines().findFirst().orElse("unparseable");
            throw new ConfigException("invalid config file " + file + ": " + why);
        }
        List<Assignment> out = new ArrayList<>();
        flatten(root, "", file, out);
        return out;
    }

    private static void flatten(JsonObject node, String prefix, Path file, List<Assignment> out) {
        for (Map.Entry<String, Object> e : node) {
            String key = prefix + e.getKey();
            Object value = e.getValue();
            Setting setting = Settings.byKey(key);
            if (setting == null && value instanceof JsonObject child) {
                flatten(child, key + ".", file, out);
            } else if (setting == null) {
                throw new ConfigException("unknown setting " + key + " in " + file + " (see --help)");
            } else if (value == null) {
                continue;
            } else if (setting.structured) {
                String json = value instanceof JsonObject o
                        ? o.encode()
                        : value instanceof JsonArray a ? a.encode() : value.toString();
                out.add(new Assignment(setting, json));
            } else if (value instanceof JsonObject || value instanceof JsonArray) {
                throw new ConfigException("invalid setting " + key + " in " + file + ": expected a single value");
            } else {
                out.add(new Assignment(setting, value.toString()));
            }
        }
    }

    /** The {@code --help} text: every flag and its environment variable and config-file key. */
    public static String help() {
        StringBuilder out = new StringBuilder(2048);
        out.append("Usage: strongroom [--config FILE] [flags]\n")
                .append(
                        "Starts the Strongroom gateway. Precedence: flags > environment > config file (JSON or YAML) > defaults.\n\n")
                .append(String.format(
                        Locale.US,
                        "  %-46s %s%n",
                        "--config <file>",
                        "JSON or YAML config file (env " + CONFIG_ENV + ")"));
        for (Setting s : Settings.ALL) {
            String flag = s.flag == null ? "(no flag)" : s.flag + " " + s.hint;
            out.append(String.format(Locale.US, "  %-46s %s%n", flag, s.help))
                    .append(String.format(Locale.US, "  %-46s   file key %s, env %s%n", "", s.key, s.env));
        }
        out.append(String.format(Locale.US, "  %-46s %s%n", "--help", "this text"))
                .append("\n<duration> is ")
                .append(Durations.FORMS)
                .append(".\n");
        return out.toString();
    }
}
