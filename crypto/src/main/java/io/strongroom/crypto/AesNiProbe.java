package io.strongroom.crypto;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * Checks that AES-GCM runs on the CPU's AES instructions: CPU flags, JVM, HotSpot flags, and a
 * short self-test. Without intrinsics AES-GCM is many times slower, so that case is logged loudly.
 */
public final class AesNiProbe {

    private static final System.Logger LOG = System.getLogger(AesNiProbe.class.getName());

    /** HotSpot flags reported when this JVM has them (the intrinsic ones are diagnostic, readable but not settable by default). */
    private static final List<String> VM_FLAGS = List.of(
            "UseAES",
            "UseAESIntrinsics",
            "UseAESCTRIntrinsics",
            "UseGHASHIntrinsics",
            "UseAVX",
            "TieredCompilation",
            "TieredStopAtLevel");

    private static final int SELF_TEST_BLOCK = 8192;
    /*
     * The AES and GHASH intrinsics only run in JIT-compiled code, and the JIT compiles after enough
     * calls, not enough bytes: warm up with many small seals (about 20k, 0.1-0.3 s on a cold JVM),
     * or an 8 KiB figure taken cold would read 50 MB/s where the steady state is several GB/s.
     * Opens get their own warm-up, after the measurement so it does not delay the seal path's
     * compilation: decryption is separate code in the JDK (JDK 17: GaloisCounterMode$GCMDecrypt), and
     * left cold it runs the pure-Java GHASH and CTR through a server's first seconds of reads
     * (docs/PERFORMANCE.md, "JDK 17 open path"). 10k opens are twice what C2's thresholds need.
     */
    private static final int WARM_UP_BLOCK = 512;
    private static final int WARM_UP_SEALS = 20_000;
    private static final int WARM_UP_OPENS = 10_000;
    private static final long WARM_UP_MAX_NANOS = 400_000_000L;
    private static final long WARM_UP_MAX_WALL_NANOS = 2_000_000_000L;
    private static final long MEASURE_NANOS = 20_000_000L;

    private AesNiProbe() {}

