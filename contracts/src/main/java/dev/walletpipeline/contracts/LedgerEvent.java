package dev.walletpipeline.contracts;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * One fact about one wallet on {@code wallet.ledger-events}, keyed by wallet id. The
 * envelope follows the CloudEvents Kafka binding (see {@link #cloudEventHeaders()}); the
 * body is this record as JSON.
 *
 * @param eventId stable id: a redelivered cause re-emits the same id
 * @param type what happened
 * @param version the body's schema version
 * @param occurredAt when the ledger recorded it
 * @param walletId the wallet the event is about (the record key)
 * @param walletNumber its 13-digit number
 * @param amount the movement in minor units, positive
 * @param currency ISO 4217
 * @param balanceAfter the wallet's balance once this event is applied
 * @param sequence the wallet's event sequence number: 1, 2, 3, ... with no gaps
 * @param reference the Paystack reference that caused a deposit, refund or chargeback
 * event; a withdrawal event's withdrawal id, which is also its Paystack reference
 * @param transferId the transfer that caused a transfer event
 * @param reason why a deposit went to review or was reversed, or why a transfer was
 * rejected
 */
public record LedgerEvent(String eventId, Type type, int version, Instant occurredAt, UUID walletId,
        String walletNumber, long amount, String currency, long balanceAfter, long sequence, @Nullable String reference,
        @Nullable UUID transferId, @Nullable String reason) {

    public static final int VERSION = 1;

    public static final String SOURCE = "/wallet-pipeline/ledger-worker";

    public enum Type {

        DepositCredited, DepositFlaggedForReview, DepositReversed, TransferCompleted, TransferRejected, DepositRefunded,
        ChargebackHeld, ChargebackReleased, ChargebackDebited, WithdrawalRequested, WithdrawalCompleted,
        WithdrawalReturned

    }

    public LedgerEvent {
        if (amount < 0) {
            throw new IllegalArgumentException("amount must not be negative: " + amount);
        }
    }

    /** The CloudEvents Kafka binding headers (binary content mode). */
    public Map<String, byte[]> cloudEventHeaders() {
        Map<String, byte[]> headers = new LinkedHashMap<>();
        headers.put("ce_specversion", utf8("1.0"));
        headers.put("ce_id", utf8(eventId));
        headers.put("ce_type", utf8("dev.walletpipeline.ledger." + type.name() + ".v" + version));
        headers.put("ce_source", utf8(SOURCE));
        headers.put("ce_time", utf8(occurredAt.toString()));
        headers.put("ce_subject", utf8(walletId.toString()));
        headers.put("content-type", utf8("application/json"));
        return headers;
    }

    public byte[] toJson() {
        return Json.MAPPER.writeValueAsBytes(this);
    }

    public static LedgerEvent fromJson(byte[] json) {
        return Json.MAPPER.readValue(json, LedgerEvent.class);
    }

    private static byte[] utf8(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
