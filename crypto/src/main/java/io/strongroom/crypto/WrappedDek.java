package io.strongroom.crypto;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * A DEK as volume metadata stores it: wrapped under a KEK held by the key vault.
 *
 * <p>JSON form: {@code {"dekId":"<32 hex>","kek":"https://vault/keys/name/version","alg":"RSA-OAEP-256",
 * "wrapped":"<base64url, unpadded>","created":"<ISO-8601 instant>"}}. Unknown fields are ignored
 * (newer writers may add some); missing, duplicated or malformed fields are rejected.
 *
 * @param dekId     the wrapped key's id
 * @param kekId     the wrapping key's full identifier URL, including its version
 * @param algorithm the JWA name of the wrap algorithm, e.g. "RSA-OAEP-256"
 * @param wrapped   the wrapped key bytes (copied in and out; they are not secret)
 * @param created   when the DEK was created
 */
public record WrappedDek(DekId dekId, String kekId, String algorithm, byte[] wrapped, Instant created) {

    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    public WrappedDek {
        Objects.requireNonNull(dekId, "dekId");
        Objects.requireNonNull(kekId, "kekId");
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(wrapped, "wrapped");
        Objects.requireNonNull(created, "created");
        if (kekId.isEmpty() || algorithm.isEmpty() || wrapped.length == 0) {
            throw new IllegalArgumentException("kekId, algorithm and wrapped must not be empty");
        }
        wrapped = wrapped.clone();
    }

    /** A copy of the wrapped bytes. */
    @Override
    public byte[] wrapped() {
        return wrapped.clone();
    }

    public String toJson() {
        StringWriter out = new StringWriter(96 + wrapped.length * 4 / 3 + kekId.length());
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("dekId", dekId.toString());
            g.writeStringField("kek", kekId);
            g.writeStringField("alg", algorithm);
            g.writeStringField(
                    "wrapped", Base64.getUrlEncoder().withoutPadding().encodeToString(wrapped));
            g.writeStringField("created", created.toString());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** Parses {@link #toJson()}'s form; {@link IllegalArgumentException} on any bad input. */
    public static WrappedDek fromJson(String json) {
        Objects.requireNonNull(json, "json");
        String dekId = null;
        String kek = null;
        String alg = null;
        String wrapped = null;
        String created = null;
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("wrapped DEK JSON must be an object");
            }
            for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "dekId" -> dekId = text(p, value, field);
                    case "kek" -> kek = text(p, value, field);
                    case "alg" -> alg = text(p, value, field);
                    case "wrapped" -> wrapped = text(p, value, field);
                    case "created" -> created = text(p, value, field);
                    default -> p.skipChildren();
                }
            }
            if (p.nextToken() != null) {
                throw new IllegalArgumentException("trailing content after the wrapped DEK object");
            }
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("malformed wrapped DEK JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        KeyWrapAlgorithm.fromJwaName(require(alg, "alg"));
        try {
            return new WrappedDek(
                    DekId.parse(require(dekId, "dekId")),
                    require(kek, "kek"),
                    alg,
                    Base64.getUrlDecoder().decode(require(wrapped, "wrapped")),
                    Instant.parse(require(created, "created")));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("wrapped DEK field \"created\" is not an ISO-8601 instant", e);
        }
    }

    private static String text(JsonParser p, JsonToken value, String field) throws IOException {
        if (value != JsonToken.VALUE_STRING) {
            throw new IllegalArgumentException("wrapped DEK field \"" + field + "\" must be a string");
        }
        return p.getText();
    }

    private static String require(String value, String field) {
        if (value == null) {
            throw new IllegalArgumentException("wrapped DEK JSON lacks \"" + field + "\"");
        }
        return value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WrappedDek w
                && dekId.equals(w.dekId)
                && kekId.equals(w.kekId)
                && algorithm.equals(w.algorithm)
                && Arrays.equals(wrapped, w.wrapped)
                && created.equals(w.created);
    }

    @Override
    public int hashCode() {
        return Objects.hash(dekId, kekId, algorithm, Arrays.hashCode(wrapped), created);
    }

    @Override
    public String toString() {
        return "WrappedDek[dekId=" + dekId + ", kek=" + kekId + ", alg=" + algorithm + ", wrapped=" + wrapped.length
                + " bytes, created=" + created + "]";
    }
}
