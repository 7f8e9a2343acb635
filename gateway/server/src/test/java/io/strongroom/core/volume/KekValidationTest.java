package io.strongroom.core.volume;

import static io.strongroom.core.volume.VolumeTestKit.awaitFailure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.core.error.ErrorCode;
import io.strongroom.core.error.StrongroomException;
import io.strongroom.core.testkit.Await;
import io.strongroom.vault.KeyId;
import io.strongroom.vault.KeyProperties;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Setting a KEK checks each requirement with its own error code, against the real local-vault. */
class KekValidationTest extends WithVolumeKit {
    static final int BS = 8192;

    @BeforeEach
    void start() {
        Await.result(kit.service.create(new VolumeSpec("v", BS * 8L)));
    }

    @Test
    void anRsa2048KeyPassesAndAVersionlessIdResolvesToTheCurrentVersion() {
        String key = VolumeTestKit.uniqueKeyName("good");
        String kid = kit.createKey(key);
        VolumeInfo info = Await.result(kit.service.changeKek("v", new KekChange(kit.keyUrl(key), null, null)));
        assertEquals(kid, info.kekId(), "the versionless id is stored as the version that was current");
        assertEquals(kid, kit.metadataDocument(info).getString("kek"));

        String other = VolumeTestKit.uniqueKeyName("good-create");
        String otherKid = kit.createKey(other);
        assertEquals(
                otherKid,
                Await.result(kit.service.create(new VolumeSpec("c", BS * 8L, 0, kit.keyUrl(other), null)))
                        .kekId());
    }

    @Test
    void aDisabledKeyIsRefused() {
        String key = VolumeTestKit.uniqueKeyName("disabled");
        String kid = kit.createKey(key);
        kit.setEnabled(kid, false);
        expect(ErrorCode.KekDisabled, kit.keyUrl(key), null);
        expect(ErrorCode.KekDisabled, kid, null);
        awaitFailure(kit.service.create(new VolumeSpec("c", BS * 8L, 0, kid, null)), ErrorCode.KekDisabled);
    }

    @Test
    void aKeyNotActiveYetIsRefused() {
        String key = VolumeTestKit.uniqueKeyName("future");
        long inAnHour = Instant.now().plusSeconds(3600).getEpochSecond();
        kit.createKey(key, new JsonObject().put("nbf", inAnHour));
        StrongroomException e = expect(ErrorCode.KekNotYetActive, kit.keyUrl(key), null);
        assertTrue(e.getMessage().contains(Instant.ofEpochSecond(inAnHour).toString()), e.getMessage());
    }

    @Test
    void anExpiredKeyIsRefused() {
        String key = VolumeTestKit.uniqueKeyName("expired");
        String kid = kit.createKey(key);
        kit.updateAttributes(
                kid, new JsonObject().put("exp", Instant.now().minusSeconds(60).getEpochSecond()));
        expect(ErrorCode.KekExpired, kit.keyUrl(key), null);
    }

    @Test
    void anIdentityThatCannotUnwrapFailsTheRoundTrip() {
        String key = VolumeTestKit.uniqueKeyName("wrap-only");
        kit.createKey(key);
        StrongroomException e = expect(ErrorCode.KekRoundTripFailed, kit.keyUrl(key), VolumeTestKit.WRAP_ONLY);
        assertTrue(e.getMessage().contains("FORBIDDEN"), e.getMessage());
        // The same key with an identity that may unwrap is fine.
        Await.result(kit.service.changeKek("v", new KekChange(kit.keyUrl(key), null, null)));
    }

    @Test
    void unknownKeysVaultsAndIdentitiesAreInvalidArguments() {
        expect(ErrorCode.InvalidArgument, kit.keyUrl("no-such-key"), null);
        expect(ErrorCode.InvalidArgument, "https://elsewhere.example/keys/k", null);
        expect(ErrorCode.InvalidArgument, kit.keyUrl(VolumeTestKit.SERVICE_KEY), "nobody");
        expect(ErrorCode.InvalidArgument, KekChange.SERVICE_KEK, "default");
        awaitFailure(
                kit.service.changeKek("nope", new KekChange(KekChange.SERVICE_KEK, null, null)),
                ErrorCode.VolumeNotFound);
    }

    /** Key types and sizes local-vault cannot make (it only creates RSA 2048/3072/4096) are checked on the properties. */
    @Test
    void typeAndSizeRules() {
        KeyId kid = KeyId.parse("https://vault.example/keys/k/0123");
        assertEquals(
                ErrorCode.KekNotRsa,
                assertThrows(
                                StrongroomException.class,
                                () -> KekValidator.check(kid, properties(kid, "EC", 256), Instant.now()))
                        .code());
        assertEquals(
                ErrorCode.KekNotRsa,
                assertThrows(
                                StrongroomException.class,
                                () -> KekValidator.check(kid, properties(kid, "oct-HSM", 256), Instant.now()))
                        .code());
        assertEquals(
                ErrorCode.KekTooSmall,
                assertThrows(
                                StrongroomException.class,
                                () -> KekValidator.check(kid, properties(kid, "RSA", 1024), Instant.now()))
                        .code());
        KekValidator.check(kid, properties(kid, "RSA-HSM", 3072), Instant.now());
        KekValidator.check(kid, properties(kid, "RSA", 2048), Instant.now());
    }

    private static KeyProperties properties(KeyId kid, String kty, int bits) {
        return new KeyProperties(
                kid,
                kty,
                bits,
                List.of("wrapKey", "unwrapKey"),
                true,
                null,
                null,
                Instant.now(),
                Instant.now(),
                "Recoverable",
                90);
    }

    private StrongroomException expect(ErrorCode code, String kek, String identity) {
        String before = Await.result(kit.service.get("v")).kekId();
        StrongroomException e = awaitFailure(kit.service.changeKek("v", new KekChange(kek, identity, null)), code);
        assertEquals(before, Await.result(kit.service.get("v")).kekId(), "a refused KEK leaves the volume as it was");
        return e;
    }
}
