package dev.walletpipeline.localstack;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Paystack's money-in APIs, in its wire format: Initialize Transaction, Verify
 * Transaction, a checkout page at {@code authorization_url} where a person clicks Pay or
 * Fail, Create Refund and Resolve Dispute, and, not Paystack's,
 * {@code POST /stand-in/disputes} for a customer's bank opening one; with their webhooks
 * ({@code charge.success}, {@code refund.processed}, {@code charge.dispute.create},
 * {@code charge.dispute.resolve}).
 */
final class PaystackPayments {

    private static final String JSON_TYPE = "application/json";

    private static final String HTML_TYPE = "text/html; charset=utf-8";

    private final PaystackWire wire;

    private final PaystackWebhooks webhooks;

    private final AtomicLong ids;

    private final AtomicInteger verifications;

    /** The stand-in's base URL, for the checkout links (known once it listens). */
    private final Supplier<String> publicUrl;

    private final Map<String, Transaction> byReference = new ConcurrentHashMap<>();

    private final Map<String, String> referenceByAccessCode = new ConcurrentHashMap<>();

    private final Map<Long, Dispute> disputes = new ConcurrentHashMap<>();

    PaystackPayments(PaystackWire wire, PaystackWebhooks webhooks, AtomicLong ids, AtomicInteger verifications,
            Supplier<String> publicUrl) {
        this.wire = wire;
        this.webhooks = webhooks;
        this.ids = ids;
        this.verifications = verifications;
        this.publicUrl = publicUrl;
    }

    void payWithoutWebhook(String reference) {
        Transaction transaction = byReference.get(reference);
        if (transaction == null) {
            throw new IllegalArgumentException("no transaction " + reference);
        }
        transaction.status = "success";
        transaction.paidAt = Instant.now();
    }

    void reverseWithoutWebhook(String reference) {
        payWithoutWebhook(reference);
        byReference.get(reference).status = "reversed";
    }

    /**
     * Paid, but not as opened (a bank transfer of another sum, another currency), without
     * a webhook: Verify Transaction answers this from now on, for a reference opened here
     * or not.
     */
    void paidOtherwiseWithoutWebhook(String reference, long amount, String currency) {
        Transaction opened = byReference.get(reference);
        Transaction paid = new Transaction(opened != null ? opened.id : ids.incrementAndGet(), reference, amount,
                currency, opened != null ? opened.email : "customer@example.com", Instant.now());
        byReference.put(reference, paid);
        payWithoutWebhook(reference);
    }

    void pay(String reference) {
        payWithoutWebhook(reference);
        webhooks.send("charge.success", byReference.get(reference).data());
    }

    long refund(String reference, @Nullable Long amount) {
        Transaction transaction = paid(reference);
        long refunded = amount == null ? transaction.amount - transaction.refunded : amount;
        if (refunded <= 0 || transaction.refunded + refunded > transaction.amount) {
            throw new IllegalArgumentException("Refund amount cannot be more than the unrefunded transaction amount");
        }
        transaction.refunded += refunded;
        long id = ids.incrementAndGet();
        ObjectNode data = PaystackWire.JSON.createObjectNode();
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
        webhooks.send("refund.processed", PaystackWire.JSON.writeValueAsString(data));
        return id;
    }

    long openDispute(String reference, long amount) {
        Transaction transaction = paid(reference);
        Dispute dispute = new Dispute(ids.incrementAndGet(), transaction, amount);
        disputes.put(dispute.id, dispute);
        webhooks.send("charge.dispute.create", dispute.data());
        return dispute.id;
    }

    void resolveDispute(long id, String resolution) {
        Dispute dispute = disputes.get(id);
        if (dispute == null) {
            throw new IllegalArgumentException("no dispute " + id);
        }
        if (!resolution.equals("merchant-accepted") && !resolution.equals("declined")) {
            throw new IllegalArgumentException("resolution must be merchant-accepted or declined");
        }
        dispute.status = "resolved";
        dispute.resolution = resolution;
        webhooks.send("charge.dispute.resolve", dispute.data());
    }

