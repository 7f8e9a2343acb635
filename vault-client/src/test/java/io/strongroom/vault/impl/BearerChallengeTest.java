package io.strongroom.vault.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

class BearerChallengeTest {
    @Test
    void parsesAzureChallengeWithResource() {
        BearerChallenge c = BearerChallenge.parse(
                "Bearer authorization=\"https://login.microsoftonline.com/72f988bf-86f1\", resource=\"https://vault.azure.net\"");
        assertEquals("https://login.microsoftonline.com/72f988bf-86f1", c.authorization());
        assertEquals("https://vault.azure.net", c.resource());
        assertTrue(c.resourceMatchesHost("myvault.vault.azure.net"));
        assertFalse(c.resourceMatchesHost("myvault.evil.net"));
        assertFalse(c.resourceMatchesHost("notvault.azure.net"));
    }

    @Test
    void parsesScopeForm() {
        BearerChallenge c = BearerChallenge.parse(
                "bearer authorization_uri=\"https://login/t\",scope=\"https://vault.azure.net/.default\"");
        assertEquals("https://vault.azure.net", c.resource());
        assertEquals("https://login/t", c.authorization());
    }

    @Test
    void unquotedValuesAndExactHost() {
        BearerChallenge c = BearerChallenge.parse("Bearer resource=https://127.0.0.1:8443, authorization=x");
        assertEquals("https://127.0.0.1:8443", c.resource());
        assertTrue(c.resourceMatchesHost("127.0.0.1"));
        assertFalse(c.resourceMatchesHost("127.0.0.2"));
    }

    @Test
    void listedResourceHostsMatchExactly() {
        BearerChallenge c = BearerChallenge.parse("Bearer resource=\"https://Vault.Azure.Net\"");
        assertTrue(c.resourceHostIn(Set.of("vault.azure.net")));
        assertFalse(c.resourceHostIn(Set.of("azure.net")));
        assertFalse(c.resourceHostIn(Set.of()));
    }

    @Test
    void rejectsOtherSchemesAndMissingResource() {
        assertNull(BearerChallenge.parse(null));
        assertNull(BearerChallenge.parse("Basic realm=\"x\""));
        assertNull(BearerChallenge.parse("Bearer authorization=\"https://login\""));
        assertNull(BearerChallenge.parse("Bearer"));
    }
}
