package io.strongroom.http;

import io.strongroom.core.error.ErrorCode;
import io.strongroom.core.error.StrongroomException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.EnumMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Turns failures into core error codes and renders error bodies: by default {@code {"error":{"code","message",
 * "requestId"}}}, for clients that ask for it an RFC 9457 problem ({@code application/problem+json}).
 */
final class Failures {
    private static final System.Logger LOG = System.getLogger(Failures.class.getName());
    private static final String PROBLEM = "application/problem+json";
    private static final String JSON = "application/json";
    /** Each code's problem title: its name in words ("VolumeNotFound" is "Volume Not Found"), the same every time. */
    private static final Map<ErrorCode, String> TITLES = new EnumMap<>(ErrorCode.class);

    static {
        for (ErrorCode code : ErrorCode.values()) {
            TITLES.put(code, code.name().replaceAll("(?<=[a-z])(?=[A-Z])", " "));
        }
    }

    private Failures() {}

    /**
     * The {@link StrongroomException} for any failure. Known failures (a StrongroomException, or a store failure the
     * core maps by reason) keep their code and message; anything else is a bug: logged with the request's id
     * (messages carry no secrets by contract) and answered InternalError without its text.
     */
    static StrongroomException toStrongroom(Throwable failure, String requestId) {
        StrongroomException known = StrongroomException.known(failure);
        if (known != null) {
            return known;
        }
        LOG.log(
                System.Logger.Level.WARNING,
                "unexpected failure answered as InternalError (request " + requestId + ")",
                failure);
        return new StrongroomException(ErrorCode.InternalError, "internal error");
    }

    /** The default error body, for answers outside a request (the HTTP/1.x parser's) without a request id. */
    static Buffer body(ErrorCode code, String message) {
        return body(code, message, null);
    }

    static Buffer body(ErrorCode code, String message, @Nullable String requestId) {
        JsonObject error = new JsonObject().put("code", code.name()).put("message", message);
        if (requestId != null) {
            error.put("requestId", requestId);
        }
        return new JsonObject().put("error", error).toBuffer();
    }

    /** An RFC 9457 problem: the code as a URN type, its title, status, the message as detail, plus code and id. */
    static Buffer problem(ErrorCode code, String message, String requestId) {
        return new JsonObject()
                .put("type", "urn:strongroom:error:" + code.name())
                .put("title", TITLES.get(code))
                .put("status", HttpStatuses.of(code))
                .put("detail", message)
                .put("code", code.name())
                .put("requestId", requestId)
                .toBuffer();
    }

    /**
     * True when the {@code Accept} header lists {@code application/problem+json} with a quality above zero and not
     * below that of {@code application/json} (a client that prefers the plain shape keeps it).
     */
    static boolean wantsProblem(@Nullable String accept) {
        if (accept == null) {
            return false;
        }
        double problem = 0;
        double json = 0;
        for (String range : accept.split(",")) {
            int semicolon = range.indexOf(';');
            String type = (semicolon < 0 ? range : range.substring(0, semicolon)).trim();
            if (type.equalsIgnoreCase(PROBLEM)) {
                problem = Math.max(problem, quality(range, semicolon));
            } else if (type.equalsIgnoreCase(JSON)) {
                json = Math.max(json, quality(range, semicolon));
            }
        }
        return problem > 0 && problem >= json;
    }

    /** The {@code q} parameter of a media range (RFC 9110 12.4.2), 1 when absent, 0 when not a number. */
    private static double quality(String range, int semicolon) {
        if (semicolon < 0) {
            return 1;
        }
        for (String parameter : range.substring(semicolon + 1).split(";")) {
            String p = parameter.trim();
            if (p.length() > 2 && (p.charAt(0) == 'q' || p.charAt(0) == 'Q') && p.charAt(1) == '=') {
                try {
                    return Double.parseDouble(p.substring(2).trim());
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 1;
    }
}
