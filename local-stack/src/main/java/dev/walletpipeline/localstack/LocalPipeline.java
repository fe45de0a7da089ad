package dev.walletpipeline.localstack;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The one-command local run: Kafka on 9092 and PostgreSQL on 5433 with their data kept in
 * {@code .local-stack/}, then webhook-ingest, ledger-worker, api-service and
 * webhook-dispatcher from their runnable jars on the ports of docs/API.md ("Local
 * defaults"). Ctrl-C stops everything, services first.
 */
public final class LocalPipeline {

    private LocalPipeline() {
    }

    public static void main(String[] args) throws InterruptedException {
        Path projectDir = Path.of(System.getProperty("wallet.project.dir", ".")).toAbsolutePath().normalize();
        Path home = projectDir.resolve(".local-stack");
        int partitions = Integer.parseInt(System.getenv().getOrDefault("KAFKA_PARTITIONS", "4"));

        log("starting Kafka (localhost:9092) and PostgreSQL (localhost:5433) in " + home);
        long started = System.nanoTime();
        LocalStack stack = new LocalStack(home, 9092, 9093, 5433, partitions, 8091, 8090, Duration.ofMinutes(3))
            .start();
        stack.paystack().webhookUrl("http://localhost:8081/wallet/paystack/webhook");
        log("infrastructure up in %.1f s".formatted((System.nanoTime() - started) / 1e9));

        List<ServiceProcess> services = new ArrayList<>();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log("stopping");
            for (int i = services.size() - 1; i >= 0; i--) {
                services.get(i).close();
            }
            stack.close();
            log("stopped");
            stopped.countDown();
        }, "local-pipeline-stop"));

        Path logs = home.resolve("logs");
        // ledger-worker owns the migrations' first run; api-service runs them too and
        // finds them applied.
        services.add(new ServiceProcess(projectDir, "ledger-worker", 8082,
                environment(stack, "ledger-worker", Map.of()), logs)
            .start());
        services.add(new ServiceProcess(projectDir, "webhook-ingest", 8081,
                environment(stack, "webhook-ingest", Map.of("MANAGEMENT_PORT", "9081", "INTERNAL_PORT", "8083")), logs)
            .start());
        services.add(new ServiceProcess(projectDir, "api-service", 8080,
                environment(stack, "api-service",
                        Map.of("MANAGEMENT_PORT", "9080", "WEBHOOK_INGEST_INTERNAL_URL", "http://localhost:8083")),
                logs)
            .start());
        services.add(new ServiceProcess(projectDir, "webhook-dispatcher", 8084,
                environment(stack, "webhook-dispatcher", Map.of()), logs)
            .start());
        for (ServiceProcess service : services) {
            service.awaitReady(Duration.ofMinutes(3));
            log(service.module() + " ready (log: " + service.log() + ")");
        }
        log("pipeline up in %.1f s".formatted((System.nanoTime() - started) / 1e9));
        log("""
                api-service     http://localhost:8080  (health and metrics: http://localhost:9080/actuator/health)
                webhook-ingest  http://localhost:8081/wallet/paystack/webhook  (health: http://localhost:9081/actuator/health;
                                internal listener for api-service only: http://localhost:8083)
                ledger-worker   http://localhost:8082/actuator/health
                webhook-dispatcher http://localhost:8084/actuator/health  (delivers webhooks to the endpoints registered at
                                /webhooks/endpoints; http://localhost targets are allowed in the local run)
                Paystack stand-in http://localhost:8090, Google sign-in stand-in http://localhost:8091
                Kafka localhost:9092 (SASL/SCRAM-SHA-256; read-only ledger events: downstream / downstream-local-secret,
                  everything: admin / admin-local-secret), PostgreSQL localhost:5433 (database wallet)
                Ctrl-C stops everything.""");
        stopped.await();
    }

    /**
     * The environment of the person running it (settings such as
     * {@code PAYSTACK_RECONCILE_AFTER}), then the service's own settings from the stack,
     * and its local ports.
     */
    private static Map<String, String> environment(LocalStack stack, String service, Map<String, String> ports) {
        Map<String, String> environment = new HashMap<>(System.getenv());
        environment.putAll(stack.environment(service));
        environment.putAll(ports);
        return environment;
    }

    private static void log(String message) {
        System.out.println("[local-pipeline] " + message);
    }

}
