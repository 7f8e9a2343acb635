package io.strongroom.server.config;

import java.nio.file.FileSystemException;

/** One line for a failure an operator has to act on: every cause's message, the operating system's reason kept. */
public final class Failures {
    private static final int MAX_DEPTH = 8;

    private Failures() {}

    /**
     * The messages of {@code t} and its causes, joined by {@code ": "}; a file-system failure as its file, the OS
     * reason and the exception's name ({@code /srv/data/lock (AccessDeniedException)}, {@code /srv/data: Read-only
     * file system}).
     */
    public static String describe(Throwable t) {
        StringBuilder out = new StringBuilder();
        Throwable c = t;
        for (int depth = 0; c != null && depth < MAX_DEPTH; depth++, c = c.getCause()) {
            String part = part(c);
            if (out.indexOf(part) >= 0) {
                continue;
            }
            if (out.length() > 0) {
                out.append(": ");
            }
            out.append(part);
        }
        return out.toString();
    }

    private static String part(Throwable c) {
        if (c instanceof FileSystemException f) {
            StringBuilder s = new StringBuilder(String.valueOf(f.getFile()));
            if (f.getOtherFile() != null) {
                s.append(" -> ").append(f.getOtherFile());
            }
            if (f.getReason() != null) {
                s.append(": ").append(f.getReason());
            }
            if (c.getClass() != FileSystemException.class) {
                s.append(" (").append(c.getClass().getSimpleName()).append(')');
            }
            return s.toString();
        }
        String message = c.getMessage();
        if (message == null || message.isBlank()) {
            return c.getClass().getSimpleName();
        }
        // An Error (a class not found, out of memory) means nothing without its name.
        return c instanceof Error ? c.getClass().getSimpleName() + ": " + message : message;
    }
}
