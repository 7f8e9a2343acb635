package io.strongroom.vault.impl;

import io.strongroom.vault.AccessToken;
import io.strongroom.vault.KeyVaultException;
import io.strongroom.vault.TokenProvider;
import io.strongroom.vault.VaultEndpoint;
import io.strongroom.vault.VaultErrorClass;
import io.strongroom.vault.VaultLatency;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.lang.System.Logger.Level;
import java.net.ConnectException;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs one vault call: endpoint choice, token, the 401 bearer challenge, per-attempt timeouts
 * (except for key generation, see {@link VaultRequest#generatesKey()}), classification, and retries
 * (THROTTLED and UNAVAILABLE only) with backoff or Retry-After, all inside the call deadline. Waits
 * are Vert.x timers; nothing blocks.
 */
public final class CallExecutor {
    private static final System.Logger LOG = System.getLogger(CallExecutor.class.getName());

    /** Settings the executor needs from the client options. */
    public record Settings(
            long attemptTimeoutNanos,
            int maxRetries,
            boolean verifyChallengeResource,
            Set<String> challengeResourceHosts,
            String vaultHost) {}

    private final Vertx vertx;
    private final WebClient client;
    private final TokenProvider tokens;
    private final EndpointSelector selector;
    private final VaultLatency latency;
    private final Backoff backoff;
    private final Settings settings;
    private final Map<String, String> httpVersions;
    private final Clock clock = Clock.systemUTC();
    /** The token resource; replaced by the one a validated 401 challenge names. */
    private volatile String resource;
    /** The last challenge resource refused by the resource check (logged once). */
    private volatile String lastRefusedResource;

    public CallExecutor(
            Vertx vertx,
            WebClient client,
            TokenProvider tokens,
            EndpointSelector selector,
            VaultLatency latency,
            Backoff backoff,
            Settings settings,
            String initialResource,
            Map<String, String> httpVersions) {
        this.vertx = vertx;
        this.client = client;
        this.tokens = tokens;
        this.selector = selector;
        this.latency = latency;
        this.backoff = backoff;
        this.settings = settings;
        this.resource = initialResource;
        this.httpVersions = httpVersions;
    }

    /**
     * Sends the request until a 2xx answer, a non-retryable failure, or the deadline (System.nanoTime). A failure is
     * marked with when the first attempt was sent ({@link KeyVaultException#firstAttemptNanos()}): every attempt
     * failed, so the vault was failing from then on, and the key-access rule's grace period runs from there, not
     * from when the retries gave up.
     */
    public Future<HttpResponse<Buffer>> execute(VaultRequest request, long deadlineNanos) {
        long firstAttemptNanos = System.nanoTime();
        Promise<HttpResponse<Buffer>> result = Promise.promise();
        attempt(request, deadlineNanos, 0, null, result);
        return result.future()
                .recover(failure -> Future.failedFuture(
                        failure instanceof KeyVaultException e ? e.withFirstAttempt(firstAttemptNanos) : failure));
    }

    private void attempt(
            VaultRequest request,
            long deadlineNanos,
            int retry,
            KeyVaultException last,
            Promise<HttpResponse<Buffer>> result) {
        long remaining = deadlineNanos - System.nanoTime();
        if (remaining <= 0) {
            result.fail(deadlineExceeded(request, retry, last));
            return;
        }
        VaultEndpoint endpoint = selector.choose();
        long timeoutNanos = request.generatesKey() ? remaining : Math.min(remaining, settings.attemptTimeoutNanos());
        boolean cutByDeadline = !request.generatesKey() && timeoutNanos < settings.attemptTimeoutNanos();
        sendWithTimeout(request, endpoint, timeoutNanos).onComplete(ar -> {
            if (ar.succeeded()) {
                result.complete(ar.result());
                return;
            }
            KeyVaultException failure = asVaultException(ar.cause(), endpoint);
            if (cutByDeadline && last != null && failure.httpStatus() == 0 && deadlineNanos - System.nanoTime() <= 0) {
                // An attempt given only the rest of the deadline ran out of it: that says nothing about the vault
                // (429 after 429 must stay THROTTLED), so the call ends with the last real failure's class.
                result.fail(deadlineExceeded(request, retry + 1, last));
                return;
            }
            // a failing token endpoint says nothing about the vault endpoint's health
            if (failure.errorClass() == VaultErrorClass.UNAVAILABLE
                    && endpoint.baseUrl().equals(failure.endpoint())) {
                selector.markUnhealthy(endpoint);
            }
            if (!failure.errorClass().retryable() || retry >= settings.maxRetries()) {
                result.fail(failure);
                return;
            }
            long delayNanos = retryDelayNanos(failure, endpoint, retry, deadlineNanos - System.nanoTime());
            if (System.nanoTime() + delayNanos >= deadlineNanos) {
                // waiting would overrun the deadline: report now, keeping the last failure's class
                result.fail(deadlineExceeded(request, retry + 1, failure));
                return;
            }
            LOG.log(
                    Level.DEBUG,
                    () -> "vault " + request.operation() + " retry " + (retry + 1) + " in "
                            + TimeUnit.NANOSECONDS.toMillis(delayNanos) + " ms after " + failure.getMessage());
            if (delayNanos <= 0) {
                attempt(request, deadlineNanos, retry + 1, failure, result);
            } else {
                vertx.setTimer(
                        Math.max(1, TimeUnit.NANOSECONDS.toMillis(delayNanos)),
                        t -> attempt(request, deadlineNanos, retry + 1, failure, result));
            }
        });
    }

    /**
     * Retry-After when the server sent one (exactly: it may exceed the deadline, then the call ends);
     * no wait when failing over to another endpoint; otherwise exponential backoff with full jitter,
     * capped at half the remaining time so a last attempt still fits before the deadline.
     */
    private long retryDelayNanos(KeyVaultException failure, VaultEndpoint failed, int retry, long remainingNanos) {
        if (failure.retryAfter() != null) {
            return failure.retryAfter().toNanos();
        }
        if (failure.errorClass() == VaultErrorClass.UNAVAILABLE
                && !selector.choose().equals(failed)) {
            return 0;
        }
        return Math.min(backoff.delay(retry).toNanos(), Math.max(0, remainingNanos / 2));
    }

    private Future<HttpResponse<Buffer>> sendWithTimeout(
            VaultRequest request, VaultEndpoint endpoint, long timeoutNanos) {
        Promise<HttpResponse<Buffer>> attempt = Promise.promise();
        // Rounded up: an attempt cut short by the deadline then times out at or after it, never just before.
        long timeoutMillis = Math.max(1, (timeoutNanos + 999_999) / 1_000_000);
        AtomicBoolean tokenReady = new AtomicBoolean();
        // a slow token endpoint is not the vault endpoint's fault: no endpoint, so it is not marked unhealthy
        long timer = vertx.setTimer(
                timeoutMillis,
                t -> attempt.tryFail(
                        tokenReady.get()
                                ? new KeyVaultException(
                                        VaultErrorClass.UNAVAILABLE,
                                        "no answer within " + timeoutMillis + " ms",
                                        endpoint.baseUrl(),
                                        null)
                                : new KeyVaultException(
                                        VaultErrorClass.UNAVAILABLE,
                                        "no token within " + timeoutMillis + " ms",
                                        null,
                                        null)));
        authorizedSend(request, endpoint, timeoutMillis, false, tokenReady).onComplete(ar -> {
            vertx.cancelTimer(timer);
            if (ar.succeeded()) {
                attempt.tryComplete(ar.result());
            } else {
                attempt.tryFail(ar.cause());
            }
        });
        return attempt.future();
    }

    private Future<HttpResponse<Buffer>> authorizedSend(
            VaultRequest request,
            VaultEndpoint endpoint,
            long timeoutMillis,
            boolean afterChallenge,
            AtomicBoolean tokenReady) {
        String tokenResource = resource;
        return tokens.token(tokenResource).compose(token -> {
            tokenReady.set(true);
            return send(request, endpoint, token, timeoutMillis).compose(response -> {
                int status = response.statusCode();
                if (status / 100 == 2) {
                    selector.markHealthy(endpoint);
                    return Future.succeededFuture(response);
                }
                if (status != 401 || afterChallenge) {
                    if (status < 500) {
                        selector.markHealthy(endpoint);
                    }
                    return Future.failedFuture(ErrorClassifier.toException(
                            status,
                            response.body(),
                            response.getHeader(HttpHeaders.RETRY_AFTER),
                            endpoint.baseUrl(),
                            clock.instant()));
                }
                return onChallenge(request, endpoint, timeoutMillis, tokenResource, token, response, tokenReady);
            });
        });
    }

    /**
     * 401: the rejected token is always dropped and the request sent once more with a fresh one (a vault that
     * restarted and forgot the tokens it issued answers 401 to a token that has not expired). As Azure's clients do,
     * the token resource is taken from the challenge, but only when it passes the resource check; a challenge that
     * fails it (or no challenge) keeps the current resource.
     */
    private Future<HttpResponse<Buffer>> onChallenge(
            VaultRequest request,
            VaultEndpoint endpoint,
            long timeoutMillis,
            String tokenResource,
            AccessToken rejected,
            HttpResponse<Buffer> response,
            AtomicBoolean tokenReady) {
        tokens.invalidate(tokenResource, rejected);
        BearerChallenge challenge = BearerChallenge.parse(response.getHeader("WWW-Authenticate"));
        String refused = null;
        if (challenge != null && !challenge.resource().equals(tokenResource)) {
            if (acceptable(challenge, endpoint)) {
                resource = challenge.resource();
            } else {
                refused = challenge.resource();
                logRefused(refused);
            }
        }
        String refusedResource = refused;
        return authorizedSend(request, endpoint, timeoutMillis, true, tokenReady)
                .recover(failure -> Future.failedFuture(
                        refusedResource != null
                                        && failure instanceof KeyVaultException e
                                        && e.errorClass() == VaultErrorClass.UNAUTHORIZED
                                ? new KeyVaultException(
                                        VaultErrorClass.UNAUTHORIZED,
                                        e.httpStatus(),
                                        e.vaultCode(),
                                        e.vaultInnerCode(),
                                        e.vaultMessage() + " (the challenge's resource " + refusedResource
                                                + " was not followed: not under vault host " + settings.vaultHost()
                                                + " nor in challengeResourceHosts)",
                                        e.endpoint(),
                                        e.retryAfter(),
                                        null)
                                : failure));
    }

    /** The resource check: off, or the resource's host is the vault's (or endpoint's) domain or a listed host. */
    private boolean acceptable(BearerChallenge challenge, VaultEndpoint endpoint) {
        return !settings.verifyChallengeResource()
                || challenge.resourceMatchesHost(endpoint.host())
                || challenge.resourceMatchesHost(settings.vaultHost())
                || challenge.resourceHostIn(settings.challengeResourceHosts());
    }

    /** One warning per refused resource in a row, not one per 401. */
    private void logRefused(String refused) {
        if (!refused.equals(lastRefusedResource)) {
            lastRefusedResource = refused;
            LOG.log(
                    Level.WARNING,
                    "vault {0} sent a 401 challenge for resource {1}, which is not under its host nor in "
                            + "challengeResourceHosts; keeping token resource {2}",
                    settings.vaultHost(),
                    refused,
                    resource);
        }
    }

    private Future<HttpResponse<Buffer>> send(
            VaultRequest request, VaultEndpoint endpoint, AccessToken token, long timeoutMillis) {
        HttpRequest<Buffer> http = client.request(
                        request.method(), endpoint.port(), endpoint.host(), request.pathAndQuery())
                .ssl(endpoint.ssl())
                // No per-request connectTimeout: in Vert.x 5.0.7 a pool waiter timing out while its connection
                // is still being set up can leave HttpClient.close() pending forever. Connect and TLS
                // handshake are bounded at the client level (attempt timeout) and the attempt by its timer.
                .idleTimeout(timeoutMillis)
                .putHeader(HttpHeaders.AUTHORIZATION.toString(), "Bearer " + token.token())
                .putHeader(HttpHeaders.ACCEPT.toString(), "application/json");
        long start = System.nanoTime();
        Future<HttpResponse<Buffer>> sent;
        if (request.body() != null) {
            http.putHeader(HttpHeaders.CONTENT_TYPE.toString(), "application/json");
            sent = http.sendBuffer(request.body());
        } else {
            sent = http.send();
        }
        return sent.transform(ar -> {
            if (ar.failed()) {
                return Future.failedFuture(new KeyVaultException(
                        VaultErrorClass.UNAVAILABLE, transportFailure(ar.cause()), endpoint.baseUrl(), ar.cause()));
            }
            latency.record(endpoint, request.operation(), System.nanoTime() - start);
            httpVersions.put(endpoint.baseUrl(), ar.result().version().name());
            return Future.succeededFuture(ar.result());
        });
    }

    private static KeyVaultException asVaultException(Throwable t, VaultEndpoint endpoint) {
        if (t instanceof KeyVaultException e) {
            return e;
        }
        return new KeyVaultException(
                VaultErrorClass.UNAVAILABLE, "unexpected failure: " + describe(t), endpoint.baseUrl(), t);
    }

    private static KeyVaultException deadlineExceeded(VaultRequest request, int attempts, KeyVaultException last) {
        VaultErrorClass cls = last == null ? VaultErrorClass.UNAVAILABLE : last.errorClass();
        // The last failure's class, status, codes and endpoint are carried over and printed once by the exception
        // itself; only its own message is quoted (its getMessage() would print the endpoint a second time).
        String text = "call deadline exceeded for " + request.operation() + " after " + attempts + " attempt(s)"
                + (last == null ? "" : "; last: " + last.vaultMessage());
        return new KeyVaultException(
                cls,
                last == null ? 0 : last.httpStatus(),
                last == null ? null : last.vaultCode(),
                last == null ? null : last.vaultInnerCode(),
                text,
                last == null ? null : last.endpoint(),
                last == null ? null : last.retryAfter(),
                last);
    }

    /** What went wrong below HTTP, in words: "connection refused" rather than an exception's class name. */
    static String transportFailure(Throwable t) {
        if (t instanceof ConnectException) {
            String m = t.getMessage();
            return m != null && m.toLowerCase(Locale.ROOT).contains("refused")
                    ? "connection refused"
                    : "connection failed: " + describe(t);
        }
        return "request failed: " + describe(t);
    }

    private static String describe(Throwable t) {
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }
}
