package dev.walletpipeline.dispatcher.delivery;

import dev.walletpipeline.contracts.Json;
import dev.walletpipeline.contracts.LedgerEvent;
import dev.walletpipeline.contracts.webhooks.WebhookEventType;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What an API client receives for a ledger event: its type name in the webhook contract,
 * and the Standard Webhooks body {@code {"type", "timestamp", "data"}}. Amounts are in
 * kobo, as everywhere in the API.
 */
final class WebhookEvents {

    /** The webhook-id of a ledger event's deliveries: stable, whoever delivers it. */
    static String messageId(String ledgerEventId) {
        return "msg_" + ledgerEventId;
    }

    static String typeOf(LedgerEvent.Type type) {
        return WebhookEventType.of(type).wireName();
    }

    /**
     * The body of an event's deliveries.
     * @param direction for a transfer event, whether the wallet sent ({@code out}) or
     * received ({@code in}) it
     */
    static String body(LedgerEvent event, @Nullable String direction) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("event_id", event.eventId());
        data.put("status", WebhookEventType.of(event.type()).status());
        data.put("wallet_id", event.walletId());
        data.put("wallet_number", event.walletNumber());
        data.put("sequence", event.sequence());
        data.put("amount", event.amount());
        data.put("currency", event.currency());
        data.put("balance_after", event.balanceAfter());
        if (event.transferId() != null) {
            data.put("transfer_id", event.transferId());
        }
        if (direction != null) {
            data.put("direction", direction);
        }
        if (event.reference() != null) {
            data.put(event.type().name().startsWith("Withdrawal") ? "withdrawal_id" : "reference", event.reference());
        }
        if (event.reason() != null) {
            data.put("reason", event.reason());
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", typeOf(event.type()));
        body.put("timestamp", event.occurredAt().toString());
        body.put("data", data);
        return Json.MAPPER.writeValueAsString(body);
    }

    private WebhookEvents() {
    }

}
