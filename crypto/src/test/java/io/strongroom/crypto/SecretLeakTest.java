package io.strongroom.crypto;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** No key material in any toString() or exception message this module produces. */
class SecretLeakTest {

    @Test
    void keyBytesAppearInNoStringOrMessage() {
        Dek dek = Dek.generate();
        byte[] key = dek.insecureKeyBytesForWrapping();
        BlockSealer sealer = BlockSealer.create();
        BlockAddress at = new BlockAddress(UUID.randomUUID(), 77);
        List<String> texts = new ArrayList<>();
        texts.add(dek.toString());
        texts.add(String.valueOf(dek.providerKey()));
        texts.add(sealer.toString());

        byte[] sealed = sealer.seal(dek, at, new byte[64]);
        sealed[40] ^= 1;
        texts.add(message(() -> sealer.open(dek, at, sealed)));
        texts.add(message(() -> sealer.open(dek, at, new byte[3])));
        texts.add(message(() -> sealer.open(Dek.generate(), at, sealed)));
        texts.add(message(() -> sealer.seal(dek, at, ByteBuffer.allocate(10), ByteBuffer.allocate(10))));
        Dek exhausted = Dek.adopt(dek.id(), key.clone(), Dek.INVOCATION_LIMIT);
        texts.add(message(() -> sealer.seal(exhausted, at, new byte[1])));
        texts.add(exhausted.toString());
        WrappedDek wrapped = new WrappedDek(
                dek.id(), "https://v.example/keys/k/1", "RSA-OAEP-256", new byte[] {1, 2}, Instant.EPOCH);
        texts.add(wrapped.toString());
        texts.add(wrapped.toJson());
        dek.destroy();
        texts.add(message(() -> sealer.seal(dek, at, new byte[1])));
        texts.add(message(dek::insecureKeyBytesForWrapping));
        texts.add(dek.toString());

        List<String> forms = List.of(
                HexFormat.of().formatHex(key),
                HexFormat.of().formatHex(key).toUpperCase(Locale.ROOT),
                Base64.getEncoder().encodeToString(key),
                Base64.getUrlEncoder().withoutPadding().encodeToString(key),
                HexFormat.of().formatHex(key, 0, 8),
                Arrays.toString(key));
        for (String text : texts) {
            for (String form : forms) {
                assertFalse(text.contains(form), "key material in: " + text);
            }
        }
    }

    private static String message(Runnable action) {
        RuntimeException e = assertThrows(RuntimeException.class, action::run);
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t).append('\n');
        }
        return all.toString();
    }
}
