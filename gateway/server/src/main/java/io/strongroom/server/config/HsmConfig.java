package io.strongroom.server.config;

import io.strongroom.core.keys.Pkcs11Config;
import java.nio.file.Path;

/**
 * The PKCS#11 token that may hold KEKs (docs/HSM.md): off until {@code hsm.token} names its label. The PIN comes
 * from {@code hsm.pinFile} or {@code hsm.pin} (environment or file only), never both; it is never shown.
 */
public class HsmConfig {
    private String token;
    private Path library = Pkcs11Config.DEFAULT_LIBRARY;
    private int slotListIndex;
    private Path pinFile;
    private char[] pin;

    public String getToken() {
        return token;
    }

    public HsmConfig setToken(String token) {
        this.token = token;
        return this;
    }

    public Path getLibrary() {
        return library;
    }

    public HsmConfig setLibrary(Path library) {
        this.library = library;
        return this;
    }

    public int getSlotListIndex() {
        return slotListIndex;
    }

    public HsmConfig setSlotListIndex(int slotListIndex) {
        this.slotListIndex = slotListIndex;
        return this;
    }

    public Path getPinFile() {
        return pinFile;
    }

    public HsmConfig setPinFile(Path pinFile) {
        this.pinFile = pinFile;
        return this;
    }

    public HsmConfig setPin(char[] pin) {
        this.pin = pin == null ? null : pin.clone();
        return this;
    }

    public boolean enabled() {
        return token != null;
    }

    /** The core's settings for the token, or null when none is configured. */
    public Pkcs11Config toPkcs11Config() {
        if (!enabled()) {
            return null;
        }
        return pinFile != null
                ? Pkcs11Config.withPinFile(library, slotListIndex, token, pinFile)
                : Pkcs11Config.withPin(library, slotListIndex, token, pin);
    }

    void validate() {
        if (!enabled()) {
            if (pinFile != null || pin != null) {
                throw new ConfigException("invalid setting hsm.token: missing (a PIN is set for no token)");
            }
            return;
        }
        if (token.isBlank()) {
            throw ConfigException.invalid(Settings.HSM_TOKEN, token, "a token label");
        }
        if ((pinFile == null) == (pin == null)) {
            throw new ConfigException(
                    "invalid setting hsm.pinFile: exactly one of hsm.pinFile and hsm.pin is needed with hsm.token");
        }
    }

    @Override
    public String toString() {
        return "HsmConfig[token=" + token + ", library=" + library + ", slotListIndex=" + slotListIndex + ", pin="
                + (pinFile != null ? "file " + pinFile : pin != null ? "redacted" : "none") + "]";
    }
}
