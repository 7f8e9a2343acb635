package io.strongroom.core.testkit;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * The main class of every {@link ChildJvm}: {@code ChildJvmLauncher <parent pid> <main class> <args...>}. It halts
 * the child as soon as the parent (the test JVM) is gone, then runs the real main class.
 *
 * <p>This is the guard for the one path the parent cannot cover itself: a test JVM killed with SIGKILL (by a build
 * timeout, or by hand) runs no shutdown hook, and its children would run on, orphaned, holding ports and files.
 */
public final class ChildJvmLauncher {
    /** The child's exit status when it stops because its parent is gone. */
    public static final int PARENT_GONE = 86;

    private ChildJvmLauncher() {}

    public static void main(String[] args) throws Throwable {
        if (args.length < 2) {
            throw new IllegalArgumentException("usage: ChildJvmLauncher <parent pid> <main class> [args...]");
        }
        long parentPid = Long.parseLong(args[0]);
        ProcessHandle.of(parentPid)
                .ifPresentOrElse(
                        parent -> parent.onExit().thenRun(ChildJvmLauncher::parentGone), ChildJvmLauncher::parentGone);
        Method main = Class.forName(args[1]).getMethod("main", String[].class);
        try {
            main.invoke(null, (Object) Arrays.copyOfRange(args, 2, args.length));
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static void parentGone() {
        System.err.println("ChildJvmLauncher: the parent JVM is gone; halting");
        Runtime.getRuntime().halt(PARENT_GONE);
    }
}
