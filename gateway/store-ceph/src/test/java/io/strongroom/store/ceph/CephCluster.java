package io.strongroom.store.ceph;

import io.strongroom.core.store.StorageOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The throwaway single-node Ceph cluster of a test run ({@code bench/ceph-dev.sh}): started by the first test that
 * asks for it, shared by every test class of the run, stopped and removed when the run ends. When it cannot start,
 * the test fails (Ceph is installed in CI by {@code .ci/run}). Tests get it as a parameter
 * ({@code @ExtendWith(CephCluster.Extension.class)}) and keep apart in namespaces of their own
 * ({@link #options(String)}).
 */
public final class CephCluster implements AutoCloseable {

    private static final long START_TIMEOUT_SECONDS = 600;

    private final Path script;
    private final Path dir;
    private final Path conf;

    private CephCluster(Path script, Path dir, Path conf) {
        this.script = script;
        this.dir = dir;
        this.conf = conf;
    }

    /** The cluster's ceph.conf. */
    public Path conf() {
        return conf;
    }

    /** Options of the {@code ceph} backend over this cluster's pool, in {@code namespace}, without the slot cache. */
    public StorageOptions options(String namespace) {
        return new StorageOptions()
                .setBackend(CephStorageBackendFactory.NAME)
                .setCephConf(conf)
                .setCephNamespace(namespace)
                .setCacheBytes(0);
    }

    /** A namespace no other test uses. */
    public static String freshNamespace() {
        return "test-" + UUID.randomUUID();
    }

    static CephCluster start() throws IOException, InterruptedException {
        Path script = findScript();
        Path dir = Files.createTempDirectory("strongroom-ceph").resolve("cluster");
        Path log = dir.resolveSibling("ceph-dev.log");
        Process p = new ProcessBuilder("bash", script.toString(), "start", dir.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (!p.waitFor(START_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        if (!p.isAlive() && p.exitValue() == 0) {
            Path conf = Path.of(out.strip().lines().reduce((a, b) -> b).orElseThrow());
            return new CephCluster(script, dir, conf);
        }
        new CephCluster(script, dir, dir.resolve("ceph.conf")).close();
        throw new IllegalStateException("the throwaway Ceph cluster did not start (" + script + "):\n" + out);
    }

    /** Stops the daemons and removes the cluster's directory and the start log beside it. */
    @Override
    public void close() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bash", script.toString(), "stop", dir.toString())
                .inheritIO()
                .start();
        p.waitFor(120, TimeUnit.SECONDS);
        Files.deleteIfExists(dir.resolveSibling("ceph-dev.log"));
        Files.deleteIfExists(dir.getParent());
    }

    private static Path findScript() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path candidate = d.resolve("bench/ceph-dev.sh");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException(
                "bench/ceph-dev.sh not found above " + Path.of("").toAbsolutePath());
    }

    /** Resolves a {@link CephCluster} parameter: the one cluster of the run, started on first use. */
    public static final class Extension implements ParameterResolver {
        @Override
        public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
            return parameter.getParameter().getType() == CephCluster.class;
        }

        @Override
        public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
            return context.getRoot()
                    .getStore(ExtensionContext.Namespace.create(CephCluster.class))
                    .getOrComputeIfAbsent(
                            CephCluster.class,
                            k -> {
                                try {
                                    return start();
                                } catch (IOException e) {
                                    throw new IllegalStateException("cannot run bench/ceph-dev.sh", e);
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                    throw new IllegalStateException("interrupted while Ceph started", e);
                                }
                            },
                            CephCluster.class);
        }
    }
}
