package io.strongroom.server.fuzz;

import java.io.ByteArrayOutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;

/**
 * Generates bad and odd HTTP/1.1 requests from a seed, as raw bytes: mutated methods, request targets (dot
 * segments, percent-encoding, unicode, overlong), queries, headers (length mismatches, duplicates, huge), bodies
 * (wrong sizes, garbage JSON) and tokens (missing, malformed, unknown, other roles) on every route of docs/API.md,
 * alone or pipelined. The same seed gives the same cases.
 *
 * <p>A case is either <em>framed</em> (every request well delimited, so each must get an answer in order) or
 * <em>malformed</em> (bytes the HTTP parser must reject, or framing that leaves the server waiting: sent on a
 * connection of its own, which the client half-closes; every answer that comes must still be well formed).
 *
 * <p>Every request knows what it may not get: a 2xx is impossible where its token lacks the route's role, where the
 * path is not a route of the API, or where it names the protected volume in a non-canonical form.
 */
final class RequestFuzzer {
    /** The volume whose blocks are written before the run and compared afterwards: never named in a valid form. */
    static final String PROTECTED = "keep";
    /** The volumes the fuzzer may write, trim, delete and re-key, of 8 KiB and 4 KiB blocks. */
    static final String FUZZ_8K = "fz8";

    static final String FUZZ_4K = "fz4";
    static final int FUZZ_BLOCKS = 128;

    /** A request target in absolute form (RFC 9112 §3.2.2): servers must accept it, so it names the same route. */
    private static final String ABSOLUTE_FORM = "http://127.0.0.1";

    private static final Pattern VOLUME_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");

    /** The tokens of the run, one per role; {@code dataA} may touch only volume {@code a}, which never exists. */
    record Tokens(String admin, String dataAll, String dataA, String volumeAdmin, String keyAdmin) {}

    /** How the request authenticates, as far as the oracle can tell. */
    enum Auth {
        NONE,
        INVALID,
        ADMIN,
        DATA_ALL,
        DATA_A,
        VOLUME_ADMIN,
        KEY_ADMIN,
        /** Ambiguous credentials (duplicate headers, unusual scheme spelling): the oracle does not judge. */
        UNKNOWN
    }

    /** One request of a case: what the answer must not be. */
    record Request(String method, String target, Auth auth) {
        boolean headRequest() {
            return method.equals("HEAD");
        }

        /** False where no 2xx is possible: wrong role, no route, or the protected volume in disguise. */
        boolean mayGet2xx() {
            return Oracle.mayGet2xx(method, target, auth);
        }
    }

    /** The bytes to send and the requests in them ({@code framed}: each one gets an answer, in order). */
    record Case(String kind, byte[] bytes, List<Request> requests, boolean framed) {}

    private static final String[] METHODS = {"GET", "PUT", "POST", "DELETE", "HEAD"};
    private static final String[] ODD_METHODS = {
        "OPTIONS", "PATCH", "TRACE", "CONNECT", "get", "Put", "PROPFIND", "GETT", "G\u00c9T", "X".repeat(300), "BREW"
    };
    private static final String[] VOLUMES = {FUZZ_8K, FUZZ_4K, "a", "nope", "fz8.", "-x", "x".repeat(64), ""};
    /**
     * The protected volume in forms the gateway must never resolve to it (a path parameter is percent-decoded, so
     * {@code k%65ep} is a valid spelling and not among these).
     */
    private static final String[] PROTECTED_DISGUISED = {
        "KEEP",
        "Keep",
        "keep%00",
        "keep%2f",
        "keep%2F..",
        "./keep",
        "fz8/../keep",
        "keep/.",
        "keep;v=1",
        "keep\u0000",
        "ke\u0435p",
        "keep%20",
        "%20keep",
        "keep.",
        "keep..",
        "..%2fkeep"
    };

