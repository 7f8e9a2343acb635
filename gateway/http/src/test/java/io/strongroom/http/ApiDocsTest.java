package io.strongroom.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.strongroom.core.error.ErrorCode;
import io.strongroom.core.metrics.Metric;
import io.strongroom.core.metrics.MetricCatalog;
import io.vertx.core.Vertx;
import io.vertx.openapi.contract.OpenAPIContract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/openapi.yaml is a valid OpenAPI 3.0 document (checked by vertx-openapi against the OpenAPI schema), and it
 * and docs/API.md describe every route and every error code the server has.
 */
class ApiDocsTest {
    private static final Path DOCS = Path.of("..", "..", "docs");
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "head", "options", "patch");

    private static Vertx vertx;

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void closeVertx() throws Exception {
        vertx.close().await(30, TimeUnit.SECONDS);
    }

    private static OpenAPIContract contract(Path file) throws Exception {
        return OpenAPIContract.from(vertx, file.toString()).await(60, TimeUnit.SECONDS);
    }

    @Test
    void openApiIsAValidContract() throws Exception {
        assertEquals(
                Route.values().length - 1,
                contract(DOCS.resolve("openapi.yaml")).operations().size());
    }

    /**
     * The validator catches the mistake the docs once had: an unquoted comma in a flow mapping's description makes
     * the words after it keys of the schema, which the OpenAPI schema does not allow.
     */
    @Test
    void theValidatorRejectsADescriptionSplitByCommas(@TempDir Path dir) throws Exception {
        String spec = Files.readString(DOCS.resolve("openapi.yaml"));
        String quoted =
                "description: \"AES-NI probe report (intrinsicsOn, selfTestMBps, cpu flags, JVM flags, warnings)\"";
        assertTrue(spec.contains(quoted));
        Path broken = dir.resolve("openapi.yaml");
        Files.writeString(broken, spec.replace(quoted, quoted.replace("\"", "")));
        Exception failure = assertThrows(Exception.class, () -> contract(broken));
        StringBuilder causes = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            causes.append(t.getMessage()).append('\n');
        }
        assertTrue(causes.toString().contains("\"selfTestMBps\""), causes.toString());
    }

    /**
     * What a linter (redocly's recommended rules) asks beyond validity: a licence, a unique operationId on every
     * operation, and a 4xx answer documented for each.
     */
    @Test
    @SuppressWarnings("unchecked")
    void everyOperationHasAnIdAndAClientErrorAndTheApiALicence() throws Exception {
        Map<String, Object> spec =
                new YAMLMapper().readValue(DOCS.resolve("openapi.yaml").toFile(), Map.class);
        Map<String, Object> license = (Map<String, Object>) ((Map<String, Object>) spec.get("info")).get("license");
        assertNotNull(license, "info.license");
        assertNotNull(license.get("name"), "info.license.name");
        Set<String> ids = new HashSet<>();
        Map<String, Map<String, Object>> paths = (Map<String, Map<String, Object>>) spec.get("paths");
        for (Map.Entry<String, Map<String, Object>> path : paths.entrySet()) {
            for (Map.Entry<String, Object> op : path.getValue().entrySet()) {
                if (!METHODS.contains(op.getKey())) {
                    continue;
                }
                Map<String, Object> operation = (Map<String, Object>) op.getValue();
                String where = op.getKey() + " " + path.getKey();
                Object id = operation.get("operationId");
                assertTrue(id instanceof String && ids.add((String) id), where + ": missing or repeated operationId");
                Map<String, Object> responses = (Map<String, Object>) operation.get("responses");
                assertTrue(responses.keySet().stream().anyMatch(s -> s.startsWith("4")), where + ": no 4xx answer");
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void openApiHasEveryRouteAndErrorCode() throws Exception {
        Map<String, Object> spec =
                new YAMLMapper().readValue(DOCS.resolve("openapi.yaml").toFile(), Map.class);
        Map<String, Object> paths = (Map<String, Object>) spec.get("paths");
        for (Route route : Route.values()) {
            if (route == Route.UNMATCHED) {
                continue;
            }
            String[] methodAndPath = route.label().split(" ");
            Map<String, Object> item = (Map<String, Object>) paths.get(methodAndPath[1]);
            assertNotNull(item, "openapi.yaml lacks " + methodAndPath[1]);
            assertNotNull(item.get(methodAndPath[0].toLowerCase(Locale.ROOT)), "openapi.yaml lacks " + route.label());
        }
        Map<String, Object> schemas =
                (Map<String, Object>) ((Map<String, Object>) spec.get("components")).get("schemas");
        List<String> codes = (List<String>) ((Map<String, Object>) schemas.get("ErrorCode")).get("enum");
        List<String> expected = new ArrayList<>();
        for (ErrorCode c : ErrorCode.values()) {
            expected.add(c.name());
        }
        assertEquals(expected, codes);
    }

    @Test
    void apiMarkdownHasEveryMetric() throws Exception {
        String doc = Files.readString(DOCS.resolve("API.md"));
        for (Metric m : MetricCatalog.ALL) {
            assertTrue(doc.contains("`" + m.name() + "`") || doc.contains("`" + m.name() + "{"), "API.md lacks " + m);
        }
    }

    @Test
    void apiMarkdownHasEveryRouteAndErrorCode() throws Exception {
        String doc = Files.readString(DOCS.resolve("API.md"));
        for (Route route : Route.values()) {
            if (route != Route.UNMATCHED) {
                assertTrue(doc.contains("`" + route.label()), "API.md lacks " + route.label());
            }
        }
        for (ErrorCode c : ErrorCode.values()) {
            assertTrue(doc.contains("| `" + c.name() + "` | " + HttpStatuses.of(c) + " |"), "API.md lacks " + c);
        }
    }
}
