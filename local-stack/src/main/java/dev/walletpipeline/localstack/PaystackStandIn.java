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
 * person clicks Pay or Fail, Create Refund, Resolve Dispute (and, not Paystack's,
 * {@code POST /stand-in/disputes} for a customer's bank opening one), Resolve Account
 * Number, Create Transfer Recipient, Initiate Transfer and Verify Transfer (and, not
 * Paystack's, {@code POST /stand-in/transfers/{reference}/fail|reverse}), and, for each,
 * its webhook ({@code charge.success}, {@code refund.processed},
 * {@code charge.dispute.create}, {@code charge.dispute.resolve},
 * {@code transfer.success}, {@code transfer.failed}, {@code transfer.reversed}) signed
 * with the secret key and retried on any non-200 on Paystack's schedule (every 3 minutes
 * for 4 tries, then hourly for 72 hours), which tests compress with {@code retryUnit}.
 */
public final class PaystackStandIn extends HttpStandIn {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final SecureRandom RANDOM = new SecureRandom();

    private final String secretKey;

    private final Duration retryUnit;

    private final Map<String, Transaction> byReference = new ConcurrentHashMap<>();

    private final Map<String, String> referenceByAccessCode = new ConcurrentHashMap<>();

    private final Map<Long, Dispute> disputes = new ConcurrentHashMap<>();

    private final Map<String, Recipient> recipients = new ConcurrentHashMap<>();

    private final Map<String, PaystackTransfer> transfers = new ConcurrentHashMap<>();

    private volatile boolean transferWebhooks = true;

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
        route("/refund", this::refund);
        route("/dispute/", this::resolveDisputeCall);
        route("/stand-in/disputes", this::openDisputeCall);
        route("/bank/resolve", this::resolveAccount);
        route("/transferrecipient", this::createRecipient);
        route("/transfer", this::transfer);
        route("/transfer/verify/", this::verifyTransfer);
        route("/stand-in/transfers/", this::settleTransferCall);
    }

    /**
     * The banks this stand-in resolves accounts at (Paystack's codes). An account number
     * starting with 000 never resolves; one ending in 0001 is paid out and then fails
     * ({@code transfer.failed}), one ending in 0002 is paid out and then reversed
     * ({@code transfer.success}, then {@code transfer.reversed}); any other succeeds.
     */
    public static final Map<String, String> BANKS = Map.of("058", "Guaranty Trust Bank", "044", "Access Bank", "011",
            "First Bank of Nigeria", "033", "United Bank For Africa", "057", "Zenith Bank");

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
        Transaction transaction = byReference.get(reference);
        send(event("charge.success", transaction.data()), 0);
    }

    /**
     * Refunds a successful payment as Paystack's Create Refund does: {@code amount} in
     * kobo, or the whole rest when null; then sends {@code refund.processed}, whose
     * amount is a string, as Paystack's is.
     * @return the refund's id
     */
    public long refund(String reference, @Nullable Long amount) {
        Transaction transaction = paid(reference);
        long refunded = amount == null ? transaction.amount - transaction.refunded : amount;
        if (refunded <= 0 || transaction.refunded + refunded > transaction.amount) {
            throw new IllegalArgumentException("Refund amount cannot be more than the unrefunded transaction amount");
        }
        transaction.refunded += refunded;
        long id = ids.incrementAndGet();
        ObjectNode data = JSON.createObjectNode();
        data.put("status", "processed");
        data.put("transaction_reference", reference);
        data.putNull("refund_reference");
        data.put("amount", Long.toString(refunded));
        data.put("currency", transaction.currency);
        data.put("processor", "local");
        data.putObject("customer").put("email", transaction.email);
        data.put("integration", 100_032);
        data.put("domain", "test");
        data.put("id", id);
        send(event("refund.processed", JSON.writeValueAsString(data)), 0);
        return id;
    }

    /**
     * A customer's bank disputes a payment (Paystack has no API for this: it starts at
     * the customer's bank); sends {@code charge.dispute.create}.
     * @return the dispute's id
     */
    public long openDispute(String reference, long amount) {
        Transaction transaction = paid(reference);
        Dispute dispute = new Dispute(ids.incrementAndGet(), transaction, amount);
        disputes.put(dispute.id, dispute);
        send(event("charge.dispute.create", dispute.data()), 0);
        return dispute.id;
    }

    /**
     * Resolves a dispute as Paystack's Resolve Dispute does ({@code merchant-accepted}:
     * the customer gets the money; {@code declined}: we keep it); sends
     * {@code charge.dispute.resolve}.
     */
    public void resolveDispute(long id, String resolution) {
        Dispute dispute = disputes.get(id);
        if (dispute == null) {
            throw new IllegalArgumentException("no dispute " + id);
        }
        if (!resolution.equals("merchant-accepted") && !resolution.equals("declined")) {
            throw new IllegalArgumentException("resolution must be merchant-accepted or declined");
        }
        dispute.status = "resolved";
        dispute.resolution = resolution;
        send(event("charge.dispute.resolve", dispute.data()), 0);
    }

    /**
     * Whether Paystack's transfer webhooks are sent; off, transfers still succeed, fail
     * or reverse, and only Verify Transfer tells (the webhook that never comes).
     */
    public void transferWebhooks(boolean send) {
        this.transferWebhooks = send;
    }

    /** Fails a transfer not yet final, with {@code transfer.failed}. */
    public void failTransfer(String reference) {
        PaystackTransfer transfer = transferOf(reference);
        transfer.status = "failed";
        transferEvent("transfer.failed", transfer);
    }

    /** Reverses a transfer, also one paid out, with {@code transfer.reversed}. */
    public void reverseTransfer(String reference) {
        PaystackTransfer transfer = transferOf(reference);
        transfer.status = "reversed";
        transferEvent("transfer.reversed", transfer);
    }

    /** Paystack's status of a transfer, or null when it has none with this reference. */
    public @Nullable String transferStatus(String reference) {
        PaystackTransfer transfer = transfers.get(reference);
        return transfer == null ? null : transfer.status;
    }

    private PaystackTransfer transferOf(String reference) {
        PaystackTransfer transfer = transfers.get(reference);
        if (transfer == null) {
            throw new IllegalArgumentException("no transfer " + reference);
        }
        return transfer;
    }

    private void transferEvent(String type, PaystackTransfer transfer) {
        if (transferWebhooks) {
            send(event(type, transfer.data()), 0);
        }
    }

    /** Paystack decides a queued transfer a moment after taking it. */
    private void settle(PaystackTransfer transfer) {
        String number = transfer.recipient.accountNumber;
        if (number.endsWith("0001")) {
            failTransfer(transfer.reference);
            return;
        }
        transfer.status = "success";
        transferEvent("transfer.success", transfer);
        if (number.endsWith("0002")) {
            reverseTransfer(transfer.reference);
        }
    }

    /** {@code GET /bank/resolve?account_number=&bank_code=}. */
    private void resolveAccount(HttpExchange exchange) throws IOException {
        if (!authorized(exchange)) {
            respond(exchange, 401, "application/json", "{\"status\":false,\"message\":\"Invalid key\"}");
            return;
        }
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        String number = query.getOrDefault("account_number", "");
        String bank = query.getOrDefault("bank_code", "");
        if (!number.matches("[0-9]{10}") || number.startsWith("000") || !BANKS.containsKey(bank)) {
            respond(exchange, 422, "application/json",
                    "{\"status\":false,\"message\":\"Could not resolve account name. Check parameters or try again.\"}");
            return;
        }
        respond(exchange, 200, "application/json", """
                {"status":true,"message":"Account number resolved","data":{"account_number":"%s",\
                "account_name":"%s","bank_id":9}}""".formatted(number, accountName(number)));
    }

    private static String accountName(String number) {
        return "ADA OBI " + number.substring(6);
    }

    /** {@code POST /transferrecipient} for a {@code nuban}. */
    private void createRecipient(HttpExchange exchange) throws IOException {
        JsonNode request = authorizedJson(exchange, "POST");
        if (request == null) {
            return;
        }
        String number = request.path("account_number").asString("");
        String bank = request.path("bank_code").asString("");
        if (!request.path("type").asString("").equals("nuban") || !number.matches("[0-9]{10}")
                || !BANKS.containsKey(bank)) {
            respond(exchange, 400, "application/json",
                    "{\"status\":false,\"message\":\"Account details are invalid\"}");
            return;
        }
        Recipient recipient = new Recipient(ids.incrementAndGet(), "RCP_" + HexFormat.of().formatHex(randomBytes(8)),
                request.path("name").asString(accountName(number)), number, bank);
        recipients.put(recipient.code, recipient);
        respond(exchange, 201, "application/json",
                "{\"status\":true,\"message\":\"Transfer recipient created successfully\",\"data\":" + recipient.data()
                        + "}");
    }

    /**
     * {@code POST /transfer}: from our balance, to a recipient, deduplicated by
     * reference.
     */
    private void transfer(HttpExchange exchange) throws IOException {
        JsonNode request = authorizedJson(exchange, "POST");
        if (request == null) {
            return;
        }
        Recipient recipient = recipients.get(request.path("recipient").asString(""));
        String reference = request.path("reference").asString("");
        long amount = request.path("amount").asLong(0);
        if (recipient == null || reference.isEmpty() || amount <= 0
                || !request.path("source").asString("").equals("balance")) {
            respond(exchange, 400, "application/json",
                    "{\"status\":false,\"message\":\"Invalid transfer: source, amount, recipient and reference are required\"}");
            return;
        }
        PaystackTransfer transfer = new PaystackTransfer(ids.incrementAndGet(),
                "TRF_" + HexFormat.of().formatHex(randomBytes(8)), reference, amount,
                request.path("reason").asString(""), recipient);
        if (transfers.putIfAbsent(reference, transfer) != null) {
            respond(exchange, 400, "application/json",
                    "{\"status\":false,\"message\":\"Duplicate Transfer Reference\"}");
            return;
        }
        respond(exchange, 200, "application/json",
                "{\"status\":true,\"message\":\"Transfer has been queued\",\"data\":" + transfer.data() + "}");
        webhooks.schedule(() -> settle(transfer), 20, TimeUnit.MILLISECONDS);
    }

    /** {@code GET /transfer/verify/{reference}}. */
    private void verifyTransfer(HttpExchange exchange) throws IOException {
        if (!authorized(exchange)) {
            respond(exchange, 401, "application/json", "{\"status\":false,\"message\":\"Invalid key\"}");
            return;
        }
        verifications.incrementAndGet();
        PaystackTransfer transfer = transfers
            .get(exchange.getRequestURI().getPath().substring("/transfer/verify/".length()));
        if (transfer == null) {
            respond(exchange, 404, "application/json", "{\"status\":false,\"message\":\"Transfer not found\"}");
            return;
        }
        respond(exchange, 200, "application/json",
                "{\"status\":true,\"message\":\"Transfer retrieved\",\"data\":" + transfer.data() + "}");
    }

    /**
     * Not Paystack's: {@code POST /stand-in/transfers/{reference}/fail} or
     * {@code .../reverse}, for the local run.
     */
    private void settleTransferCall(HttpExchange exchange) throws IOException {
        if (authorizedJson(exchange, "POST") == null) {
            return;
        }
        String[] parts = exchange.getRequestURI().getPath().split("/");
        try {
            String reference = parts.length > 4 ? parts[3] : "";
            switch (parts.length > 4 ? parts[4] : "") {
                case "fail" -> failTransfer(reference);
                case "reverse" -> reverseTransfer(reference);
                default -> throw new IllegalArgumentException("POST /stand-in/transfers/{reference}/fail or /reverse");
            }
            respond(exchange, 200, "application/json",
                    "{\"status\":true,\"data\":" + transfers.get(reference).data() + "}");
        }
        catch (IllegalArgumentException e) {
            respond(exchange, 400, "application/json",
                    "{\"status\":false,\"message\":" + JSON.writeValueAsString(e.getMessage()) + "}");
        }
    }

    private Transaction paid(String reference) {
        Transaction transaction = byReference.get(reference);
        if (transaction == null || !transaction.status.equals("success")) {
            throw new IllegalArgumentException("Transaction " + reference + " is not a successful payment");
        }
        return transaction;
    }

    private static byte[] event(String type, String data) {
        return ("{\"event\":\"" + type + "\",\"data\":" + data + "}").getBytes(StandardCharsets.UTF_8);
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

    /** {@code POST /refund} {@code {"transaction": reference, "amount": optional}}. */
    private void refund(HttpExchange exchange) throws IOException {
        JsonNode request = authorizedJson(exchange, "POST");
        if (request == null) {
            return;
        }
        String reference = request.path("transaction").asString("");
        JsonNode amount = request.path("amount");
        Long kobo = amount.isMissingNode() || amount.isNull() ? null
                : amount.isString() ? Long.valueOf(amount.asString("0")) : amount.asLong();
        try {
            long id = refund(reference, kobo);
            ObjectNode data = JSON.createObjectNode();
            data.putObject("transaction").put("reference", reference);
            data.put("id", id);
            data.put("status", "pending");
            data.put("currency", byReference.get(reference).currency);
            data.put("amount", kobo == null ? byReference.get(reference).amount : kobo);
            respond(exchange, 200, "application/json",
                    "{\"status\":true,\"message\":\"Refund has been queued for processing\",\"data\":"
                            + JSON.writeValueAsString(data) + "}");
        }
        catch (IllegalArgumentException e) {
            respond(exchange, 400, "application/json",
                    "{\"status\":false,\"message\":" + JSON.writeValueAsString(e.getMessage()) + "}");
        }
    }

    /**
     * {@code PUT /dispute/{id}/resolve} {@code {"resolution", "message",
     * "refund_amount"}}.
     */
    private void resolveDisputeCall(HttpExchange exchange) throws IOException {
        JsonNode request = authorizedJson(exchange, "PUT");
        if (request == null) {
            return;
        }
        String[] parts = exchange.getRequestURI().getPath().split("/");
        try {
            long id = Long.parseLong(parts.length > 2 ? parts[2] : "");
            resolveDispute(id, request.path("resolution").asString(""));
            respond(exchange, 200, "application/json",
                    "{\"status\":true,\"message\":\"Dispute successfully resolved\",\"data\":" + disputes.get(id).data()
                            + "}");
        }
        catch (IllegalArgumentException e) {
            respond(exchange, 400, "application/json",
                    "{\"status\":false,\"message\":" + JSON.writeValueAsString(e.getMessage()) + "}");
        }
    }

    /**
     * Not Paystack's: {@code POST /stand-in/disputes} {@code {"reference", "amount"}}
     * plays the customer's bank opening a dispute, for the local run.
     */
    private void openDisputeCall(HttpExchange exchange) throws IOException {
        JsonNode request = authorizedJson(exchange, "POST");
        if (request == null) {
            return;
        }
        try {
            long id = openDispute(request.path("reference").asString(""), request.path("amount").asLong(0));
            respond(exchange, 200, "application/json", "{\"status\":true,\"data\":" + disputes.get(id).data() + "}");
        }
        catch (IllegalArgumentException e) {
            respond(exchange, 400, "application/json",
                    "{\"status\":false,\"message\":" + JSON.writeValueAsString(e.getMessage()) + "}");
        }
    }

    /** The request's JSON body, or null after answering 405, 401 or 400. */
    private @Nullable JsonNode authorizedJson(HttpExchange exchange, String method) throws IOException {
        if (!method.equals(exchange.getRequestMethod())) {
            respond(exchange, 405, "application/json", "{\"status\":false,\"message\":\"Method not allowed\"}");
            return null;
        }
        if (!authorized(exchange)) {
            respond(exchange, 401, "application/json", "{\"status\":false,\"message\":\"Invalid key\"}");
            return null;
        }
        try {
            JsonNode body = JSON.readTree(exchange.getRequestBody().readAllBytes());
            if (body != null && body.isObject()) {
                return body;
            }
        }
        catch (RuntimeException e) {
            // answered below
        }
        respond(exchange, 400, "application/json", "{\"status\":false,\"message\":\"Invalid JSON\"}");
        return null;
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

    /**
     * Delivers a signed webhook, retried on Paystack's schedule until it is answered 200.
     */
    private void send(byte[] body, int attempt) {
        String url = webhookUrl;
        if (url == null || attempt > 4 + 72) {
            return;
        }
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
            webhooks.schedule(() -> send(body, attempt + 1), retryDelay(attempt + 1).toMillis(), TimeUnit.MILLISECONDS);
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

        volatile long refunded;

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

    private static final class Dispute {

        final long id;

        final Transaction transaction;

        final long amount;

        final Instant createdAt = Instant.now();

        volatile String status = "awaiting-merchant-feedback";

        volatile @Nullable String resolution;

        Dispute(long id, Transaction transaction, long amount) {
            this.id = id;
            this.transaction = transaction;
            this.amount = amount;
        }

        String data() {
            ObjectNode data = JSON.createObjectNode();
            data.put("id", id);
            data.put("refund_amount", amount);
            data.put("currency", transaction.currency);
            data.put("status", status);
            if (resolution != null) {
                data.put("resolution", resolution);
                data.put("resolvedAt", Instant.now().toString());
            }
            else {
                data.putNull("resolution");
            }
            data.put("domain", "test");
            data.put("category", "chargeback");
            ObjectNode paid = data.putObject("transaction");
            paid.put("id", transaction.id);
            paid.put("reference", transaction.reference);
            paid.put("amount", transaction.amount);
            paid.put("currency", transaction.currency);
            paid.put("status", transaction.status);
            data.putObject("customer").put("email", transaction.email);
            data.put("createdAt", createdAt.toString());
            return JSON.writeValueAsString(data);
        }

    }

    private static final class Recipient {

        final long id;

        final String code;

        final String name;

        final String accountNumber;

        final String bankCode;

        Recipient(long id, String code, String name, String accountNumber, String bankCode) {
            this.id = id;
            this.code = code;
            this.name = name;
            this.accountNumber = accountNumber;
            this.bankCode = bankCode;
        }

        ObjectNode node() {
            ObjectNode data = JSON.createObjectNode();
            data.put("active", true);
            data.put("currency", "NGN");
            data.put("domain", "test");
            data.put("id", id);
            data.put("integration", 100_032);
            data.put("name", name);
            data.put("recipient_code", code);
            data.put("type", "nuban");
            data.put("is_deleted", false);
            ObjectNode details = data.putObject("details");
            details.putNull("authorization_code");
            details.put("account_number", accountNumber);
            details.put("account_name", name);
            details.put("bank_code", bankCode);
            details.put("bank_name", BANKS.get(bankCode));
            return data;
        }

        String data() {
            return JSON.writeValueAsString(node());
        }

    }

    private static final class PaystackTransfer {

        final long id;

        final String code;

        final String reference;

        final long amount;

        final String reason;

        final Recipient recipient;

        final Instant createdAt = Instant.now();

        volatile String status = "pending";

        PaystackTransfer(long id, String code, String reference, long amount, String reason, Recipient recipient) {
            this.id = id;
            this.code = code;
            this.reference = reference;
            this.amount = amount;
            this.reason = reason;
            this.recipient = recipient;
        }

        String data() {
            ObjectNode data = JSON.createObjectNode();
            data.put("amount", amount);
            data.put("currency", "NGN");
            data.put("domain", "test");
            data.putNull("failures");
            data.put("id", id);
            data.put("integration", 100_032);
            data.put("reason", reason);
            data.put("reference", reference);
            data.put("source", "balance");
            data.putNull("source_details");
            data.put("status", status);
            data.putNull("titan_code");
            data.put("transfer_code", code);
            if (status.equals("success")) {
                data.put("transferred_at", Instant.now().toString());
            }
            else {
                data.putNull("transferred_at");
            }
            data.set("recipient", recipient.node());
            data.put("created_at", createdAt.toString());
            data.put("updated_at", Instant.now().toString());
            return JSON.writeValueAsString(data);
        }

    }

}
