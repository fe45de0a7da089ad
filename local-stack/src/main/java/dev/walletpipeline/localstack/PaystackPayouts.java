package dev.walletpipeline.localstack;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Paystack's money-out APIs, in its wire format: Resolve Account Number, Create Transfer
 * Recipient, Initiate Transfer (deduplicated by reference) and Verify Transfer, each
 * transfer decided a moment after it is taken and told by {@code transfer.success},
 * {@code transfer.failed} or {@code transfer.reversed}; and, not Paystack's, {@code POST
 * /stand-in/transfers/{reference}/fail|reverse}.
 */
final class PaystackPayouts {

    private static final String JSON_TYPE = "application/json";

    /** How long Paystack takes to decide a queued transfer, here. */
    private static final long DECIDED_AFTER_MILLIS = 20;

    private final PaystackWire wire;

    private final PaystackWebhooks webhooks;

    private final AtomicLong ids;

    private final AtomicInteger verifications;

    private final Map<String, Recipient> recipients = new ConcurrentHashMap<>();

    private final Map<String, Transfer> transfers = new ConcurrentHashMap<>();

    private volatile boolean webhooksOn = true;

    PaystackPayouts(PaystackWire wire, PaystackWebhooks webhooks, AtomicLong ids, AtomicInteger verifications) {
        this.wire = wire;
        this.webhooks = webhooks;
        this.ids = ids;
        this.verifications = verifications;
    }

    void webhooks(boolean send) {
        this.webhooksOn = send;
    }

    void fail(String reference) {
        Transfer transfer = transferOf(reference);
        transfer.status = "failed";
        event("transfer.failed", transfer);
    }

    void reverse(String reference) {
        Transfer transfer = transferOf(reference);
        transfer.status = "reversed";
        event("transfer.reversed", transfer);
    }

    @Nullable String status(String reference) {
        Transfer transfer = transfers.get(reference);
        return transfer == null ? null : transfer.status;
    }

    private Transfer transferOf(String reference) {
        Transfer transfer = transfers.get(reference);
        if (transfer == null) {
            throw new IllegalArgumentException("no transfer " + reference);
        }
        return transfer;
    }

    private void event(String type, Transfer transfer) {
        if (webhooksOn) {
            webhooks.send(type, transfer.data());
        }
    }

    /** Paystack decides a queued transfer a moment after taking it. */
    private void decide(Transfer transfer) {
        String number = transfer.recipient.accountNumber;
        if (number.endsWith("0001")) {
            fail(transfer.reference);
            return;
        }
        transfer.status = "success";
        event("transfer.success", transfer);
        if (number.endsWith("0002")) {
            reverse(transfer.reference);
        }
    }

    /** {@code GET /bank/resolve?account_number=&bank_code=}. */
    void resolveAccount(HttpExchange exchange) throws IOException {
        if (!wire.requireKey(exchange)) {
            return;
        }
        Map<String, String> query = HttpStandIn.query(exchange.getRequestURI().getRawQuery());
        String number = query.getOrDefault("account_number", "");
        String bank = query.getOrDefault("bank_code", "");
        if (!number.matches("[0-9]{10}") || number.startsWith("000") || !PaystackStandIn.BANKS.containsKey(bank)) {
            HttpStandIn.respond(exchange, 422, JSON_TYPE,
                    "{\"status\":false,\"message\":\"Could not resolve account name. Check parameters or try again.\"}");
            return;
        }
        HttpStandIn.respond(exchange, 200, JSON_TYPE, """
                {"status":true,"message":"Account number resolved","data":{"account_number":"%s",\
                "account_name":"%s","bank_id":9}}""".formatted(number, accountName(number)));
    }

    private static String accountName(String number) {
        return "ADA OBI " + number.substring(6);
    }

    /** {@code POST /transferrecipient} for a {@code nuban}. */
    void createRecipient(HttpExchange exchange) throws IOException {
        JsonNode request = wire.authorizedJson(exchange, "POST");
        if (request == null) {
            return;
        }
        String number = request.path("account_number").asString("");
        String bank = request.path("bank_code").asString("");
        if (!request.path("type").asString("").equals("nuban") || !number.matches("[0-9]{10}")
                || !PaystackStandIn.BANKS.containsKey(bank)) {
            HttpStandIn.respond(exchange, 400, JSON_TYPE,
                    "{\"status\":false,\"message\":\"Account details are invalid\"}");
            return;
        }
        Recipient recipient = new Recipient(ids.incrementAndGet(),
                "RCP_" + HexFormat.of().formatHex(PaystackWire.randomBytes(8)),
                request.path("name").asString(accountName(number)), number, bank);
        recipients.put(recipient.code, recipient);
        HttpStandIn.respond(exchange, 201, JSON_TYPE,
                "{\"status\":true,\"message\":\"Transfer recipient created successfully\",\"data\":" + recipient.data()
                        + "}");
    }