    /** Probes (0.1-0.6 s on an idle core, at most ~4 s on a busy one; nearly all of it JIT warm-up) and logs a WARNING per problem found. */
    public static AesNiReport run() {
        String cpuModel = "unknown";
        List<String> flags = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        boolean cpuinfoRead = false;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name") && "unknown".equals(cpuModel)) {
                    cpuModel = line.substring(line.indexOf(':') + 1).trim();
                } else if (line.startsWith("flags") && !cpuinfoRead) {
                    cpuinfoRead = true;
                    for (String f : line.substring(line.indexOf(':') + 1).trim().split("\\s+")) {
                        if (isAesRelevant(f)) {
                            flags.add(f);
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            warnings.add("could not read /proc/cpuinfo: CPU flags unknown");
        }
        Map<String, String> vmFlags = readVmFlags();

        // Without /proc/cpuinfo the JVM's own flags decide (HotSpot turns UseAES off on a CPU without AES-NI).
        boolean cpuHasAes = !cpuinfoRead || flags.contains("aes");
        if (cpuinfoRead && !flags.contains("aes")) {
            warnings.add("CPU has no AES-NI (no 'aes' flag): AES-GCM runs in software, many times slower");
        }
        if (cpuinfoRead && !flags.contains("pclmulqdq")) {
            warnings.add("CPU has no PCLMULQDQ: GHASH runs in software");
        }
        // UseAESIntrinsics is diagnostic, readable only with -XX:+UnlockDiagnosticVMOptions; when it is not
        // readable HotSpot's default applies: on whenever UseAES is on.
        boolean jvmUsesAes = !"false".equals(vmFlags.get("UseAES")) && !"false".equals(vmFlags.get("UseAESIntrinsics"));
        for (String f : List.of("UseAES", "UseAESIntrinsics", "UseAESCTRIntrinsics", "UseGHASHIntrinsics")) {
            if ("false".equals(vmFlags.get(f))) {
                warnings.add("HotSpot flag " + f + " is off: AES-GCM is many times slower");
            }
        }
        if (flags.contains("avx512f")
                && flags.contains("vaes")
                && vmFlags.containsKey("UseAVX")
                && parseIntOr(vmFlags.get("UseAVX"), 3) < 3) {
            warnings.add("CPU has AVX-512/VAES but UseAVX=" + vmFlags.get("UseAVX")
                    + ": the fastest AES-GCM path is disabled");
        }
        if (!"false".equals(vmFlags.get("TieredCompilation")) && parseIntOr(vmFlags.get("TieredStopAtLevel"), 4) < 4) {
            warnings.add(
                    "TieredStopAtLevel=" + vmFlags.get("TieredStopAtLevel")
                            + ": C2 never compiles, and only C2 code uses the AES-CTR and GHASH intrinsics (AES-GCM ~100x slower)");
        }
        boolean intrinsicsOn = cpuHasAes && jvmUsesAes;

        AesNiReport report = new AesNiReport(
                cpuModel,
                flags,
                System.getProperty("java.vm.vendor", "unknown"),
                System.getProperty("java.runtime.version", System.getProperty("java.version", "unknown")),
                vmFlags,
                intrinsicsOn,
                selfTestMBps(),
                warnings);
        for (String w : report.warnings()) {
            LOG.log(System.Logger.Level.WARNING, "AES-NI probe: " + w);
        }
        return report;
    }

    private static boolean isAesRelevant(String flag) {
        return flag.equals("aes")
                || flag.equals("pclmulqdq")
                || flag.equals("vaes")
                || flag.equals("vpclmulqdq")
                || flag.equals("avx")
                || flag.equals("avx2")
                || flag.startsWith("avx512");
    }

    private static Map<String, String> readVmFlags() {
        Map<String, String> out = new LinkedHashMap<>();
        HotSpotDiagnosticMXBean hotspot;
        try {
            hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        } catch (RuntimeException | LinkageError e) {
            return out;
        }
        if (hotspot == null) {
            return out;
        }
        for (String name : VM_FLAGS) {
            try {
                out.put(name, hotspot.getVMOption(name).getValue());
            } catch (RuntimeException e) {
                // Not a flag of this JVM (or not readable): reported as absent.
            }
        }
        return out;
    }

    private static int parseIntOr(String s, int fallback) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    /**
     * Warms up with small seals, then seals 8 KiB blocks for ~20 ms, then warms up opens. Timed in this
     * thread's CPU time where the JVM offers it, so a busy machine (other processes on the core) does
     * not deflate the figure; the JIT's own compile threads still have to finish the warm-up. A rough
     * figure, for the log and the health page.
     */
    private static double selfTestMBps() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        LongSupplier clock =
                threads.isCurrentThreadCpuTimeSupported() ? threads::getCurrentThreadCpuTime : System::nanoTime;
        BlockSealer sealer = BlockSealer.create();
        Dek dek = Dek.generate();
        try {
            BlockAddress at = new BlockAddress(new UUID(0, 0), 0);
            ByteBuffer in = ByteBuffer.allocate(SELF_TEST_BLOCK);
            ByteBuffer out = ByteBuffer.allocate(BlockSealer.sealedSize(SELF_TEST_BLOCK));
            warmUp(WARM_UP_SEALS, clock, () -> sealer.seal(dek, at, in.clear().limit(WARM_UP_BLOCK), out.clear()));
            long blocks = 0;
            long begin = clock.getAsLong();
            long elapsed;
            do {
                for (int i = 0; i < 8; i++) {
                    in.clear();
                    out.clear();
                    sealer.seal(dek, at, in, out);
                }
                blocks += 8;
                elapsed = clock.getAsLong() - begin;
            } while (elapsed < MEASURE_NANOS);
            double mbps = blocks * (double) SELF_TEST_BLOCK * 1000.0 / elapsed;

            ByteBuffer sealed = ByteBuffer.allocate(BlockSealer.sealedSize(WARM_UP_BLOCK));
            sealer.seal(dek, at, in.clear().limit(WARM_UP_BLOCK), sealed);
            ByteBuffer opened = ByteBuffer.allocate(WARM_UP_BLOCK);
            warmUp(WARM_UP_OPENS, clock, () -> sealer.open(dek, at, sealed.flip(), opened.clear()));
            return mbps;
        } finally {
            dek.destroy();
        }
    }

    /** Runs {@code step} {@code times} times, or until it took {@value #WARM_UP_MAX_NANOS} ns of {@code clock} or 2 s of wall time. */
    private static void warmUp(int times, LongSupplier clock, Runnable step) {
        long wallStart = System.nanoTime();
        long start = clock.getAsLong();
        for (int i = 0; i < times; i++) {
            step.run();
            if ((i & 63) == 0
                    && (clock.getAsLong() - start > WARM_UP_MAX_NANOS
                            || System.nanoTime() - wallStart > WARM_UP_MAX_WALL_NANOS)) {
                return;
            }
        }
    }
}
