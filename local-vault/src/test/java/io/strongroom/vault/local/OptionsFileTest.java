package io.strongroom.vault.local;

import static io.strongroom.vault.local.VaultTestKit.API;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OptionsFileTest {
    @TempDir
    Path dir;

    @Test
    void configFileDrivesARunningVault() throws Exception {
        Path config = dir.resolve("vault.json");
        Files.writeString(config, """
                {
                  "dataDir": "data",
                  "region": "northeurope",
                  "vaultUrl": "https://myvault.vault.azure.net/",
                  "softDeleteRetentionDays": 30,
                  "purgeProtection": false,
                  "allowedCidrs": ["127.0.0.0/8"],
                  "adminTokenFile": "admin.token",
                  "identities": {
                    "file-token": {"name": "gateway", "keyPermissions": ["get", "list", "wrapKey", "unwrapKey", "create"],
                                   "clientId": "gw-client", "clientSecret": "gw-secret"}
                  }
                }
                """);
        Files.writeString(dir.resolve("admin.token"), "file-admin-token-0123456789\n");
        LocalVaultOptions options = LocalVaultOptions.load(config);
        assertEquals("file-admin-token-0123456789", options.getAdminToken());
        assertEquals(dir.resolve("data"), options.getDataDir());
        assertEquals(List.of("127.0.0.0/8"), options.getAllowedCidrs());
        Identity gateway = options.getIdentities().get("file-token");
        assertTrue(gateway.may("wrapKey") && !gateway.may("purge"));
        assertFalse(gateway.toString().contains("gw-secret"), "secrets stay out of toString");

        Vertx vertx = Vertx.vertx();
        try (VaultTestKit kit = VaultTestKit.start(vertx, options)) {
            assertEquals("https://myvault.vault.azure.net", kit.vault.vaultUrl());
            assertEquals("northeurope", kit.vault.region());
            String kid = kit.post("/keys/k/create?" + API, "file-token", new JsonObject().put("kty", "RSA"))
                    .bodyAsJsonObject()
                    .getJsonObject("key")
                    .getString("kid");
            assertTrue(kid.startsWith("https://myvault.vault.azure.net/keys/k/"), kid);
            assertEquals(
                    200,
                    kit.get("/_admin/policy", "file-admin-token-0123456789").statusCode());
            assertEquals(
                    "CustomizedRecoverable+Purgeable",
                    kit.get("/keys/k?" + API, "file-token")
                            .bodyAsJsonObject()
                            .getJsonObject("attributes")
                            .getString("recoveryLevel"));
        }
        VaultTestKit.await(vertx.close());
    }

    @Test
    void badConfigIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new Identity("x", Set.of("fly")));
        assertThrows(IllegalArgumentException.class, () -> new LocalVaultOptions().setSoftDeleteRetentionDays(3));
        assertThrows(IllegalArgumentException.class, () -> LocalVaultOptions.fromJson(new JsonObject(), dir));
    }
}
