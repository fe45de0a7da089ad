package dev.walletpipeline.benchmarks;

import dev.walletpipeline.localstack.LocalStack;
import dev.walletpipeline.localstack.ServiceProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The services a benchmark runs against the stack, as their own processes, and the ways
 * the rows change them: ledger-worker with more consumers or in two processes, the topics
 * grown to more partitions, api-service or ledger-worker restarted with an A/B setting.
 */
final class BenchServices {

    private final Path project;

    private final LocalStack stack;

    private final Path logs;

    private final Map<String, String> environment;

    final int apiPort = LocalStack.freePort();

    /** Where api-service serves its metrics: never its public port. */
    final int apiManagementPort = LocalStack.freePort();

    private final int ledgerPort = LocalStack.freePort();

    /** Settings the A/B pairs give ledger-worker on top of its own. */
    final Map<String, String> ledgerOverrides = new HashMap<>();

    /** Settings the A/B pairs give api-service on top of its own. */
    final Map<String, String> apiOverrides = new HashMap<>();

    /** A second ledger-worker process's, for the partition sweep. */
    private final int secondLedgerPort = LocalStack.freePort();

    final int webhookPort = LocalStack.freePort();

    private ServiceProcess ledgerWorker;

    /** Running only in the partition sweep, with the other half of the consumers. */
    private @Nullable ServiceProcess secondLedgerWorker;

    private ServiceProcess apiService;

    private final ServiceProcess webhookIngest;

    private final ServiceProcess webhookDispatcher;

    BenchServices(Path project, LocalStack stack, Path logs) {
        this.project = project;
        this.stack = stack;
        this.logs = logs;
        // Settings every service is given on top of its own from the stack.
        this.environment = new HashMap<>();
        environment.put("RATE_LIMIT_SIGN_IN", "1000000");
        environment.put("RATE_LIMIT_KEY_CREATION_USER", "1000000");
        environment.put("RATE_LIMIT_KEY_CREATION_ADDRESS", "1000000");
        environment.put("RATE_LIMIT_MONEY", "1000000");
        this.ledgerWorker = newLedgerWorker(1, ledgerPort, "0");
        this.webhookIngest = new ServiceProcess(project, "webhook-ingest", webhookPort, environmentOf("webhook-ingest"),
                logs);
        environment.put("WEBHOOK_INGEST_INTERNAL_URL", webhookIngest.internalUrl());
        this.apiService = newApiService();
        this.webhookDispatcher = new ServiceProcess(project, "webhook-dispatcher", LocalStack.freePort(),
                environmentOf("webhook-dispatcher"), logs);
    }

    ServiceProcess ledgerWorker() {
        return ledgerWorker;
    }

    ServiceProcess apiService() {
        return apiService;
    }

    ServiceProcess webhookIngest() {
        return webhookIngest;
    }

    ServiceProcess webhookDispatcher() {
        return webhookDispatcher;
    }

    Map<String, String> environmentOf(String service) {
        Map<String, String> settings = new HashMap<>(stack.environment(service));
        settings.putAll(environment);
        return settings;
    }

    private ServiceProcess newApiService() {
        Map<String, String> settings = environmentOf("api-service");
        settings.putAll(apiOverrides);
        settings.put("MANAGEMENT_PORT", Integer.toString(apiManagementPort));
        return new ServiceProcess(project, "api-service", apiPort, settings, logs);
    }

    private ServiceProcess newLedgerWorker(int consumers, int port, String instanceId) {
        Map<String, String> settings = environmentOf("ledger-worker");
        settings.putAll(ledgerOverrides);
        settings.put("LEDGER_CONCURRENCY", Integer.toString(consumers));
        settings.put("WORKER_INSTANCE_ID", instanceId);
        return new ServiceProcess(project, "ledger-worker", port, settings,
                instanceId.equals("0") ? logs : logs.resolve("second"));
    }

    synchronized List<Integer> ledgerPorts() {
        return secondLedgerWorker == null ? List.of(ledgerPort) : List.of(ledgerPort, secondLedgerPort);
    }

    void restartLedgerWorker(int consumers) {
        System.out.printf("restarting ledger-worker with %d consumer(s) per topic%n", consumers);
        stopLedgerWorkers();
        ledgerWorker = newLedgerWorker(consumers, ledgerPort, "0");
        ledgerWorker.start().awaitReady(Duration.ofMinutes(3));
    }

    /**
     * This many consumers per topic, spread over two ledger-worker processes (the second
     * only when there are two consumers or more).
     */
    void startLedgerWorkers(int consumers) {
        stopLedgerWorkers();
        int first = (consumers + 1) / 2;
        System.out.printf("starting ledger-worker processes with %d and %d consumer(s)%n", first, consumers - first);
        ledgerWorker = newLedgerWorker(first, ledgerPort, "0");
        ledgerWorker.start();
        if (consumers > first) {
            ServiceProcess second = newLedgerWorker(consumers - first, secondLedgerPort, "1");
            second.start().awaitReady(Duration.ofMinutes(3));
            synchronized (this) {
                secondLedgerWorker = second;
            }
        }
        ledgerWorker.awaitReady(Duration.ofMinutes(3));
    }

    synchronized void stopLedgerWorkers() {
        ledgerWorker.close();
        if (secondLedgerWorker != null) {
            secondLedgerWorker.close();
            secondLedgerWorker = null;
        }
    }

    /**
     * A drained pipeline, grown to more partitions: the relay and the worker start afresh
     * to see them.
     */
    void restartWithPartitions(int partitions) {
        System.out.printf("growing the topics to %d partitions; restarting ledger-worker and api-service%n",
                partitions);
        apiService.close();
        stopLedgerWorkers();
        stack.growPartitions(partitions);
        startLedgerWorkers(partitions);
        apiService = newApiService();
        apiService.start().awaitReady(Duration.ofMinutes(3));
    }

    synchronized void stopAll() {
        webhookDispatcher.close();
        apiService.close();
        webhookIngest.close();
        stopLedgerWorkers();
    }

    /** Starts api-service anew, with {@code apiOverrides} as they are now. */
    void restartApiService(String why) throws Exception {
        System.out.printf("restarting api-service, %s%n", why);
        apiService.close();
        apiService = newApiService();
        apiService.start().awaitReady(Duration.ofMinutes(3));
    }

}
