package io.strongroom.server.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.strongroom.core.config.Durations;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Builds a {@link GatewayConfig} from, in increasing precedence: defaults, one JSON or YAML file
 * ({@code --config} or {@code STRONGROOM_CONFIG}), environment variables {@code STRONGROOM_*}, then flags.
 * Every problem is a {@link ConfigException} with one line naming the setting.
 */
public final class ConfigLoader {
    public static final String CONFIG_FLAG = "--config";
    public static final String CONFIG_ENV = "STRONGROOM_CONFIG";
    public static final String HELP_FLAG = "--help";
    public static final String VERSION_FLAG = "--version";
    /**
     * {@code STRONGROOM_*} variables that are not settings of the gateway but are read elsewhere: the config file,
     * the {@code strongroom} launcher's, and the load tool's tokens.
     */
    private static final List<String> OTHER_VARIABLES = List.of(
            CONFIG_ENV,
            "STRONGROOM_MEMORY",
            "STRONGROOM_JAVA_OPTS",
            "STRONGROOM_JAR",
            "STRONGROOM_TOKEN",
            "STRONGROOM_VAULT_TOKEN");
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

    /** True when the arguments ask for the version instead of a start. */
    public static boolean wantsVersion(String[] args) {
        return List.of(args).contains(VERSION_FLAG);
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
                throw new ConfigException(
                        "unknown flag " + name + NearestName.suggestion(name, flagNames()) + " (see --help)");
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
        warnAboutUnknownVariables(env, config);
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

    /**
     * A {@code STRONGROOM_*} variable that names no setting is most likely a misspelt one: it is ignored with a warning
     * naming it (never its value, which may be a secret) and the nearest known name.
     */
    private static void warnAboutUnknownVariables(Map<String, String> env, GatewayConfig config) {
        List<String> known = new ArrayList<>(OTHER_VARIABLES);
        Settings.ALL.forEach(s -> known.add(s.env));
        env.keySet().stream()
                .filter(name -> name.startsWith("STRONGROOM_") && !known.contains(name))
                .sorted()
                .forEach(name -> config.addLoadWarning("environment variable " + name
                        + " is not a Strongroom setting and is ignored" + NearestName.suggestion(name, known)
                        + " (see --help)"));
    }

    private static List<String> flagNames() {
        List<String> names = new ArrayList<>(List.of(CONFIG_FLAG, HELP_FLAG, VERSION_FLAG));
        Settings.ALL.stream().filter(s -> s.flag != null).forEach(s -> names.add(s.flag));
        return names;
    }

    /** The settings of a JSON or YAML file; its nesting gives the dotted keys ({@code listen: {port: 8080}}). */
    private static List<Assignment> fromFile(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(
                    "config error: " + file + ": no such file (" + CONFIG_FLAG + " or " + CONFIG_ENV + ")");
        } catch (IOException e) {
            throw new ConfigException("config error: " + file + ": cannot read it: " + Failures.describe(e));
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        ObjectMapper mapper = name.endsWith(".yaml") || name.endsWith(".yml") ? new YAMLMapper() : new ObjectMapper();
        Map<?, ?> tree;
        try {
            tree = mapper.readValue(bytes, Map.class);
        } catch (MismatchedInputException e) {
            throw syntaxError(
                    file,
                    e.getLocation().getLineNr(),
                    e.getLocation().getColumnNr(),
                    "expected a mapping of" + " settings (key: value) at the top");
        } catch (JsonProcessingException e) {
            if (e.getCause() instanceof MarkedYAMLException m && m.getProblemMark() != null) {
                // SnakeYAML's problem mark points at the offending token; Jackson's location at the enclosing node.
                String context = m.getContext() == null ? "" : " (" + m.getContext() + ")";
                throw syntaxError(
                        file,
                        m.getProblemMark().getLine() + 1,
                        m.getProblemMark().getColumn() + 1,
                        m.getProblem() + context);
            }
            throw syntaxError(
                    file,
                    e.getLocation().getLineNr(),
                    e.getLocation().getColumnNr(),
                    e.getOriginalMessage().lines().findFirst().orElse("unparseable"));
        } catch (IOException e) {
            throw new ConfigException("config error: " + file + ": cannot read it: " + Failures.describe(e));
        }
        JsonObject root = tree == null ? new JsonObject() : JsonObject.mapFrom(tree);
        List<Assignment> out = new ArrayList<>();
        flatten(root, "", file, out);
        return out;
    }

    private static ConfigException syntaxError(Path file, int line, int column, String what) {
        return new ConfigException("config error: " + file + ":" + line + ":" + column + ": " + what);
    }

    private static void flatten(JsonObject node, String prefix, Path file, List<Assignment> out) {
        for (Map.Entry<String, Object> e : node) {
            String key = prefix + e.getKey();
            Object value = e.getValue();
            Setting setting = Settings.byKey(key);
            if (setting == null && value instanceof JsonObject child) {
                flatten(child, key + ".", file, out);
            } else if (setting == null) {
                throw new ConfigException("config error: " + file + ": unknown setting " + key
                        + NearestName.suggestion(
                                key, Settings.ALL.stream().map(x -> x.key).toList()) + " (see --help)");
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
        out.append(String.format(Locale.US, "  %-46s %s%n", VERSION_FLAG, "print the version and commit, then exit"))
                .append(String.format(Locale.US, "  %-46s %s%n", HELP_FLAG, "this text"))
                .append("\n<duration> is ")
                .append(Durations.FORMS)
                .append(".\n");
        return out.toString();
    }
}
