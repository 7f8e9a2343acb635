package io.strongroom.loadtest.cli;

import io.strongroom.loadtest.nbd.NbdTarget;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything one load test run needs: plain data, {@code DEFAULT_*} constants, fluent setters.
 * {@link CommandLine} fills it from flags; tests build it directly.
 */
public final class LoadTestOptions {

    /** How requests are issued. */
    public enum Model {
        OPEN,
        CLOSED
    }

    /** Wire protocol towards the target. */
    public enum Protocol {
        HTTP1,
        HTTP2
    }

    public static final int DEFAULT_BLOCK_SIZE = 8192;
    public static final int DEFAULT_BLOCKS_PER_REQUEST = 1;
    public static final double DEFAULT_READ_RATIO = 1.0;
    public static final long DEFAULT_WORKING_SET_BLOCKS = 16_384;
    public static final int DEFAULT_CONNECTIONS = 64;
    public static final int DEFAULT_STREAMS_PER_CONNECTION = 1;
    public static final int DEFAULT_EVENT_LOOPS = 1;
    public static final Duration DEFAULT_WARMUP = Duration.ofSeconds(5);
    public static final Duration DEFAULT_DURATION = Duration.ofSeconds(30);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(10);
    /** Distinct prebuilt PUT payloads per volume; block n uses payload n mod this. */
    public static final int DEFAULT_PAYLOADS_PER_VOLUME = 16;
    /** --embedded: durability of the in-process gateway ("fsync" or "none"). */
    public static final String DEFAULT_EMBEDDED_DURABILITY = "fsync";
    /** --embedded: event loops of the in-process gateway (the client keeps its own). */
    public static final int DEFAULT_EMBEDDED_EVENT_LOOPS = 1;

    private List<String> targets = new ArrayList<>(List.of("http://127.0.0.1:8080"));
    private String token;
    private List<String> volumes = new ArrayList<>(List.of("bench"));
    private int blockSize = DEFAULT_BLOCK_SIZE;
    private int blocksPerRequest = DEFAULT_BLOCKS_PER_REQUEST;
    private double readRatio = DEFAULT_READ_RATIO;
    private boolean sequential;
    private long workingSetBlocks = DEFAULT_WORKING_SET_BLOCKS;
    private int connections = DEFAULT_CONNECTIONS;
    private int streamsPerConnection = DEFAULT_STREAMS_PER_CONNECTION;
    private int eventLoops = DEFAULT_EVENT_LOOPS;
    private Protocol protocol = Protocol.HTTP1;
    private boolean h2c;
    private Path trustPem;
    private boolean verifyHost = true;
    private Duration warmup = DEFAULT_WARMUP;
    private Duration duration = DEFAULT_DURATION;
    private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
    private Duration drainTimeout = DEFAULT_DRAIN_TIMEOUT;
    private double rate; // requests per second; > 0 selects the open model
    private Path out = Path.of("loadtest-report");
    private boolean createVolumes;
    private boolean quiet;
    private boolean realtimeLoops;
    private int payloadsPerVolume = DEFAULT_PAYLOADS_PER_VOLUME;
    private String label = "";
    private String durability = DEFAULT_EMBEDDED_DURABILITY;
    private int serverEventLoops = DEFAULT_EMBEDDED_EVENT_LOOPS;
    private boolean verify;
    private boolean fua;
    private int flushEvery;
    private Long payloadSeed;
    private boolean embeddedNbd;

    /** True when the targets are NBD exports ({@code nbd://}, {@code nbd+unix://}) rather than HTTP gateways. */
    public boolean nbd() {
        return !targets.isEmpty() && NbdTarget.isNbd(targets.get(0));
    }

    public Model model() {
        return rate > 0 ? Model.OPEN : Model.CLOSED;
    }

    public List<String> targets() {
        return targets;
    }

    public LoadTestOptions targets(List<String> v) {
        targets = new ArrayList<>(v);
        return this;
    }
    /** The bearer token; never printed (see {@link #toMap()}). */
    public String token() {
        return token;
    }

    public LoadTestOptions token(String v) {
        token = v;
        return this;
    }

    public List<String> volumes() {
        return volumes;
    }

    public LoadTestOptions volumes(List<String> v) {
        volumes = new ArrayList<>(v);
        return this;
    }

    public int blockSize() {
        return blockSize;
    }

    public LoadTestOptions blockSize(int v) {
        blockSize = v;
        return this;
    }

