package io.strongroom.integration;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A program these tests start (the gateway jar, a client, a script), with its standard output and error in files
 * ({@code <logDir>/<name>.out}, {@code .err}): a child never blocks on a pipe nobody reads, and its log stays for the
 * person reading a failure.
 *
 * <p>No child outlives its test: {@link #close()} ends it and its descendants (SIGTERM first, so a script's trap can
 * unmount and detach what it set up, then SIGKILL), and a shutdown hook does the same for whatever is still running
 * when the test JVM exits.
 */
final class ExternalProcess implements AutoCloseable {
    /** Bounds a hang (a start-up line, a script's clean-up on SIGTERM) on a loaded machine; not a performance bound. */
    static final Duration PATIENCE = Duration.ofSeconds(120);

    private static final Set<ExternalProcess> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> List.copyOf(LIVE).forEach(p -> p.terminate(Duration.ofSeconds(30))),
                        "external-process-reaper"));
    }

    private final String name;
    private final Process process;
    private final Path stdout;
    private final Path stderr;

    private ExternalProcess(String name, Process process, Path stdout, Path stderr) {
        this.name = name;
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    static ExternalProcess start(String name, Path logDir, List<String> command) {
        return start(name, logDir, command, Map.of());
    }

    /** Starts {@code command} with {@code env} added to this JVM's environment; standard input is empty. */
    static ExternalProcess start(String name, Path logDir, List<String> command, Map<String, String> env) {
        Path out = logDir.resolve(name + ".out");
        Path err = logDir.resolve(name + ".err");
        try {
            Files.createDirectories(logDir);
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectInput(
                            ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            builder.environment().putAll(env);
            Process p = builder.start();
            ExternalProcess child = new ExternalProcess(name, p, out, err);
            LIVE.add(child);
            p.onExit().thenRun(() -> LIVE.remove(child));
            return child;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + command, e);
        }
    }

    /**
     * Runs {@code command} to its end and returns it (exit code, output); fails after {@code timeout}, killing it.
     * The timeout bounds a hang only.
     */
    static ExternalProcess run(String name, Path logDir, Duration timeout, List<String> command) {
        ExternalProcess p = start(name, logDir, command);
        try {
            if (!p.process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                p.close();
                throw new AssertionError(name + " did not end within " + timeout.toSeconds() + " s: " + command + "\n"
                        + p.output() + p.log());
            }
        } catch (InterruptedException e) {
            p.close();
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while " + name + " ran", e);
        }
        return p;
    }

    /** As {@link #run}, and fails with the program's output unless it exited with 0. */
    static ExternalProcess runOk(String name, Path logDir, Duration timeout, List<String> command) {
        ExternalProcess p = run(name, logDir, timeout, command);
        if (p.exitValue() != 0) {
            throw new AssertionError(name + " exited with " + p.exitValue() + ": " + command + "\n--- stdout\n"
                    + p.output() + "--- stderr\n" + p.log());
        }
        return p;
    }

    /**
     * Waits until the standard output holds a match of {@code pattern} and returns it; fails at once if the process
     * exits first, and after {@link #PATIENCE} without a match.
     */
    Matcher awaitOutput(Pattern pattern) {
        Matcher[] found = new Matcher[1];
        await(name + " printing " + pattern)
                .atMost(PATIENCE)
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    Matcher m = pattern.matcher(output());
                    if (m.find()) {
                        found[0] = m;
                        return true;
                    }
                    if (!process.isAlive()) {
                        throw new AssertionError(name + " exited with " + process.exitValue() + ":\n" + log());
                    }
                    return false;
                });
        return found[0];
    }

    /** Waits for the end (at most {@code timeout}, killing it then) and returns the exit code. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            close();
            throw new AssertionError(name + " did not end within " + timeout.toSeconds() + " s");
        }
        return process.exitValue();
    }

    int exitValue() {
        return process.exitValue();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String output() {
        return read(stdout);
    }

    String log() {
        return read(stderr);
    }

    /** SIGKILL to the process and its descendants; returns once it is gone. */
    void kill() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        if (!process.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS)) {
            throw new AssertionError(name + " (pid " + process.pid() + ") did not exit after SIGKILL");
        }
    }

    /** Ends it unless it has exited: SIGTERM, up to 60 s for its own clean-up, then SIGKILL to what is left. */
    @Override
    public void close() {
        terminate(Duration.ofSeconds(60));
    }

    private void terminate(Duration grace) {
        if (!process.isAlive()) {
            return;
        }
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroy();
        boolean ended;
        try {
            ended = process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // kill at once below: the test is being torn down
            ended = false;
        }
        if (!ended) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
        descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ")";
    }
}
