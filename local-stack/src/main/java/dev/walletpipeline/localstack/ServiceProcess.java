package dev.walletpipeline.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One of the services as its own OS process, started from its runnable jar
 * ({@code <module>/target/<module>-<version>-exec.jar}), as a deployment would run it.
 */
public final class ServiceProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String module;

    private final Path jar;

    private final int port;

    private final int managementPort;

    private final Map<String, String> environment;

    private final Path log;

    private @Nullable Process process;

    /**
     * @param projectDir the checkout's root, where each module's {@code target/} is
     * @param module the service's module name, e.g. {@code ledger-worker}
     * @param port the port it serves on ({@code SERVER_PORT}); health and metrics are on
     * {@code MANAGEMENT_PORT} when the environment names one, on the same port for
     * ledger-worker (it serves nothing else), and on a free port otherwise; so is
     * webhook-ingest's internal listener ({@code INTERNAL_PORT})
     * @param environment its settings, as environment variables
     * @param logDir where its output goes, as {@code <module>.log}
     */
    public ServiceProcess(Path projectDir, String module, int port, Map<String, String> environment, Path logDir) {
        this.module = module;
        this.jar = runnableJar(projectDir, module);
        this.port = port;
        this.environment = new HashMap<>(environment);
        this.environment.put("SERVER_PORT", Integer.toString(port));
        this.environment.computeIfAbsent("MANAGEMENT_PORT",
                k -> Integer.toString(module.equals("ledger-worker") ? port : LocalStack.freePort()));
        this.managementPort = Integer.parseInt(this.environment.get("MANAGEMENT_PORT"));
        if (module.equals("webhook-ingest")) {
            this.environment.computeIfAbsent("INTERNAL_PORT", k -> Integer.toString(LocalStack.freePort()));
        }
        // Each service as its own Kafka user, with exactly the rights the ACLs give it.
        this.environment.putIfAbsent("KAFKA_USERNAME", module);
        this.environment.putIfAbsent("KAFKA_PASSWORD", KafkaBroker.localPassword(module));
        this.log = logDir.resolve(module + ".log");
    }

    static Path runnableJar(Path projectDir, String module) {
        Path target = projectDir.resolve(module).resolve("target");
        try (var files = Files.list(target)) {
            return files.filter(p -> p.getFileName().toString().endsWith("-exec.jar"))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException(
                        "no runnable jar in " + target + ": build first with ./mvnw -DskipTests package"));
        }
        catch (IOException e) {
            throw new IllegalStateException("no " + target + ": build first with ./mvnw -DskipTests package", e);
        }
    }

    public String module() {
        return module;
    }

    public Path log() {
        return log;
    }

    /** The port it serves on. */
    public int port() {
        return port;
    }

    /** Where its health and metrics are ({@code /actuator/...}). */
    public int managementPort() {
        return managementPort;
    }

    /**
     * webhook-ingest's internal listener, the one api-service reaches it on
     * ({@code WEBHOOK_INGEST_INTERNAL_URL}).
     */
    public String internalUrl() {
        String internal = environment.get("INTERNAL_PORT");
        if (internal == null) {
            throw new IllegalStateException(module + " has no internal listener");
        }
        return "http://localhost:" + internal;
    }

    public synchronized ServiceProcess start() {
        try {
            Files.createDirectories(log.getParent());
            List<String> command = new ArrayList<>();
            command.add(ChildJvm.javaExecutable());
            command.add("-Xmx" + environment.getOrDefault("JAVA_HEAP", "256m"));
            command.addAll(ChildJvm.SMALL_JVM);
            command.add("-jar");
            command.add(jar.toString());
            process = ChildJvm.start(command, environment, log);
            return this;
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Waits until the service reports itself ready: Kafka and Postgres reachable,
     * listeners up.
     */
    public ServiceProcess awaitReady(Duration timeout) {
        URI readiness = URI.create("http://localhost:" + managementPort + "/actuator/health/readiness");
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            Process current = process;
            if (current == null || !current.isAlive()) {
                throw new IllegalStateException(module + " exited during start; see " + log);
            }
            try {
                HttpResponse<Void> response = HTTP.send(
                        HttpRequest.newBuilder(readiness).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return this;
                }
            }
            catch (IOException notYet) {
                // not listening yet
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            try {
                Thread.sleep(250);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException(module + " not ready after " + timeout + "; see " + log);
    }

    /**
     * Frozen (SIGSTOP) for this long and then let go on (SIGCONT): a long GC pause or a
     * suspended VM, alive all along, waking up to a world that moved on. Returns when it
     * runs again.
     */
    public void pause(Duration pause) {
        Process current;
        synchronized (this) {
            current = process;
        }
        if (current != null) {
            ChildJvm.pause(current.toHandle(), pause);
        }
    }

    /** SIGKILL, as a crash would. */
    public synchronized void kill() {
        if (process != null) {
            ChildJvm.kill(process.toHandle());
            process = null;
        }
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    @Override
    public synchronized void close() {
        if (process != null) {
            ChildJvm.stop(process.toHandle(), Duration.ofSeconds(20));
            process = null;
        }
    }

}