    private static final String[] BLOCK_NUMBERS = {
        "0",
        "1",
        "127",
        "128",
        "63",
        "64",
        "-1",
        "00",
        "+1",
        "1e3",
        "0x10",
        "%30",
        "\uff11",
        " 1",
        "1 ",
        "",
        "9223372036854775807",
        "9223372036854775808",
        "18446744073709551616",
        "2147483647",
        "2147483648",
        "1.5",
        "99999999999999999999999999999999",
        "NaN",
        "\u0661",
        "0/",
        "0?",
        "0#x"
    };
    private static final String[] QUERIES = {
        "",
        "",
        "",
        "?count=1",
        "?count=2",
        "?count=64",
        "?count=65",
        "?count=0",
        "?count=-1",
        "?count=",
        "?count",
        "?count=%ZZ",
        "?count=1&count=2",
        "?count=1e2",
        "?count=\uff12",
        "?count=99999999999999999999",
        "?%",
        "?&&&",
        "?count=1#frag",
        "?count=0x2",
        "?count=%32",
        "?count=2%00",
        "?x=" + "y".repeat(2000),
        "?limit=5",
        "?limit=0",
        "?limit=1001",
        "?limit=abc",
        "?volume=%ZZ",
        "?volume=fz8",
        "?kek=%",
        "?volume=%E2%82",
        "?volume=\u00e9"
    };

    private final Random random;
    private final Tokens tokens;

    RequestFuzzer(long seed, Tokens tokens) {
        this.random = new Random(seed);
        this.tokens = tokens;
    }

    Case next() {
        int pick = random.nextInt(100);
        if (pick < 55) {
            Built one = request(true);
            return new Case("single", one.bytes, List.of(one.request), true);
        }
        if (pick < 72) {
            return pipelined();
        }
        return malformed();
    }

