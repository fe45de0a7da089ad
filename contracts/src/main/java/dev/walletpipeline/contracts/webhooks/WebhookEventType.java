package dev.walletpipeline.contracts.webhooks;

import dev.walletpipeline.contracts.LedgerEvent;
import java.util.Arrays;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The event types of the webhook contract: one per ledger event type, named as API
 * clients see them, and the test event an endpoint's owner asks for.
 */
public enum WebhookEventType {

    DEPOSIT_CREDITED("deposit.credited", "credited", LedgerEvent.Type.DepositCredited),
    DEPOSIT_IN_REVIEW("deposit.in_review", "review", LedgerEvent.Type.DepositFlaggedForReview),
    DEPOSIT_REVERSED("deposit.reversed", "reversed", LedgerEvent.Type.DepositReversed),
    TRANSFER_COMPLETED("transfer.completed", "completed", LedgerEvent.Type.TransferCompleted),
    TRANSFER_FAILED("transfer.failed", "rejected", LedgerEvent.Type.TransferRejected),
    WITHDRAWAL_DEBITED("withdrawal.debited", "processing", LedgerEvent.Type.WithdrawalRequested),
    WITHDRAWAL_COMPLETED("withdrawal.completed", "completed", LedgerEvent.Type.WithdrawalCompleted),
    WITHDRAWAL_RETURNED("withdrawal.returned", "returned", LedgerEvent.Type.WithdrawalReturned),
    REFUND_DEBITED("refund.debited", "refunded", LedgerEvent.Type.DepositRefunded),
    CHARGEBACK_HELD("chargeback.held", "held", LedgerEvent.Type.ChargebackHeld),
    CHARGEBACK_RELEASED("chargeback.released", "released", LedgerEvent.Type.ChargebackReleased),
    CHARGEBACK_DEBITED("chargeback.debited", "charged_back", LedgerEvent.Type.ChargebackDebited),
    /** Sent only when the owner asks for it; no filter holds it back. */
    TEST("webhook.test", "test", null);

    private final String wireName;

    private final String status;

    private final LedgerEvent.@Nullable Type ledgerType;

    WebhookEventType(String wireName, String status, LedgerEvent.@Nullable Type ledgerType) {
        this.wireName = wireName;
        this.status = status;
        this.ledgerType = ledgerType;
    }

    public String wireName() {
        return wireName;
    }

    /**
     * What the event leaves its subject as, in the body's {@code data.status}: the
     * transfer {@code completed} or {@code rejected}, the withdrawal {@code processing},
     * {@code completed} or {@code returned}, the deposit {@code credited}, {@code review}
     * or {@code reversed}, the disputed amount {@code held}, {@code released} or
     * {@code charged_back}, the refund {@code refunded}.
     */
    public String status() {
        return status;
    }

    public static WebhookEventType of(LedgerEvent.Type type) {
        return Arrays.stream(values())
            .filter(t -> t.ledgerType == type)
            .findFirst()
            .orElseThrow(() -> new IllegalArgumentException("no webhook event type for " + type));
    }

    /** A type an endpoint may filter on: every one but the test event. */
    public static Optional<WebhookEventType> filterable(String wireName) {
        return Arrays.stream(values()).filter(t -> t != TEST && t.wireName.equals(wireName)).findFirst();
    }

}
