package io.strongroom.server.fuzz;

import io.strongroom.server.fuzz.RawHttp.Answer;
import io.strongroom.server.fuzz.RequestFuzzer.Case;
import io.strongroom.server.fuzz.RequestFuzzer.Request;
import io.strongroom.server.fuzz.RequestFuzzer.Tokens;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Drives a running gateway with {@link RequestFuzzer}'s cases over real sockets and judges every answer; shared by
 * the suite's {@code GatewayFuzzTest} (in-process gateway, ~20k cases) and {@code FuzzMain} (bench/fuzz.sh, a
 * {@code ./strongroom} process, 100k and more).
 *
 * <p>Before the run it writes the protected volume's blocks and remembers their hashes; {@link #verify()} reads them
 * back afterwards and checks the gateway still creates, writes and reads.
 */
final class FuzzRun {
    /**
     * The 5xx codes docs/API.md documents for key, storage and overload conditions, and 505 for a request line naming
     * a protocol version the gateway does not speak (RFC 9110 15.6.6); anything else is a bug.
     */
    static final Set<String> ALLOWED_5XX = Set.of(
            "KeyInaccessible",
            "KeyUnavailable",
            "StorageUnavailable",
            "RequestTimeout",
            "InsufficientStorage",
            "VersionNotSupported");

    private static final int BS = 8192;
    private static final int PROTECTED_BLOCKS = 64;
    /** Longer than the gateway's request timeout (30 s): an answer later than this is a hang. */
    private static final int READ_TIMEOUT_MS = 45_000;

    private final String host;
    private final int port;
    private final long seed;
    private final Tokens tokens;
    private byte[][] protectedDigests;

    final LongAdder cases = new LongAdder();
    final LongAdder requests = new LongAdder();
    final LongAdder answers = new LongAdder();
    /** {@code "status code"} (code empty for bodies without one) to count. */
    final Map<String, LongAdder> byStatus = new ConcurrentSkipListMap<>();
    /** Connections the gateway reset or closed before a framed request was answered (counted, with examples). */
    final LongAdder unanswered = new LongAdder();

    final Map<String, String> unansweredExamples = new ConcurrentHashMap<>();
    private final List<String> violations = new ArrayList<>();
    private final AtomicLong violationCount = new AtomicLong();

    FuzzRun(String host, int port, long seed, Tokens tokens) {
        this.host = host;
        this.port = port;
        this.seed = seed;
        this.tokens = tokens;
    }

    /** Creates the protected and the fuzzed volumes and writes every protected block with seeded bytes. */
    void setUp() throws IOException {
        try (Client c = new Client()) {
            c.expect(201, "POST", "/v1/volumes", json("keep", (long) PROTECTED_BLOCKS * BS, BS));
            ensureFuzzVolumes(c);
            Random random = new Random(seed ^ 0x5eed);
            protectedDigests = new byte[PROTECTED_BLOCKS][];
            for (int b = 0; b < PROTECTED_BLOCKS; b++) {
                byte[] block = new byte[BS];
                random.nextBytes(block);
                c.expect(204, "PUT", "/v1/volumes/" + RequestFuzzer.PROTECTED + "/blocks/" + b, block);
                protectedDigests[b] = sha256(block);
            }
            c.expect(204, "POST", "/v1/volumes/" + RequestFuzzer.PROTECTED + "/flush", new byte[0]);
        }
    }

