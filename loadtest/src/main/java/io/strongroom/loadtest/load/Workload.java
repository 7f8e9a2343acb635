package io.strongroom.loadtest.load;

import io.strongroom.loadtest.cli.LoadTestOptions;
import io.vertx.core.buffer.Buffer;
import java.security.SecureRandom;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What to ask for: read or write, which volume, which block, with which payload.
 *
 * <p>PUT payloads are built once, before the run: {@code payloadsPerVolume} random buffers per volume (from
 * {@code --payload-seed} when given)
 * (block n sends payload n mod that), see {@link PrebuiltBuffers}; no request allocates or fills a
 * payload. Paths are a per-volume prefix
 * plus the block number. Random choices use the caller's {@link SplittableRandom} (one per event
 * loop, never shared across threads); sequential cursors are atomic because several event loops may
 * draw from the same volume.
 */
public final class Workload {

    private final double readRatio;
    private final boolean sequential;
    private final long slots; // number of request-aligned start positions in the working set
    private final int blocksPerRequest;
    private final int requestBytes;
    private final String[] pathPrefixes;
    private final String pathSuffix;
    private final Buffer[][] payloads;
    private final AtomicLong[] cursors;
    private final List<String> volumes;

    public Workload(LoadTestOptions o) {
        this(o, o.volumes());
    }

    /**
     * The workload over these volumes instead of the options' (NBD: one per target, the export names). With a
     * payload seed the payloads are the same in every run with the same seed, sizes and volume count, so one run can
     * verify what another wrote.
     */
    public Workload(LoadTestOptions o, List<String> volumes) {
        this.readRatio = o.readRatio();
        this.sequential = o.sequential();
        this.blocksPerRequest = o.blocksPerRequest();
        this.slots = o.workingSetBlocks() / o.blocksPerRequest();
        this.requestBytes = o.blockSize() * o.blocksPerRequest();
        this.volumes = List.copyOf(volumes);
        this.pathSuffix = o.blocksPerRequest() > 1 ? "?count=" + o.blocksPerRequest() : "";
        int n = volumes.size();
        this.pathPrefixes = new String[n];
        this.payloads = new Buffer[n][];
        this.cursors = new AtomicLong[n];
        SplittableRandom seeds =
                new SplittableRandom(o.payloadSeed() != null ? o.payloadSeed() : new SecureRandom().nextLong());
        boolean needPayloads = o.readRatio() < 1.0 || o.verify();
        for (int v = 0; v < n; v++) {
            pathPrefixes[v] = "/v1/volumes/" + volumes.get(v) + "/blocks/";
            cursors[v] = new AtomicLong();
            payloads[v] =
                    needPayloads ? randomPayloads(o.payloadsPerVolume(), requestBytes, seeds.split()) : new Buffer[0];
        }
    }

    private static Buffer[] randomPayloads(int count, int bytes, SplittableRandom rnd) {
        Buffer[] out = new Buffer[count];
        byte[] data = new byte[bytes];
        for (int i = 0; i < count; i++) {
            rnd.nextBytes(data);
            out[i] = PrebuiltBuffers.direct(data);
        }
        return out;
    }

    public boolean nextIsRead(SplittableRandom rnd) {
        return readRatio >= 1.0 || (readRatio > 0.0 && rnd.nextDouble() < readRatio);
    }

    public int nextVolume(SplittableRandom rnd) {
        return pathPrefixes.length == 1 ? 0 : rnd.nextInt(pathPrefixes.length);
    }

    /** First block of the next request on volume v, aligned to blocks-per-request. */
    public long nextBlock(int v, SplittableRandom rnd) {
        long slot = sequential ? Math.floorMod(cursors[v].getAndIncrement(), slots) : rnd.nextLong(slots);
        return slot * blocksPerRequest;
    }

    public String path(int v, long firstBlock) {
        return pathPrefixes[v] + firstBlock + pathSuffix;
    }

    /** What precedes the block number in {@link #path}. */
    public String pathPrefix(int v) {
        return pathPrefixes[v];
    }

    /** What follows the block number in {@link #path}. */
    public String pathSuffix() {
        return pathSuffix;
    }

    /** The prebuilt payload for a PUT at firstBlock of volume v. */
    public Buffer payload(int v, long firstBlock) {
        Buffer[] p = payloads[v];
        return p[(int) ((firstBlock / blocksPerRequest) % p.length)];
    }

    public int requestBytes() {
        return requestBytes;
    }

    public List<String> volumes() {
        return volumes;
    }
}
