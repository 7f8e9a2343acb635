package io.strongroom.server.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.core.testkit.Await;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replica promoted after its primary vanished in the middle of a cycle is the primary's last whole cycle, a
 * crash-consistent image, not a mix of two snapshots (docs/REPLICAS.md, "Whole cycles"). The replica reaches the
 * primary through a TCP proxy that the test cuts after a byte budget: the cycle after the primary's volume was
 * rewritten gets its first pages (applied on the replica) and then loses the primary for good.
 */
class ReplicaPromotionTest {
    private static final int BS = 8192;
    private static final int BLOCKS = 2048;
    /** The cycle's start and two of its eight pages of 256 sealed blocks (about 2.1 MB each), not three. */
    private static final long BUDGET = 5L * 1024 * 1024;

    @TempDir
    Path dir;

    @Test
    void aPromotionUndoesTheCycleThePrimaryDidNotFinish() throws Exception {
        TestTokens.write(dir.resolve("p"));
        TestTokens.write(dir.resolve("r"));
        try (GatewayFixture primary = GatewayFixture.start(dir.resolve("p"));
                GatewayFixture replica = GatewayFixture.start(dir.resolve("r"));
                CuttingProxy proxy = new CuttingProxy(primary.gateway.httpPort())) {
            JsonObject volume = new JsonObject().put("name", "db").put("sizeBytes", (long) BLOCKS * BS);
            assertEquals(
                    201,
                    primary.json("POST", "/v1/volumes", TestTokens.ADMIN, volume)
                            .status());
            byte[] before = fill(primary, 1);
            JsonObject spec = new JsonObject()
                    .put("name", "db-r")
                    .put("primaryUrl", "http://127.0.0.1:" + proxy.port())
                    .put("primaryVolume", "db")
                    .put("token", TestTokens.REPLICATION)
                    .put("intervalMillis", 50);
            assertEquals(
                    201,
                    replica.json("POST", "/v1/replicas", TestTokens.ADMIN, spec).status());
            await("the replica holds the first image")
                    .atMost(Await.DEFAULT_TIMEOUT)
                    .until(() -> Arrays.equals(before, read(replica, "db-r")));

            proxy.cutAfter(0);
            byte[] after = fill(primary, 2);
            long shipped = info(replica).getLong("blocksShipped");
            proxy.cutAfter(BUDGET);
            await("a cycle applied part of the second image, then lost the primary")
                    .atMost(Await.DEFAULT_TIMEOUT)
                    .until(() -> proxy.isCut()
                            && info(replica).getLong("blocksShipped") > shipped
                            && "primary-unreachable".equals(info(replica).getString("state")));
            byte[] mixed = read(replica, "db-r");
            assertFalse(Arrays.equals(before, mixed), "some blocks of the unfinished cycle were applied");
            assertFalse(Arrays.equals(after, mixed), "the cycle did not finish");

            GatewayFixture.Response promoted =
                    replica.send("POST", "/v1/replicas/db-r/promote", TestTokens.ADMIN, new byte[0]);
            assertEquals(200, promoted.status(), new String(promoted.body()));
            assertArrayEquals(before, read(replica, "db-r"), "the promoted volume is the last whole cycle");
            assertTrue(
                    replica.get("/v1/volumes/db-r/snapshots", TestTokens.ADMIN)
                            .json()
                            .getJsonArray("snapshots")
                            .isEmpty(),
                    "no guard snapshot is left");
            byte[] block = new byte[BS];
            new Random(3).nextBytes(block);
            assertEquals(
                    204,
                    replica.send("PUT", "/v1/volumes/db-r/blocks/5", TestTokens.ADMIN, block)
                            .status());
        }
    }

    /** Writes every block of volume db with bytes from {@code seed}; returns them. */
    private static byte[] fill(GatewayFixture gw, long seed) throws Exception {
        byte[] all = new byte[BLOCKS * BS];
        new Random(seed).nextBytes(all);
        for (int first = 0; first < BLOCKS; first += 64) {
            byte[] run = Arrays.copyOfRange(all, first * BS, (first + 64) * BS);
            assertEquals(
                    204,
                    gw.send("PUT", "/v1/volumes/db/blocks/" + first + "?count=64", TestTokens.ADMIN, run)
                            .status());
        }
        return all;
    }

    private static byte[] read(GatewayFixture gw, String volume) throws Exception {
        byte[] all = new byte[BLOCKS * BS];
        for (int first = 0; first < BLOCKS; first += 64) {
            GatewayFixture.Response r =
                    gw.get("/v1/volumes/" + volume + "/blocks/" + first + "?count=64", TestTokens.DATA_ALL);
            assertEquals(200, r.status(), () -> new String(r.body()));
            System.arraycopy(r.body(), 0, all, first * BS, r.body().length);
        }
        return all;
    }

    private static JsonObject info(GatewayFixture replica) throws Exception {
        return replica.get("/v1/replicas/db-r", TestTokens.ADMIN).json();
    }

    /**
     * A loopback TCP proxy to the primary that passes bytes both ways until the primary's answers exceed a budget;
     * then it closes every connection and refuses new ones: to the replica, the primary is gone.
     */
    private static final class CuttingProxy implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final int target;
        private final AtomicLong budget = new AtomicLong(Long.MAX_VALUE);
        private final List<Socket> open = new ArrayList<>();
        private boolean cut;

        CuttingProxy(int target) throws IOException {
            this.target = target;
            Thread acceptor = new Thread(this::accept, "cutting-proxy");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return server.getLocalPort();
        }

        /** Lets {@code bytes} more bytes of answers through (0: cut now), then cuts. */
        synchronized void cutAfter(long bytes) {
            budget.set(bytes);
            cut = bytes <= 0;
            if (cut) {
                closeAll();
            }
        }

        synchronized boolean isCut() {
            return cut;
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    Socket client = server.accept();
                    synchronized (this) {
                        if (cut) {
                            client.close();
                            continue;
                        }
                        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
                        open.add(client);
                        open.add(upstream);
                        pump(client, upstream, false);
                        pump(upstream, client, true);
                    }
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void pump(Socket from, Socket to, boolean answers) {
            Thread t = new Thread(
                    () -> {
                        byte[] buf = new byte[64 * 1024];
                        try (InputStream in = from.getInputStream();
                                OutputStream out = to.getOutputStream()) {
                            int n;
                            while ((n = in.read(buf)) >= 0) {
                                if (answers && budget.addAndGet(-n) < 0) {
                                    cutAfter(0);
                                    return;
                                }
                                out.write(buf, 0, n);
                            }
                        } catch (IOException e) {
                            // the other side closed, or the proxy cut: the pump ends
                        }
                    },
                    "cutting-proxy-pump");
            t.setDaemon(true);
            t.start();
        }

        private void closeAll() {
            for (Socket s : open) {
                try {
                    s.close();
                } catch (IOException e) {
                    // closing a socket that failed: nothing to do
                }
            }
            open.clear();
        }

        @Override
        public synchronized void close() throws IOException {
            closeAll();
            server.close();
        }
    }
}
