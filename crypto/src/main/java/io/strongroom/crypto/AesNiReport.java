package io.strongroom.crypto;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@link AesNiProbe} found: whether AES-GCM runs on the CPU's AES instructions in this JVM.
 *
 * @param cpuModel      the CPU model name, or "unknown"
 * @param cpuFlags      the AES-relevant CPU flags present (aes, pclmulqdq, vaes, vpclmulqdq, avx, avx2, avx512*)
 * @param jvmVendor     java.vm.vendor
 * @param jvmVersion    java.runtime.version
 * @param vmFlags       HotSpot flags that could be read, name to value (UseAES, UseAVX, UseAESIntrinsics, ...)
 * @param intrinsicsOn  true when the CPU has AES-NI and the JVM uses its AES intrinsics
 * @param selfTestMBps  MB/s (10^6 bytes) sealing 8 KiB blocks on one thread during the short self-test
 * @param warnings      what is wrong or suspicious, empty when all is well
 */
public record AesNiReport(
        String cpuModel,
        List<String> cpuFlags,
        String jvmVendor,
        String jvmVersion,
        Map<String, String> vmFlags,
        boolean intrinsicsOn,
        double selfTestMBps,
        List<String> warnings) {

    public AesNiReport {
        cpuFlags = List.copyOf(cpuFlags);
        vmFlags = Map.copyOf(vmFlags);
        warnings = List.copyOf(warnings);
    }

    /** All fields as a map of JSON-friendly values (strings, booleans, numbers, lists, maps), in a stable order. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("intrinsicsOn", intrinsicsOn);
        m.put("selfTestMBps", Math.round(selfTestMBps));
        m.put("cpuModel", cpuModel);
        m.put("cpuFlags", cpuFlags);
        m.put("jvmVendor", jvmVendor);
        m.put("jvmVersion", jvmVersion);
        m.put("vmFlags", new TreeMap<>(vmFlags));
        m.put("warnings", warnings);
        return m;
    }

    /** One log line, e.g. "AES-GCM intrinsics on, self-test 3400 MB/s (8 KiB seals); cpu: aes pclmulqdq ...". */
    public String summaryLine() {
        StringBuilder sb = new StringBuilder(160);
        sb.append("AES-GCM intrinsics ")
                .append(intrinsicsOn ? "on" : "OFF")
                .append(String.format(Locale.US, ", self-test %.0f MB/s (8 KiB seals)", selfTestMBps))
                .append("; cpu: ")
                .append(cpuFlags.isEmpty() ? "no AES flags seen" : String.join(" ", cpuFlags))
                .append("; jvm: ")
                .append(jvmVendor)
                .append(' ')
                .append(jvmVersion);
        new TreeMap<>(vmFlags)
                .forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
        if (!warnings.isEmpty()) {
            sb.append("; WARNINGS: ").append(String.join(" | ", warnings));
        }
        return sb.toString();
    }
}
