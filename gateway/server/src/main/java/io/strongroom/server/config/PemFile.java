package io.strongroom.server.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads the PEM files that settings name (TLS, vault and identity trust), with the standard one-line error. */
public final class PemFile {
    private PemFile() {}

    /** The file's text; {@link ConfigException} naming {@code setting} and the file if it cannot be read. */
    public static String read(String setting, Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw ConfigException.invalid(setting, file.toString(), "a readable PEM file");
        }
    }
}
