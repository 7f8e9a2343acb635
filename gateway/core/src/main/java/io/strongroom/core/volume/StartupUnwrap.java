package io.strongroom.core.volume;

import io.strongroom.core.keys.KeyAccessSnapshot;
import io.strongroom.core.keys.KeyState;
import io.strongroom.vault.VaultErrorClass;
import io.vertx.core.Future;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The eager unwrap of every volume's DEKs while the service opens (see {@link DefaultVolumeService}): at most
 * {@code concurrency} vault calls at once, and once a KEK has failed for a key-wide reason the other volumes under
 * it are skipped, so an unreachable vault delays start-up by about one call deadline, not one per volume. Never
 * fails: a volume whose DEK stays wrapped answers KeyUnavailable and retries on its requests.
 */
final class StartupUnwrap {
    private static final System.Logger LOG = System.getLogger(StartupUnwrap.class.getName());

    private final VolumeLifecycle lifecycle;
    private final int concurrency;

    StartupUnwrap(VolumeLifecycle lifecycle, int concurrency) {
        this.lifecycle = lifecycle;
        this.concurrency = concurrency;
    }

    Future<Void> run(Collection<Volume> volumes) {
        List<Supplier<Future<?>>> tasks = new ArrayList<>();
        AtomicInteger skipped = new AtomicInteger();
        for (Volume v : volumes) {
            VolumeKeyring keyring = v.keyring();
            for (VolumeKeyring.VolumeDek d : keyring.deks()) {
                tasks.add(() -> {
                    if (failedForWholeKey(keyring.keyAccess().snapshot())) {
                        // Another volume under this KEK just failed for a reason that is not about its own DEK (vault
                        // unreachable, key disabled, permission...): waiting a call deadline per volume would stretch
                        // start-up to volumes / concurrency deadlines. The volume retries on its first request instead.
                        skipped.incrementAndGet();
                        return Future.succeededFuture();
                    }
                    return lifecycle
                            .unwrap(v, keyring, d)
                            .onFailure(e -> LOG.log(
                                    Level.WARNING,
                                    "volume {0}: DEK {1} not unwrapped at start-up, the volume answers KeyUnavailable until it is: {2}",
                                    v.name(),
                                    d.id(),
                                    keyring.keyAccess().snapshot().causeText()));
                });
            }
        }
        long started = System.nanoTime();
        return BoundedLauncher.run(tasks, concurrency)
                .onSuccess(x -> LOG.log(
                        skipped.get() == 0 ? Level.INFO : Level.WARNING,
                        "opened {0} volumes in {1} ms: {2} DEK unwraps tried, {3} skipped after their KEK failed",
                        String.valueOf(volumes.size()),
                        String.valueOf((System.nanoTime() - started) / 1_000_000),
                        String.valueOf(tasks.size() - skipped.get()),
                        String.valueOf(skipped.get())));
    }

    /** A failure that affects every DEK under the KEK; BAD_REQUEST (say, one damaged wrapped DEK) does not. */
    private static boolean failedForWholeKey(KeyAccessSnapshot key) {
        return key.state() != KeyState.AVAILABLE && key.cause() != null && key.cause() != VaultErrorClass.BAD_REQUEST;
    }
}
