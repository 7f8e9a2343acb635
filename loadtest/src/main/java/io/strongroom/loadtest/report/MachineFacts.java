package io.strongroom.loadtest.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Facts about the machine and the JVMs that produced a report, so figures can be compared honestly: the load tool's
 * JVM, and the gateway's when it ran in this process ({@code --embedded}); null for a gateway elsewhere, whose
 * {@code /health} shows its own AES-NI probe.
 */
public record MachineFacts(int cores, String cpuModel, String os, JvmFacts loadTool, JvmFacts gateway) {

    public static MachineFacts collect(boolean nativeTransport) {
        return new MachineFacts(
                Runtime.getRuntime().availableProcessors(),
                readCpuModel(),
                System.getProperty("os.name", "?") + " " + System.getProperty("os.version", "") + " "
                        + System.getProperty("os.arch", ""),
                JvmFacts.ofThisJvm("load tool", JvmFacts.aesFlags(), nativeTransport ? "epoll" : "nio"),
                null);
    }

    /** The same machine, with the facts of the gateway the run measured. */
    public MachineFacts withGateway(JvmFacts gatewayJvm) {
        return new MachineFacts(cores, cpuModel, os, loadTool, gatewayJvm);
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
        m.put("os", os);
        m.put("loadToolJvm", loadTool.toMap());
        m.put("gatewayJvm", gateway == null ? null : gateway.toMap());
        return m;
    }
}
