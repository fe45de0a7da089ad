package dev.walletpipeline.localstack;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * Starts and ends Java child processes; every process this stack runs goes through here.
 */
final class ChildJvm {

    /**
     * Heap and JIT settings for a small machine shared by many JVMs. By default only the
     * quick compiler (C1): processes start fast and tests are short.
     * {@code -Dwallet.stack.jit=full} (the benchmarks) keeps the optimising compiler too,
     * for what long runs measure, with the JVM's own code cache (240 MB reserved,
     * segmented, as deployed). Measured: with 96 MB reserved the cache is one segment,
     * and JDK 17 flushed compiled code it judged cold (50 MB used at the peak, 19 MB
     * after) only to compile it again: api-service's C2 compiler thread used 0.63 cores
     * minutes after the start, more than its request threads.
     */
    static final List<String> SMALL_JVM = "full".equals(System.getProperty("wallet.stack.jit"))
            ? List.of("-XX:+UseSerialGC", "-XX:MaxMetaspaceSize=160m", "-Xss512k")
            : List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:ReservedCodeCacheSize=48m",
                    "-XX:MaxMetaspaceSize=160m", "-Xss512k");

    private ChildJvm() {
    }

    static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * The classpath this JVM was started with. Under Surefire the real one is in
     * {@code surefire.test.class.path}: {@code java.class.path} names only its booter
     * jar.
     */
    static String ownClasspath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }

    static Process start(List<String> command, Map<String, String> environment, Path log) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(environment);
        builder.redirectErrorStream(true);
        builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        return builder.start();
    }

    static List<String> javaCommand(String heap, List<String> jvmOptions, String classpath, String mainClass,
            List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(javaExecutable());
        command.add("-Xmx" + heap);
        command.addAll(SMALL_JVM);
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classpath);
        command.add(mainClass);
        command.addAll(args);
        return command;
    }

    /**
     * SIGKILL, as a crash would, and wait until the process is reaped so its ports and
     * files are free.
     */
    static void kill(ProcessHandle process) {
        process.destroyForcibly();
        awaitExit(process, Duration.ofSeconds(30));
    }

    /**
     * SIGSTOP of the process and all it started, as a long GC pause or a frozen VM would
     * stop them, for {@code pause}; then SIGCONT, in the reverse order. A process that
     * ended meanwhile is left alone.
     */
    static void pause(ProcessHandle process, Duration pause) {
        List<ProcessHandle> frozen = new ArrayList<>();
        frozen.add(process);
        process.descendants().forEach(frozen::add);
        try {
            for (ProcessHandle each : frozen) {
                signal("STOP", each);
            }
            LockSupport.parkNanos(pause.toNanos());
        }
        finally {
            for (int i = frozen.size() - 1; i >= 0; i--) {
                signal("CONT", frozen.get(i));
            }
        }
    }

    private static void signal(String signal, ProcessHandle process) {
        if (!process.isAlive()) {
            return;
        }
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
            if (!kill.waitFor(10, TimeUnit.SECONDS)) {
                kill.destroyForcibly();
                throw new IllegalStateException("kill -" + signal + " " + process.pid() + " did not return");
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** SIGTERM, then SIGKILL if it has not ended in time. */
    static void stop(ProcessHandle process, Duration grace) {
        process.destroy();
        if (!awaitExit(process, grace)) {
            kill(process);
        }
    }

    private static boolean awaitExit(ProcessHandle process, Duration timeout) {
        try {
            process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        }
        catch (TimeoutException e) {
            return false;
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        catch (ExecutionException e) {
            return !process.isAlive();
        }
    }

}
