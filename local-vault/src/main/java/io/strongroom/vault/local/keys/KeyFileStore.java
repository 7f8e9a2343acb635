package io.strongroom.vault.local.keys;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.AEADBadTagException;

/**
 * One JSON file per key name under {@code <dataDir>/keys/}: every version with its attributes, the
 * public key in clear, the private key (PKCS#8) sealed by {@link AtRestCipher}, and the soft-delete
 * state. Files are replaced atomically ({@link AtomicFiles}). Blocking: worker threads only.
 * The format is described in docs/LOCAL-VAULT.md.
 */
public final class KeyFileStore {
    static final int FORMAT = 1;
    private static final String SUFFIX = ".key.json";
    private static final Base64.Encoder B64U = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64U_DEC = Base64.getUrlDecoder();

    private final Path dir;
    private final AtRestCipher cipher;

    public KeyFileStore(Path dataDir, AtRestCipher cipher) throws IOException {
        this.dir = dataDir.resolve("keys");
        this.cipher = cipher;
        Files.createDirectories(dir);
    }

    /** True when {@code <dataDir>/keys} holds a key file: keys sealed under some master secret exist. */
    public static boolean holdsKeys(Path dataDir) throws IOException {
        Path keys = dataDir.resolve("keys");
        if (!Files.isDirectory(keys)) {
            return false;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(keys, "*" + SUFFIX)) {
            return files.iterator().hasNext();
        }
    }

    public List<VaultKey> loadAll() throws IOException, GeneralSecurityException {
        List<VaultKey> keys = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            for (Path file : files) {
                keys.add(decode(new JsonObject(Files.readString(file, StandardCharsets.UTF_8))));
            }
        }
        return keys;
    }

    public void save(VaultKey key) throws IOException, GeneralSecurityException {
        AtomicFiles.write(fileOf(key.name()), encode(key).encode().getBytes(StandardCharsets.UTF_8), true);
    }

    /**
     * A protected backup of every version of {@code key}: the key file's JSON (private keys sealed as at rest),
     * itself sealed as a whole under the master secret, so neither key material nor attributes are readable from it
     * and it restores only into a vault holding the same master secret. The deleted state is not backed up.
     */
    public byte[] backup(VaultKey key) throws GeneralSecurityException {
        return cipher.sealBackup(encode(key.recovered()).toBuffer().getBytes());
    }

    /** The key a {@link #backup} holds; throws when the blob is not one this master secret sealed. */
    public VaultKey restore(byte[] blob) throws GeneralSecurityException, IOException {
        byte[] json = cipher.openBackup(blob);
        try {
            return decode(new JsonObject(Buffer.buffer(json)));
        } catch (RuntimeException e) {
            throw new IOException("malformed key backup", e);
        }
    }

    public void remove(String name) throws IOException {
        AtomicFiles.delete(fileOf(name));
    }

    private Path fileOf(String name) {
        return dir.resolve(name + SUFFIX);
    }

    private JsonObject encode(VaultKey key) throws GeneralSecurityException {
        JsonArray versions = new JsonArray();
        for (KeyVersion v : key.versions()) {
            byte[] pkcs8 = v.privateKey().getEncoded();
            byte[] sealed;
            try {
                sealed = cipher.seal(key.name(), v.version(), pkcs8);
            } finally {
                Arrays.fill(pkcs8, (byte) 0);
            }
            versions.add(new JsonObject()
                    .put("version", v.version())
                    .put("kty", v.kty())
                    .put("keySize", v.keySize())
                    .put("n", B64U.encodeToString(unsigned(v.publicKey().getModulus())))
                    .put("e", B64U.encodeToString(unsigned(v.publicKey().getPublicExponent())))
                    .put("keyOps", new JsonArray(new ArrayList<>(v.keyOps())))
                    .put("enabled", v.enabled())
                    .put("nbf", seconds(v.notBefore()))
                    .put("exp", seconds(v.expires()))
                    .put("created", seconds(v.created()))
                    .put("updated", seconds(v.updated()))
                    .put("tags", new JsonObject(new LinkedHashMap<>(v.tags())))
                    .put("sealedPrivateKey", B64U.encodeToString(sealed)));
        }
        return new JsonObject()
                .put("format", FORMAT)
                .put("name", key.name())
                .put("deletedDate", seconds(key.deletedDate()))
                .put("scheduledPurgeDate", seconds(key.scheduledPurgeDate()))
                .put("versions", versions);
    }

    private VaultKey decode(JsonObject json) throws GeneralSecurityException, IOException {
        if (json.getInteger("format", -1) != FORMAT) {
            throw new IOException("unsupported key file format: " + json.getValue("format"));
        }
        String name = json.getString("name");
        KeyFactory rsa = KeyFactory.getInstance("RSA");
        List<KeyVersion> versions = new ArrayList<>();
        for (Object o : json.getJsonArray("versions")) {
            JsonObject v = (JsonObject) o;
            String version = v.getString("version");
            RSAPublicKey pub = (RSAPublicKey) rsa.generatePublic(new RSAPublicKeySpec(
                    new BigInteger(1, B64U_DEC.decode(v.getString("n"))),
                    new BigInteger(1, B64U_DEC.decode(v.getString("e")))));
            byte[] pkcs8;
            try {
                pkcs8 = cipher.open(name, version, B64U_DEC.decode(v.getString("sealedPrivateKey")));
            } catch (AEADBadTagException e) {
                throw new AEADBadTagException("key " + name + "/" + version
                        + " does not open with this master secret: it was sealed under another one, or its file was"
                        + " changed");
            }
            RSAPrivateCrtKey priv;
            try {
                priv = (RSAPrivateCrtKey) rsa.generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            } finally {
                Arrays.fill(pkcs8, (byte) 0);
            }
            if (!priv.getModulus().equals(pub.getModulus())) {
                throw new IOException("key " + name + "/" + version + ": public and private key do not match");
            }
            Map<String, String> tags = new LinkedHashMap<>();
            v.getJsonObject("tags", new JsonObject()).forEach(e -> tags.put(e.getKey(), String.valueOf(e.getValue())));
            List<String> ops = new ArrayList<>();
            v.getJsonArray("keyOps").forEach(op -> ops.add((String) op));
            versions.add(new KeyVersion(
                    version,
                    v.getString("kty"),
                    v.getInteger("keySize"),
                    pub,
                    priv,
                    ops,
                    v.getBoolean("enabled"),
                    instant(v.getLong("nbf")),
                    instant(v.getLong("exp")),
                    instant(v.getLong("created")),
                    instant(v.getLong("updated")),
                    tags));
        }
        return new VaultKey(
                name, versions, instant(json.getLong("deletedDate")), instant(json.getLong("scheduledPurgeDate")));
    }

    /** Big-endian magnitude without the sign byte, as JWK wants it. */
    public static byte[] unsigned(BigInteger value) {
        byte[] bytes = value.toByteArray();
        if (bytes.length > 1 && bytes[0] == 0) {
            return Arrays.copyOfRange(bytes, 1, bytes.length);
        }
        return bytes;
    }

    private static Long seconds(Instant t) {
        return t == null ? null : t.getEpochSecond();
    }

    private static Instant instant(Long seconds) {
        return seconds == null ? null : Instant.ofEpochSecond(seconds);
    }
}
