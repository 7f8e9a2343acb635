package io.strongroom.vault.local;

import static io.strongroom.vault.local.VaultTestKit.ADMIN_TOKEN;
import static io.strongroom.vault.local.VaultTestKit.API;
import static io.strongroom.vault.local.VaultTestKit.errorCode;
import static io.strongroom.vault.local.VaultTestKit.innerCode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.vault.local.firewall.CidrAllowList;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FirewallTest {
    @TempDir
    Path dir;

    @Test
    void clientOutsideTheAllowListIsForbiddenByFirewall() {
        Vertx vertx = Vertx.vertx();
        try (VaultTestKit blocked = VaultTestKit.start(
                vertx, VaultTestKit.defaults(dir.resolve("a")).setAllowedCidrs(List.of("10.0.0.0/8", "::1/128")))) {
            HttpResponse<Buffer> r = blocked.get("/keys?" + API, ADMIN_TOKEN);
            assertEquals(403, r.statusCode());
            assertEquals("Forbidden", errorCode(r));
            assertEquals("ForbiddenByFirewall", innerCode(r));
            assertTrue(r.bodyAsJsonObject()
                    .getJsonObject("error")
                    .getString("message")
                    .contains("127.0.0.1"));
            assertEquals(401, blocked.get("/keys?" + API, null).statusCode(), "no token: the challenge comes first");
        }
        try (VaultTestKit allowed = VaultTestKit.start(
                vertx, VaultTestKit.defaults(dir.resolve("b")).setAllowedCidrs(List.of("127.0.0.0/8")))) {
            assertEquals(200, allowed.get("/keys?" + API, ADMIN_TOKEN).statusCode());
        }
        VaultTestKit.await(vertx.close());
    }

    @Test
    void cidrMatchingIsExactAtPrefixBoundaries() {
        CidrAllowList list = CidrAllowList.parse(List.of("192.168.4.0/22", "2001:db8::/32", "203.0.113.7"));
        assertTrue(list.allows("192.168.7.255"));
        assertFalse(list.allows("192.168.8.0"));
        assertTrue(list.allows("2001:db8:ffff::1"));
        assertFalse(list.allows("2001:db9::1"));
        assertTrue(list.allows("203.0.113.7"));
        assertFalse(list.allows("203.0.113.8"));
        assertFalse(list.allows("example.com"), "names are never resolved");
        assertTrue(CidrAllowList.parse(List.of()).allows("198.51.100.1"));
        assertThrows(IllegalArgumentException.class, () -> CidrAllowList.parse(List.of("10.0.0.0/33")));
        assertThrows(IllegalArgumentException.class, () -> CidrAllowList.parse(List.of("localhost/8")));
    }
}
