package dev.walletpipeline.system;

import dev.walletpipeline.localstack.ApiClient;
import dev.walletpipeline.localstack.LedgerProbe;
import dev.walletpipeline.localstack.LocalStack;
import dev.walletpipeline.localstack.PaystackBodies;
import dev.walletpipeline.localstack.PaystackSigner;
import dev.walletpipeline.localstack.ServiceProcess;
import dev.walletpipeline.localstack.TopicProbe;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The four services as real processes on the shared stack, started once per test JVM
 * (like the stack itself) and stopped with it. Tests kill and restart them as a crash and
 * a redeploy would.
 */
final class Pipeline {

    static final String PAYSTACK_SECRET = "sk_test_local";

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private static Pipeline shared;

    final LocalStack stack;

    final LedgerProbe ledger;

    final TopicProbe topics;

    final ServiceProcess ledgerWorker;

    final ServiceProcess webhookIngest;

    final ServiceProcess webhookDispatcher;

    final ServiceProcess apiService;

    final int ledgerPort;

    final int webhookPort;

    final int apiPort;

    final ApiClient api;

    private Pipeline(LocalStack stack) {
        this.stack = stack;
        this.ledger = new LedgerProbe(stack);
        this.topics = new TopicProbe(stack);
        Path project = Path.of(System.getProperty("wallet.project.dir", ".."));
        Path logs = Path.of("target", "service-logs");
        // Settings every service is given on top of its own from the stack.
        Map<String, String> environment = new HashMap<>();
        // every request of the tests comes from 127.0.0.1
        environment.put("RATE_LIMIT_SIGN_IN", "100000");
        environment.put("RATE_LIMIT_KEY_CREATION_USER", "100000");
        environment.put("RATE_LIMIT_KEY_CREATION_ADDRESS", "100000");
        environment.put("RATE_LIMIT_MONEY", "100000");
        // reconciliation in seconds rather than minutes
        environment.put("PAYSTACK_RECONCILE_EVERY", "1s");
        environment.put("PAYSTACK_RECONCILE_AFTER", "3s");
        environment.put("WITHDRAWAL_SEND_EVERY", "200ms");
        environment.put("WITHDRAWAL_RESEND_AFTER", "1s");
        environment.put("WITHDRAWAL_VERIFY_AFTER", "3s");
        // and the outbox sweep: transfers pending for 3 s have their command sent again
        environment.put("OUTBOX_RESEND_AFTER", "3s");
        environment.put("OUTBOX_SWEEP_EVERY", "1s");
        // webhook retries in seconds rather than hours
        environment.put("WEBHOOK_RETRY_SCHEDULE", "0s,1s,2s,3s,5s,5s,5s,5s,5s,5s,5s,5s");
        environment.put("WEBHOOK_TIMEOUT", "5s");
        environment.put("WEBHOOK_LEASE", "10s");
        ledgerPort = LocalStack.freePort();
        webhookPort = LocalStack.freePort();
        apiPort = LocalStack.freePort();
        this.environment = environment;
        ledgerWorker = new ServiceProcess(project, "ledger-worker", ledgerPort, environmentOf("ledger-worker"), logs);
        webhookIngest = new ServiceProcess(project, "webhook-ingest", webhookPort, environmentOf("webhook-ingest"),
                logs);
        environment.put("WEBHOOK_INGEST_INTERNAL_URL", webhookIngest.internalUrl());
        apiService = new ServiceProcess(project, "api-service", apiPort, environmentOf("api-service"), logs);
        webhookDispatcher = new ServiceProcess(project, "webhook-dispatcher", LocalStack.freePort(),
                environmentOf("webhook-dispatcher"), logs);
        api = new ApiClient(apiPort);
        stack.paystack().webhookUrl("http://localhost:" + webhookPort + "/wallet/paystack/webhook");
    }

    private final Map<String, String> environment;

    /** A service's own settings from the stack, and the tests' settings above. */
    Map<String, String> environmentOf(String service) {
        Map<String, String> own = new HashMap<>(stack.environment(service));
        own.putAll(environment);
        return own;
    }

    /**
     * A second instance of each service, as a deployment behind a load balancer runs
     * them: a ledger-worker with instance id 1 sharing the consumer group, an api-service
     * on its own port that reaches Paystack through the second webhook-ingest, a
     * webhook-dispatcher sharing the ledger events' partitions and the deliveries.
     * Started by {@link #startTwins}, stopped by {@link #stopTwins}.
     */
    record Twins(ServiceProcess ledgerWorker, ServiceProcess webhookIngest, ServiceProcess apiService, ApiClient api,
            int webhookPort, ServiceProcess webhookDispatcher) {

        List<ServiceProcess> all() {
            return List.of(ledgerWorker, webhookIngest, apiService, webhookDispatcher);
        }
    }

    Twins startTwins() {
        Path project = Path.of(System.getProperty("wallet.project.dir", ".."));
        Path logs = Path.of("target", "service-logs", "twin");
        Map<String, String> worker = environmentOf("ledger-worker");
        worker.put("WORKER_INSTANCE_ID", "1");
        int twinWebhookPort = LocalStack.freePort();
        ServiceProcess ingest = new ServiceProcess(project, "webhook-ingest", twinWebhookPort,
                environmentOf("webhook-ingest"), logs);
        Map<String, String> api = environmentOf("api-service");
        api.put("WEBHOOK_INGEST_INTERNAL_URL", ingest.internalUrl());
        int twinApiPort = LocalStack.freePort();
        Twins twins = new Twins(new ServiceProcess(project, "ledger-worker", LocalStack.freePort(), worker, logs),
                ingest, new ServiceProcess(project, "api-service", twinApiPort, api, logs), new ApiClient(twinApiPort),
                twinWebhookPort, new ServiceProcess(project, "webhook-dispatcher", LocalStack.freePort(),
                        environmentOf("webhook-dispatcher"), logs));
        twins.all().forEach(ServiceProcess::start);
        twins.all().forEach(service -> service.awaitReady(Duration.ofMinutes(2)));
        return twins;
    }

