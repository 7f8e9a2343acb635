package io.strongroom.core.volume;

import static io.strongroom.core.volume.VolumeTestKit.awaitFailure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.core.error.ErrorCode;
import io.strongroom.core.keys.KeyState;
import io.strongroom.core.testkit.Await;
import io.vertx.core.Future;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class VolumeLifecycleTest extends WithVolumeKit {
    @Test
    void createGetListDelete() {
        VolumeInfo created = Await.result(kit.service.create(new VolumeSpec("db-1", 1 << 20)));
        assertEquals("db-1", created.name());
        assertEquals(8192, created.blockSize());
        assertEquals(128, created.blockCount());
        assertTrue(
                created.kekId().startsWith(kit.keyUrl(VolumeTestKit.SERVICE_KEY) + "/"),
                "the stored KEK id carries the version that wrapped: " + created.kekId());
        assertEquals(KeyState.AVAILABLE, created.keyState());
        assertEquals(1, created.dekIds().size());
        assertEquals(
                created.dekIds().get(0), created.toJson().getJsonArray("dekIds").getString(0));

        Await.result(kit.service.create(new VolumeSpec("db-0", 4096 * 3, 4096, null, null)));
        List<VolumeInfo> all = Await.result(kit.service.list());
        assertEquals(List.of("db-0", "db-1"), all.stream().map(VolumeInfo::name).toList());
        assertEquals(OptionalInt.of(4096), kit.service.blockSize("db-0"));
        assertEquals(created.id(), Await.result(kit.service.get("db-1")).id());

        Path volumeDir = kit.storeDir.resolve(created.id().toString());
        assertTrue(Files.isDirectory(volumeDir));
        Await.result(kit.service.delete("db-1"));
        assertFalse(Files.exists(volumeDir), "delete removes the volume's files");
        awaitFailure(kit.service.get("db-1"), ErrorCode.VolumeNotFound);
        awaitFailure(kit.service.read("db-1", 0, 1), ErrorCode.VolumeNotFound);
        awaitFailure(kit.service.delete("db-1"), ErrorCode.VolumeNotFound);
        assertEquals(1, Await.result(kit.service.list()).size());
    }

    @Test
    void metadataHoldsOnlyTheWrappedDek() throws Exception {
        VolumeInfo info = Await.result(kit.service.create(new VolumeSpec("meta", 8192 * 4)));
        String doc = Await.result(kit.metadata.read(info.id())).orElseThrow();
        VolumeMetadata m = VolumeMetadataCodec.decode(doc);
        assertEquals(info.kekId(), m.kekId());
        assertEquals(info.dekIds().get(0), m.activeDek().toString());
        assertEquals(info.kekId(), m.deks().get(0).wrapped().kekId());
        assertEquals("RSA-OAEP-256", m.deks().get(0).wrapped().algorithm());
        assertEquals(256, m.deks().get(0).wrapped().wrapped().length, "RSA-2048 wraps to 256 bytes");
    }

    @Test
    void duplicateNamesAreRefusedEvenWhenConcurrent() {
        Await.result(kit.service.create(new VolumeSpec("dup", 8192)));
        awaitFailure(kit.service.create(new VolumeSpec("dup", 8192)), ErrorCode.VolumeExists);

        List<Future<VolumeInfo>> racing = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            racing.add(kit.service.create(new VolumeSpec("race", 8192)));
        }
        Await.result(Future.join(racing).otherwiseEmpty());
        long won = racing.stream().filter(Future::succeeded).count();
        assertEquals(1, won, "exactly one concurrent create of a name succeeds");
        racing.stream().filter(Future::failed).forEach(f -> awaitFailure(f, ErrorCode.VolumeExists));
    }

    @Test
    void invalidSpecsAreRefusedAndCreateNothing() {
        String[] badNames = {"", "Upper", "-dash-first", ".dot", "has space", "a/b", "x".repeat(64)};
        for (String name : badNames) {
            awaitFailure(kit.service.create(new VolumeSpec(name, 8192)), ErrorCode.InvalidArgument);
        }
        awaitFailure(kit.service.create(new VolumeSpec(null, 8192)), ErrorCode.InvalidArgument);
        awaitFailure(kit.service.create(new VolumeSpec("size0", 0)), ErrorCode.InvalidArgument);
        awaitFailure(kit.service.create(new VolumeSpec("sizeneg", -8192)), ErrorCode.InvalidArgument);
        awaitFailure(kit.service.create(new VolumeSpec("notmultiple", 8192 + 1)), ErrorCode.InvalidArgument);
        awaitFailure(kit.service.create(new VolumeSpec("bs", 65536, 65536, null, null)), ErrorCode.InvalidArgument);
        awaitFailure(kit.service.create(new VolumeSpec("bs", 8192, 512, null, null)), ErrorCode.InvalidArgument);
        awaitFailure(kit.service.create(new VolumeSpec("kek", 8192, 0, "not a url", null)), ErrorCode.InvalidArgument);
        awaitFailure(
                kit.service.create(new VolumeSpec("kek", 8192, 0, "https://elsewhere.example/keys/k", null)),
                ErrorCode.InvalidArgument);
        awaitFailure(
                kit.service.create(new VolumeSpec("kek", 8192, 0, kit.keyUrl(VolumeTestKit.SERVICE_KEY), "nobody")),
                ErrorCode.InvalidArgument);
        awaitFailure(kit.service.create(new VolumeSpec("kek", 8192, 0, null, "default")), ErrorCode.InvalidArgument);
        awaitFailure(
                kit.service.create(new VolumeSpec("nokey", 8192, 0, kit.keyUrl("no-such-key"), null)),
                ErrorCode.InvalidArgument);

        assertEquals(0, Await.result(kit.service.list()).size());
        assertEquals(0, kit.files.volumes().size(), "no store volume was created");
        assertEquals(0, kit.keys.dekCache().stats().size(), "no DEK stayed in memory");
        // Valid names at the edges are accepted.
        Await.result(kit.service.create(new VolumeSpec("a", 8192)));
        Await.result(kit.service.create(new VolumeSpec("0" + "x._-".repeat(15) + "xy", 8192)));
    }

    @Test
    void customerKekIsUsedAndRecorded() {
        String key = VolumeTestKit.uniqueKeyName("customer");
        String kid = kit.createKey(key);
        VolumeInfo info = Await.result(kit.service.create(new VolumeSpec("cust", 8192 * 2, 0, kit.keyUrl(key), null)));
        assertEquals(kid, info.kekId());
        Await.result(kit.service.write("cust", 0, VolumeTestKit.pattern(8192, 2, 5)));
        kit.restart();
        assertEquals(VolumeTestKit.pattern(8192, 2, 5), Await.result(kit.service.read("cust", 0, 2)));
        assertEquals(kid, Await.result(kit.service.get("cust")).kekId());
    }

    @Test
    void identitiesFromManagedIdentityAndClientCredentialsReachTheKek() {
        String key = VolumeTestKit.uniqueKeyName("workload");
        kit.createKey(key);
        Await.result(kit.service.create(new VolumeSpec("mi", 8192 * 2, 0, kit.keyUrl(key), "managed")));
        Await.result(kit.service.create(new VolumeSpec("cc", 8192 * 2, 0, kit.keyUrl(key), "app")));
        Await.result(kit.service.write("mi", 0, VolumeTestKit.pattern(8192, 1, 1)));
        Await.result(kit.service.write("cc", 1, VolumeTestKit.pattern(8192, 1, 2)));
        kit.restart(); // the DEKs are unwrapped again with tokens from each identity's endpoint
        assertEquals(VolumeTestKit.pattern(8192, 1, 1), Await.result(kit.service.read("mi", 0, 1)));
        assertEquals(VolumeTestKit.pattern(8192, 1, 2), Await.result(kit.service.read("cc", 1, 1)));
        assertEquals(
                2,
                kit.keys.keyStates().stream()
                        .filter(s -> s.kek().keyName().equals(key))
                        .count(),
                "one key-access state per (key, identity)");
    }

    @Test
    void closedServiceRefusesWork() {
        Await.result(kit.service.create(new VolumeSpec("c", 8192)));
        Await.result(kit.service.close());
        awaitFailure(kit.service.read("c", 0, 1), ErrorCode.StorageUnavailable);
        awaitFailure(kit.service.create(new VolumeSpec("d", 8192)), ErrorCode.StorageUnavailable);
        assertEquals(0, kit.keys.dekCache().stats().size(), "close destroyed the DEKs");
        Await.result(kit.keys.close());
        kit.open();
        assertEquals(1, Await.result(kit.service.list()).size());
    }
}
