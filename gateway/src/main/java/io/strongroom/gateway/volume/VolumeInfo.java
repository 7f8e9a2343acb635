package io.strongroom.gateway.volume;

import io.strongroom.gateway.keys.KeyState;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * What the API shows about a volume. No key material: DEK ids and the KEK identifier are not secret.
 *
 * @param kekId           versioned key identifier URL of the KEK wrapping the volume's DEKs
 * @param keyState        access state of that KEK
 * @param keyStateSince   when the KEK entered {@code keyState}
 * @param keyStateCause   why the last key access failed (a {@code VaultErrorClass} name or short text), null if none
 * @param dekIds          ids of the volume's DEKs, the active (sealing) one first
 */
public record VolumeInfo(
    UUID id,
    String name,
    long sizeBytes,
    int blockSize,
    long blockCount,
    String kekId,
    KeyState keyState,
    Instant keyStateSince,
    String keyStateCause,
    List<String> dekIds,
    VolumeCounters counters,
    Instant created) {

  public VolumeInfo {
    dekIds = List.copyOf(dekIds);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("id", id.toString())
        .put("name", name)
        .put("sizeBytes", sizeBytes)
        .put("blockSize", blockSize)
        .put("blockCount", blockCount)
        .put("kek", kekId)
        .put("keyState", keyState.name())
        .put("keyStateSince", keyStateSince.toString());
    if (keyStateCause != null) {
      json.put("keyStateCause", keyStateCause);
    }
    return json
        .put("dekIds", new JsonArray(List.copyOf(dekIds)))
        .put("counters", counters.toJson())
        .put("created", created.toString());
  }
}