    void stopTwins(Twins twins) {
        twins.all().forEach(ServiceProcess::close);
    }

    /**
     * Another api-service instance on its own port: for leader election of the outbox
     * relay.
     */
    ServiceProcess secondApiService(int port) {
        return new ServiceProcess(Path.of(System.getProperty("wallet.project.dir", "..")), "api-service", port,
                environmentOf("api-service"), Path.of("target", "service-logs", "second"));
    }

    static int newPort() {
        return LocalStack.freePort();
    }

    /**
     * ledger-worker as it is, plus these settings: for a restart with fault injection on.
     */
    ServiceProcess ledgerWorkerWith(Map<String, String> extra) {
        Map<String, String> changed = environmentOf("ledger-worker");
        changed.putAll(extra);
        return new ServiceProcess(Path.of(System.getProperty("wallet.project.dir", "..")), "ledger-worker", ledgerPort,
                changed, Path.of("target", "service-logs"));
    }

    /** Something a test does while a fault is armed. */
    interface Action {

        void run() throws Exception;

    }

    /**
     * Replaces ledger-worker with one that halts itself (as SIGKILL would) at the point
     * {@code fault} names (an environment setting of its fault injection), runs
     * {@code action}, and waits up to {@code within} for the halt. A worker that never
     * halted is killed all the same, so that it cannot outlive the caller as a second
     * worker. The pipeline's own ledger-worker is left stopped. Answers whether it
     * halted.
     */
    boolean ledgerWorkerHaltingAt(String fault, Duration within, Action action) throws Exception {
        ledgerWorker.kill();
        ServiceProcess doomed = ledgerWorkerWith(Map.of(fault, "true"));
        doomed.start().awaitReady(Duration.ofMinutes(2));
        try {
            action.run();
            Awaitility.await().atMost(within).until(() -> !doomed.isRunning());
            return true;
        }
        catch (ConditionTimeoutException neverHalted) {
            return false;
        }
        finally {
            doomed.kill();
        }
    }

    static synchronized Pipeline shared(LocalStack stack) {
        if (shared == null) {
            Pipeline pipeline = new Pipeline(stack);
            pipeline.ledgerWorker.start().awaitReady(Duration.ofMinutes(2));
            pipeline.webhookIngest.start();
            pipeline.apiService.start();
            pipeline.webhookDispatcher.start();
            pipeline.webhookIngest.awaitReady(Duration.ofMinutes(2));
            pipeline.apiService.awaitReady(Duration.ofMinutes(2));
            pipeline.webhookDispatcher.awaitReady(Duration.ofMinutes(2));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                pipeline.webhookDispatcher.close();
                pipeline.apiService.close();
                pipeline.webhookIngest.close();
                pipeline.ledgerWorker.close();
            }, "pipeline-stop"));
            shared = pipeline;
        }
        return shared;
    }

    /** Makes sure every service runs (a test may have left one killed) and is ready. */
    void ensureRunning() {
        for (ServiceProcess service : new ServiceProcess[] { ledgerWorker, webhookIngest, apiService,
                webhookDispatcher }) {
            if (!service.isRunning()) {
                service.start();
            }
            service.awaitReady(Duration.ofMinutes(2));
        }
    }

    /**
     * A person signed in through the OpenID Connect stand-in, with a wallet funded by a
     * signed webhook.
     */
    ApiClient.SignedIn personWithBalance(long amount) throws Exception {
        return personWithBalanceVia(api, amount);
    }

    ApiClient.SignedIn personWithBalanceVia(ApiClient client, long amount) throws Exception {
        ApiClient.SignedIn person = client.signIn("p-" + UUID.randomUUID() + "@example.com");
        if (amount > 0) {
            deposit(person, amount);
        }
        return person;
    }

    /**
     * A deposit opened for the person, paid, and announced by Paystack's signed webhook;
     * waits until credited.
     */
    void deposit(ApiClient.SignedIn person, long amount) throws Exception {
        UUID wallet = ledger.walletOfUser(UUID.fromString(person.userId()));
        String reference = ledger.newPendingDeposit(wallet, amount);
        byte[] body = PaystackBodies.chargeSuccess(reference, amount, "NGN");
        int status = postWebhook(body, PaystackSigner.sign(body, PAYSTACK_SECRET));
        if (status != 200) {
            throw new IllegalStateException("webhook answered " + status);
        }
        Awaitility.await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> ledger.depositStatus(reference).equals("success"));
    }

    int postWebhook(byte[] body, String signature) {
        return postWebhook(webhookPort, body, signature);
    }

    /** A webhook to the webhook-ingest on this port. */
    static int postWebhook(int port, byte[] body, String signature) {
        try {
            return HTTP
                .send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/wallet/paystack/webhook"))
                    .header("content-type", "application/json")
                    .header("x-paystack-signature", signature)
                    .timeout(Duration.ofSeconds(15))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
        }
        catch (IOException e) {
            return -1;
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static int readinessStatus(int port) {
        try {
            return HTTP
                .send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/health/readiness"))
                    .timeout(Duration.ofSeconds(5))
                    .build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
        }
        catch (IOException e) {
            return -1;
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

}
