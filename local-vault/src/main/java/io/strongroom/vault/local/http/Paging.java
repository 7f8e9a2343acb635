package io.strongroom.vault.local.http;

import io.strongroom.vault.local.errors.VaultError;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;

/**
 * Azure-style paging: {@code maxresults} (1..25, default 25) and an opaque {@code $skiptoken}
 * carried in {@code nextLink}. The token is the position after the last item returned (an index
 * for version lists, which only grow at the end; a name for name-sorted lists, so that deletions
 * between pages do not skip entries).
 */
final class Paging {
    static final int MAX_PAGE = 25;

    private Paging() {}

    static int pageSize(String maxresults) {
        if (maxresults == null || maxresults.isEmpty()) {
            return MAX_PAGE;
        }
        int n;
        try {
            n = Integer.parseInt(maxresults);
        } catch (NumberFormatException e) {
            throw VaultError.badParameter("maxresults must be an integer between 1 and 25");
        }
        if (n < 1 || n > MAX_PAGE) {
            throw VaultError.badParameter("maxresults must be an integer between 1 and 25");
        }
        return n;
    }

    static String decodeToken(String token) {
        if (token == null || token.isEmpty()) {
            return null;
        }
        try {
            return new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw VaultError.badParameter("invalid $skiptoken");
        }
    }

    static String encodeToken(String position) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(position.getBytes(StandardCharsets.UTF_8));
    }

    /** Items after the name in the token, sorted by name already. */
    static <T> JsonObject byName(
            List<T> sorted,
            Function<T, String> name,
            Function<T, JsonObject> render,
            String skipToken,
            int pageSize,
            String collectionUrl,
            String apiVersion) {
        String after = decodeToken(skipToken);
        int start = 0;
        if (after != null) {
            while (start < sorted.size() && name.apply(sorted.get(start)).compareTo(after) <= 0) {
                start++;
            }
        }
        int end = Math.min(sorted.size(), start + pageSize);
        JsonArray value = new JsonArray();
        for (int i = start; i < end; i++) {
            value.add(render.apply(sorted.get(i)));
        }
        String next = end < sorted.size() ? encodeToken(name.apply(sorted.get(end - 1))) : null;
        return page(value, next, pageSize, collectionUrl, apiVersion);
    }

    /** Items from the index in the token (append-only lists). */
    static <T> JsonObject byIndex(
            List<T> items,
            Function<T, JsonObject> render,
            String skipToken,
            int pageSize,
            String collectionUrl,
            String apiVersion) {
        String from = decodeToken(skipToken);
        int start;
        try {
            start = from == null ? 0 : Integer.parseInt(from);
        } catch (NumberFormatException e) {
            throw VaultError.badParameter("invalid $skiptoken");
        }
        if (start < 0) {
            throw VaultError.badParameter("invalid $skiptoken");
        }
        int end = Math.min(items.size(), start + pageSize);
        JsonArray value = new JsonArray();
        for (int i = start; i < end; i++) {
            value.add(render.apply(items.get(i)));
        }
        String next = end < items.size() ? encodeToken(Integer.toString(end)) : null;
        return page(value, next, pageSize, collectionUrl, apiVersion);
    }

    private static JsonObject page(
            JsonArray value, String nextToken, int pageSize, String collectionUrl, String apiVersion) {
        JsonObject page = new JsonObject().put("value", value);
        if (nextToken == null) {
            return page.putNull("nextLink");
        }
        return page.put(
                "nextLink",
                collectionUrl + "?api-version=" + URLEncoder.encode(apiVersion, StandardCharsets.UTF_8) + "&$skiptoken="
                        + nextToken + "&maxresults=" + pageSize);
    }
}
