package io.strongroom.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.core.error.ErrorCode;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** Error bodies: the default shape with the request id, RFC 9457 problems, and the Accept negotiation. */
class FailuresTest {
    @Test
    void problemDetailsOnlyWhenAcceptPrefersThem() {
        assertTrue(Failures.wantsProblem("application/problem+json"));
        assertTrue(Failures.wantsProblem("Application/Problem+JSON; charset=utf-8"));
        assertTrue(Failures.wantsProblem("application/problem+json, application/json"));
        assertTrue(Failures.wantsProblem("application/json;q=0.5, application/problem+json"));
        assertFalse(Failures.wantsProblem(null));
        assertFalse(Failures.wantsProblem("*/*"));
        assertFalse(Failures.wantsProblem("application/json"));
        assertFalse(Failures.wantsProblem("application/problem+json;q=0"));
        assertFalse(Failures.wantsProblem("application/problem+json;q=x"));
        assertFalse(Failures.wantsProblem("application/json, application/problem+json;q=0.5"));
    }

    @Test
    void bodiesCarryTheCodeAndTheRequestId() {
        JsonObject plain = new JsonObject(Failures.body(ErrorCode.KekNotRsa, "not RSA", "r-1"));
        assertEquals(
                new JsonObject()
                        .put("code", "KekNotRsa")
                        .put("message", "not RSA")
                        .put("requestId", "r-1"),
                plain.getJsonObject("error"));
        JsonObject problem = new JsonObject(Failures.problem(ErrorCode.KekNotRsa, "not RSA", "r-1"));
        assertEquals("urn:strongroom:error:KekNotRsa", problem.getString("type"));
        assertEquals("Kek Not Rsa", problem.getString("title"));
        assertEquals(400, problem.getInteger("status"));
        assertEquals("not RSA", problem.getString("detail"));
        assertEquals("KekNotRsa", problem.getString("code"));
        assertEquals("r-1", problem.getString("requestId"));
    }
}
