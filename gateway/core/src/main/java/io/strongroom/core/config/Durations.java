package io.strongroom.core.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one parser of durations written by people (configuration files, environment variables, flags): a decimal
 * number with a unit ({@code 500ms}, {@code 30s}, {@code 1.5s}, {@code 10m}, {@code 1h}) or ISO-8601
 * ({@code PT30S}, {@code PT1M30S}).
 *
 * <p>A bare number ({@code 30}) is refused, not read as seconds: {@code 500} meant as milliseconds would silently
 * become eight minutes. Negative durations are refused; zero is allowed (callers that need a positive duration say
 * so, with the setting's name). Units are lower case ({@code M} could be months).
 */
public final class Durations {
    /** The accepted forms, for error messages and help texts. */
    public static final String FORMS = "a number and a unit (500ms, 30s, 1.5s, 10m, 1h) or ISO-8601 (PT30S)";

    private static final Pattern WITH_UNIT = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");
    private static final Pattern BARE_NUMBER = Pattern.compile("[-+]?\\d+(?:\\.\\d+)?");

    private Durations() {}

    /** Parses {@code text} (surrounding white space ignored); throws {@link InvalidDurationException} naming the forms. */
    public static Duration parse(String text) {
        Objects.requireNonNull(text, "text");
        String s = text.strip();
        if (s.isEmpty()) {
            throw InvalidDurationException.of(text, "it is empty");
        }
        Duration d = s.charAt(0) == 'P' || s.charAt(0) == 'p' || s.startsWith("-P") || s.startsWith("-p")
                ? iso(text, s)
                : withUnit(text, s);
        if (d.isNegative()) {
            throw InvalidDurationException.of(text, "it is negative");
        }
        return d;
    }

    private static Duration iso(String text, String s) {
        try {
            return Duration.parse(s);
        } catch (DateTimeParseException e) {
            throw InvalidDurationException.of(text, null);
        }
    }

    private static Duration withUnit(String text, String s) {
        Matcher m = WITH_UNIT.matcher(s);
        if (!m.matches()) {
            if (BARE_NUMBER.matcher(s).matches()) {
                throw InvalidDurationException.of(text, "a bare number has no unit");
            }
            if (s.startsWith("-")) {
                throw InvalidDurationException.of(text, "it is negative");
            }
            throw InvalidDurationException.of(text, null);
        }
        BigDecimal nanosPerUnit = BigDecimal.valueOf(
                switch (m.group(2)) {
                    case "ms" -> 1_000_000L;
                    case "s" -> 1_000_000_000L;
                    case "m" -> 60_000_000_000L;
                    default -> 3_600_000_000_000L;
                });
        BigDecimal nanos = new BigDecimal(m.group(1)).multiply(nanosPerUnit);
        try {
            return Duration.ofNanos(nanos.longValueExact());
        } catch (ArithmeticException e) {
            throw InvalidDurationException.of(
                    text,
                    nanos.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0
                            ? "it is too long"
                            : "it is finer than a nanosecond");
        }
    }

    /** A text that is not a duration; {@link #expected()} says what would have been. */
    public static final class InvalidDurationException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        private final String expected;

        private InvalidDurationException(String text, String expected) {
            super("not a duration: '" + text + "' (expected " + expected + ")");
            this.expected = expected;
        }

        /** {@code reason} (or null) says what is wrong when the forms alone would not make it obvious. */
        static InvalidDurationException of(String text, String reason) {
            return new InvalidDurationException(text, "a duration: " + FORMS + (reason == null ? "" : "; " + reason));
        }

        /** What the text should have been (and why it is not), e.g. for a configuration error line. */
        public String expected() {
            return expected;
        }
    }
}
