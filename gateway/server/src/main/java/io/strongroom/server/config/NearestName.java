package io.strongroom.server.config;

import java.util.Collection;
import java.util.List;
import java.util.Locale;

/** "did you mean" for a misspelt setting, flag or variable: the known name nearest by edit distance, if close. */
final class NearestName {
    private NearestName() {}

    /**
     * {@code " (did you mean X?)"}, or the empty string when no known name is close to {@code name}. Close: a few
     * edits, fewer than a third of the name ({@code STRONGROOM_X} is not a misspelling of every name); else the known
     * names that end with it, up to three ({@code STRONGROOM_PORT}: {@code STRONGROOM_LISTEN_PORT} or
     * {@code STRONGROOM_NBD_PORT}).
     */
    static String suggestion(String name, Collection<String> known) {
        String wanted = unprefixed(name);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            int d = distance(wanted, unprefixed(candidate));
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        if (best != null && bestDistance <= Math.min(3, Math.max(1, wanted.length() / 3))) {
            return " (did you mean " + best + "?)";
        }
        List<String> endings = wanted.length() < 3
                ? List.of()
                : known.stream()
                        .filter(k -> unprefixed(k).endsWith(wanted))
                        .sorted()
                        .toList();
        return endings.isEmpty() || endings.size() > 3 ? "" : " (did you mean " + String.join(" or ", endings) + "?)";
    }

    /** Compared without case, separators or the {@code STRONGROOM_} prefix. */
    private static String unprefixed(String s) {
        String n = normal(s);
        return n.startsWith("strongroom") ? n.substring("strongroom".length()) : n;
    }

    /** Case and separators do not count: {@code STRONGROOM_DATADIR} matches {@code STRONGROOM_DATA_DIR}. */
    private static String normal(String s) {
        return s.toLowerCase(Locale.ROOT).replaceAll("[-_.]", "");
    }

    /** Edit distance: insertions, deletions, substitutions and swaps of two neighbours ({@code prot} → {@code port}). */
    private static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(d[i - 1][j - 1] + cost, Math.min(d[i - 1][j], d[i][j - 1]) + 1);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
