package io.strongroom.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.strongroom.core.error.ErrorCode;
import io.strongroom.core.metrics.Metric;
import io.strongroom.core.metrics.MetricCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** docs/openapi.yaml and docs/API.md describe every route and every error code the server has. */
class ApiDocsTest {
    private static final Path DOCS = Path.of("..", "..", "docs");

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
        Map<String, Object> error = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>)
                                ((Map<String, Object>) ((Map<String, Object>) spec.get("components")).get("schemas"))
                                        .get("Error"))
                        .get("properties"))
                .get("error");
        List<String> codes = (List<String>)
                ((Map<String, Object>) ((Map<String, Object>) error.get("properties")).get("code")).get("enum");
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
