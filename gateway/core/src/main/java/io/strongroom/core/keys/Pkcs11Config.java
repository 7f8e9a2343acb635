package io.strongroom.core.keys;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One PKCS#11 token that may hold KEKs: the module (shared library), which slot holds the token, the label key ids
 * name it by ({@code pkcs11:token={label};…}), and its user PIN, either a file read at every login (so a corrected
 * file is picked up without a restart) or the PIN itself (from the environment). The PIN is never in
 * {@link #toString()}.
 */
public final class Pkcs11Config {
    /** Where Debian's softhsm2 package puts SoftHSM2's module. */
    public static final Path DEFAULT_LIBRARY = Path.of("/usr/lib/softhsm/libsofthsm2.so");

    private final Path library;
    private final int slotListIndex;
    private final String tokenLabel;
    private final Path pinFile;
    private final char[] pin;

    private Pkcs11Config(Path library, int slotListIndex, String tokenLabel, Path pinFile, char[] pin) {
        this.library = Objects.requireNonNull(library, "library");
        if (slotListIndex < 0) {
            throw new IllegalArgumentException("slotListIndex must be >= 0");
        }
        this.slotListIndex = slotListIndex;
        this.tokenLabel = Objects.requireNonNull(tokenLabel, "tokenLabel");
        this.pinFile = pinFile;
        this.pin = pin;
    }

    /** A token whose PIN is the first line of {@code pinFile}. */
    public static Pkcs11Config withPinFile(Path library, int slotListIndex, String tokenLabel, Path pinFile) {
        return new Pkcs11Config(library, slotListIndex, tokenLabel, Objects.requireNonNull(pinFile, "pinFile"), null);
    }

    /** A token with the PIN given (the caller may clear its own copy). */
    public static Pkcs11Config withPin(Path library, int slotListIndex, String tokenLabel, char[] pin) {
        return new Pkcs11Config(
                library,
                slotListIndex,
                tokenLabel,
                null,
                Objects.requireNonNull(pin, "pin").clone());
    }

    public Path library() {
        return library;
    }

    /** Index of the token's slot in the module's list of slots with a token (SunPKCS11's {@code slotListIndex}). */
    public int slotListIndex() {
        return slotListIndex;
    }

    public String tokenLabel() {
        return tokenLabel;
    }

    public Path pinFile() {
        return pinFile;
    }

    /** A copy of the PIN given, or null when it comes from {@link #pinFile()}; the caller clears it. */
    char[] pin() {
        return pin == null ? null : pin.clone();
    }

    @Override
    public String toString() {
        return "Pkcs11Config[library=" + library + ", slotListIndex=" + slotListIndex + ", token=" + tokenLabel
                + ", pin=" + (pinFile != null ? "file " + pinFile : "redacted") + "]";
    }
}
