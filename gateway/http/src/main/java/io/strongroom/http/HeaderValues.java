package io.strongroom.http;

import io.vertx.core.http.HttpHeaders;

/**
 * Header names and values built once with {@link HttpHeaders#createOptimized}, so the response path neither
 * allocates nor re-encodes them (Netty writes the pre-encoded bytes).
 */
final class HeaderValues {
    static final CharSequence CONTENT_TYPE = HttpHeaders.CONTENT_TYPE;
    static final CharSequence CONTENT_LENGTH = HttpHeaders.CONTENT_LENGTH;
    static final CharSequence AUTHORIZATION = HttpHeaders.AUTHORIZATION;
    static final CharSequence WWW_AUTHENTICATE = HttpHeaders.createOptimized("www-authenticate");
    static final CharSequence ALLOW = HttpHeaders.ALLOW;
    static final CharSequence EXPECT = HttpHeaders.EXPECT;
    static final CharSequence CACHE_CONTROL = HttpHeaders.CACHE_CONTROL;
    static final CharSequence CONNECTION = HttpHeaders.CONNECTION;
    static final CharSequence CLOSE = HttpHeaders.CLOSE;
    static final CharSequence RETRY_AFTER = HttpHeaders.RETRY_AFTER;
    static final CharSequence ACCEPT = HttpHeaders.ACCEPT;
    static final CharSequence X_REQUEST_ID = HttpHeaders.createOptimized("x-request-id");

    static final CharSequence OCTET_STREAM = HttpHeaders.createOptimized("application/octet-stream");
    static final CharSequence JSON = HttpHeaders.createOptimized("application/json");
    static final CharSequence PROBLEM_JSON = HttpHeaders.createOptimized("application/problem+json");
    static final CharSequence PROMETHEUS_TEXT = HttpHeaders.createOptimized("text/plain; version=0.0.4; charset=utf-8");
    static final CharSequence BEARER_CHALLENGE = HttpHeaders.createOptimized("Bearer realm=\"strongroom\"");
    static final CharSequence NO_STORE = HttpHeaders.createOptimized("no-store");
    static final CharSequence ZERO = HttpHeaders.createOptimized("0");
    static final CharSequence RETRY_AFTER_SECONDS =
            HttpHeaders.createOptimized(Integer.toString(HttpStatuses.RETRY_AFTER_SECONDS));

    /** Content-Length values for bodies that are whole multiples of 4 KiB (every block run), prebuilt. */
    private static final int UNIT = 4096;

    private static final CharSequence[] LENGTHS = new CharSequence[1025];

    static {
        for (int i = 0; i < LENGTHS.length; i++) {
            LENGTHS[i] = HttpHeaders.createOptimized(Integer.toString(i * UNIT));
        }
    }

    private HeaderValues() {}

    static CharSequence contentLength(int length) {
        int units = length / UNIT;
        if (length % UNIT == 0 && units < LENGTHS.length) {
            return LENGTHS[units];
        }
        return Integer.toString(length);
    }
}
