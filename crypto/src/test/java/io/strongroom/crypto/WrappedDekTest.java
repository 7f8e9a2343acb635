package io.strongroom.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class WrappedDekTest {

    private static final String KEK =
            "https://myvault.vault.azure.net/keys/volume-kek/0123456789abcdef0123456789abcdef";

    private final WrappedDek sample = new WrappedDek(
            DekId.parse("00112233445566778899aabbccddeeff"),
            KEK,
            "RSA-OAEP-256",
            new byte[] {(byte) 0xfb, (byte) 0xff, 0x00, 0x3e},
            Instant.parse("2026-11-28T05:45:00.123Z"));

    @Test
    void jsonHasTheDocumentedShape() {
        assertEquals(
                "{\"dekId\":\"00112233445566778899aabbccddeeff\",\"kek\":\"" + KEK + "\",\"alg\":\"RSA-OAEP-256\","
                        + "\"wrapped\":\"-_8APg\",\"created\":\"2026-11-28T05:45:00.123Z\"}",
                sample.toJson());
    }

    @Test
    void roundTrips() {
        assertEquals(sample, WrappedDek.fromJson(sample.toJson()));
        byte[] big = new byte[512];
        new java.util.Random(3).nextBytes(big);
        WrappedDek w = new WrappedDek(DekId.random(), KEK, "RSA-OAEP", big, Instant.now());
        WrappedDek back = WrappedDek.fromJson(w.toJson());
        assertEquals(w, back);
        assertArrayEquals(big, back.wrapped());
        assertEquals(w.hashCode(), back.hashCode());
    }

    @Test
    void acceptsFieldsInAnyOrderPaddedBase64urlAndUnknownFields() {
        String json = "{ \"created\":\"2026-11-28T05:45:00.123Z\", \"future\":{\"x\":[1,2]}, \"wrapped\":\"-_8APg==\","
                + " \"alg\":\"RSA-OAEP-256\", \"kek\":\"" + KEK
                + "\", \"dekId\":\"00112233445566778899aabbccddeeff\" }";
        assertEquals(sample, WrappedDek.fromJson(json));
    }

    @Test
    void rejectsBadJson() {
        String good = sample.toJson();
        String[] bad = {
            "",
            "[]",
            "null",
            "\"x\"",
            "{",
            good + "{}",
            good.replace("}", ""),
            good.replace("\"dekId\":\"00112233445566778899aabbccddeeff\",", ""),
            good.replace(",\"kek\":\"" + KEK + "\"", ""),
            good.replace(",\"alg\":\"RSA-OAEP-256\"", ""),
            good.replace(",\"wrapped\":\"-_8APg\"", ""),
            good.replace(",\"created\":\"2026-11-28T05:45:00.123Z\"", ""),
            good.replace("00112233445566778899aabbccddeeff", "00112233445566778899AABBCCDDEEFF"),
            good.replace("00112233445566778899aabbccddeeff", "0011"),
            good.replace("RSA-OAEP-256", "ROT13"),
            good.replace("-_8APg", "+/8APg"),
            good.replace("-_8APg", "!!"),
            good.replace("-_8APg", ""),
            good.replace("2026-11-28T05:45:00.123Z", "yesterday"),
            good.replace("\"2026-11-28T05:45:00.123Z\"", "1764308700"),
            good.replace("\"RSA-OAEP-256\"", "null"),
            good.replace("\"" + KEK + "\"", "\"\""),
            good.replace("}", ",\"alg\":\"RSA-OAEP\"}"),
            "{\"dekId\":[\"00112233445566778899aabbccddeeff\"]}",
        };
        for (String json : bad) {
            assertThrows(IllegalArgumentException.class, () -> WrappedDek.fromJson(json), json);
        }
        assertThrows(NullPointerException.class, () -> WrappedDek.fromJson(null));
    }

    @Test
    void wrappedBytesAreCopiedInAndOut() {
        byte[] raw = {1, 2, 3};
        WrappedDek w = new WrappedDek(DekId.random(), KEK, "RSA-OAEP-256", raw, Instant.EPOCH);
        raw[0] = 9;
        assertEquals(1, w.wrapped()[0]);
        w.wrapped()[1] = 9;
        assertEquals(2, w.wrapped()[1]);
        assertNotEquals(w, new WrappedDek(w.dekId(), KEK, "RSA-OAEP-256", new byte[] {1, 2, 4}, Instant.EPOCH));
        assertEquals(
                Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[] {1, 2, 3}),
                w.toJson().replaceAll(".*\"wrapped\":\"([^\"]*)\".*", "$1"));
    }
}
