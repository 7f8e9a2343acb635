package io.strongroom.core.volume;

import static io.strongroom.core.volume.VolumeTestKit.awaitFailure;
import static io.strongroom.core.volume.VolumeTestKit.pattern;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.core.error.ErrorCode;
import io.strongroom.core.error.StrongroomException;
import io.strongroom.core.testkit.Await;
import io.strongroom.crypto.Dek;
import io.strongroom.crypto.DekId;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** No DEK bytes and no vault token in logs, error messages, toString() or the API's JSON. */
class SecretHygieneTest {
    @TempDir
    Path tmp;

    VolumeTestKit kit;
    final List<String> logged = new ArrayList<>();
    final Handler capture = new Handler() {
        final SimpleFormatter formatter = new SimpleFormatter();

        @Override
        public void publish(LogRecord r) {
            synchronized (logged) {
                logged.add(formatter.format(r));
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    @BeforeEach
    void start() {
        Logger.getLogger("").addHandler(capture);
        capture.setLevel(Level.ALL);
        kit = VolumeTestKit.start(tmp);
    }

    @AfterEach
    void stop() {
        Logger.getLogger("").removeHandler(capture);
        kit.close();
    }

    @Test
    void keysAndTokensNeverShowUp() throws Exception {
        VolumeInfo info = Await.result(kit.service.create(new VolumeSpec("s", 8192 * 4L)));
        Await.result(kit.service.write("s", 0, pattern(8192, 2, 1)));
        Dek dek = kit.keys.dekCache().get(DekId.parse(info.dekIds().get(0)));
        byte[] key = dek.insecureKeyBytesForWrapping();
        List<String> forms = List.of(
                HexFormat.of().formatHex(key),
                HexFormat.of().withUpperCase().formatHex(key),
                Base64.getEncoder().encodeToString(key),
                Base64.getUrlEncoder().withoutPadding().encodeToString(key),
                VolumeTestKit.GATEWAY_TOKEN);
        java.util.Arrays.fill(key, (byte) 0);

        List<String> texts = new ArrayList<>();
        // An integrity failure (logged), a refused unwrap at start-up (logged), error messages.
        Await.result(kit.service.flush("s"));
        try (FileChannel ch = FileChannel.open(kit.slotsFile(info), StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {1, 2, 3}), 8240 + 100);
        }
        kit.restart(); // the written slot is in the store's slot cache: read it from the file
        texts.add(awaitFailure(kit.service.read("s", 1, 1), ErrorCode.BlockIntegrityError)
                .getMessage());
        kit.closeService();
        kit.faults(new JsonObject()
                .put(
                        "errors",
                        new JsonArray()
                                .add(new JsonObject()
                                        .put("status", 401)
                                        .put("code", "Unauthorized")
                                        .put("operations", new JsonArray().add("unwrapKey")))));
        kit.open();
        StrongroomException unavailable = awaitFailure(kit.service.read("s", 0, 1), ErrorCode.KeyUnavailable);
        texts.add(unavailable.getMessage());
        for (Throwable t = unavailable; t != null; t = t.getCause()) {
            texts.add(String.valueOf(t));
        }
        texts.add(Await.result(kit.service.get("s")).toJson().encode());
        texts.add(String.valueOf(Await.result(kit.service.get("s"))));
        texts.add(kit.keys.toString());
        texts.add(kit.keys.dekCache().toString());
        texts.add(String.valueOf(kit.keys.keyStates()));
        texts.add(dek.toString());
        texts.add(Await.result(kit.metadata.read(info.id())).orElseThrow());
        synchronized (logged) {
            texts.addAll(logged);
            assertTrue(logged.stream().anyMatch(l -> l.contains("integrity")), "the integrity failure was logged");
        }

        for (String text : texts) {
            for (String secret : forms) {
                assertFalse(text.contains(secret), () -> "secret found in: " + text);
            }
        }
    }
}
