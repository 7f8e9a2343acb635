package io.strongroom.core.keys;

import io.strongroom.core.activity.ActivityPage;
import io.vertx.core.Future;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Key-admin operations, whatever the frontend: typed results that each frontend renders its own way. Failures are
 * {@link io.strongroom.core.error.StrongroomException}s (InvalidArgument for bad input, VolumeNotFound...).
 */
public interface KeyAdministration {
    /** Activity events returned when no limit is asked for. */
    int DEFAULT_ACTIVITY_LIMIT = 100;
    /** Most activity events one query returns. */
    int MAX_ACTIVITY_LIMIT = 1000;

    /** Checks the volume's KEK now and unwraps its DEKs again if needed; the resulting key state. */
    Future<KeyStateReport> revalidate(String volume);

    /**
     * Revalidates a KEK (key URL, versionless or versioned) under one identity, or under every identity that uses it
     * when {@code identity} is null: one report per identity.
     */
    Future<List<KeyStateReport>> revalidateKek(String kekUrl, @Nullable String identity);

    /**
     * The most recent activity events, newest first, filtered by volume and KEK URL (null: any).
     *
     * @param limit 1 to {@link #MAX_ACTIVITY_LIMIT}; anything else fails with InvalidArgument
     */
    Future<ActivityPage> activity(@Nullable String volume, @Nullable String kek, int limit);
}
