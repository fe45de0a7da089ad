package dev.walletpipeline.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where the CPU went during a phase, by part of the stack: each process's user and system
 * time from {@code /proc} (Linux only), grouped by what its command line says it is. The
 * benchmark prints it beside each phase, so that "where the time goes" is measured rather
 * than guessed.
 */
final class CpuShare {

    private static final Map<String, String> PARTS = new LinkedHashMap<>();

    static {
        PARTS.put("kafka.Kafka", "kafka");
        PARTS.put("api-service", "api-service");
        PARTS.put("ledger-worker", "ledger-worker");
        PARTS.put("webhook-ingest", "webhook-ingest");
        PARTS.put("webhook-dispatcher", "webhook-dispatcher");
        PARTS.put("PipelineBenchmark", "load generator");
        PARTS.put("postgres", "postgres");
    }

    private static final long TICKS_PER_SECOND = 100; // USER_HZ on Linux

    private final Map<String, Long> ticks;

    /** Ticks of the JVMs' JIT compiler threads, all parts together. */
    private final long compilerTicks;

    private final long at;

    /** The whole machine's busy ticks (every process, those gone since included). */
    private final long machineTicks;

    private CpuShare(Map<String, Long> ticks, long compilerTicks, long machineTicks, long at) {
        this.ticks = ticks;
        this.compilerTicks = compilerTicks;
        this.machineTicks = machineTicks;
        this.at = at;
    }

    static CpuShare now() {
        Map<String, Long> ticks = new TreeMap<>();
        long[] compilers = { 0 };
        ProcessHandle.allProcesses().forEach(process -> {
            String part = partOf(process.pid());
            if (part != null) {
                ticks.merge(part, cpuTicks(process.pid()), Long::sum);
                if (!part.equals("postgres")) {
                    compilers[0] += compilerTicks(process.pid());
                }
            }
        });
        return new CpuShare(ticks, compilers[0], machineBusyTicks(), System.nanoTime());
    }

    /**
     * Cores' worth of CPU the JVMs' JIT compilers used since {@code earlier}: a JVM that
     * still compiles its hot code is not yet running it at full speed.
     */
    double compilersSince(CpuShare earlier) {
        return (compilerTicks - earlier.compilerTicks) / (double) TICKS_PER_SECOND / ((at - earlier.at) / 1e9);
    }

    /** Cores' worth of CPU each part used since {@code earlier}, e.g. "postgres 0.71". */
    String since(CpuShare earlier) {
        double seconds = (at - earlier.at) / 1e9;
        StringBuilder out = new StringBuilder("cores used:");
        ticks.forEach((part, now) -> {
            long before = earlier.ticks.getOrDefault(part, 0L);
            out.append(String.format(" %s %.2f,", part, (now - before) / (double) TICKS_PER_SECOND / seconds));
        });
        out.setLength(out.length() - 1);
        // A process that ended during the phase (a database connection closed, a service
        // restarted) takes its ticks with it; the machine's own count does not.
        out.append(String.format("; whole machine %.2f of %d; JIT compilers %.2f of it",
                (machineTicks - earlier.machineTicks) / (double) TICKS_PER_SECOND / seconds,
                Runtime.getRuntime().availableProcessors(), compilersSince(earlier)));
        return out.toString();
    }

    private static String partOf(long pid) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            String command = new String(raw, StandardCharsets.UTF_8).replace('\0', ' ');
            for (Map.Entry<String, String> part : PARTS.entrySet()) {
                if (command.contains(part.getKey())) {
                    return part.getValue();
                }
            }
            return null;
        }
        catch (IOException | RuntimeException gone) {
            return null;
        }
    }

    /**
     * Busy ticks of all cores since boot: user, nice, system, irq, softirq and steal (not
     * idle or I/O wait).
     */
    private static long machineBusyTicks() {
        try {
            String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = 0;
            for (int field : new int[] { 1, 2, 3, 6, 7, 8 }) {
                busy += Long.parseLong(cpu[field]);
            }
            return busy;
        }
        catch (IOException | RuntimeException unavailable) {
            return 0;
        }
    }

    /** The process's threads named by HotSpot as its C1 and C2 compilers. */
    private static long compilerTicks(long pid) {
        try (var threads = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            return threads.filter(CpuShare::isCompiler).mapToLong(CpuShare::cpuTicks).sum();
        }
        catch (IOException | RuntimeException gone) {
            return 0;
        }
    }

    private static boolean isCompiler(Path thread) {
        try {
            String name = Files.readString(thread.resolve("comm"));
            return name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre");
        }
        catch (IOException | RuntimeException gone) {
            return false;
        }
    }

    private static long cpuTicks(long pid) {
        return cpuTicks(Path.of("/proc", Long.toString(pid)));
    }

    /** User and system ticks of a process or thread directory under {@code /proc}. */
    private static long cpuTicks(Path proc) {
        try {
            String stat = Files.readString(proc.resolve("stat"));
            // the command name in parentheses may hold spaces: count fields after its
            // closing one
            List<String> fields = List.of(stat.substring(stat.lastIndexOf(')') + 2).split(" "));
            // utime, stime
            return Long.parseLong(fields.get(11)) + Long.parseLong(fields.get(12));
        }
        catch (IOException | RuntimeException gone) {
            return 0;
        }
    }

}
