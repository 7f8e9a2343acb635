package io.strongroom.store.local;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.core.metrics.Metric;
import io.strongroom.core.metrics.PrometheusWriter;
import io.strongroom.core.store.StoreMetric;
import io.strongroom.core.store.StoreMetricsSource;
import io.strongroom.core.testkit.Await;
import io.strongroom.core.testkit.store.SlotPattern;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store's metric families as the gateway writes them for this backend, against docs/API.md: every family, the
 * generic ones and the local backend's own, is named there, and the names of today's dashboards stay.
 */
class StoreMetricsDocsTest {

    private static final Path API_MD = Path.of("..", "..", "docs", "API.md");

    @Test
    void everyStoreFamilyOfTheLocalBackendIsDocumented() throws Exception {
        String doc = Files.readString(API_MD);
        List<Metric> families = new ArrayList<>(StoreMetricsSource.GENERIC);
        for (StoreMetric m : new StoreMetrics().snapshot(0, 0).details()) {
            families.add(m.metric());
        }
        for (Metric m : families) {
            assertTrue(doc.contains("`" + m.name() + "`"), "API.md lacks " + m.name());
        }
    }

    @Test
    void theFamiliesDashboardsUseKeepTheirNames(@TempDir Path dir) {
        Vertx vertx = Vertx.vertx();
        try {
            LocalFileBlockStore store =
                    Await.result(LocalFileBlockStore.open(vertx, new LocalFileBlockStoreOptions().setDataDir(dir)));
            UUID volume = UUID.randomUUID();
            Await.result(store.createVolume(volume, 4096 + 48, 8));
            Await.result(store.write(volume, 0, SlotPattern.run(4096 + 48, 0, 2, 1)));
            Await.result(store.read(volume, 0, 1));
            PrometheusWriter out = new PrometheusWriter();
            new StoreMetricsSource(store).writeTo(out);
            Await.result(store.close());
            String page = out.toString();
            for (String line : List.of(
                    "# TYPE strongroom_store_reads_total counter",
                    "strongroom_store_reads_total 1",
                    "strongroom_store_cache_hits_total 0",
                    "# TYPE strongroom_store_cache_bytes gauge",
                    "strongroom_store_writes_total 1",
                    "strongroom_store_journal_syncs_total 1",
                    "strongroom_store_batches_total 1",
                    "# TYPE strongroom_store_largest_batch gauge",
                    "strongroom_store_pending_writes 0")) {
                assertTrue(page.contains(line + "\n"), () -> "missing '" + line + "' in\n" + page);
            }
        } finally {
            Await.result(vertx.close());
        }
    }
}
