package io.strongroom.loadtest.report;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The facts of one JVM that move load-test figures: version, heap and direct-memory limits, collectors, AES, network
 * transport. The report shows the load tool's and, when it runs in this process ({@code --embedded}), the gateway's
 * side by side.
 *
 * @param process       where this JVM is, as the report says it ("load tool", "the load tool's JVM (embedded)")
 * @param maxDirectBytes the direct-memory limit (Netty's buffers): {@code -XX:MaxDirectMemorySize}, or the heap limit
 *                       when that is not set, as the JDK does
 * @param aes           the AES state: the gateway's own start-up probe when known, else the JVM's AES flags
 */
public record JvmFacts(
        String process,
        String vendor,
        String version,
        String vmName,
        long maxHeapBytes,
        long maxDirectBytes,
        String gc,
        String aes,
        String transport) {

    /** This JVM, with {@code aes} and {@code transport} as the caller knows them. */
    public static JvmFacts ofThisJvm(String process, String aes, String transport) {
        return new JvmFacts(
                process,
                System.getProperty("java.vm.vendor", "?"),
                System.getProperty("java.runtime.version", System.getProperty("java.version", "?")),
                System.getProperty("java.vm.name", "?"),
                Runtime.getRuntime().maxMemory(),
                maxDirectMemory(),
                ManagementFactory.getGarbageCollectorMXBeans().stream()
                        .map(GarbageCollectorMXBean::getName)
                        .collect(Collectors.joining(", ")),
                aes,
                transport);
    }

    /**
     * The JVM's AES switches that it shows, e.g. {@code UseAES=true} (the intrinsic switches are diagnostic flags,
     * read only with {@code -XX:+UnlockDiagnosticVMOptions}).
     */
    public static String aesFlags() {
        HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        StringBuilder out = new StringBuilder();
        for (String flag : List.of("UseAES", "UseAESIntrinsics", "UseAESCTRIntrinsics", "UseGHASHIntrinsics")) {
            try {
                String value = vm.getVMOption(flag).getValue();
                if (!value.isEmpty()) {
                    out.append(out.length() == 0 ? "" : " ")
                            .append(flag)
                            .append('=')
                            .append(value);
                }
            } catch (IllegalArgumentException notOnThisJvm) {
                // a flag this JVM does not have is left out
            }
        }
        return out.length() == 0 ? "unknown" : out.toString();
    }

    private static long maxDirectMemory() {
        HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        long set = Long.parseLong(vm.getVMOption("MaxDirectMemorySize").getValue());
        return set > 0 ? set : Runtime.getRuntime().maxMemory();
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("process", process);
        m.put("vendor", vendor);
        m.put("version", version);
        m.put("vmName", vmName);
        m.put("maxHeapBytes", maxHeapBytes);
        m.put("maxDirectBytes", maxDirectBytes);
        m.put("gc", gc);
        m.put("aes", aes);
        m.put("transport", transport);
        return m;
    }
}
