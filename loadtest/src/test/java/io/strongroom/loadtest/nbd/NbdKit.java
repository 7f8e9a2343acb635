package io.strongroom.loadtest.nbd;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real nbdkit (the reference NBD server; .ci/run installs it) in the foreground as a child of the test JVM, on a
 * Unix socket or a loopback port, with {@code --exit-with-parent} so that it cannot outlive the test even if
 * {@link #close} never runs. Its output goes to a file, never a pipe.
 */
final class NbdKit implements AutoCloseable {

    private final Process process;
    private final Path socket;
    private final int port;
    private final Path log;

    private NbdKit(Process process, Path socket, int port, Path log) {
        this.process = process;
        this.socket = socket;
        this.port = port;
        this.log = log;
    }

    /** nbdkit on a Unix socket in dir: {@code plugin} and its arguments, filters first if any. */
    static NbdKit onSocket(Path dir, String... pluginAndArgs) throws IOException {
        Path socket = dir.resolve("nbdkit.sock");
        return start(dir, List.of("-U", socket.toString()), socket, 0, pluginAndArgs);
    }

    /** nbdkit on a free loopback port. */
    static NbdKit onPort(Path dir, String... pluginAndArgs) throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        return start(dir, List.of("-i", "127.0.0.1", "-p", Integer.toString(port)), null, port, pluginAndArgs);
    }

    private static NbdKit start(Path dir, List<String> listen, Path socket, int port, String... pluginAndArgs)
            throws IOException {
        List<String> command = new ArrayList<>(List.of("nbdkit", "-f", "--exit-with-parent"));
        command.addAll(listen);
        command.addAll(List.of(pluginAndArgs));
        Path log = dir.resolve("nbdkit.log");
        Process p;
        try {
            p = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
        } catch (IOException e) {
            throw new IOException("nbdkit could not be started (.ci/run installs the nbdkit package): " + e, e);
        }
        NbdKit kit = new NbdKit(p, socket, port, log);
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                if (!p.isAlive()) {
                    throw new IllegalStateException("nbdkit exited: " + Files.readString(log));
                }
                return kit.accepting();
            });
        } catch (RuntimeException e) {
            kit.close();
            throw e;
        }
        return kit;
    }

    private boolean accepting() {
        if (socket != null) {
            return Files.exists(socket);
        }
        try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The NBD URI of the export (nbdkit ignores the name unless a plugin uses it). */
    String uri(String export) {
        return socket != null
                ? "nbd+unix:///" + export + "?socket=" + socket
                : "nbd://127.0.0.1:" + port + "/" + export;
    }

    String log() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
