package io.strongroom.core.volume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.strongroom.crypto.DekId;
import io.strongroom.crypto.WrappedDek;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class VolumeMetadataCodecTest {
    final DekId dekId = DekId.random();
    final WrappedDek wrapped = new WrappedDek(
            dekId,
            "https://vault.example/keys/k/0123abcd",
            "RSA-OAEP-256",
            new byte[256],
            Instant.parse("2026-11-28T06:00:00Z"));
    final VolumeMetadata metadata = new VolumeMetadata(
            UUID.randomUUID(),
            "db",
            8192L * 100,
            8192,
            Instant.parse("2026-11-28T06:00:01Z"),
            wrapped.kekId(),
            "default",
            dekId,
            List.of(new VolumeMetadata.DekRecord(wrapped, 131072)));

    @Test
    void roundTrip() {
        String json = VolumeMetadataCodec.encode(metadata);
        assertEquals(metadata, VolumeMetadataCodec.decode(json));
        JsonObject o = new JsonObject(json);
        assertEquals(1, o.getInteger("format"));
        assertEquals(dekId.toString(), o.getString("activeDek"));
        assertEquals(131072L, o.getJsonArray("deks").getJsonObject(0).getLong("reservedUntil"));
        assertEquals(100, metadata.blockCount());
    }

    @Test
    void aCloneOriginRoundTripsInEitherState() {
        CloneOrigin origin = new CloneOrigin(
                "db0", UUID.randomUUID(), "s1", UUID.randomUUID(), Instant.parse("2026-12-03T10:00:00Z"), false);
        for (CloneOrigin o : new CloneOrigin[] {origin, origin.done()}) {
            VolumeMetadata clone = metadata.withOrigin(o);
            String json = VolumeMetadataCodec.encode(clone);
            assertEquals(clone, VolumeMetadataCodec.decode(json));
            assertEquals(
                    o.finished() ? "done" : "cloning",
                    new JsonObject(json).getJsonObject("clone").getString("state"));
        }
        JsonObject bad = new JsonObject(VolumeMetadataCodec.encode(metadata.withOrigin(origin)));
        bad.getJsonObject("clone").put("state", "half");
        assertThrows(IllegalArgumentException.class, () -> VolumeMetadataCodec.decode(bad.encode()));
        assertEquals(
                null,
                VolumeMetadataCodec.decode(VolumeMetadataCodec.encode(metadata)).origin());
    }

    @Test
    void badDocumentsAreRejected() {
        JsonObject good = new JsonObject(VolumeMetadataCodec.encode(metadata));
        assertThrows(IllegalArgumentException.class, () -> VolumeMetadataCodec.decode("not json"));
        assertThrows(
                IllegalArgumentException.class,
                () -> VolumeMetadataCodec.decode(good.copy().put("format", 2).encode()));
        assertThrows(
                IllegalArgumentException.class,
                () -> VolumeMetadataCodec.decode(good.copy().put("id", "x").encode()));
        JsonObject noName = good.copy();
        noName.remove("name");
        assertThrows(IllegalArgumentException.class, () -> VolumeMetadataCodec.decode(noName.encode()));
        assertThrows(
                IllegalArgumentException.class,
                () -> VolumeMetadataCodec.decode(
                        good.copy().put("activeDek", DekId.random().toString()).encode()));
        JsonObject negative = good.copy();
        negative.getJsonArray("deks").getJsonObject(0).put("reservedUntil", -1);
        assertThrows(IllegalArgumentException.class, () -> VolumeMetadataCodec.decode(negative.encode()));
    }
}
