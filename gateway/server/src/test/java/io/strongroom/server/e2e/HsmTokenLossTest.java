package io.strongroom.server.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.strongroom.core.keys.SoftHsm;
import io.strongroom.server.GatewayProcess;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A token whose files cannot be read when the gateway starts (its directory moved away; chmod stops no root) is an
 * unreachable token: the volume under its key answers 503 KeyUnavailable and reports DEGRADED, vaultUnreachable,
 * while the gateway serves everything else; once the files are back, the next start reads every block unchanged.
 * The gateway runs in child JVMs with their own SoftHSM2 configuration: SoftHSM2 never takes back, in a running
 * process, a token whose directory vanished.
 */
class HsmTokenLossTest {
    @TempDir
    Path dir;

    @Test
    void aTokenUnreadableAtStartIsUnreachableAndTheDataComesBackWithIt() throws Exception {
        SoftHsm hsm = SoftHsm.create(dir.resolve("softhsm").resolve("softhsm2.conf"), "loss-token");
        hsm.generateKey("kek-1");
        Path pin = Files.writeString(dir.resolve("hsm-pin"), SoftHsm.PIN + "\n");
        Path data = dir.resolve("data");
        List<String> flags = List.of("--hsm-token", hsm.label, "--hsm-pin-file", pin.toString());
        Map<String, String> env = Map.of("SOFTHSM2_CONF", hsm.config.toString());
        byte[] block = BlockApiTest.random(8192, 23);
        String admin;
        try (GatewayProcess gw = GatewayProcess.start(data, dir, "gateway-1", flags, env)) {
            admin = new JsonObject(Files.readString(data.resolve("credentials.json")))
                    .getJsonObject("admin")
                    .getString("token");
            HttpResponse<byte[]> created = gw.send(
                    "POST",
                    "/v1/volumes",
                    admin,
                    new JsonObject()
                            .put("name", "v1")
                            .put("sizeBytes", 16 * 8192)
                            .put("kek", hsm.keyId("kek-1"))
                            .toBuffer()
                            .getBytes());
            assertEquals(201, created.statusCode(), () -> new String(created.body()));
            assertEquals(
                    204, gw.send("PUT", "/v1/volumes/v1/blocks/2", admin, block).statusCode());
            assertEquals(
                    201,
                    gw.send(
                                    "POST",
                                    "/v1/volumes",
                                    admin,
                                    new JsonObject()
                                            .put("name", "v2")
                                            .put("sizeBytes", 16 * 8192)
                                            .toBuffer()
                                            .getBytes())
                            .statusCode());
            gw.stop();
        }

        Path token;
        try (var tokens = Files.list(hsm.tokens)) {
            token = tokens.findFirst().orElseThrow();
        }
        Path away = dir.resolve("token-away");
        Files.move(token, away);
        try (GatewayProcess gw = GatewayProcess.start(data, dir, "gateway-2", flags, env)) {
            HttpResponse<byte[]> read = gw.send("GET", "/v1/volumes/v1/blocks/2", admin, null);
            assertEquals(503, read.statusCode(), () -> new String(read.body()));
            assertEquals(
                    "KeyUnavailable",
                    new JsonObject(new String(read.body()))
                            .getJsonObject("error")
                            .getString("code"));
            JsonObject info = new JsonObject(
                    new String(gw.send("GET", "/v1/volumes/v1", admin, null).body()));
            assertEquals("DEGRADED", info.getString("keyState"), info::encode);
            assertEquals("vaultUnreachable", info.getString("keyStateCause"), info::encode);
            assertEquals(
                    200,
                    gw.send("GET", "/v1/volumes/v2/blocks/0", admin, null).statusCode(),
                    "a volume under the vault's key is served");
            gw.stop();
        } finally {
            Files.move(away, token);
        }

        try (GatewayProcess gw = GatewayProcess.start(data, dir, "gateway-3", flags, env)) {
            assertArrayEquals(
                    block,
                    gw.send("GET", "/v1/volumes/v1/blocks/2", admin, null).body());
            JsonObject info = new JsonObject(
                    new String(gw.send("GET", "/v1/volumes/v1", admin, null).body()));
            assertEquals("AVAILABLE", info.getString("keyState"), info::encode);
            gw.stop();
        }
    }
}
