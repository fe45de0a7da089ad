package dev.walletpipeline.localstack;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Paystack, as far as this product meets it, in Paystack's wire format: Initialize
 * Transaction, Verify Transaction, a checkout page at {@code authorization_url} where a
 * person clicks Pay or Fail, and, on Pay, a {@code charge.success} webhook signed with
 * the secret key and retried on any non-200 on Paystack's schedule (every 3 minutes for 4
 * tries, then hourly for 72 hours), which tests compress with {@code retryUnit}.
 */
public final class PaystackStandIn extends HttpStandIn {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final SecureRandom RANDOM = new SecureRandom();

    private final String secretKey;

    private final Duration retryUnit;

    private final Map<String, Transaction> byReference = new ConcurrentHashMap<>();

    private final Map<String, String> referenceByAccessCode = new ConcurrentHashMap<>();

    private final AtomicLong ids = new AtomicLong(4_099_260_000L);

    private final AtomicInteger deliveries = new AtomicInteger();

    private final AtomicInteger verifications = new AtomicInteger();

    private final ScheduledExecutorService webhooks = Executors.newScheduledThreadPool(2);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    private volatile @Nullable String webhookUrl;

    private PaystackStandIn(int port, String secretKey, Duration retryUnit) {
        super(port);
        this.secretKey = secretKey;
        this.retryUnit = retryUnit;
        route("/transaction/initialize", this::initialize);
        route("/transaction/verify/", this::verify);
        route("/checkout/", this::checkout);
    }

    /**
     * @param retryUnit Paystack's 3 minutes between webhook retries; tests pass
     * milliseconds
     */
    public static PaystackStandIn start(int port, String secretKey, Duration retryUnit) {
        PaystackStandIn server = new PaystackStandIn(port, secretKey, retryUnit);
        server.serve();
        return server;
    }

    /** Where webhooks go (webhook-ingest's endpoint); none are sent until it is set. */
    public void webhookUrl(String url) {
        this.webhookUrl = url;
    }

    /**
     * Marks the payment made without sending its webhook: the webhook that never arrives.
     */
    public void payWithoutWebhook(String reference) {
        Transaction transaction = byReference.get(reference);
        if (transaction == null) {
            throw new IllegalArgumentException("no transaction " + reference);
        }
        transaction.status = "success";
        transaction.paidAt = Instant.now();
    }

    /**
     * Paid, then reversed by Paystack (a bank's reversal), without a webhook: Verify
     * Transaction answers {@code reversed} from now on.
     */
    public void reverseWithoutWebhook(String reference) {
        payWithoutWebhook(reference);
        byReference.get(reference).status = "reversed";
    }

    /** Pays as the checkout page's Pay button does, webhook and retries included. */
    public void pay(String reference) {
        payWithoutWebhook(reference);
        deliver(byReference.get(reference), 0);
    }

    public int webhookDeliveries() {
        return deliveries.get();
    }

    /** How many Verify Transaction calls this stand-in has answered. */
    public int verifications() {
        return verifications.get();
    }

    @Override
    public void close() {
        webhooks.shutdownNow();
        super.close();
    }

    private void initialize(HttpExchange exchange) throws IOException {
        if (!"POST".equals(exchange.getRequestMethod())) {
            respond(exchange, 405, "application/json", "{\"status\":false,\"message\":\"Method not allowed\"}");
            return;
        }
        if (!authorized(exchange)) {
            respond(exchange, 401, "application/json", "{\"status\":false,\"message\":\"Invalid key\"}");
            return;
        }
        JsonNode request;
        try {
            request = JSON.readTree(exchange.getRequestBody().readAllBytes());
        }
        catch (RuntimeException e) {
            respond(exchange, 400, "application/json", "{\"status\":false,\"message\":\"Invalid JSON\"}");
            return;
        }
        String reference = request.path("reference").asString("");
        long amount = request.path("amount").asLong(0);
        String email = request.path("email").asString("");
        if (reference.isEmpty() || amount <= 0 || email.isEmpty()) {
            respond(exchange, 400, "application/json",
                    "{\"status\":false,\"message\":\"email, amount and reference are required\",\"type\":\"validation_error\"}");
            return;
        }
        String accessCode = HexFormat.of().formatHex(randomBytes(8));
        Transaction transaction = new Transaction(ids.incrementAndGet(), reference, amount,
                request.path("currency").asString("NGN"), email, accessCode, Instant.now());
        if (byReference.putIfAbsent(reference, transaction) != null) {
            respond(exchange, 400, "application/json",
                    """
                            {"status":false,"message":"Duplicate Transaction Reference","meta":{"nextStep":"Try and create \
                            the Transaction or Charge with a new reference"},"type":"validation_error","code":"duplicate_reference"}""");
            return;
        }
        referenceByAccessCode.put(accessCode, reference);
        respond(exchange, 200, "application/json", """
                {"status":true,"message":"Authorization URL created","data":{"authorization_url":"%s/checkout/%s",\
                "access_code":"%s","reference":"%s"}}""".formatted(baseUrl(), accessCode, accessCode, reference));
    }