    private Transaction paid(String reference) {
        Transaction transaction = byReference.get(reference);
        if (transaction == null || !transaction.status.equals("success")) {
            throw new IllegalArgumentException("Transaction " + reference + " is not a successful payment");
        }
        return transaction;
    }

    /** {@code POST /transaction/initialize}. */
    void initialize(HttpExchange exchange) throws IOException {
        JsonNode request = wire.authorizedJson(exchange, "POST");
        if (request == null) {
            return;
        }
        String reference = request.path("reference").asString("");
        long amount = request.path("amount").asLong(0);
        String email = request.path("email").asString("");
        if (reference.isEmpty() || amount <= 0 || email.isEmpty()) {
            HttpStandIn.respond(exchange, 400, JSON_TYPE,
                    "{\"status\":false,\"message\":\"email, amount and reference are required\",\"type\":\"validation_error\"}");
            return;
        }
        String accessCode = HexFormat.of().formatHex(PaystackWire.randomBytes(8));
        Transaction transaction = new Transaction(ids.incrementAndGet(), reference, amount,
                request.path("currency").asString("NGN"), email, Instant.now());
        if (byReference.putIfAbsent(reference, transaction) != null) {
            HttpStandIn.respond(exchange, 400, JSON_TYPE,
                    """
                            {"status":false,"message":"Duplicate Transaction Reference","meta":{"nextStep":"Try and create \
                            the Transaction or Charge with a new reference"},"type":"validation_error","code":"duplicate_reference"}""");
            return;
        }
        referenceByAccessCode.put(accessCode, reference);
        HttpStandIn.respond(exchange, 200, JSON_TYPE, """
                {"status":true,"message":"Authorization URL created","data":{"authorization_url":"%s/checkout/%s",\
                "access_code":"%s","reference":"%s"}}""".formatted(publicUrl.get(), accessCode, accessCode, reference));
    }

    /** {@code GET /transaction/verify/{reference}}. */
    void verify(HttpExchange exchange) throws IOException {
        if (!wire.requireKey(exchange)) {
            return;
        }
        verifications.incrementAndGet();
        String reference = exchange.getRequestURI().getPath().substring("/transaction/verify/".length());
        Transaction transaction = byReference.get(reference);
        if (transaction == null) {
            HttpStandIn.respond(exchange, 404, JSON_TYPE,
                    "{\"status\":false,\"message\":\"Transaction reference not found\"}");
            return;
        }
        HttpStandIn.respond(exchange, 200, JSON_TYPE,
                "{\"status\":true,\"message\":\"Verification successful\",\"data\":" + transaction.data() + "}");
    }

    /** {@code POST /refund} {@code {"transaction": reference, "amount": optional}}. */
    void refundCall(HttpExchange exchange) throws IOException {
        JsonNode request = wire.authorizedJson(exchange, "POST");
        if (request == null) {
            return;
        }
        String reference = request.path("transaction").asString("");
        JsonNode amount = request.path("amount");
        Long kobo = amount.isMissingNode() || amount.isNull() ? null
                : amount.isString() ? Long.valueOf(amount.asString("0")) : amount.asLong();
        try {
            long id = refund(reference, kobo);
            ObjectNode data = PaystackWire.JSON.createObjectNode();
            data.putObject("transaction").put("reference", reference);
            data.put("id", id);
            data.put("status", "pending");
            data.put("currency", byReference.get(reference).currency);
            data.put("amount", kobo == null ? byReference.get(reference).amount : kobo);
            HttpStandIn.respond(exchange, 200, JSON_TYPE,
                    "{\"status\":true,\"message\":\"Refund has been queued for processing\",\"data\":"
                            + PaystackWire.JSON.writeValueAsString(data) + "}");
        }
        catch (IllegalArgumentException e) {
            PaystackWire.refuse(exchange, String.valueOf(e.getMessage()));
        }
    }

