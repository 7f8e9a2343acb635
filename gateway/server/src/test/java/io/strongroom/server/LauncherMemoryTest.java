package io.strongroom.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code strongroom} launcher at the repository root (issue 11, finding 5): run with bash, as an operator does,
 * on a stand-in jar ({@code STRONGROOM_JAR}) whose main class reports the heap and direct-memory limits the JVM
 * really got, its system properties and arguments.
 */
class LauncherMemoryTest {
    private static final long MIB = 1024 * 1024;
    private static final Path LAUNCHER =
            Path.of("../../strongroom").toAbsolutePath().normalize();

    @TempDir
    static Path dir;

    static Path jar;

    /** The stand-in gateway: prints what the launcher gave the JVM. */
    public static final class Probe {
        public static void main(String[] args) {
            HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            System.out.println("heap=" + vm.getVMOption("MaxHeapSize").getValue());
            System.out.println(
                    "initialHeap=" + vm.getVMOption("InitialHeapSize").getValue());
            System.out.println("direct=" + vm.getVMOption("MaxDirectMemorySize").getValue());
            System.out.println("g1=" + vm.getVMOption("UseG1GC").getValue());
            System.out.println("zgc=" + vm.getVMOption("UseZGC").getValue());
            System.out.println("disableMetrics=" + System.getProperty("vertx.disableMetrics"));
            System.out.println("args=" + String.join(" ", args));
        }
    }

    @BeforeAll
    static void buildProbeJar() throws IOException {
        jar = dir.resolve("probe.jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, Probe.class.getName());
        String entry = Probe.class.getName().replace('.', '/') + ".class";
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest);
                InputStream in = Probe.class.getClassLoader().getResourceAsStream(entry)) {
            out.putNextEntry(new JarEntry(entry));
            in.transferTo(out);
            out.closeEntry();
        }
    }

    record Run(int exit, String out, String err) {
        long value(String name) {
            return out.lines()
                    .filter(l -> l.startsWith(name + "="))
                    .map(l -> Long.parseLong(l.substring(name.length() + 1)))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no " + name + " in: " + out + err));
        }
    }

    @Test
    void theDefaultFitsASmallMachine() throws Exception {
        Run run = launch(Map.of(), "--port", "0");
        assertEquals(0, run.exit(), run.err());
        assertEquals(512 * MIB, run.value("heap"), "half of the default 1g");
        assertEquals(512 * MIB, run.value("initialHeap"), "a fixed heap");
        assertEquals(256 * MIB, run.value("direct"), "a quarter of the default 1g");
        assertTrue(run.out().contains("disableMetrics=true"), run.out());
        assertTrue(run.out().contains("args=--port 0"), "arguments reach the gateway: " + run.out());
    }

    /** G1 even where the JVM would pick Serial by itself (one CPU), unless the operator chooses a collector. */
    @Test
    void theCollectorIsG1UnlessChosen() throws Exception {
        Run oneCpu = launch(Map.of("STRONGROOM_JAVA_OPTS", "-XX:ActiveProcessorCount=1"));
        assertEquals(0, oneCpu.exit(), oneCpu.err());
        assertTrue(oneCpu.out().contains("g1=true"), oneCpu.out());

        Run chosen = launch(Map.of("STRONGROOM_JAVA_OPTS", "-XX:+UseZGC"));
        assertEquals(0, chosen.exit(), "no conflicting collector options: " + chosen.err());
        assertTrue(chosen.out().contains("zgc=true") && chosen.out().contains("g1=false"), chosen.out());
    }

    @Test
    void strongroomMemorySplitsIntoHeapAndDirectMemory() throws Exception {
        Run run = launch(Map.of("STRONGROOM_MEMORY", "3g"));
        assertEquals(0, run.exit(), run.err());
        assertEquals(1536 * MIB, run.value("heap"));
        assertEquals(768 * MIB, run.value("direct"));

        Run inMib = launch(Map.of("STRONGROOM_MEMORY", "768m"));
        assertEquals(384 * MIB, inMib.value("heap"));
        assertEquals(192 * MIB, inMib.value("direct"));
    }

    @Test
    void javaOptionsOverrideTheSplit() throws Exception {
        Run run = launch(
                Map.of("STRONGROOM_MEMORY", "2g", "STRONGROOM_JAVA_OPTS", "-Xmx300m -XX:MaxDirectMemorySize=100m"));
        assertEquals(0, run.exit(), run.err());
        assertEquals(300 * MIB, run.value("heap"));
        assertEquals(100 * MIB, run.value("direct"));

        Run initial = launch(Map.of("STRONGROOM_JAVA_OPTS", "-Xms64m"));
        assertEquals(0, initial.exit(), initial.err());
        assertEquals(64 * MIB, initial.value("initialHeap"), "the launcher's heap size is left out altogether");
        assertEquals(256 * MIB, initial.value("direct"), "the direct-memory split stays");
    }

    @Test
    void aBadOrTooSmallSizeIsRefusedBeforeJavaStarts() throws Exception {
        Run bad = launch(Map.of("STRONGROOM_MEMORY", "lots"));
        assertEquals(2, bad.exit());
        assertTrue(bad.err().contains("STRONGROOM_MEMORY='lots' is not a size"), bad.err());
        assertEquals("", bad.out(), "the JVM never ran");

        Run small = launch(Map.of("STRONGROOM_MEMORY", "128m"));
        assertEquals(2, small.exit());
        assertTrue(small.err().contains("below 256m"), small.err());
    }

    private static Run launch(Map<String, String> env, String... args) throws Exception {
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        List<String> command = new ArrayList<>(List.of("bash", LAUNCHER.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().remove("STRONGROOM_MEMORY");
        builder.environment().remove("STRONGROOM_JAVA_OPTS");
        builder.environment().put("STRONGROOM_JAR", jar.toString());
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the launcher did not end in 120 s");
        }
        return new Run(
                process.exitValue(),
                Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }
}
