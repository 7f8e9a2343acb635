package io.strongroom.core.keys;

import io.strongroom.core.activity.ActivityEvent;
import io.strongroom.core.error.ErrorCode;
import io.strongroom.core.error.StrongroomException;
import io.strongroom.core.volume.VolumeService;
import io.strongroom.vault.KeyId;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The key-admin operations of the key-access rule: revalidate a volume's KEK or a KEK by URL (a probe now; on
 * success every DEK under it is unwrapped again and its volumes serve again), and the recent activity events.
 */
public final class DefaultKeyAdministration implements KeyAdministration {
    private final VolumeService volumes;
    private final KeyVaults keys;
    private final KeyAccessRule keyAccess;

    public DefaultKeyAdministration(VolumeService volumes, KeyVaults keys, KeyAccessRule keyAccess) {
        this.volumes = volumes;
        this.keys = keys;
        this.keyAccess = keyAccess;
    }

    @Override
    public Future<JsonObject> revalidate(String volume) {
        return volumes.get(volume).compose(info -> {
            KekRef kek = null;
            for (KeyAccessContext.DekInUse d : keys.accessContext().allDeks()) {
                if (d.volume().equals(volume)) {
                    kek = d.kek();
                }
            }
            if (kek == null) {
                kek = KekRef.of(KeyId.parse(info.kekId()), keys.resolveIdentity(null));
            }
            return keyAccess
                    .monitor()
                    .revalidate(kek, "admin (volume " + volume + ")")
                    .map(s -> toJson(s).put("volume", volume));
        });
    }

    @Override
    public Future<JsonObject> revalidateKek(String kekUrl, String identityOrNull) {
        KeyId kid;
        try {
            kid = KeyId.parse(kekUrl);
        } catch (IllegalArgumentException e) {
            return Future.failedFuture(
                    new StrongroomException(ErrorCode.InvalidArgument, "kek must be a key URL: " + kekUrl));
        }
        Set<KekRef> keks = new LinkedHashSet<>();
        for (KeyAccessContext.DekInUse d : keys.accessContext().allDeks()) {
            KekRef k = d.kek();
            if (k.vaultUrl().equals(kid.vaultUrl())
                    && k.keyName().equals(kid.name())
                    && (identityOrNull == null || identityOrNull.equals(k.identity()))) {
                keks.add(k);
            }
        }
        if (keks.isEmpty()) {
            return Future.failedFuture(new StrongroomException(
                    ErrorCode.InvalidArgument,
                    "no volume uses the key " + kekUrl + (identityOrNull == null ? "" : " as " + identityOrNull)));
        }
        List<Future<KeyAccessSnapshot>> runs = new ArrayList<>();
        keks.forEach(k -> runs.add(keyAccess.monitor().revalidate(k, "admin (kek)")));
        return Future.join(runs).map(all -> {
            JsonArray results = new JsonArray();
            runs.forEach(f -> results.add(toJson(f.result())));
            return new JsonObject().put("keks", results);
        });
    }

    @Override
    public Future<JsonObject> activity(String volumeOrNull, String kekOrNull, int limit) {
        JsonArray events = new JsonArray();
        for (ActivityEvent e : keyAccess.activityLog().recent(volumeOrNull, kekOrNull, limit)) {
            events.add(e.toJson());
        }
        return Future.succeededFuture(new JsonObject().put("events", events));
    }

    private JsonObject toJson(KeyAccessSnapshot s) {
        JsonObject json = new JsonObject()
                .put("kek", s.kek().keyUrl())
                .put("identity", s.kek().identity())
                .put("keyState", s.state().name())
                .put("keyStateSince", s.since().toString())
                .put("volumes", new JsonArray(keys.accessContext().volumesUnder(s.kek())));
        if (s.causeName() != null && s.state() != io.strongroom.core.keys.KeyState.AVAILABLE) {
            json.put("cause", s.causeName()).put("keyStateCause", s.causeText());
        }
        return json;
    }
}
