package io.strongroom.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an operator is told about a configuration that is wrong or suspicious: a YAML or JSON syntax error with its
 * file, line and column; a top level that is not a mapping; a misspelt {@code STRONGROOM_*} variable warned about
 * with the name it probably meant (never its value); the log format setting from each source.
 */
class ConfigDiagnosticsTest {
    @TempDir
    Path dir;

    private String error(Path file) {
        return assertThrows(
                        ConfigException.class,
                        () -> ConfigLoader.load(new String[] {"--config", file.toString()}, Map.of()))
                .getMessage();
    }

    private Path file(String name, String text) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    @Test
    void yamlSyntaxErrorsNameTheLineAndColumnOfTheProblem() throws Exception {
        Path badIndent = file("indent.yaml", "listen:\n  port: 8080\n host: 127.0.0.1\n");
        assertEquals(
                "config error: " + badIndent + ":3:2: expected <block end>, but found '<block mapping start>'"
                        + " (while parsing a block mapping)",
                error(badIndent));
        Path tab = file("tab.yaml", "dataDir: /srv/strongroom\nlisten:\n\tport: 8080\n");
        assertEquals(
                "config error: " + tab + ":3:1: found character '\\t(TAB)' that cannot start any token. (Do not use"
                        + " \\t(TAB) for indentation) (while scanning for the next token)",
                error(tab));
        Path unclosed = file("unclosed.yml", "keyAccess:\n  alertWebhooks: [\"https://a.example\"\n");
        assertEquals(
                "config error: " + unclosed + ":3:1: expected ',' or ']', but got <stream end> (while parsing a flow"
                        + " sequence)",
                error(unclosed));
        Path list = file("list.yaml", "- dataDir: /srv\n");
        assertEquals(
                "config error: " + list + ":1:1: expected a mapping of settings (key: value) at the top", error(list));
    }

    @Test
    void aMissingFileAndAnUnreadableOneAreNotSyntaxErrors() throws Exception {
        Path absent = dir.resolve("absent.yaml");
        assertEquals("config error: " + absent + ": no such file (--config or STRONGROOM_CONFIG)", error(absent));
        Path directory = Files.createDirectory(dir.resolve("conf.yaml"));
        assertEquals("config error: " + directory + ": cannot read it: Is a directory", error(directory));
    }

    @Test
    void anUnknownStrongroomVariableIsWarnedAboutWithoutItsValue() {
        GatewayConfig config = ConfigLoader.load(
                new String[0],
                Map.of(
                        "STRONGROOM_DATADIR", "/secret-looking-value",
                        "STRONGROOM_NBD_PROT", "10809",
                        "STRONGROOM_BANANA", "1",
                        "STRONGROOM_PORT", "9000",
                        // read by the launcher and the load tool, not by the gateway: no warning
                        "STRONGROOM_MEMORY", "2g",
                        "STRONGROOM_TOKEN", "t",
                        "PATH", "/usr/bin"));
        assertEquals(
                List.of(
                        "environment variable STRONGROOM_BANANA is not a Strongroom setting and is ignored (see --help)",
                        "environment variable STRONGROOM_DATADIR is not a Strongroom setting and is ignored (did you"
                                + " mean STRONGROOM_DATA_DIR?) (see --help)",
                        "environment variable STRONGROOM_NBD_PROT is not a Strongroom setting and is ignored (did you"
                                + " mean STRONGROOM_NBD_PORT?) (see --help)",
                        "environment variable STRONGROOM_PORT is not a Strongroom setting and is ignored (did you mean"
                                + " STRONGROOM_LISTEN_PORT or STRONGROOM_NBD_PORT?) (see --help)"),
                config.loadWarnings());
        assertFalse(config.loadWarnings().toString().contains("secret-looking-value"));
        assertEquals(GatewayConfig.DEFAULT_PORT, config.getPort(), "an unknown variable sets nothing");
        assertEquals(
                List.of(),
                ConfigLoader.load(new String[0], Map.of("STRONGROOM_DATA_DIR", "/d"))
                        .loadWarnings());
    }

    @Test
    void logFormatFromEverySource() throws Exception {
        assertEquals(LogFormat.HUMAN, ConfigLoader.load(new String[0], Map.of()).getLogFormat());
        assertEquals(
                LogFormat.JSON,
                ConfigLoader.load(new String[] {"--log-format", "json"}, Map.of())
                        .getLogFormat());
        assertEquals(
                LogFormat.JSON,
                ConfigLoader.load(new String[0], Map.of("STRONGROOM_LOG_FORMAT", "JSON"))
                        .getLogFormat());
        Path yaml = file("log.yaml", "log:\n  format: json\n");
        assertEquals(
                LogFormat.JSON,
                ConfigLoader.load(new String[] {"--config", yaml.toString()}, Map.of())
                        .getLogFormat());
        assertEquals(
                "invalid setting log.format: 'xml' (expected human or json)",
                assertThrows(
                                ConfigException.class,
                                () -> ConfigLoader.load(new String[] {"--log-format", "xml"}, Map.of()))
                        .getMessage());
    }
}