    public int blocksPerRequest() {
        return blocksPerRequest;
    }

    public LoadTestOptions blocksPerRequest(int v) {
        blocksPerRequest = v;
        return this;
    }

    public double readRatio() {
        return readRatio;
    }

    public LoadTestOptions readRatio(double v) {
        readRatio = v;
        return this;
    }

    public boolean sequential() {
        return sequential;
    }

    public LoadTestOptions sequential(boolean v) {
        sequential = v;
        return this;
    }

    public long workingSetBlocks() {
        return workingSetBlocks;
    }

    public LoadTestOptions workingSetBlocks(long v) {
        workingSetBlocks = v;
        return this;
    }

    public int connections() {
        return connections;
    }

    public LoadTestOptions connections(int v) {
        connections = v;
        return this;
    }

    public int streamsPerConnection() {
        return streamsPerConnection;
    }

    public LoadTestOptions streamsPerConnection(int v) {
        streamsPerConnection = v;
        return this;
    }

    public int eventLoops() {
        return eventLoops;
    }

    public LoadTestOptions eventLoops(int v) {
        eventLoops = v;
        return this;
    }

    public Protocol protocol() {
        return protocol;
    }

    public LoadTestOptions protocol(Protocol v) {
        protocol = v;
        return this;
    }

    public boolean h2c() {
        return h2c;
    }

    public LoadTestOptions h2c(boolean v) {
        h2c = v;
        return this;
    }

    public Path trustPem() {
        return trustPem;
    }

    public LoadTestOptions trustPem(Path v) {
        trustPem = v;
        return this;
    }

    public boolean verifyHost() {
        return verifyHost;
    }

    public LoadTestOptions verifyHost(boolean v) {
        verifyHost = v;
        return this;
    }

    public Duration warmup() {
        return warmup;
    }

    public LoadTestOptions warmup(Duration v) {
        warmup = v;
        return this;
    }

    public Duration duration() {
        return duration;
    }

    public LoadTestOptions duration(Duration v) {
        duration = v;
        return this;
    }

    public Duration requestTimeout() {
        return requestTimeout;
    }

    public LoadTestOptions requestTimeout(Duration v) {
        requestTimeout = v;
        return this;
    }

    public Duration drainTimeout() {
        return drainTimeout;
    }

    public LoadTestOptions drainTimeout(Duration v) {
        drainTimeout = v;
        return this;
    }

    public double rate() {
        return rate;
    }

    public LoadTestOptions rate(double v) {
        rate = v;
        return this;
    }

    public Path out() {
        return out;
    }

    public LoadTestOptions out(Path v) {
        out = v;
        return this;
    }

    public boolean createVolumes() {
        return createVolumes;
    }

    public LoadTestOptions createVolumes(boolean v) {
        createVolumes = v;
        return this;
    }

    public boolean quiet() {
        return quiet;
    }

    public LoadTestOptions quiet(boolean v) {
        quiet = v;
        return this;
    }

    /** The client event loops run under SCHED_FIFO (see loadtest/README.md, "Models"). */
    public boolean realtimeLoops() {
        return realtimeLoops;
    }

    public LoadTestOptions realtimeLoops(boolean v) {
        realtimeLoops = v;
        return this;
    }

    public int payloadsPerVolume() {
        return payloadsPerVolume;
    }

    public LoadTestOptions payloadsPerVolume(int v) {
        payloadsPerVolume = v;
        return this;
    }

    public String label() {
        return label;
    }

    public LoadTestOptions label(String v) {
        label = v;
        return this;
    }

    public String durability() {
        return durability;
    }

    public LoadTestOptions durability(String v) {
        durability = v;
        return this;
    }

    public int serverEventLoops() {
        return serverEventLoops;
    }

    public LoadTestOptions serverEventLoops(int v) {
        serverEventLoops = v;
        return this;
    }

    /** NBD: compare every read with what the workload writes at its address (or zeros). */
    public boolean verify() {
        return verify;
    }

    public LoadTestOptions verify(boolean v) {
        verify = v;
        return this;
    }

    /** NBD: writes carry NBD_CMD_FLAG_FUA. */
    public boolean fua() {
        return fua;
    }

    public LoadTestOptions fua(boolean v) {
        fua = v;
        return this;
    }

    /** NBD: an NBD_CMD_FLUSH after every this many writes of an event loop (0 = never). */
    public int flushEvery() {
        return flushEvery;
    }

