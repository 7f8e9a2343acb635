package io.strongroom.core.testkit;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A main class run in a child JVM on the test's class path, for tests that crash a process (SIGKILL) and restart it.
 * Its standard output and error go to files (the child never blocks on a pipe the test stopped reading).
 *
 * <p>A child must not outlive its test, on any path: {@link #close()} (try-with-resources or an
 * {@code @AfterEach}) kills it and its descendants and is safe to call on an interrupted thread (a JUnit timeout
 * interrupts the test); a shutdown hook kills whatever is left when the test JVM exits; and the child runs under
 * {@link ChildJvmLauncher}, which halts it when the test JVM is gone, even after a SIGKILL that ran no hook.
 */
public final class ChildJvm implements AutoCloseable {
    /** How long a start-up line or an exit may take on a loaded machine: bounds a hang, nothing more. */
    public static final Duration PATIENCE = Duration.ofSeconds(120);

    private static final Set<ChildJvm> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(() -> List.copyOf(LIVE).forEach(ChildJvm::destroyTree), "child-jvm-reaper"));
    }

    private final String name;
    private final Process process;
    private final Path stdout;
    private final Path stderr;

    private ChildJvm(String name, Process process, Path stdout, Path stderr) {
        this.name = name;
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /**
     * Starts {@code mainClass} with {@code args} in a new JVM (the running JVM's {@code java}, the test's class path,
     * the given JVM options); its output goes to {@code <logDir>/<name>.out} and {@code .err}.
     */
    public static ChildJvm start(
            String name, Path logDir, List<String> jvmOptions, Class<?> mainClass, List<String> args) {
        return start(name, logDir, jvmOptions, mainClass.getName(), args);
    }

    /** As {@link #start(String, Path, List, Class, List)}, with {@code environment} added to the inherited one. */
    public static ChildJvm start(
            String name,
            Path logDir,
            List<String> jvmOptions,
            Class<?> mainClass,
            List<String> args,
            Map<String, String> environment) {
        return start(name, logDir, jvmOptions, mainClass.getName(), args, environment);
    }

    /** As {@link #start(String, Path, List, Class, List)}, for a main class the caller's module does not see. */
    public static ChildJvm start(
            String name, Path logDir, List<String> jvmOptions, String mainClass, List<String> args) {
        return start(name, logDir, jvmOptions, mainClass, args, Map.of());
    }

    private static ChildJvm start(
            String name,
            Path logDir,
            List<String> jvmOptions,
            String mainClass,
            List<String> args,
            Map<String, String> environment) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ChildJvmLauncher.class.getName());
        command.add(String.valueOf(ProcessHandle.current().pid()));
        command.add(mainClass);
        command.addAll(args);
        Path out = logDir.resolve(name + ".out");
        Path err = logDir.resolve(name + ".err");
        try {
            ProcessBuilder builder =
                    new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
            builder.environment().putAll(environment);
            Process p = builder.start();
            ChildJvm child = new ChildJvm(name, p, out, err);
            LIVE.add(child);
            p.onExit().thenRun(() -> LIVE.remove(child));
            return child;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start child JVM " + name, e);
        }
    }

    /**
     * Waits until the child's standard output holds a match of {@code pattern} and returns it; fails at once if the
     * child exits first, and after {@link #PATIENCE} without a match.
     */
    public Matcher awaitOutput(Pattern pattern) {
        Matcher[] found = new Matcher[1];
        await("child JVM " + name + " printing " + pattern)
                .atMost(PATIENCE)
                .pollInterval(Duration.ofMillis(20))
                .until(() -> {
                    Matcher m = pattern.matcher(output());
                    if (m.find()) {
                        found[0] = m;
                        return true;
                    }
                    if (!process.isAlive()) {
                        throw new AssertionError(
                                "child JVM " + name + " exited with " + process.exitValue() + ":\n" + log());
                    }
                    return false;
                });
        return found[0];
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /** What the child wrote to its standard output so far. */
    public String output() {
        return read(stdout);
    }

    /** What the child wrote to its standard error so far (for failure messages). */
    public String log() {
        return read(stderr);
    }

    /** Waits for the child to end on its own and returns its exit code; fails (and kills it) after {@link #PATIENCE}. */
    public int awaitExit() throws InterruptedException {
        if (!process.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS)) {
            close();
            throw new AssertionError("child JVM " + name + " did not exit within " + PATIENCE.toSeconds() + " s");
        }
        return process.exitValue();
    }

    /** SIGKILL to the child and its descendants (no shutdown hook, no flush), then waits until it has exited. */
    public void kill() throws InterruptedException {
        destroyTree();
        awaitGone();
    }

    /** SIGTERM (a graceful shutdown); a child still running after {@link #PATIENCE} is killed. Returns its exit code. */
    public int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS)) {
            kill();
        }
        return process.exitValue();
    }

    /** Kills the child unless it has exited; safe on an interrupted thread (the kill is sent before any wait). */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        destroyTree();
        try {
            awaitGone();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the signal is sent: the child goes without us waiting
        }
    }

    private void awaitGone() throws InterruptedException {
        if (!process.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS)) {
            throw new AssertionError("child JVM " + name + " (pid " + process.pid() + ") did not exit after SIGKILL");
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    private void destroyTree() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    @Override
    public String toString() {
        return "child JVM " + name + " (pid " + process.pid() + ")";
    }
}