    /**
     * {@code PUT /dispute/{id}/resolve} {@code {"resolution", "message",
     * "refund_amount"}}.
     */
    void resolveDisputeCall(HttpExchange exchange) throws IOException {
        JsonNode request = wire.authorizedJson(exchange, "PUT");
        if (request == null) {
            return;
        }
        String[] parts = exchange.getRequestURI().getPath().split("/");
        try {
            long id = Long.parseLong(parts.length > 2 ? parts[2] : "");
            resolveDispute(id, request.path("resolution").asString(""));
            HttpStandIn.respond(exchange, 200, JSON_TYPE,
                    "{\"status\":true,\"message\":\"Dispute successfully resolved\",\"data\":" + disputes.get(id).data()
                            + "}");
        }
        catch (IllegalArgumentException e) {
            PaystackWire.refuse(exchange, String.valueOf(e.getMessage()));
        }
    }

    /**
     * Not Paystack's: {@code POST /stand-in/disputes} {@code {"reference", "amount"}}
     * plays the customer's bank opening a dispute, for the local run.
     */
    void openDisputeCall(HttpExchange exchange) throws IOException {
        JsonNode request = wire.authorizedJson(exchange, "POST");
        if (request == null) {
            return;
        }
        try {
            long id = openDispute(request.path("reference").asString(""), request.path("amount").asLong(0));
            HttpStandIn.respond(exchange, 200, JSON_TYPE, "{\"status\":true,\"data\":" + disputes.get(id).data() + "}");
        }
        catch (IllegalArgumentException e) {
            PaystackWire.refuse(exchange, String.valueOf(e.getMessage()));
        }
    }

    /** The checkout page of {@code authorization_url}, with its Pay and Fail buttons. */
    void checkout(HttpExchange exchange) throws IOException {
        String[] parts = exchange.getRequestURI().getPath().split("/");
        String accessCode = parts.length > 2 ? parts[2] : "";
        String reference = referenceByAccessCode.get(accessCode);
        Transaction transaction = reference == null ? null : byReference.get(reference);
        if (transaction == null) {
            HttpStandIn.respond(exchange, 404, HTML_TYPE, "<p>Unknown checkout</p>");
            return;
        }
        if ("POST".equals(exchange.getRequestMethod()) && parts.length > 3) {
            if (!transaction.status.equals("abandoned")) {
                HttpStandIn.respond(exchange, 409, HTML_TYPE,
                        "<p>Already " + HttpStandIn.html(transaction.status) + "</p>");
                return;
            }
            if (parts[3].equals("pay")) {
                pay(reference);
            }
            else {
                transaction.status = "failed";
            }
            HttpStandIn.respond(exchange, 200, HTML_TYPE, """
                    <!doctype html><html><body style="font-family:sans-serif;max-width:30em;margin:4em auto">
                    <h1>Payment %s</h1><p>Reference %s. You can close this page.</p></body></html>"""
                .formatted(HttpStandIn.html(transaction.status), HttpStandIn.html(reference)));
            return;
        }
        HttpStandIn.respond(exchange, 200, HTML_TYPE, """
                <!doctype html><html><head><title>Paystack checkout (local stand-in)</title></head>
                <body style="font-family:sans-serif;max-width:30em;margin:4em auto">
                <h1>Pay NGN %d.%02d</h1><p>%s &middot; reference %s</p>
                <form method="post" action="/checkout/%s/pay"><button type="submit">Pay</button></form>
                <form method="post" action="/checkout/%s/fail"><button type="submit">Fail</button></form>
                </body></html>""".formatted(transaction.amount / 100, transaction.amount % 100,
                HttpStandIn.html(transaction.email), HttpStandIn.html(reference), accessCode, accessCode));
    }

    private static final class Transaction {

        final long id;

        final String reference;

        final long amount;

        final String currency;

        final String email;

        final Instant createdAt;

        volatile String status = "abandoned";

        volatile @Nullable Instant paidAt;

        volatile long refunded;

        Transaction(long id, String reference, long amount, String currency, String email, Instant createdAt) {
            this.id = id;
            this.reference = reference;
            this.amount = amount;
            this.currency = currency;
            this.email = email;
            this.createdAt = createdAt;
        }

        String data() {
            ObjectNode data = PaystackWire.JSON.createObjectNode();
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
            return PaystackWire.JSON.writeValueAsString(data);
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
            ObjectNode data = PaystackWire.JSON.createObjectNode();
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
            return PaystackWire.JSON.writeValueAsString(data);
        }

    }

}
