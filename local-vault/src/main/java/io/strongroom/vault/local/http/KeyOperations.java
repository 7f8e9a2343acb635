package io.strongroom.vault.local.http;

import io.strongroom.crypto.KeyWrapAlgorithm;
import io.strongroom.crypto.RsaKeyWrap;
import io.strongroom.vault.local.errors.VaultError;
import io.strongroom.vault.local.keys.KeyRegistry;
import io.strongroom.vault.local.keys.KeyVersion;
import io.strongroom.vault.local.keys.VaultKey;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * Executes resolved vault operations against the {@link KeyRegistry}. Reads and wrapping (an RSA
 * public-key operation, tens of microseconds) run on the event loop; key generation, file writes
 * and unwrapping (an RSA private-key operation, about a millisecond for 2048 bits and several for
 * 4096) run on the worker pool.
 */
final class KeyOperations {
    private static final Base64.Encoder B64U = Base64.getUrlEncoder().withoutPadding();

    private final Vertx vertx;
    private final KeyRegistry registry;
    private final Supplier<Bundles> bundles;
    private final Supplier<String> vaultUrl;
    private final boolean allowRsa15;

    KeyOperations(
            Vertx vertx,
            KeyRegistry registry,
            Supplier<Bundles> bundles,
            Supplier<String> vaultUrl,
            boolean allowRsa15) {
        this.vertx = vertx;
        this.registry = registry;
        this.bundles = bundles;
        this.vaultUrl = vaultUrl;
        this.allowRsa15 = allowRsa15;
    }

    /** Runs the operation; a {@link VaultError} (thrown or as the failure) is the client's answer. */
    Future<Reply> execute(ResolvedRequest r, Buffer body, String apiVersion, String maxResults, String skipToken) {
        Bundles b = bundles.get();
        String name = r.name();
        switch (r.operation()) {
            case LIST_KEYS:
                return Future.succeededFuture(Reply.list(Paging.byName(
                        registry.liveKeys(),
                        VaultKey::name,
                        k -> b.keyItem(k.name(), null, k.latest()),
                        skipToken,
                        Paging.pageSize(maxResults),
                        vaultUrl.get() + "/keys",
                        apiVersion)));
            case LIST_VERSIONS:
                return Future.succeededFuture(Reply.list(Paging.byIndex(
                        registry.live(name).versions(),
                        v -> b.keyItem(name, v.version(), v),
                        skipToken,
                        Paging.pageSize(maxResults),
                        vaultUrl.get() + "/keys/" + name + "/versions",
                        apiVersion)));
            case GET_KEY:
                return Future.succeededFuture(bundle(b, name, registry.liveVersion(name, r.version())));
            case CREATE_KEY: {
                var spec = RequestBodies.createSpec(RequestBodies.json(body));
                return blocking(() -> bundle(b, name, registry.create(name, spec)));
            }
            case UPDATE_KEY: {
                var update = RequestBodies.update(RequestBodies.json(body));
                return blocking(() -> bundle(b, name, registry.update(name, r.version(), update)));
            }
            case ROTATE_KEY:
                registry.live(name);
                return blocking(() -> bundle(b, name, registry.rotate(name)));
            case DELETE_KEY:
                registry.live(name);
                return blocking(() -> {
                    VaultKey gone = registry.delete(name);
                    return Reply.ok(b.deletedKeyBundle(gone), gone.latest().version());
                });
            case LIST_DELETED:
                return Future.succeededFuture(Reply.list(Paging.byName(
                        registry.deletedKeys(),
                        VaultKey::name,
                        b::deletedKeyItem,
                        skipToken,
                        Paging.pageSize(maxResults),
                        vaultUrl.get() + "/deletedkeys",
                        apiVersion)));
            case GET_DELETED: {
                VaultKey gone = registry.deleted(name);
                return Future.succeededFuture(
                        Reply.ok(b.deletedKeyBundle(gone), gone.latest().version()));
            }
            case RECOVER_DELETED:
                registry.deleted(name);
                return blocking(() -> {
                    VaultKey back = registry.recover(name);
                    return bundle(b, name, back.latest());
                });
            case PURGE_DELETED:
                registry.deleted(name);
                return blocking(() -> {
                    registry.purge(name);
                    return Reply.noContent();
                });
            case BACKUP_KEY:
                registry.live(name);
                return blocking(() -> Reply.ok(
                        new JsonObject().put("value", B64U.encodeToString(registry.backup(name))),
                        registry.live(name).latest().version()));
            case RESTORE_KEY: {
                byte[] blob = RequestBodies.value(RequestBodies.json(body));
                return blocking(() -> {
                    VaultKey back = registry.restore(blob);
                    return bundle(b, back.name(), back.latest());
                });
            }
            case IMPORT_KEY: {
                var imported = RequestBodies.importedKey(RequestBodies.json(body));
                return blocking(() -> bundle(
                        b,
                        name,
                        registry.importKey(name, imported.spec(), imported.publicKey(), imported.privateKey())));
            }
            case WRAP_KEY:
                return Future.succeededFuture(wrap(r, RequestBodies.json(body), b));
            case UNWRAP_KEY:
                return unwrap(r, RequestBodies.json(body), b);
            default:
                throw new IllegalStateException("unhandled operation " + r.operation());
        }
    }

    private Reply wrap(ResolvedRequest r, JsonObject body, Bundles b) {
        KeyWrapAlgorithm alg = RequestBodies.algorithm(body, allowRsa15);
        byte[] plain = RequestBodies.value(body);
        KeyVersion v = registry.usableFor(r.name(), r.version(), "wrapKey");
        byte[] wrapped;
        try {
            wrapped = RsaKeyWrap.wrap(alg, v.publicKey(), plain);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw VaultError.badParameter("The value cannot be wrapped with " + alg.jwaName() + " under a "
                    + v.keySize() + "-bit key (too long?).");
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
        return Reply.ok(
                new JsonObject().put("kid", b.kid(r.name(), v.version())).put("value", B64U.encodeToString(wrapped)),
                v.version());
    }

    private Future<Reply> unwrap(ResolvedRequest r, JsonObject body, Bundles b) {
        KeyWrapAlgorithm alg = RequestBodies.algorithm(body, allowRsa15);
        byte[] wrapped = RequestBodies.value(body);
        KeyVersion v = registry.usableFor(r.name(), r.version(), "unwrapKey");
        return blocking(() -> {
            byte[] plain;
            try {
                plain = RsaKeyWrap.unwrap(alg, v.privateKey(), wrapped);
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                throw VaultError.badParameter("The value could not be unwrapped with " + alg.jwaName() + " under key "
                        + b.kid(r.name(), v.version()) + ".");
            }
            String encoded = B64U.encodeToString(plain);
            Arrays.fill(plain, (byte) 0);
            return Reply.ok(
                    new JsonObject().put("kid", b.kid(r.name(), v.version())).put("value", encoded), v.version());
        });
    }

    private static Reply bundle(Bundles b, String name, KeyVersion v) {
        return Reply.ok(b.keyBundle(name, v), v.version());
    }

    private Future<Reply> blocking(Callable<Reply> work) {
        return vertx.executeBlocking(work, false);
    }
}
