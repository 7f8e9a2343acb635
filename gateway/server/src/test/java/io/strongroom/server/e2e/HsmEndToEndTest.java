package io.strongroom.server.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.core.keys.SoftHsm;
import io.strongroom.server.config.ConfigLoader;
import io.strongroom.server.config.GatewayConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway configured by its hsm flags serves a volume under a key in a real SoftHSM2 token across a restart,
 * beside the embedded vault's service key; key ids naming another token or a missing key are refused with 400; the
 * token's calls show in the vault latency metric and health.
 */
class HsmEndToEndTest {
    @TempDir
    Path dir;

    @Test
    void aVolumeUnderATokenKeyThroughTheGatewaysSettings() throws Exception {
        SoftHsm hsm = SoftHsm.shared();
        hsm.generateKey("e2e-kek");
        GatewayConfig config = config(dir, hsm);
        byte[] blocks = BlockApiTest.random(2 * 8192, 17);
        String admin;
        try (GatewayFixture gw = GatewayFixture.start(config, null, c -> {})) {
            admin = gw.gateway.adminToken();
            GatewayFixture.Response created = gw.json(
                    "POST",
                    "/v1/volumes",
                    admin,
                    new JsonObject()
                            .put("name", "hsm1")
                            .put("sizeBytes", 64L * 8192)
                            .put("kek", hsm.keyId("e2e-kek")));
            assertEquals(201, created.status(), () -> new String(created.body()));
            assertEquals(hsm.keyId("e2e-kek"), created.json().getString("kek"));
            assertEquals(
                    204,
                    gw.send("PUT", "/v1/volumes/hsm1/blocks/5?count=2", admin, blocks)
                            .status());

            assertTokenLatencyReported(gw, admin, hsm.label);

            for (String kek : new String[] {
                "pkcs11:token=elsewhere;object=e2e-kek", hsm.keyId("no-such-key"), "pkcs11:token=" + hsm.label
            }) {
                GatewayFixture.Response refused = gw.json(
                        "POST",
                        "/v1/volumes",
                        admin,
                        new JsonObject()
                                .put("name", "refused")
                                .put("sizeBytes", 8192)
                                .put("kek", kek));
                assertEquals(400, refused.status(), kek);
                assertEquals("InvalidArgument", refused.errorCode(), kek);
            }
        }
        try (GatewayFixture gw = GatewayFixture.start(config, null, c -> {})) {
            assertArrayEquals(
                    blocks, gw.get("/v1/volumes/hsm1/blocks/5?count=2", admin).body());
            JsonObject info = gw.get("/v1/volumes/hsm1", admin).json();
            assertEquals("AVAILABLE", info.getString("keyState"));
            assertEquals(hsm.keyId("e2e-kek"), info.getString("kek"));
        }
    }

    /** The gateway in {@code dir} with the token {@code hsm} configured by its flags (PIN in a file). */
    static GatewayConfig config(Path dir, SoftHsm hsm) throws Exception {
        Path pin = Files.writeString(dir.resolve("hsm-pin"), SoftHsm.PIN + "\n");
        return ConfigLoader.load(
                new String[] {
                    "--data-dir",
                    dir.resolve("data").toString(),
                    "--port",
                    "0",
                    "--event-loops",
                    "2",
                    "--hsm-token",
                    hsm.label,
                    "--hsm-pin-file",
                    pin.toString()
                },
                Map.of());
    }

    /**
     * Creating the volume asked the token to describe the key, wrap and unwrap (validation) and wrap the DEK: the
     * vault latency histogram and health's vault latency list each operation under endpoint {@code pkcs11:<token>}.
     */
    private static void assertTokenLatencyReported(GatewayFixture gw, String admin, String token) throws Exception {
        String endpoint = "pkcs11:" + token;
        String metrics = new String(gw.get("/metrics", admin).body());
        JsonArray latency =
                gw.get("/health", admin).json().getJsonObject("vault").getJsonArray("latency");
        for (String operation : new String[] {"get", "wrap", "unwrap"}) {
            Matcher count = Pattern.compile("\\nstrongroom_vault_call_duration_seconds_count\\{endpoint=\""
                            + Pattern.quote(endpoint) + "\",region=\"local\",operation=\"" + operation
                            + "\",cross_region=\"false\"} ([0-9]+)\\n")
                    .matcher(metrics);
            assertTrue(count.find(), () -> operation + " missing in\n" + metrics);
            assertTrue(Long.parseLong(count.group(1)) >= 1, operation);
            assertTrue(
                    latency.stream()
                            .map(JsonObject.class::cast)
                            .anyMatch(s -> s.getString("endpoint").equals(endpoint)
                                    && s.getString("operation").equals(operation)
                                    && s.getLong("calls") >= 1
                                    && !s.getBoolean("crossRegion")),
                    () -> operation + " missing in " + latency.encode());
        }
    }
}
