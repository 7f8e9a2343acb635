package io.strongroom.store.ceph;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A measurement, not a test: random single-slot writes and reads of sealed 8 KiB blocks (8,240-byte slots) in
 * 2 MiB data objects under four object layouts, straight over librados (no store, no gateway), in interleaved rounds
 * beside {@code rados bench -b 8192} at the same queue depth, to choose the layout (docs/SCALE-OUT.md, "Layout in the
 * pool"). The layouts, {@code i} the slot's index in its object, 254 slots per object:
 *
 * <ul>
 *   <li>{@code packed}: the 8,240-byte slot at {@code i × 8240} (volumes created before the split layout);
 *   <li>{@code split}: its first 8,192 bytes at {@code i × 8192}, its last 48 at {@code 254 × 8192 + i × 48}, one
 *       write operation with two extents, one read operation with two extents;
 *   <li>{@code omap}: the first 8,192 bytes at {@code i × 8192}, the last 48 as the omap value of key {@code i}, one
 *       write operation (extent and omap set), one read operation (extent and omap get);
 *   <li>{@code padded}: the slot padded with zeros to 12,288 bytes at {@code i × 12288} (1.5 × the space).
 * </ul>
 *
 * Every object is written whole before the rounds, so writes overwrite inside existing objects as a gateway's do.
 * Each contender writes for {@code seconds}, then reads for {@code seconds}; the OSD's CPU per operation is taken from
 * {@code /proc} when {@code OSD_PID} names the OSD's process.
 *
 * <pre>
 *   bench/ceph.sh layouts [seconds [depth [rounds]]]
 * </pre>
 */
public final class CephLayoutBenchmark {

    private static final int SLOT = 8192 + 48;
    private static final int ALIGNED = 8192;
    private static final int TRAILER = SLOT - ALIGNED;
    private static final int PADDED = 12_288;
    private static final int PER_OBJECT = CephBlockStore.TARGET_OBJECT_BYTES / SLOT;
    private static final String POOL = "strongroom";

    private CephLayoutBenchmark() {}

    /** One way of putting a slot into a data object. */
    private interface Layout {
        void write(Rados rados, String oid, int i, byte[] slot) throws RadosException;

        void read(Rados rados, String oid, int i) throws RadosException;

        /** Writes every slot of the object (before the rounds). */
        void fill(Rados rados, String oid, byte[] slot) throws RadosException;
    }

    public static void main(String[] args) throws Exception {
        Path conf = Path.of(args[0]);
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int depth = args.length > 2 ? Integer.parseInt(args[2]) : 32;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        int blocks = args.length > 4 ? Integer.parseInt(args[4]) : 16_384;
        String osdPid = System.getenv("OSD_PID");
        int objects = (blocks + PER_OBJECT - 1) / PER_OBJECT;
        String namespace = "layouts-" + UUID.randomUUID();
        byte[] slot = new byte[SLOT];
        new SplittableRandom(1).nextBytes(slot);
        Map<String, Layout> layouts = layouts();
        List<String> contenders = new ArrayList<>(List.of("rados"));
        contenders.addAll(layouts.keySet());
        Map<String, List<double[]>> results = new LinkedHashMap<>();
        try (Rados rados = Rados.connect(conf, POOL, namespace)) {
            for (Map.Entry<String, Layout> e : layouts.entrySet()) {
                for (int o = 0; o < objects; o++) {
                    e.getValue().fill(rados, e.getKey() + "." + o, slot);
                }
            }
            System.out.printf(
                    Locale.ROOT,
                    "# %d rounds, %d s per phase, queue depth %d, %d slots of %d bytes (%d objects) per layout%n",
                    rounds,
                    seconds,
                    depth,
                    objects * PER_OBJECT,
                    SLOT,
                    objects);
            for (int round = 0; round < rounds; round++) {
                for (int k = 0; k < contenders.size(); k++) {
                    String name = contenders.get((k + round) % contenders.size());
                    double[] figures = name.equals("rados")
                            ? radosBench(conf, seconds, depth, osdPid)
                            : layoutRound(rados, name, layouts.get(name), objects, slot, seconds, depth, osdPid);
                    results.computeIfAbsent(name, x -> new ArrayList<>()).add(figures);
                    System.out.printf(
                            Locale.ROOT,
                            "round %d %-7s write %,7.0f/s (osd %4.0f µs/op)  read %,7.0f/s (osd %4.0f µs/op)%n",
                            round + 1,
                            name,
                            figures[0],
                            figures[1],
                            figures[2],
                            figures[3]);
                }
            }
            for (int o = 0; o < objects; o++) {
                for (String name : layouts.keySet()) {
                    rados.remove(name + "." + o);
                }
            }
        }
        table(results, contenders);
    }

    private static Map<String, Layout> layouts() {
        Map<String, Layout> layouts = new LinkedHashMap<>();
        layouts.put("packed", new Layout() {
            @Override
            public void write(Rados rados, String oid, int i, byte[] slot) throws RadosException {
                rados.write(oid, slot, (long) i * SLOT);
            }

            @Override
            public void read(Rados rados, String oid, int i) throws RadosException {
                rados.read(oid, new byte[SLOT], (long) i * SLOT);
            }

            @Override
            public void fill(Rados rados, String oid, byte[] slot) throws RadosException {
                rados.write(oid, repeated(slot, SLOT, PER_OBJECT), 0);
            }
        });
        layouts.put("split", new Layout() {
            @Override
            public void write(Rados rados, String oid, int i, byte[] slot) throws RadosException {
                writeOp(rados, oid, (lib, op) -> {
                    lib.rados_write_op_write(op, slot, ALIGNED, (long) i * ALIGNED);
                    lib.rados_write_op_write(op, Arrays.copyOfRange(slot, ALIGNED, SLOT), TRAILER, trailerAt(i));
                });
            }

            @Override
            public void read(Rados rados, String oid, int i) throws RadosException {
                readAligned(rados, oid, i, new Remainder() {
                    private final Memory trailer = new Memory(TRAILER);
                    private final LongByReference length = new LongByReference();
                    private final IntByReference result = new IntByReference();

                    @Override
                    public void add(Librados lib, Pointer op) {
                        lib.rados_read_op_read(op, trailerAt(i), TRAILER, trailer, length, result);
                    }

                    @Override
                    public void take(Librados lib, String oid) throws RadosException {
                        check(result.getValue(), oid);
                        trailer.getByteArray(0, (int) length.getValue());
                    }
                });
            }

            @Override
            public void fill(Rados rados, String oid, byte[] slot) throws RadosException {
                byte[] image = repeated(slot, ALIGNED, PER_OBJECT);
                byte[] trailer = repeated(Arrays.copyOfRange(slot, ALIGNED, SLOT), TRAILER, PER_OBJECT);
                byte[] whole = Arrays.copyOf(image, image.length + trailer.length);
                System.arraycopy(trailer, 0, whole, image.length, trailer.length);
                rados.write(oid, whole, 0);
            }
        });
        layouts.put("omap", new Layout() {
            @Override
            public void write(Rados rados, String oid, int i, byte[] slot) throws RadosException {
                Memory value = new Memory(TRAILER);
                value.write(0, slot, ALIGNED, TRAILER);
                writeOp(rados, oid, (lib, op) -> {
                    lib.rados_write_op_write(op, slot, ALIGNED, (long) i * ALIGNED);
                    lib.rados_write_op_omap_set(
                            op, new String[] {key(i)}, new Pointer[] {value}, new long[] {TRAILER}, 1);
                });
            }

            @Override
            public void read(Rados rados, String oid, int i) throws RadosException {
                readAligned(rados, oid, i, new Remainder() {
                    private final PointerByReference iter = new PointerByReference();
                    private final IntByReference result = new IntByReference();

                    @Override
                    public void add(Librados lib, Pointer op) {
                        lib.rados_read_op_omap_get_vals_by_keys(op, new String[] {key(i)}, 1, iter, result);
                    }

                    @Override
                    public void take(Librados lib, String oid) throws RadosException {
                        try {
                            check(result.getValue(), oid);
                            PointerByReference k = new PointerByReference();
                            PointerByReference v = new PointerByReference();
                            LongByReference len = new LongByReference();
                            check(lib.rados_omap_get_next(iter.getValue(), k, v, len), oid);
                            if (k.getValue() == null || len.getValue() != TRAILER) {
                                throw new RadosException("omap read", oid, -RadosException.ENOENT);
                            }
                            v.getValue().getByteArray(0, TRAILER);
                        } finally {
                            if (iter.getValue() != null) {
                                lib.rados_omap_get_end(iter.getValue());
                            }
                        }
                    }
                });
            }

            @Override
            public void fill(Rados rados, String oid, byte[] slot) throws RadosException {
                rados.write(oid, repeated(slot, ALIGNED, PER_OBJECT), 0);
                for (int i = 0; i < PER_OBJECT; i++) {
                    rados.setOmap(oid, key(i), Arrays.copyOfRange(slot, ALIGNED, SLOT), true);
                }
            }
        });
        layouts.put("padded", new Layout() {
            @Override
            public void write(Rados rados, String oid, int i, byte[] slot) throws RadosException {
                rados.write(oid, Arrays.copyOf(slot, PADDED), (long) i * PADDED);
            }

            @Override
            public void read(Rados rados, String oid, int i) throws RadosException {
                rados.read(oid, new byte[SLOT], (long) i * PADDED);
            }

            @Override
            public void fill(Rados rados, String oid, byte[] slot) throws RadosException {
                rados.write(oid, repeated(Arrays.copyOf(slot, PADDED), PADDED, PER_OBJECT), 0);
            }
        });
        return layouts;
    }

    /** Where the 48 bytes after slot {@code i}'s aligned part lie in the split layout: the trailer area. */
    private static long trailerAt(int i) {
        return (long) PER_OBJECT * ALIGNED + (long) i * TRAILER;
    }

    private interface WriteSteps {
        void add(Librados lib, Pointer op);
    }

    /** One write operation of {@code steps} on the object. */
    private static void writeOp(Rados rados, String oid, WriteSteps steps) throws RadosException {
        Librados lib = rados.lib();
        Pointer op = lib.rados_create_write_op();
        try {
            steps.add(lib, op);
            check(lib.rados_write_op_operate(op, rados.ioctx(), oid, null, 0), oid);
        } finally {
            lib.rados_release_write_op(op);
        }
    }

    /** What a read operation asks for beside a slot's aligned part, and taking it once the operation ran. */
    private interface Remainder {
        void add(Librados lib, Pointer op);

        void take(Librados lib, String oid) throws RadosException;
    }

    /** One read operation: slot {@code i}'s aligned 8,192 bytes at {@code i × 8192} and {@code rest}. */
    private static void readAligned(Rados rados, String oid, int i, Remainder rest) throws RadosException {
        Librados lib = rados.lib();
        Memory data = new Memory(ALIGNED);
        LongByReference length = new LongByReference();
        IntByReference result = new IntByReference();
        Pointer op = lib.rados_create_read_op();
        try {
            lib.rados_read_op_read(op, (long) i * ALIGNED, ALIGNED, data, length, result);
            rest.add(lib, op);
            check(lib.rados_read_op_operate(op, rados.ioctx(), oid, 0), oid);
            check(result.getValue(), oid);
            data.getByteArray(0, (int) length.getValue());
            rest.take(lib, oid);
        } finally {
            lib.rados_release_read_op(op);
        }
    }

    private static String key(int i) {
        return String.format(Locale.ROOT, "%04x", i);
    }

    private static void check(int r, String oid) throws RadosException {
        if (r < 0) {
            throw new RadosException("operation", oid, r);
        }
    }

    private static byte[] repeated(byte[] unit, int length, int times) {
        byte[] out = new byte[length * times];
        for (int i = 0; i < times; i++) {
            System.arraycopy(unit, 0, out, i * length, length);
        }
        return out;
    }

    private interface SlotOp {
        void on(String oid, int i) throws RadosException;
    }

    /** {write ops/s, OSD µs per write, read ops/s, OSD µs per read} of one layout. */
    private static double[] layoutRound(
            Rados rados, String name, Layout layout, int objects, byte[] slot, int seconds, int depth, String osdPid)
            throws Exception {
        double[] w = drive(depth, seconds, objects, (oid, i) -> layout.write(rados, name + "." + oid, i, slot), osdPid);
        double[] r = drive(depth, seconds, objects, (oid, i) -> layout.read(rados, name + "." + oid, i), osdPid);
        return new double[] {w[0], w[1], r[0], r[1]};
    }

    /** {ops/s, OSD µs per op} of {@code depth} threads running {@code op} on random slots for {@code seconds}. */
    private static double[] drive(int depth, int seconds, int objects, SlotOp op, String osdPid) throws Exception {
        AtomicLong done = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        List<Thread> threads = new ArrayList<>();
        long ticks = osdTicks(osdPid);
        long start = System.nanoTime();
        for (int t = 0; t < depth; t++) {
            SplittableRandom random = new SplittableRandom(t * 31L + start);
            Thread thread = new Thread(() -> {
                while (System.nanoTime() - end < 0) {
                    try {
                        op.on(String.valueOf(random.nextInt(objects)), random.nextInt(PER_OBJECT));
                        done.incrementAndGet();
                    } catch (RadosException e) {
                        failed.incrementAndGet();
                    }
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread t : threads) {
            t.join();
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        if (failed.get() > 0) {
            throw new IllegalStateException(failed.get() + " operations failed");
        }
        long osd = osdTicks(osdPid) - ticks;
        return new double[] {done.get() / elapsed, osdPid == null ? Double.NaN : osd * 1e4 / done.get()};
    }

    /** rados bench 8 KiB write, then random read of what it wrote: {ops/s, OSD µs/op} of each. */
    private static double[] radosBench(Path conf, int seconds, int depth, String osdPid) throws Exception {
        long t0 = osdTicks(osdPid);
        Matcher w = iops(rados(conf, "bench", seconds, "write", "-b", 8192, "-t", depth, "--no-cleanup"));
        long t1 = osdTicks(osdPid);
        Matcher r = iops(rados(conf, "bench", seconds, "rand", "-t", depth));
        long t2 = osdTicks(osdPid);
        rados(conf, "cleanup");
        double writes = Double.parseDouble(w.group(1));
        double reads = Double.parseDouble(r.group(1));
        return new double[] {
            writes,
            osdPid == null ? Double.NaN : (t1 - t0) * 1e4 / (writes * seconds),
            reads,
            osdPid == null ? Double.NaN : (t2 - t1) * 1e4 / (reads * seconds)
        };
    }

    private static String rados(Path conf, Object... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("rados", "-c", conf.toString(), "-p", POOL));
        for (Object a : args) {
            command.add(String.valueOf(a));
        }
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed:\n" + out);
        }
        return out;
    }

    private static Matcher iops(String out) {
        Matcher m = Pattern.compile("Average IOPS:\\s+(\\d+)").matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("no Average IOPS in:\n" + out);
        }
        return m;
    }

    /** The OSD's user and system CPU so far, in clock ticks (1/100 s). */
    private static long osdTicks(String pid) throws IOException {
        if (pid == null) {
            return 0;
        }
        String stat = Files.readString(Path.of("/proc", pid, "stat"), StandardCharsets.UTF_8);
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    private static void table(Map<String, List<double[]>> results, List<String> contenders) {
        System.out.println();
        System.out.println(
                "| layout | write ops/s median (min–max) | × rados | OSD µs/write | read ops/s median (min–max)"
                        + " | × rados | OSD µs/read |");
        System.out.println("|---|---|---|---|---|---|---|");
        List<double[]> rados = results.get("rados");
        for (String name : contenders) {
            List<double[]> runs = results.get(name);
            System.out.printf(
                    Locale.ROOT,
                    "| %s | %s | %s | %.0f | %s | %s | %.0f |%n",
                    name,
                    spread(runs, 0),
                    ratio(runs, rados, 0),
                    median(runs, 1),
                    spread(runs, 2),
                    ratio(runs, rados, 2),
                    median(runs, 3));
        }
    }

    private static String spread(List<double[]> runs, int column) {
        double[] v = runs.stream().mapToDouble(r -> r[column]).sorted().toArray();
        return String.format(Locale.ROOT, "%,.0f (%,.0f–%,.0f)", median(runs, column), v[0], v[v.length - 1]);
    }

    /** The median over rounds of this contender's figure divided by rados bench's in the same round. */
    private static String ratio(List<double[]> runs, List<double[]> rados, int column) {
        double[] r = new double[runs.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = runs.get(i)[column] / rados.get(i)[column];
        }
        Arrays.sort(r);
        return String.format(Locale.ROOT, "%.2f", r[r.length / 2]);
    }

    private static double median(List<double[]> runs, int column) {
        double[] v = runs.stream().mapToDouble(r -> r[column]).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