    /**
     * {@code POST /transfer}: from our balance, to a recipient, deduplicated by
     * reference.
     */
    void transfer(HttpExchange exchange) throws IOException {
        JsonNode request = wire.authorizedJson(exchange, "POST");
        if (request == null) {
            return;
        }
        Recipient recipient = recipients.get(request.path("recipient").asString(""));
        String reference = request.path("reference").asString("");
        long amount = request.path("amount").asLong(0);
        if (recipient == null || reference.isEmpty() || amount <= 0
                || !request.path("source").asString("").equals("balance")) {
            HttpStandIn.respond(exchange, 400, JSON_TYPE,
                    "{\"status\":false,\"message\":\"Invalid transfer: source, amount, recipient and reference are required\"}");
            return;
        }
        Transfer transfer = new Transfer(ids.incrementAndGet(),
                "TRF_" + HexFormat.of().formatHex(PaystackWire.randomBytes(8)), reference, amount,
                request.path("reason").asString(""), recipient);
        if (transfers.putIfAbsent(reference, transfer) != null) {
            HttpStandIn.respond(exchange, 400, JSON_TYPE,
                    "{\"status\":false,\"message\":\"Duplicate Transfer Reference\"}");
            return;
        }
        HttpStandIn.respond(exchange, 200, JSON_TYPE,
                "{\"status\":true,\"message\":\"Transfer has been queued\",\"data\":" + transfer.data() + "}");
        webhooks.later(() -> decide(transfer), DECIDED_AFTER_MILLIS);
    }

    /** {@code GET /transfer/verify/{reference}}. */
    void verifyTransfer(HttpExchange exchange) throws IOException {
        if (!wire.requireKey(exchange)) {
            return;
        }
        verifications.incrementAndGet();
        Transfer transfer = transfers.get(exchange.getRequestURI().getPath().substring("/transfer/verify/".length()));
        if (transfer == null) {
            HttpStandIn.respond(exchange, 404, JSON_TYPE, "{\"status\":false,\"message\":\"Transfer not found\"}");
            return;
        }
        HttpStandIn.respond(exchange, 200, JSON_TYPE,
                "{\"status\":true,\"message\":\"Transfer retrieved\",\"data\":" + transfer.data() + "}");
    }

    /**
     * Not Paystack's: {@code POST /stand-in/transfers/{reference}/fail} or
     * {@code .../reverse}, for the local run.
     */
    void decideCall(HttpExchange exchange) throws IOException {
        if (wire.authorizedJson(exchange, "POST") == null) {
            return;
        }
        String[] parts = exchange.getRequestURI().getPath().split("/");
        try {
            String reference = parts.length > 4 ? parts[3] : "";
            switch (parts.length > 4 ? parts[4] : "") {
                case "fail" -> fail(reference);
                case "reverse" -> reverse(reference);
                default -> throw new IllegalArgumentException("POST /stand-in/transfers/{reference}/fail or /reverse");
            }
            HttpStandIn.respond(exchange, 200, JSON_TYPE,
                    "{\"status\":true,\"data\":" + transfers.get(reference).data() + "}");
        }
        catch (IllegalArgumentException e) {
            PaystackWire.refuse(exchange, String.valueOf(e.getMessage()));
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
            ObjectNode data = PaystackWire.JSON.createObjectNode();
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
            details.put("bank_name", PaystackStandIn.BANKS.get(bankCode));
            return data;
        }

        String data() {
            return PaystackWire.JSON.writeValueAsString(node());
        }

    }

    private static final class Transfer {

        final long id;

        final String code;

        final String reference;

        final long amount;

        final String reason;

        final Recipient recipient;

        final Instant createdAt = Instant.now();

        volatile String status = "pending";

        Transfer(long id, String code, String reference, long amount, String reason, Recipient recipient) {
            this.id = id;
            this.code = code;
            this.reference = reference;
            this.amount = amount;
            this.reason = reason;
            this.recipient = recipient;
        }

        String data() {
            ObjectNode data = PaystackWire.JSON.createObjectNode();
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
            return PaystackWire.JSON.writeValueAsString(data);
        }

    }

}
