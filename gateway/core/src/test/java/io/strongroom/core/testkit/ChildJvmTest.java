package io.strongroom.core.testkit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChildJvmTest {
    private static final List<String> SMALL = List.of("-Xmx64m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

    @TempDir
    Path tmp;

    /** Prints "ready" and waits to be killed. */
    public static final class WaitsToBeKilled {
        public static void main(String[] args) throws InterruptedException {
            System.out.println("ready " + ProcessHandle.current().pid());
            new CountDownLatch(1).await();
        }
    }

    /** Writes to both streams and exits with the code it is given. */
    public static final class ExitsWith {
        public static void main(String[] args) {
            System.out.println("out line");
            System.err.println("err line");
            System.exit(Integer.parseInt(args[0]));
        }
    }

    /** Starts a {@link WaitsToBeKilled} child of its own, prints that child's pid, then waits to be killed. */
    public static final class StartsAGrandchild {
        public static void main(String[] args) throws InterruptedException {
            ChildJvm grandchild =
                    ChildJvm.start("grandchild", Path.of(args[0]), SMALL, WaitsToBeKilled.class, List.of());
            grandchild.awaitOutput(Pattern.compile("ready"));
            System.out.println("grandchild " + grandchild.pid());
            new CountDownLatch(1).await();
        }
    }

    @Test
    void closeKillsARunningChild() throws Exception {
        ChildJvm child = ChildJvm.start("waits", tmp, SMALL, WaitsToBeKilled.class, List.of());
        try (child) {
            Matcher ready = child.awaitOutput(Pattern.compile("ready (\\d+)"));
            assertEquals(child.pid(), Long.parseLong(ready.group(1)), "the launcher runs the main class in the child");
            assertTrue(child.isAlive());
        }
        assertFalse(child.isAlive(), "close() returns once the child is gone");
    }

    @Test
    void exitCodeAndBothStreamsAreKept() throws Exception {
        try (ChildJvm child = ChildJvm.start("exits", tmp, SMALL, ExitsWith.class, List.of("3"))) {
            assertEquals(3, child.awaitExit());
            assertEquals("out line\n", child.output());
            assertEquals("err line\n", child.log());
        }
    }

    @Test
    void waitingForOutputFailsAtOnceWhenTheChildExits() {
        try (ChildJvm child = ChildJvm.start("exits", tmp, SMALL, ExitsWith.class, List.of("1"))) {
            Throwable e = assertThrows(Throwable.class, () -> child.awaitOutput(Pattern.compile("never printed")));
            assertTrue(String.valueOf(e.getMessage()).contains("exited with 1"), e.toString());
        }
    }

    @Test
    void aChildWhoseParentIsKilledHaltsItself() throws Exception {
        try (ChildJvm parent = ChildJvm.start("parent", tmp, SMALL, StartsAGrandchild.class, List.of(tmp.toString()))) {
            long grandchildPid = Long.parseLong(
                    parent.awaitOutput(Pattern.compile("grandchild (\\d+)")).group(1));
            ProcessHandle grandchild = ProcessHandle.of(grandchildPid).orElseThrow();
            // SIGKILL to the parent alone, as a build timeout would: no shutdown hook runs in it.
            ProcessHandle.of(parent.pid()).orElseThrow().destroyForcibly();
            await("the grandchild noticing its parent is gone")
                    .atMost(ChildJvm.PATIENCE)
                    .until(() -> !grandchild.isAlive());
        }
    }
}
