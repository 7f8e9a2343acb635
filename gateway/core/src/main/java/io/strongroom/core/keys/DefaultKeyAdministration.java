package io.strongroom.core.keys;

import io.strongroom.core.activity.ActivityPage;
import io.strongroom.core.error.ErrorCode;
import io.strongroom.core.error.StrongroomException;
import io.strongroom.core.volume.VolumeService;
import io.strongroom.vault.KeyId;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

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
    public Future<KeyStateReport> revalidate(String volume) {
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
                    .map(this::report);
        });
    }

    @Override
    public Future<List<KeyStateReport>> revalidateKek(String kekUrl, @Nullable String identity) {
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
                    && (identity == null || identity.equals(k.identity()))) {
                keks.add(k);
            }
        }
        if (keks.isEmpty()) {
            return Future.failedFuture(new StrongroomException(
                    ErrorCode.InvalidArgument,
                    "no volume uses the key " + kekUrl + (identity == null ? "" : " as " + identity)));
        }
        List<Future<KeyAccessSnapshot>> runs = new ArrayList<>();
        keks.forEach(k -> runs.add(keyAccess.monitor().revalidate(k, "admin (kek)")));
        return Future.join(runs).map(all -> {
            List<KeyStateReport> reports = new ArrayList<>();
            runs.forEach(f -> reports.add(report(f.result())));
            return reports;
        });
    }

    @Override
    public Future<ActivityPage> activity(@Nullable String volume, @Nullable String kek, int limit) {
        if (limit < 1 || limit > MAX_ACTIVITY_LIMIT) {
            return Future.failedFuture(new StrongroomException(
                    ErrorCode.InvalidArgument, "limit must be an integer 1.." + MAX_ACTIVITY_LIMIT));
        }
        return Future.succeededFuture(new ActivityPage(keyAccess.activityLog().recent(volume, kek, limit)));
    }

    private KeyStateReport report(KeyAccessSnapshot s) {
        return KeyStateReport.of(s, keys.accessContext().volumesUnder(s.kek()));
    }
}