    /** Runs {@code count} cases on {@code workers} connections at once; returns when all are answered. */
    void run(int count, int workers) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2 * workers);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                int share = count / workers + (w < count % workers ? 1 : 0);
                long workerSeed = seed + 0x9E3779B97F4A7C15L * (w + 1);
                done.add(pool.submit(() -> {
                    new Worker(new RequestFuzzer(workerSeed, tokens), pool).run(share);
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(30, TimeUnit.SECONDS);
        }
    }

    /** The protected blocks read back unchanged, and the gateway still creates, writes and reads: problems found. */
    List<String> verify() throws IOException {
        List<String> problems = new ArrayList<>();
        try (Client c = new Client()) {
            Answer live = c.send("GET", "/health/live", null, null);
            if (live == null || live.status() != 200) {
                problems.add("GET /health/live after the run: " + describe(live));
            }
            Answer all = c.send(
                    "GET",
                    "/v1/volumes/" + RequestFuzzer.PROTECTED + "/blocks/0?count=" + PROTECTED_BLOCKS,
                    tokens.dataAll(),
                    null);
            if (all == null || all.status() != 200 || all.body().length != PROTECTED_BLOCKS * BS) {
                problems.add("reading the protected blocks after the run: " + describe(all));
            } else {
                for (int b = 0; b < PROTECTED_BLOCKS; b++) {
                    byte[] digest = sha256(Arrays.copyOfRange(all.body(), b * BS, (b + 1) * BS));
                    if (!MessageDigest.isEqual(digest, protectedDigests[b])) {
                        problems.add("protected block " + b + " changed");
                    }
                }
            }
            String fresh = "after-" + Long.toHexString(seed & 0xffffff);
            byte[] block = new byte[BS];
            new Random(seed).nextBytes(block);
            c.expect(201, "POST", "/v1/volumes", json(fresh, 16L * BS, BS));
            c.expect(204, "PUT", "/v1/volumes/" + fresh + "/blocks/3", block);
            Answer back = c.send("GET", "/v1/volumes/" + fresh + "/blocks/3", tokens.dataAll(), null);
            if (back == null || back.status() != 200 || !Arrays.equals(back.body(), block)) {
                problems.add("a fresh volume's block did not read back: " + describe(back));
            }
        } catch (IllegalStateException e) {
            problems.add(e.getMessage());
        }
        return problems;
    }

    List<String> violations() {
        synchronized (violations) {
            return List.copyOf(violations);
        }
    }

    long violationCount() {
        return violationCount.get();
    }

    /** One paragraph: counts by status and code, unanswered requests, violations. */
    String summary() {
        Map<String, Long> statuses = new TreeMap<>();
        byStatus.forEach((k, v) -> statuses.put(k, v.sum()));
        return "seed " + seed + ": " + cases.sum() + " cases, " + requests.sum() + " framed requests, " + answers.sum()
                + " answers; by status and code " + statuses + "; framed requests left unanswered " + unanswered.sum()
                + " e.g. " + unansweredExamples.values() + "; violations " + violationCount.get();
    }

    private void violation(String what, byte[] sent) {
        violationCount.incrementAndGet();
        synchronized (violations) {
            if (violations.size() < 20) {
                violations.add(what + " | sent: "
                        + RawHttp.shorten(
                                new String(sent, 0, Math.min(sent.length, 600), StandardCharsets.ISO_8859_1)));
            }
        }
    }

    /** Judges one answer; {@code request} null for a malformed case (nothing known about what was asked). */
    private void judge(Request request, Answer a, byte[] sent) {
        answers.increment();
        String code = "";
        String asked = request == null ? "" : request.method() + " " + RawHttp.shorten(request.target()) + " -> ";
        if (a.status() >= 400 && request != null && request.headRequest()) {
            code = "(HEAD)";
        } else if (a.status() >= 400) {
            code = errorCode(a);
            if (code == null) {
                violation(asked + "error answer without a JSON error code: " + describe(a), sent);
                code = "";
            }
        }
        byStatus.computeIfAbsent(a.status() + " " + code, k -> new LongAdder()).increment();
        if (a.status() >= 500 && !ALLOWED_5XX.contains(code)) {
            violation(asked + "5xx outside the documented codes: " + describe(a), sent);
        }
        if (request != null && a.status() / 100 == 2 && !request.mayGet2xx()) {
            violation(
                    "2xx the API does not allow for " + request.method() + " " + RawHttp.shorten(request.target())
                            + " as " + request.auth() + ": " + describe(a),
                    sent);
        }
    }

    private static String errorCode(Answer a) {
        String type = a.header("content-type");
        if (type == null || !type.startsWith("application/json")) {
            return null;
        }
        try {
            JsonObject error = new JsonObject(a.bodyText()).getJsonObject("error");
            String code = error == null ? null : error.getString("code");
            return code == null || code.isEmpty() || error.getString("message") == null ? null : code;
        } catch (DecodeException | ClassCastException e) {
            return null;
        }
    }

    private static String describe(Answer a) {
        if (a == null) {
            return "no answer";
        }
        return a.version() + " " + a.status() + " " + RawHttp.shorten(a.bodyText());
    }

    private void ensureFuzzVolumes(Client c) throws IOException {
        for (String[] v : new String[][] {{RequestFuzzer.FUZZ_8K, "8192"}, {RequestFuzzer.FUZZ_4K, "4096"}}) {
            int bs = Integer.parseInt(v[1]);
            Answer a = c.send(
                    "POST", "/v1/volumes", tokens.admin(), json(v[0], (long) RequestFuzzer.FUZZ_BLOCKS * bs, bs));
            if (a == null || (a.status() != 201 && a.status() != 409)) {
                throw new IllegalStateException("creating " + v[0] + ": " + describe(a));
            }
        }
    }

    private static byte[] json(String name, long size, int blockSize) {
        return new JsonObject()
                .put("name", name)
                .put("sizeBytes", size)
                .put("blockSize", blockSize)
                .toBuffer()
                .getBytes();
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private Socket connect() throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(host, port), 10_000);
        s.setSoTimeout(READ_TIMEOUT_MS);
        s.setTcpNoDelay(true);
        return s;
    }

    /** One connection's worth of cases, in order; writes go through {@code writers} so reads never wait on them. */
    private final class Worker {
        private final RequestFuzzer fuzzer;
        private final ExecutorService writers;
        private Socket socket;
        private InputStream in;
        /** The last request answered on {@code socket} and its answer: where an unexpected close came from. */
        private String lastOnConnection = "none";
        /** The bytes of the case {@link #lastOnConnection} came from. */
        private byte[] lastCaseSent = new byte[0];

        Worker(RequestFuzzer fuzzer, ExecutorService writers) {
            this.fuzzer = fuzzer;
            this.writers = writers;
        }

        void run(int count) throws Exception {
            try {
                for (int i = 0; i < count; i++) {
                    if (i % 500 == 0) {
                        try (Client c = new Client()) {
                            ensureFuzzVolumes(c);
                        }
                    }
                    Case next = fuzzer.next();
                    cases.increment();
                    if (next.framed()) {
                        framed(next);
                    } else {
                        malformed(next);
                    }
                }
            } finally {
                drop();
            }
        }

        private void framed(Case c) throws Exception {
            if (socket == null) {
                socket = connect();
                in = new BufferedInputStream(socket.getInputStream(), 65_536);
            }
            requests.add(c.requests().size());
            Future<?> write = write(socket, c.bytes(), false);
            try {
                for (Request r : c.requests()) {
                    Answer a = RawHttp.read(in, r.headRequest());
                    if (a == null) {
                        unanswered(r, "closed", c.bytes());
                        drop();
                        return;
                    }
                    judge(r, a, c.bytes());
                    lastOnConnection = r.method() + " " + RawHttp.shorten(r.target()) + " -> " + describe(a);
                    lastCaseSent = c.bytes();
                    if (a.closes()) {
                        drop();
                        return;
                    }
                }
            } catch (SocketTimeoutException e) {
                violation("no answer within " + READ_TIMEOUT_MS + " ms", c.bytes());
                drop();
            } catch (RawHttp.MalformedAnswer e) {
                violation("malformed answer: " + e.getMessage(), c.bytes());
                drop();
            } catch (IOException e) {
                unanswered(c.requests().get(0), e.getClass().getSimpleName(), c.bytes());
                drop();
            } finally {
                settle(write);
            }
        }

        private void malformed(Case c) throws Exception {
            try (Socket s = connect()) {
                InputStream input = new BufferedInputStream(s.getInputStream(), 65_536);
                Future<?> write = write(s, c.bytes(), true);
                try {
                    for (Answer a = RawHttp.read(input, false); a != null; a = RawHttp.read(input, false)) {
                        judge(null, a, c.bytes());
                    }
                } catch (SocketTimeoutException e) {
                    violation("no answer and no close within " + READ_TIMEOUT_MS + " ms", c.bytes());
                } catch (RawHttp.MalformedAnswer e) {
                    violation("malformed answer: " + e.getMessage(), c.bytes());
                } catch (IOException e) {
                    // a reset or a cut answer to bytes that were not HTTP: the connection's loss only
                } finally {
                    settle(write);
                    s.setSoLinger(true, 0);
                }
            }
        }

        private void unanswered(Request r, String how, byte[] sent) {
            unanswered.increment();
            unansweredExamples.putIfAbsent(
                    how,
                    how + ": " + r.method() + " " + RawHttp.shorten(r.target()) + " (" + visible(sent)
                            + "), after " + lastOnConnection + " on the same connection (local port "
                            + (socket == null ? "?" : socket.getLocalPort()) + "; that case sent "
                            + visible(lastCaseSent) + ")");
        }

        /** Up to 600 bytes with CR, LF and other control bytes spelt out. */
        private static String visible(byte[] bytes) {
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < Math.min(bytes.length, 600); i++) {
                int b = bytes[i] & 0xff;
                out.append(
                        b == '\r'
                                ? "\\r"
                                : b == '\n'
                                        ? "\\n"
                                        : b < 0x20 || b > 0x7e
                                                ? "\\x" + Integer.toHexString(b)
                                                : String.valueOf((char) b));
            }
            return out + (bytes.length > 600 ? "... (" + bytes.length + " bytes)" : "");
        }

        private Future<?> write(Socket s, byte[] bytes, boolean halfClose) {
            return writers.submit(() -> {
                try {
                    OutputStream out = s.getOutputStream();
                    out.write(bytes);
                    out.flush();
                    if (halfClose) {
                        s.shutdownOutput();
                    }
                } catch (IOException e) {
                    // the gateway closed the connection while the bytes were still going out: its answer tells
                }
                return null;
            });
        }

        private void settle(Future<?> write) throws Exception {
            try {
                write.get(READ_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                violation("a write blocked for " + READ_TIMEOUT_MS + " ms (the gateway stopped reading)", new byte[0]);
                drop();
            }
        }

        private void drop() throws IOException {
            if (socket != null) {
                socket.setSoLinger(true, 0);
                socket.close();
                socket = null;
                in = null;
                lastOnConnection = "none";
            }
        }
    }

    /** Sequential requests of the harness itself, on one keep-alive connection. */
    private final class Client implements AutoCloseable {
        private final Socket socket;
        private final InputStream in;

        Client() throws IOException {
            socket = connect();
            in = new BufferedInputStream(socket.getInputStream(), 65_536);
        }

        /** Sends as admin (or as {@code token} when given) and returns the answer, null if the connection closed. */
        Answer send(String method, String target, String token, byte[] body) throws IOException {
            StringBuilder head = new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: gateway\r\n");
            if (!target.equals("/health/live")) {
                head.append("Authorization: Bearer ").append(token).append("\r\n");
            }
            if (body != null) {
                head.append("Content-Length: ").append(body.length).append("\r\n");
            }
            head.append("\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            if (body != null) {
                out.write(body);
            }
            out.flush();
            return RawHttp.read(in, false);
        }

        void expect(int status, String method, String target, byte[] body) throws IOException {
            Answer a = send(method, target, tokens.admin(), body);
            if (a == null || a.status() != status) {
                throw new IllegalStateException(
                        method + " " + target + ": expected " + status + ", got " + describe(a));
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
