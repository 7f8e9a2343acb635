package io.strongroom.vault.local.http;

import io.strongroom.vault.local.errors.VaultError;
import io.vertx.core.http.HttpMethod;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A vault request mapped to its operation, key name and version. Paths are split on '/' with
 * empty segments dropped, so the forms clients send for an empty version ({@code /keys/k/},
 * {@code /keys/k//wrapkey}) resolve like {@code /keys/k} and {@code /keys/k/wrapkey}.
 */
record ResolvedRequest(Operation operation, String name, String version) {
    private static final Pattern NAME = Pattern.compile("[0-9a-zA-Z-]{1,127}");

    static ResolvedRequest resolve(HttpMethod method, String path) {
        List<String> s = new ArrayList<>();
        for (String part : path.split("/")) {
            if (!part.isEmpty()) {
                s.add(part);
            }
        }
        if (s.isEmpty()) {
            throw VaultError.notFoundPath(path);
        }
        String root = s.get(0);
        if (root.equals("keys")) {
            return keys(method, path, s);
        }
        if (root.equals("deletedkeys")) {
            return deletedKeys(method, path, s);
        }
        throw VaultError.notFoundPath(path);
    }

    private static ResolvedRequest keys(HttpMethod method, String path, List<String> s) {
        switch (s.size()) {
            case 1:
                return only(method, HttpMethod.GET, path, new ResolvedRequest(Operation.LIST_KEYS, null, null));
            case 2: {
                if (method == HttpMethod.POST && s.get(1).equals("restore")) {
                    return new ResolvedRequest(Operation.RESTORE_KEY, null, null);
                }
                String name = name(s.get(1));
                if (method == HttpMethod.GET) {
                    return new ResolvedRequest(Operation.GET_KEY, name, null);
                }
                if (method == HttpMethod.PATCH) {
                    return new ResolvedRequest(Operation.UPDATE_KEY, name, null);
                }
                if (method == HttpMethod.PUT) {
                    return new ResolvedRequest(Operation.IMPORT_KEY, name, null);
                }
                return only(method, HttpMethod.DELETE, path, new ResolvedRequest(Operation.DELETE_KEY, name, null));
            }
            case 3: {
                String name = name(s.get(1));
                String third = s.get(2);
                switch (third) {
                    case "create":
                        return only(
                                method, HttpMethod.POST, path, new ResolvedRequest(Operation.CREATE_KEY, name, null));
                    case "rotate":
                        return only(
                                method, HttpMethod.POST, path, new ResolvedRequest(Operation.ROTATE_KEY, name, null));
                    case "backup":
                        return only(
                                method, HttpMethod.POST, path, new ResolvedRequest(Operation.BACKUP_KEY, name, null));
                    case "versions":
                        return only(
                                method, HttpMethod.GET, path, new ResolvedRequest(Operation.LIST_VERSIONS, name, null));
                    case "wrapkey":
                        return only(method, HttpMethod.POST, path, new ResolvedRequest(Operation.WRAP_KEY, name, null));
                    case "unwrapkey":
                        return only(
                                method, HttpMethod.POST, path, new ResolvedRequest(Operation.UNWRAP_KEY, name, null));
                    default:
                        if (method == HttpMethod.PATCH) {
                            return new ResolvedRequest(Operation.UPDATE_KEY, name, third);
                        }
                        return only(method, HttpMethod.GET, path, new ResolvedRequest(Operation.GET_KEY, name, third));
                }
            }
            case 4: {
                String name = name(s.get(1));
                String op = s.get(3);
                if (op.equals("wrapkey")) {
                    return only(method, HttpMethod.POST, path, new ResolvedRequest(Operation.WRAP_KEY, name, s.get(2)));
                }
                if (op.equals("unwrapkey")) {
                    return only(
                            method, HttpMethod.POST, path, new ResolvedRequest(Operation.UNWRAP_KEY, name, s.get(2)));
                }
                throw VaultError.notFoundPath(path);
            }
            default:
                throw VaultError.notFoundPath(path);
        }
    }

    private static ResolvedRequest deletedKeys(HttpMethod method, String path, List<String> s) {
        switch (s.size()) {
            case 1:
                return only(method, HttpMethod.GET, path, new ResolvedRequest(Operation.LIST_DELETED, null, null));
            case 2: {
                String name = name(s.get(1));
                if (method == HttpMethod.DELETE) {
                    return new ResolvedRequest(Operation.PURGE_DELETED, name, null);
                }
                return only(method, HttpMethod.GET, path, new ResolvedRequest(Operation.GET_DELETED, name, null));
            }
            case 3:
                if (s.get(2).equals("recover")) {
                    return only(
                            method,
                            HttpMethod.POST,
                            path,
                            new ResolvedRequest(Operation.RECOVER_DELETED, name(s.get(1)), null));
                }
                throw VaultError.notFoundPath(path);
            default:
                throw VaultError.notFoundPath(path);
        }
    }

    private static ResolvedRequest only(HttpMethod actual, HttpMethod expected, String path, ResolvedRequest r) {
        if (actual != expected) {
            throw VaultError.methodNotAllowed(actual.name(), path);
        }
        return r;
    }

    private static String name(String candidate) {
        if (!NAME.matcher(candidate).matches()) {
            throw VaultError.badParameter("Key name must match ^[0-9a-zA-Z-]{1,127}$: " + candidate);
        }
        return candidate;
    }
}
