package io.strongroom.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AesNiProbeTest {

    @Test
    void reportIsPopulated() throws Exception {
        AesNiReport r = AesNiProbe.run();
        assertTrue(r.selfTestMBps() > 0, "self-test figure " + r.selfTestMBps());
        assertEquals(System.getProperty("java.vm.vendor"), r.jvmVendor());
        assertFalse(r.jvmVersion().isBlank());
        assertTrue(r.vmFlags().containsKey("UseAES"), r.vmFlags().toString());
        assertNotNull(r.warnings());
        if (Files.isReadable(Path.of("/proc/cpuinfo"))) {
            String cpuinfo = Files.readString(Path.of("/proc/cpuinfo"));
            assertEquals(cpuinfo.contains(" aes "), r.cpuFlags().contains("aes"));
            assertFalse(r.cpuModel().isBlank());
        }
        boolean expectOn = r.cpuFlags().contains("aes")
                && "true".equals(r.vmFlags().get("UseAES"))
                && !"false".equals(r.vmFlags().get("UseAESIntrinsics"));
        assertEquals(expectOn, r.intrinsicsOn());
        assertEquals(
                r.intrinsicsOn(),
                r.warnings().stream().noneMatch(w -> w.contains("is off") || w.contains("no AES-NI")));
    }

    @Test
    void mapAndSummaryCarryTheFigures() {
        AesNiReport r = AesNiProbe.run();
        Map<String, Object> m = r.toMap();
        assertEquals(
                List.of(
                        "intrinsicsOn",
                        "selfTestMBps",
                        "cpuModel",
                        "cpuFlags",
                        "jvmVendor",
                        "jvmVersion",
                        "vmFlags",
                        "warnings"),
                List.copyOf(m.keySet()));
        assertEquals(r.intrinsicsOn(), m.get("intrinsicsOn"));
        assertEquals(Math.round(r.selfTestMBps()), m.get("selfTestMBps"));
        String line = r.summaryLine();
        assertTrue(line.startsWith("AES-GCM intrinsics " + (r.intrinsicsOn() ? "on" : "OFF")), line);
        assertTrue(line.contains(String.format(java.util.Locale.US, "%.0f MB/s", r.selfTestMBps())), line);
        assertTrue(line.contains(r.jvmVersion()), line);
    }

    /** A JVM that never reaches C2 runs AES-GCM in pure Java (~100x slower): the probe must say so. */
    @Test
    void warnsWhenC2IsOff() throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(
                        java,
                        "-XX:TieredStopAtLevel=1",
                        "-cp",
                        System.getProperty("java.class.path"),
                        PrintProbeWarnings.class.getName())
                .redirectErrorStream(true)
                .start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), output);
        assertTrue(output.contains("warning: TieredStopAtLevel=1: C2 never compiles"), output);
    }

    /** Entry point of the child JVM in {@link #warnsWhenC2IsOff()}. */
    static final class PrintProbeWarnings {
        public static void main(String[] args) {
            AesNiProbe.run().warnings().forEach(w -> System.out.println("warning: " + w));
        }
    }
}
