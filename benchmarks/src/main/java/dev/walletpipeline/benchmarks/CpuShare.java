package dev.walletpipeline.benchmarks;

import java.io.IOException;
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
        PARTS.put("PipelineBenchmark", "load generator");
        PARTS.put("postgres", "postgres");
    }

    private static final long TICKS_PER_SECOND = 100; // USER_HZ on Linux

    private final Map<String, Long> ticks;

    private final long at;

    private CpuShare(Map<String, Long> ticks, long at) {
        this.ticks = ticks;
        this.at = at;
    }

    static CpuShare now() {
        Map<String, Long> ticks = new TreeMap<>();
        ProcessHandle.allProcesses().forEach(process -> {
            String part = partOf(process.pid());
            if (part != null) {
                ticks.merge(part, cpuTicks(process.pid()), Long::sum);
            }
        });
        return new CpuShare(ticks, System.nanoTime());
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
        return out.toString();
    }

    private static String partOf(long pid) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            String command = new String(raw, java.nio.charset.StandardCharsets.UTF_8).replace('\0', ' ');
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

    private static long cpuTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // the command name in parentheses may hold spaces: count fields after its
            // closing one
            List<String> fields = List.of(stat.substring(stat.lastIndexOf(')') + 2).split(" "));
            return Long.parseLong(fields.get(11)) + Long.parseLong(fields.get(12)); // utime,
                                                                                    // stime
        }
        catch (IOException | RuntimeException gone) {
            return 0;
        }
    }

}
