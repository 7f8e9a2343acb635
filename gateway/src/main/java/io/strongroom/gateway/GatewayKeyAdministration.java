package io.strongroom.gateway;

import io.strongroom.gateway.http.KeyAdministration;
import io.strongroom.gateway.keys.KekRef;
import io.strongroom.gateway.keys.KeyAccess;
import io.strongroom.gateway.keys.KeyAccessSnapshot;
import io.strongroom.gateway.keys.KeyVaults;
import io.strongroom.gateway.volume.VolumeService;
import io.strongroom.vault.KeyId;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * {@code POST /v1/volumes/{name}/revalidate}: asks the vault for the volume's KEK now and records the outcome
 * in its key-access state; a volume whose DEKs are missing unwraps them again on its next request. Issue 5
 * replaces this with the full revalidation of the key-access state machine.
 */
final class GatewayKeyAdministration implements KeyAdministration {
  private final VolumeService volumes;
  private final KeyVaults keys;

  GatewayKeyAdministration(VolumeService volumes, KeyVaults keys) {
    this.volumes = volumes;
    this.keys = keys;
  }

  @Override
  public Future<JsonObject> revalidate(String volume) {
    return volumes.get(volume).compose(info -> {
      KeyId kid = KeyId.parse(info.kekId());
      KekRef ref = identityOf(kid);
      KeyAccess access = keys.access(ref);
      return keys.client(kid, ref.identity()).getKey(kid)
          .transform(ar -> {
            if (ar.succeeded()) {
              access.recordSuccess("get");
            } else {
              access.recordFailure("get", ar.cause());
            }
            return Future.succeededFuture(toJson(volume, access.snapshot()));
          });
    });
  }

  /** The KEK reference in use for this key (with its identity), or the key under the default identity. */
  private KekRef identityOf(KeyId kid) {
    KekRef byDefault = KekRef.of(kid, keys.resolveIdentity(null));
    for (KeyAccessSnapshot s : keys.keyStates()) {
      if (s.kek().keyUrl().equals(byDefault.keyUrl())) {
        return s.kek();
      }
    }
    return byDefault;
  }

  private static JsonObject toJson(String volume, KeyAccessSnapshot s) {
    JsonObject json = new JsonObject().put("volume", volume).put("kek", s.kek().keyUrl())
        .put("keyState", s.state().name()).put("keyStateSince", s.since().toString());
    if (s.causeText() != null) {
      json.put("keyStateCause", s.causeText());
    }
    return json;
  }
}
