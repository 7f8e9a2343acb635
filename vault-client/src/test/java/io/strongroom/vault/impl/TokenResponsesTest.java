package io.strongroom.vault.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.strongroom.vault.AccessToken;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TokenResponsesTest {
    private static final Instant NOW = Instant.parse("2026-11-28T06:00:00Z");

    @Test
    void imdsStringExpiresOn() {
        AccessToken t = TokenResponses.parse(
                new JsonObject(
                        "{\"access_token\":\"eyJ0\",\"expires_in\":\"3599\","
                                + "\"expires_on\":\"1795845600\",\"resource\":\"https://vault.azure.net\",\"token_type\":\"Bearer\"}"),
                NOW);
        assertEquals("eyJ0", t.token());
        assertEquals(Instant.ofEpochSecond(1795845600L), t.expiresOn());
        assertFalse(t.toString().contains("eyJ0"));
    }

    @Test
    void numericExpiresIn() {
        AccessToken t = TokenResponses.parse(
                new JsonObject("{\"access_token\":\"abc\",\"expires_in\":3599,\"token_type\":\"Bearer\"}"), NOW);
        assertEquals(NOW.plusSeconds(3599), t.expiresOn());
    }

    @Test
    void missingFieldsFailWithoutLeakingTheToken() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> TokenResponses.parse(new JsonObject("{\"access_token\":\"secret-token\"}"), NOW));
        assertFalse(e.getMessage().contains("secret-token"));
        assertThrows(IllegalArgumentException.class, () -> TokenResponses.parse(new JsonObject("{}"), NOW));
        assertThrows(IllegalArgumentException.class, () -> TokenResponses.parse(null, NOW));
    }
}
