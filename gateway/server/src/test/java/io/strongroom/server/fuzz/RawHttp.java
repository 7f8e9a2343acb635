package io.strongroom.server.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Reads HTTP/1.x answers byte by byte off a socket: whatever the gateway sends, nothing hidden by a client library. */
final class RawHttp {
    private RawHttp() {}

    /** An answer with its header names in lower case. */
    record Answer(String version, int status, List<String[]> headers, byte[] body) {
        String header(String name) {
            for (String[] h : headers) {
                if (h[0].equals(name)) {
                    return h[1];
                }
            }
            return null;
        }

        boolean closes() {
            String connection = header("connection");
            if (connection != null && connection.toLowerCase(Locale.ROOT).contains("close")) {
                return true;
            }
            return version.equals("HTTP/1.0")
                    && (connection == null
                            || !connection.toLowerCase(Locale.ROOT).contains("keep-alive"));
        }

        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** An answer that does not parse as HTTP/1.x. */
    static final class MalformedAnswer extends IOException {
        MalformedAnswer(String message) {
            super(message);
        }
    }

    /**
     * The next final answer (interim 1xx answers skipped), or null at the end of the stream before its first byte.
     *
     * @param head the request was a HEAD: the answer has no body whatever its headers say
     */
    static Answer read(InputStream in, boolean head) throws IOException {
        while (true) {
            String statusLine = line(in, true);
            if (statusLine == null) {
                return null;
            }
            String[] parts = statusLine.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/") || !parts[1].matches("[1-5][0-9][0-9]")) {
                throw new MalformedAnswer("status line: " + shorten(statusLine));
            }
            int status = Integer.parseInt(parts[1]);
            List<String[]> headers = new ArrayList<>();
            for (String h = line(in, false); !h.isEmpty(); h = line(in, false)) {
                int colon = h.indexOf(':');
                if (colon <= 0) {
                    throw new MalformedAnswer("header line: " + shorten(h));
                }
                headers.add(new String[] {
                    h.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                    h.substring(colon + 1).trim()
                });
            }
            if (status < 200) {
                continue;
            }
            Answer framing = new Answer(parts[0], status, headers, new byte[0]);
            if (head || status == 204 || status == 304) {
                return framing;
            }
            return new Answer(parts[0], status, headers, body(in, framing));
        }
    }

    private static byte[] body(InputStream in, Answer framing) throws IOException {
        String te = framing.header("transfer-encoding");
        if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            while (true) {
                String size = line(in, false);
                int semicolon = size.indexOf(';');
                int n;
                try {
                    n = Integer.parseInt((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
                } catch (NumberFormatException e) {
                    throw new MalformedAnswer("chunk size: " + shorten(size));
                }
                if (n == 0) {
                    while (!line(in, false).isEmpty()) {
                        // trailers
                    }
                    return out.toByteArray();
                }
                out.write(exactly(in, n));
                line(in, false);
            }
        }
        String length = framing.header("content-length");
        if (length != null) {
            try {
                return exactly(in, Integer.parseInt(length));
            } catch (NumberFormatException e) {
                throw new MalformedAnswer("content-length: " + shorten(length));
            }
        }
        return in.readAllBytes();
    }

    private static byte[] exactly(InputStream in, int n) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length < n) {
            throw new EOFException("answer body cut at " + b.length + " of " + n + " bytes");
        }
        return b;
    }

    /** A CRLF-terminated line as ISO-8859-1; null at end of stream before its first byte if {@code eofOk}. */
    private static String line(InputStream in, boolean eofOk) throws IOException {
        StringBuilder b = new StringBuilder();
        while (true) {
            int c = in.read();
            if (c < 0) {
                if (eofOk && b.length() == 0) {
                    return null;
                }
                throw new EOFException("answer cut after: " + shorten(b.toString()));
            }
            if (c == '\n') {
                int end = b.length();
                return end > 0 && b.charAt(end - 1) == '\r' ? b.substring(0, end - 1) : b.toString();
            }
            if (b.length() > 65_536) {
                throw new MalformedAnswer("answer line longer than 64 KiB");
            }
            b.append((char) c);
        }
    }

    static String shorten(String s) {
        String printable = s.replaceAll("[\\p{Cntrl}]", "?");
        return printable.length() <= 200 ? printable : printable.substring(0, 200) + "...";
    }
}
