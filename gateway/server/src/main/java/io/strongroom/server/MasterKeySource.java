package io.strongroom.server;

import io.strongroom.server.config.ConfigException;
import io.strongroom.server.config.VaultConfig;
import io.strongroom.vault.local.LocalVaultOptions;
import io.strongroom.vault.local.keys.KeyFileStore;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.crypto.AEADBadTagException;
import javax.crypto.SecretKey;

/**
 * Where the embedded vault's master key (which seals its private keys, hence every DEK and block) comes from, the
 * first that is given: {@code vault.masterKeyFile}, systemd's {@code $CREDENTIALS_DIRECTORY/strongroom-master-key},
 * {@code STRONGROOM_VAULT_MASTER_KEY}, and only then {@code <dataDir>/vault/master.key}, where a copy of the data
 * directory alone decrypts everything (one warning at start-up says so). {@link #toString()} names the origin only.
 */
final class MasterKeySource {
    private static final System.Logger LOG = System.getLogger(EmbeddedVault.class.getName());

    /** The credential name to give systemd's {@code LoadCredential=} (or {@code LoadCredentialEncrypted=}). */
    static final String CREDENTIAL_NAME = "strongroom-master-key";

    private static final String HOW =
            "set vault.masterKeyFile (STRONGROOM_VAULT_MASTER_KEY_FILE), or give systemd's credential "
                    + CREDENTIAL_NAME + " or STRONGROOM_VAULT_MASTER_KEY; see docs/LOCAL-VAULT.md";

    private final String origin;
    private final Path file;
    private final SecretKey value;
    private final boolean inDataDir;

    private MasterKeySource(String origin, Path file, SecretKey value, boolean inDataDir) {
        this.origin = origin;
        this.file = file;
        this.value = value;
        this.inDataDir = inDataDir;
    }

    /**
     * Chooses the source, checks that a vault holding keys has its key file, and logs which source is used (a
     * warning when it is inside the data directory, or when a key file is left there unused). Blocking.
     */
    static MasterKeySource choose(VaultConfig config, Path dataDir) throws IOException {
        Path data = dataDir.toAbsolutePath().normalize();
        Path vaultDir = data.resolve("vault");
        Path inside = vaultDir.resolve("master.key");
        MasterKeySource source;
        Path credential = config.getCredentialsDirectory() == null
                ? null
                : config.getCredentialsDirectory().resolve(CREDENTIAL_NAME);
        if (config.getMasterKeyFile() != null) {
            source = file("vault.masterKeyFile " + config.getMasterKeyFile(), config.getMasterKeyFile(), data);
        } else if (credential != null && Files.isRegularFile(credential)) {
            source = file("systemd credential " + credential, credential, data);
        } else if (config.getMasterKey() != null) {
            source = new MasterKeySource("STRONGROOM_VAULT_MASTER_KEY", null, config.getMasterKey(), false);
        } else {
            source = file("the default " + inside, inside, data);
        }
        if (source.file != null && !Files.exists(source.file) && KeyFileStore.holdsKeys(vaultDir)) {
            throw new ConfigException("the embedded vault holds keys but its master key is missing (" + source.origin
                    + " does not exist): start with the master key they were sealed under; " + HOW);
        }
        if (source.inDataDir) {
            LOG.log(
                    Level.WARNING,
                    "embedded vault: the master key is {0}, inside the data directory: a copy of the data directory"
                            + " alone decrypts every block. Move it out: stop the gateway, move the file to a place"
                            + " that is not copied or backed up with the data, then {1}",
                    source.file,
                    HOW);
        } else {
            LOG.log(Level.INFO, "embedded vault: master key from {0}", source.origin);
            if (Files.exists(inside)) {
                LOG.log(
                        Level.WARNING,
                        "embedded vault: {0} is left in the data directory (not used: the master key comes from {1});"
                                + " if it is the same key, delete it, or a copy of the data directory decrypts every"
                                + " block",
                        inside,
                        source.origin);
            }
        }
        return source;
    }

    private static MasterKeySource file(String origin, Path file, Path data) {
        Path absolute = file.toAbsolutePath().normalize();
        return new MasterKeySource(origin, absolute, null, absolute.startsWith(data));
    }

    /** Gives the key, or its file, to the vault's options. */
    LocalVaultOptions applyTo(LocalVaultOptions options) {
        return value != null ? options.setMasterSecret(value) : options.setMasterSecretFile(file.toString());
    }

    /** A vault start-up failure, as one line naming the source when the key does not open the vault's keys. */
    Throwable explain(Throwable failure) {
        if (failure instanceof AEADBadTagException) {
            return new ConfigException("the embedded vault's master key (" + origin + ") does not open its keys ("
                    + failure.getMessage() + "): start with the master key they were sealed under; " + HOW);
        }
        return failure;
    }

    @Override
    public String toString() {
        return "MasterKeySource[" + origin + "]";
    }
}