    public LoadTestOptions flushEvery(int v) {
        flushEvery = v;
        return this;
    }

    /** The seed of the write payloads (null = random), so that another run can verify what this one wrote. */
    public Long payloadSeed() {
        return payloadSeed;
    }

    public LoadTestOptions payloadSeed(Long v) {
        payloadSeed = v;
        return this;
    }

    /** --embedded: the in-process gateway also serves NBD, and the run goes over NBD to its volumes. */
    public boolean embeddedNbd() {
        return embeddedNbd;
    }

    public LoadTestOptions embeddedNbd(boolean v) {
        embeddedNbd = v;
        return this;
    }

    /** Rejects impossible combinations with a message naming the flag. */
    public LoadTestOptions validate() {
        require(!targets.isEmpty(), "--target: at least one URL");
        boolean nbd = nbd();
        for (String t : targets) {
            if (nbd) {
                require(NbdTarget.isNbd(t), "--target: all NBD or all HTTP, got " + t + " after " + targets.get(0));
                try {
                    NbdTarget.parse(t);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("--target: " + e.getMessage());
                }
            } else {
                require(
                        t.startsWith("http://") || t.startsWith("https://"),
                        "--target: http://, https://, nbd:// or nbd+unix:// URL, got " + t);
            }
        }
        require(!nbd || protocol == Protocol.HTTP1, "--http2/--h2c: not with NBD targets");
        require(!nbd || !createVolumes, "--create-volumes: NBD cannot create exports (create the volumes over HTTP)");
        require(!nbd || trustPem == null, "--trust: NBD over TLS is not supported");
        require(nbd || embeddedNbd || !verify, "--verify: NBD targets only");
        require(nbd || embeddedNbd || !fua, "--fua: NBD targets only");
        require(nbd || embeddedNbd || flushEvery == 0, "--flush-every: NBD targets only");
        require(flushEvery >= 0, "--flush-every must be >= 0 (0 = never)");
        require(!volumes.isEmpty(), "--volumes: at least one name");
        require(blockSize > 0, "--block-size must be > 0");
        require(blocksPerRequest > 0, "--blocks-per-request must be > 0");
        require(readRatio >= 0 && readRatio <= 1, "--read-ratio must be within [0, 1]");
        require(workingSetBlocks >= blocksPerRequest, "--working-set must be >= --blocks-per-request");
        require(connections > 0, "--connections must be > 0");
        require(streamsPerConnection > 0, "--streams must be > 0");
        require(eventLoops > 0, "--event-loops must be > 0");
        require(rate >= 0, "--rate must be >= 0 (0 = closed model)");
        require(!duration.isNegative() && !duration.isZero(), "--duration must be > 0");
        require(!warmup.isNegative(), "--warmup must be >= 0");
        require(payloadsPerVolume > 0, "--payloads must be > 0");
        require(durability.equals("fsync") || durability.equals("none"), "--durability must be fsync or none");
        require(serverEventLoops > 0, "--server-event-loops must be > 0");
        return this;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** The configuration as reported in summary.json: everything except the token. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("label", label);
        m.put("targets", List.copyOf(targets));
        m.put("volumes", List.copyOf(volumes));
        m.put("model", model().name().toLowerCase(java.util.Locale.ROOT));
        m.put("rate", rate);
        m.put("blockSize", blockSize);
        m.put("blocksPerRequest", blocksPerRequest);
        m.put("readRatio", readRatio);
        m.put("addresses", sequential ? "sequential" : "random");
        m.put("workingSetBlocks", workingSetBlocks);
        m.put("connections", connections);
        m.put("streamsPerConnection", streamsPerConnection);
        m.put("eventLoops", eventLoops);
        m.put("realtimeLoops", realtimeLoops);
        m.put("protocol", nbd() ? "nbd" : protocol == Protocol.HTTP2 ? (h2c ? "h2c" : "h2") : "http/1.1");
        if (nbd()) {
            m.put("fua", fua);
            m.put("flushEvery", flushEvery);
            m.put("verify", verify);
        }
        m.put("tokenSet", token != null);
        m.put("warmupSeconds", warmup.toMillis() / 1000.0);
        m.put("durationSeconds", duration.toMillis() / 1000.0);
        m.put("requestTimeoutMillis", requestTimeout.toMillis());
        return m;
    }
}