    private Case pipelined() {
        int n = 2 + random.nextInt(7);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<Request> requests = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Built one = request(true);
            out.writeBytes(one.bytes);
            requests.add(one.request);
        }
        return new Case("pipelined", out.toByteArray(), requests, true);
    }

    /** One well-framed request: any route, any mutation that keeps the framing intact; a body only if asked. */
    private Built request(boolean mayHaveBody) {
        String method = random.nextInt(8) == 0 ? pick(ODD_METHODS) : pick(METHODS);
        String target = target();
        Auth[] auth = {Auth.NONE};
        List<String> headers = new ArrayList<>();
        headers.add("Host: " + pick(new String[] {"gateway", "127.0.0.1", "", "x".repeat(300)}));
        authorization(headers, auth);
        byte[] body = mayHaveBody ? body(target) : new byte[0];
        boolean chunked = body.length > 0 && random.nextInt(10) == 0;
        if (chunked) {
            headers.add("Transfer-Encoding: chunked");
        } else if (body.length > 0 || random.nextBoolean()) {
            headers.add("Content-Length: " + body.length);
        }
        extraHeaders(headers, body.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(line(method + " " + target + " HTTP/1.1"));
        for (String h : headers) {
            out.writeBytes(line(h));
        }
        out.writeBytes(line(""));
        if (chunked) {
            int at = 0;
            while (at < body.length) {
                int len = Math.min(body.length - at, 1 + random.nextInt(9000));
                out.writeBytes(line(Integer.toHexString(len)));
                out.write(body, at, len);
                out.writeBytes(line(""));
                at += len;
            }
            out.writeBytes(line("0"));
            out.writeBytes(line(""));
        } else {
            out.writeBytes(body);
        }
        return new Built(out.toByteArray(), new Request(method, target, auth[0]));
    }

    private String target() {
        String path = switch (random.nextInt(16)) {
            case 0 -> "/health/live";
            case 1 -> "/health";
            case 2 -> "/metrics";
            case 3 -> "/v1/volumes";
            case 4 -> "/v1/keys/revalidate";
            case 5 -> "/v1/activity";
            case 6, 7 -> "/v1/volumes/" + volume();
            case 8, 9, 10, 11 -> "/v1/volumes/" + volume() + "/blocks/" + pick(BLOCK_NUMBERS);
            case 12 -> "/v1/volumes/" + volume() + "/trim";
            case 13 -> "/v1/volumes/" + volume() + "/flush";
            default -> "/v1/volumes/" + volume() + "/" + pick(new String[] {"kek", "rollover", "revalidate"});
        };
        if (random.nextInt(4) == 0) {
            path = mutatePath(path);
        }
        String target = path + pick(QUERIES);
        return target.isEmpty() ? "/" : target;
    }

    private String volume() {
        int pick = random.nextInt(10);
        if (pick < 2) {
            return pick(PROTECTED_DISGUISED);
        }
        return pick < 8 ? pick(new String[] {FUZZ_8K, FUZZ_4K}) : pick(VOLUMES);
    }

    private String mutatePath(String path) {
        return switch (random.nextInt(12)) {
            case 0 -> path + "/";
            case 1 -> "/" + path;
            case 2 -> path.replace("/v1/", "/v1/./");
            case 3 -> path.replace("/v1/", "/v1/../v1/");
            case 4 -> path.toUpperCase(java.util.Locale.ROOT);
            case 5 -> percentEncode(path);
            case 6 -> path + "/" + "seg/".repeat(200 + random.nextInt(2000));
            case 7 -> ABSOLUTE_FORM + path;
            case 8 -> path.replace('/', '\\');
            case 9 -> path + "%2F..%2F";
            case 10 -> path + "\u00e9\u4e2d\ud83d\ude00";
            default -> path.replace("v", "%76");
        };
    }

    /**
     * Percent-encodes some of the characters of a path: the same route where only a parameter's characters are
     * encoded (they are decoded), no route where the route's own segments are.
     */
    private String percentEncode(String path) {
        StringBuilder b = new StringBuilder();
        for (char c : path.toCharArray()) {
            if (c != '/' && random.nextInt(3) == 0) {
                b.append('%').append(String.format("%02X", (int) c & 0xff));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private void authorization(List<String> headers, Auth[] auth) {
        int pick = random.nextInt(20);
        switch (pick) {
            case 0 -> auth[0] = Auth.NONE;
            case 1 -> {
                headers.add("Authorization: Bearer ");
                auth[0] = Auth.INVALID;
            }
            case 2 -> {
                headers.add("Authorization: Bearer " + tokens.admin() + "x");
                auth[0] = Auth.INVALID;
            }
            case 3 -> {
                headers.add("Authorization: Bearer " + tokens.admin().substring(0, 10));
                auth[0] = Auth.INVALID;
            }
            case 4 -> {
                headers.add("Authorization: Basic YWRtaW46YWRtaW4=");
                auth[0] = Auth.INVALID;
            }
            case 5 -> {
                headers.add("Authorization: Bearer sr_" + "A".repeat(43));
                auth[0] = Auth.INVALID;
            }
            case 6 -> {
                headers.add("Authorization: Bearer " + "t".repeat(1000 + random.nextInt(6000)));
                auth[0] = Auth.INVALID;
            }
            case 7 -> {
                headers.add("Authorization: " + tokens.admin());
                auth[0] = Auth.INVALID;
            }
            case 8 -> {
                headers.add("Authorization: Bearer " + tokens.admin());
                headers.add("Authorization: Bearer nope");
                auth[0] = Auth.UNKNOWN;
            }
            case 9 -> {
                headers.add("Authorization: bearer  " + tokens.admin() + " ");
                auth[0] = Auth.UNKNOWN;
            }
            case 10 -> {
                headers.add("Authorization: Bearer \u00e9\u0000\u00ff");
                auth[0] = Auth.INVALID;
            }
            case 11, 12 -> {
                headers.add("Authorization: Bearer " + tokens.dataA());
                auth[0] = Auth.DATA_A;
            }
            case 13 -> {
                headers.add("Authorization: Bearer " + tokens.volumeAdmin());
                auth[0] = Auth.VOLUME_ADMIN;
            }
            case 14 -> {
                headers.add("Authorization: Bearer " + tokens.keyAdmin());
                auth[0] = Auth.KEY_ADMIN;
            }
            case 15, 16 -> {
                headers.add("Authorization: Bearer " + tokens.dataAll());
                auth[0] = Auth.DATA_ALL;
            }
            default -> {
                headers.add("Authorization: Bearer " + tokens.admin());
                auth[0] = Auth.ADMIN;
            }
        }
    }

    private byte[] body(String target) {
        int pick = random.nextInt(12);
        if (pick < 3) {
            return new byte[0];
        }
        if (target.contains("/blocks/") && pick < 9) {
            int[] sizes = {8192, 4096, 8192 * 2, 8191, 8193, 1, 4095, 8192 * 64, 8192 * 65, 2 * 1024 * 1024 + 1};
            return garbage(sizes[random.nextInt(sizes.length)]);
        }
        if (pick < 10) {
            return json().getBytes(StandardCharsets.UTF_8);
        }
        return garbage(1 + random.nextInt(pick == 10 ? 300 : 20_000));
    }

    private String json() {
        String kekUrl = "https://embedded-vault.strongroom.invalid/keys/strongroom-service-key";
        String[] values = {
            "0",
            "-1",
            "1",
            "8192",
            "1048576",
            "1.5",
            "1e308",
            "9223372036854775807",
            "9223372036854775808",
            "18446744073709551616",
            "\"8192\"",
            "null",
            "true",
            "[]",
            "{}",
            "\"" + FUZZ_8K + "\"",
            "\"new1\"",
            "\"" + PROTECTED.toUpperCase(java.util.Locale.ROOT) + "\"",
            "\"a\"",
            "\"\"",
            "\"\\u0000\"",
            "\"service\"",
            "\"" + kekUrl + "\"",
            "\"" + kekUrl + "/00\"",
            "\"http://127.0.0.1:1/keys/x\"",
            "\"https://other.example/keys/x\"",
            "\"x\"",
            "\"\\ud800\"",
            "\"" + "z".repeat(5000) + "\"",
            "4096",
            "16384",
            "32768",
            "65536",
            "127",
            "64",
            "\"ops\""
        };
        String[] fields = {
            "name", "sizeBytes", "blockSize", "kek", "identity", "autoFollow", "first", "count", "extra", "", "name"
        };
        return switch (random.nextInt(10)) {
            case 0 -> "{";
            case 1 -> "[" + pick(values) + "]";
            case 2 -> "{\"a\":".repeat(300) + "1" + "}".repeat(300);
            case 3 -> "null";
            case 4 ->
                "{\"name\":\"n" + random.nextInt(40) + "\",\"sizeBytes\":"
                        + pick(new String[] {
                            "65536", "8192", "0", "-8192", "8193", "1099511627776", "9223372036854775807"
                        })
                        + "}";
            case 5 -> "{\"first\":" + pick(BLOCK_NUMBERS_JSON) + ",\"count\":" + pick(BLOCK_NUMBERS_JSON) + "}";
            case 6 -> "\u00ff\u00fe{\"name\":\"x\"}";
            default -> {
                StringBuilder b = new StringBuilder("{");
                int n = random.nextInt(5);
                for (int i = 0; i < n; i++) {
                    if (i > 0) {
                        b.append(',');
                    }
                    b.append('"').append(pick(fields)).append("\":").append(pick(values));
                }
                yield b.append('}').toString();
            }
        };
    }

    private static final String[] BLOCK_NUMBERS_JSON = {
        "0", "1", "-1", "127", "128", "64", "65", "1.0", "\"1\"", "null", "9223372036854775807", "1e3", "[]"
    };

    private void extraHeaders(List<String> headers, int bodyLength) {
        int n = random.nextInt(4);
        for (int i = 0; i < n; i++) {
            headers.add(
                    switch (random.nextInt(12)) {
                        case 0 ->
                            "Content-Type: "
                                    + pick(new String[] {
                                        "application/json",
                                        "application/octet-stream",
                                        "text/plain; charset=x",
                                        "\u00e9/\u00e9"
                                    });
                        case 1 -> "Expect: 100-continue";
                        case 2 -> "Expect: something-else";
                        case 3 -> "Connection: " + pick(new String[] {"keep-alive", "close", "upgrade", "x"});
                        case 4 -> "X-Fuzz: " + "v".repeat(random.nextInt(4000));
                        case 5 -> "Accept-Encoding: gzip, br";
                        case 6 -> "Upgrade: h2c";
                        case 7 -> "X-Unicode: \u00e9\u00ff\u0080";
                        case 8 -> "Range: bytes=0-10";
                        case 9 -> "X-Forwarded-For: 10.0.0.1";
                        case 10 -> "Accept: */*";
                        default -> "Content-Length: " + bodyLength;
                    });
        }
    }

    /** Bytes no valid framing allows, or framing the server must wait on: each on a connection of its own. */
    private Case malformed() {
        String auth = "Authorization: Bearer " + tokens.admin() + "\r\n";
        String put = "PUT /v1/volumes/" + FUZZ_8K + "/blocks/" + random.nextInt(FUZZ_BLOCKS) + " HTTP/1.1\r\n";
        String putProtected = "PUT /v1/volumes/" + PROTECTED + "/blocks/" + random.nextInt(8) + " HTTP/1.1\r\n";
        byte[] block = garbage(8192);
        String text = switch (random.nextInt(22)) {
            case 0 -> "GARBAGE\r\n\r\n";
            case 1 -> put + auth + "Content-Length: 8192\r\nContent-Length: 8191\r\n\r\n" + latin1(block);
            case 2 -> put + auth + "Content-Length: 9000\r\n\r\n" + latin1(block);
            case 3 -> put + auth + "Content-Length: 100\r\n\r\n" + latin1(block);
            case 4 -> put + auth + "Content-Length: -1\r\n\r\n";
            case 5 ->
                put + auth + "Content-Length: 8192\r\nTransfer-Encoding: chunked\r\n\r\n" + "2000\r\n" + latin1(block)
                        + "\r\n0\r\n\r\n";
            case 6 -> put + auth + "Transfer-Encoding: chunked\r\n\r\nzz\r\n" + latin1(block);
            case 7 -> put + auth + "Transfer-Encoding: gzip\r\n\r\n" + latin1(block);
            case 8 ->
                "GET /health HTTP/1.1\r\n" + auth + "X: " + "h".repeat(9000 + random.nextInt(60_000)) + "\r\n\r\n";
            case 9 -> "GET /health HTTP/1.1\r\n" + auth + "X-Many: 1\r\n".repeat(2000) + "\r\n";
            case 10 -> "GET /" + "u".repeat(5000 + random.nextInt(100_000)) + " HTTP/1.1\r\n\r\n";
            case 11 -> "GET /health/live HTTP/2.0\r\n\r\n";
            case 12 -> "GET /health/live HTTP/1.1\r\nBad Header Without Colon\r\n\r\n";
            case 13 -> "GET /health/live HTTP/1.1\r\nX: a\r\n folded\r\n\r\n";
            case 14 -> "GET /health/live\r\n\r\n";
            case 15 -> "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + latin1(garbage(50));
            case 16 -> putProtected + auth + "Content-Length: 8192\r\n\r\n" + latin1(garbage(100));
            case 17 ->
                putProtected.replace("keep", "KEEP") + auth + "Content-Length: 8192\r\n\r\n" + latin1(block)
                        + "\u0001\u0002garbage\r\n\r\n";
            case 18 -> "GET /health/live HTTP/1.1\r\n\r\n" + latin1(garbage(1 + random.nextInt(2000)));
            case 19 -> latin1(garbage(1 + random.nextInt(5000)));
            case 20 -> "\r\n\r\n\r\n";
            default -> put.replace("HTTP/1.1", "HTTP/1.0") + auth + "\r\n" + latin1(block);
        };
        return new Case("malformed", text.getBytes(StandardCharsets.ISO_8859_1), List.of(), false);
    }

    private byte[] garbage(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static String latin1(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    /** A header or request line: UTF-8 (so unicode goes out as its bytes), then CRLF. */
    private static byte[] line(String s) {
        return (s + "\r\n").getBytes(StandardCharsets.UTF_8);
    }

    private String pick(String[] from) {
        return from[random.nextInt(from.length)];
    }

    private record Built(byte[] bytes, Request request) {}

    /** Which answers the API makes impossible, from docs/API.md's routes and roles. */
    static final class Oracle {
        private Oracle() {}

        static boolean mayGet2xx(String method, String target, Auth auth) {
            String origin = target.startsWith(ABSOLUTE_FORM) ? target.substring(ABSOLUTE_FORM.length()) : target;
            int q = origin.indexOf('?');
            String sent = q < 0 ? origin : origin.substring(0, q);
            // the gateway ignores one trailing slash, serves HEAD wherever GET is and OPTIONS on every route
            String path = sent.length() > 1 && sent.endsWith("/") ? sent.substring(0, sent.length() - 1) : sent;
            String[] s = path.split("/", -1);
            if (method.equals("OPTIONS")) {
                return true;
            }
            method = method.equals("HEAD") ? "GET" : method;
            if (path.equals("/health/live")) {
                return method.equals("GET");
            }
            if (auth == Auth.UNKNOWN) {
                return true;
            }
            if (auth == Auth.NONE || auth == Auth.INVALID) {
                return false;
            }
            if (path.equals("/health") || path.equals("/metrics")) {
                return method.equals("GET");
            }
            if (path.equals("/v1/volumes")) {
                return (method.equals("GET") || method.equals("POST")) && role(auth, Role.VOLUME_ADMIN, null);
            }
            if (path.equals("/v1/keys/revalidate")) {
                return method.equals("POST") && role(auth, Role.KEY_ADMIN, null);
            }
            if (path.equals("/v1/activity")) {
                return method.equals("GET") && role(auth, Role.KEY_ADMIN, null);
            }
            String name = s.length < 4 ? null : decoded(s[3]);
            if (name == null || !s[1].equals("v1") || !s[2].equals("volumes") || !nameMayExist(name)) {
                return false;
            }
            if (s.length == 4) {
                return switch (method) {
                    case "GET" -> role(auth, Role.VOLUME_ADMIN, null) || role(auth, Role.DATA, name);
                    case "DELETE" -> role(auth, Role.VOLUME_ADMIN, null);
                    default -> false;
                };
            }
            if (s.length == 6 && s[4].equals("blocks")) {
                return (method.equals("GET") || method.equals("PUT")) && role(auth, Role.DATA, name);
            }
            if (s.length != 5) {
                return false;
            }
            return switch (s[4]) {
                case "trim", "flush" -> method.equals("POST") && role(auth, Role.DATA, name);
                case "revalidate", "rollover" -> method.equals("POST") && role(auth, Role.KEY_ADMIN, null);
                case "kek" -> method.equals("PUT") && role(auth, Role.KEY_ADMIN, null);
                default -> false;
            };
        }

        /** A path parameter percent-decoded as the gateway does ({@code +} stays), null when it is not valid. */
        private static String decoded(String segment) {
            try {
                return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }

        /** The protected volume is named in plain form only by the harness, never by a fuzzed request. */
        private static boolean nameMayExist(String name) {
            return VOLUME_NAME.matcher(name).matches() && !name.equals(PROTECTED);
        }

        private enum Role {
            DATA,
            VOLUME_ADMIN,
            KEY_ADMIN
        }

        private static boolean role(Auth auth, Role role, String volume) {
            return switch (auth) {
                case ADMIN -> true;
                case DATA_ALL -> role == Role.DATA;
                case DATA_A -> role == Role.DATA && "a".equals(volume);
                case VOLUME_ADMIN -> role == Role.VOLUME_ADMIN;
                case KEY_ADMIN -> role == Role.KEY_ADMIN;
                default -> false;
            };
        }
    }
}
