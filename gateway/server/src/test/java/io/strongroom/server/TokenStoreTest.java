package io.strongroom.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.core.auth.Principal;
import io.strongroom.core.auth.Role;
import io.strongroom.core.auth.TokenStore;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenStoreTest {
    @TempDir
    Path dir;

    @Test
    void acceptsOnlyKnownBearerTokens() {
        String token = CredentialsBootstrap.newToken();
        Principal p = new Principal("t", EnumSet.of(Role.DATA), Set.of("a"));
        TokenStore store = new TokenStore(List.of(new TokenStore.Entry("t", TokenStore.hashHex(token), p)));
        assertEquals(p, store.authenticate("Bearer " + token));
        assertEquals(p, store.authenticate("bearer " + token));
        assertNull(store.authenticate(null));
        assertNull(store.authenticate(token));
        assertNull(store.authenticate("Basic " + token));
        assertNull(store.authenticate("Bearer "));
        assertNull(store.authenticate("Bearer " + token + "x"));
        assertNull(store.authenticate("Bearer " + token.substring(1)));
    }

    @Test
    void tokensAre256BitRandomAndHashedWithSha256() {
        String a = CredentialsBootstrap.newToken();
        String b = CredentialsBootstrap.newToken();
        assertNotEquals(a, b);
        assertTrue(a.matches("sr_[A-Za-z0-9_-]{43}"), a);
        // printf %s abc | sha256sum
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", TokenStore.hashHex("abc"));
    }

    @Test
    void principalGrants() {
        Principal data = new Principal("d", EnumSet.of(Role.DATA), Set.of("a", "b"));
        assertTrue(data.mayUseData("a"));
        assertFalse(data.mayUseData("c"));
        assertFalse(data.has(Role.VOLUME_ADMIN));
        Principal all = new Principal("x", EnumSet.of(Role.DATA), Set.of(Principal.ALL_VOLUMES));
        assertTrue(all.mayUseData("anything"));
        Principal admin = new Principal("v", EnumSet.of(Role.VOLUME_ADMIN), Set.of(Principal.ALL_VOLUMES));
        assertFalse(admin.mayUseData("a"), "volumes only matter with the data role");
    }

    @Test
    void firstStartWritesCredentials0600AndOnlyHashesToTokensJson() throws Exception {
        CredentialsBootstrap.Result first = CredentialsBootstrap.loadOrGenerate(dir);
        assertTrue(first.generated());
        Path credentials = dir.resolve("credentials.json");
        assertEquals(credentials, first.credentialsFile());
        assertEquals(
                EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                Files.getPosixFilePermissions(credentials));
        assertEquals(
                EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                Files.getPosixFilePermissions(dir.resolve("tokens.json")));

        JsonObject creds = new JsonObject(Files.readString(credentials));
        String admin = creds.getJsonObject("admin").getString("token");
        String data = creds.getJsonObject("data").getString("token");
        String tokensJson = Files.readString(dir.resolve("tokens.json"));
        assertFalse(tokensJson.contains(admin));
        assertFalse(tokensJson.contains(data));
        assertTrue(tokensJson.contains(TokenStore.hashHex(admin)));

        Principal adminP = first.tokens().authenticate("Bearer " + admin);
        assertEquals(EnumSet.allOf(Role.class), EnumSet.copyOf(adminP.roles()));
        Principal dataP = first.tokens().authenticate("Bearer " + data);
        assertEquals(Set.of(Role.DATA), dataP.roles());
        assertTrue(dataP.mayUseData("any"));

        CredentialsBootstrap.Result second = CredentialsBootstrap.loadOrGenerate(dir);
        assertFalse(second.generated());
        assertNotNull(second.tokens().authenticate("Bearer " + admin), "tokens survive a restart");
        assertEquals(admin, CredentialsBootstrap.readToken(credentials, "admin"));
        Files.delete(credentials);
        assertNull(CredentialsBootstrap.readToken(credentials, "admin"));
        assertNotNull(
                CredentialsBootstrap.loadOrGenerate(dir).tokens().authenticate("Bearer " + data),
                "removing the clear-text file does not revoke the tokens");
    }
}