    private void verify(HttpExchange exchange) throws IOException {
        if (!authorized(exchange)) {
            respond(exchange, 401, "application/json", "{\"status\":false,\"message\":\"Invalid key\"}");
            return;
        }
        verifications.incrementAndGet();
        String reference = exchange.getRequestURI().getPath().substring("/transaction/verify/".length());
        Transaction transaction = byReference.get(reference);
        if (transaction == null) {
            respond(exchange, 404, "application/json",
                    "{\"status\":false,\"message\":\"Transaction reference not found\"}");
            return;
        }
        respond(exchange, 200, "application/json",
                "{\"status\":true,\"message\":\"Verification successful\",\"data\":" + transaction.data() + "}");
    }

    private void checkout(HttpExchange exchange) throws IOException {
        String[] parts = exchange.getRequestURI().getPath().split("/");
        String accessCode = parts.length > 2 ? parts[2] : "";
        String reference = referenceByAccessCode.get(accessCode);
        Transaction transaction = reference == null ? null : byReference.get(reference);
        if (transaction == null) {
            respond(exchange, 404, "text/html; charset=utf-8", "<p>Unknown checkout</p>");
            return;
        }
        if ("POST".equals(exchange.getRequestMethod()) && parts.length > 3) {
            if (!transaction.status.equals("abandoned")) {
                respond(exchange, 409, "text/html; charset=utf-8", "<p>Already " + html(transaction.status) + "</p>");
                return;
            }
            if (parts[3].equals("pay")) {
                pay(reference);
            }
            else {
                transaction.status = "failed";
            }
            respond(exchange, 200, "text/html; charset=utf-8", """
                    <!doctype html><html><body style="font-family:sans-serif;max-width:30em;margin:4em auto">
                    <h1>Payment %s</h1><p>Reference %s. You can close this page.</p></body></html>"""
                .formatted(html(transaction.status), html(reference)));
            return;
        }
        respond(exchange, 200, "text/html; charset=utf-8", """
                <!doctype html><html><head><title>Paystack checkout (local stand-in)</title></head>
                <body style="font-family:sans-serif;max-width:30em;margin:4em auto">
                <h1>Pay NGN %d.%02d</h1><p>%s &middot; reference %s</p>
                <form method="post" action="/checkout/%s/pay"><button type="submit">Pay</button></form>
                <form method="post" action="/checkout/%s/fail"><button type="submit">Fail</button></form>
                </body></html>""".formatted(transaction.amount / 100, transaction.amount % 100, html(transaction.email),
                html(reference), accessCode, accessCode));
    }

    /**
     * Paystack's retry schedule: 3 minutes for the first 4 retries, then hourly, for 72
     * hours.
     */
    private Duration retryDelay(int attempt) {
        return attempt <= 4 ? retryUnit : retryUnit.multipliedBy(20);
    }

    private void deliver(Transaction transaction, int attempt) {
        String url = webhookUrl;
        if (url == null || attempt > 4 + 72) {
            return;
        }
        byte[] body = ("{\"event\":\"charge.success\",\"data\":" + transaction.data() + "}")
            .getBytes(StandardCharsets.UTF_8);
        int status;
        try {
            deliveries.incrementAndGet();
            status = http
                .send(HttpRequest.newBuilder(URI.create(url))
                    .header("content-type", "application/json")
                    .header("x-paystack-signature", PaystackSigner.sign(body, secretKey))
                    .timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
        }
        catch (IOException e) {
            status = -1;
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (status != 200 && !webhooks.isShutdown()) {
            webhooks.schedule(() -> deliver(transaction, attempt + 1), retryDelay(attempt + 1).toMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    private boolean authorized(HttpExchange exchange) {
        List<String> header = exchange.getRequestHeaders().get("authorization");
        return header != null && header.contains("Bearer " + secretKey);
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private static final class Transaction {

        final long id;

        final String reference;

        final long amount;

        final String currency;

        final String email;

        final String accessCode;

        final Instant createdAt;

        volatile String status = "abandoned";

        volatile @Nullable Instant paidAt;

        Transaction(long id, String reference, long amount, String currency, String email, String accessCode,
                Instant createdAt) {
            this.id = id;
            this.reference = reference;
            this.amount = amount;
            this.currency = currency;
            this.email = email;
            this.accessCode = accessCode;
            this.createdAt = createdAt;
        }

        String data() {
            ObjectNode data = JSON.createObjectNode();
            data.put("id", id);
            data.put("domain", "test");
            data.put("status", status);
            data.put("reference", reference);
            data.put("amount", amount);
            data.putNull("message");
            data.put("gateway_response", status.equals("success") ? "Successful" : "The transaction was not completed");
            if (paidAt != null) {
                data.put("paid_at", paidAt.toString());
            }
            else {
                data.putNull("paid_at");
            }
            data.put("created_at", createdAt.toString());
            data.put("channel", "card");
            data.put("currency", currency);
            data.put("metadata", 0);
            data.putObject("customer").put("email", email).put("customer_code", "CUS_local");
            data.put("requested_amount", amount);
            return JSON.writeValueAsString(data);
        }

    }

}
