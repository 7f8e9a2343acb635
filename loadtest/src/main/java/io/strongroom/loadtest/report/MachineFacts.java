package io.strongroom.loadtest.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Facts about the machine and JVM that produced a report, so figures can be compared honestly. */
public record MachineFacts(
        int cores,
        String cpuModel,
        String jvmVendor,
        String jvmVersion,
        String jvmName,
        String os,
        long maxHeapBytes,
        boolean nativeTransport) {

    public static MachineFacts collect(boolean nativeTransport) {
        return new MachineFacts(
                Runtime.getRuntime().availableProcessors(),
                readCpuModel(),
                System.getProperty("java.vm.vendor", "?"),
                System.getProperty("java.runtime.version", System.getProperty("java.version", "?")),
                System.getProperty("java.vm.name", "?"),
                System.getProperty("os.name", "?") + " " + System.getProperty("os.version", "") + " "
                        + System.getProperty("os.arch", ""),
                Runtime.getRuntime().maxMemory(),
                nativeTransport);
    }

    private static String readCpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            return "unknown (" + e.getClass().getSimpleName() + ")";
        }
        return "unknown";
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cores", cores);
        m.put("cpuModel", cpuModel);
        m.put("jvmVendor", jvmVendor);
        m.put("jvmVersion", jvmVersion);
        m.put("jvmName", jvmName);
        m.put("os", os);
        m.put("maxHeapBytes", maxHeapBytes);
        m.put("nativeTransport", nativeTransport);
        return m;
    }
}
