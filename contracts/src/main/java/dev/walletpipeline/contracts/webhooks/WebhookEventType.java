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

    DEPOSIT_CREDITED("deposit.credited", LedgerEvent.Type.DepositCredited),
    DEPOSIT_IN_REVIEW("deposit.in_review", LedgerEvent.Type.DepositFlaggedForReview),
    DEPOSIT_REVERSED("deposit.reversed", LedgerEvent.Type.DepositReversed),
    TRANSFER_COMPLETED("transfer.completed", LedgerEvent.Type.TransferCompleted),
    TRANSFER_FAILED("transfer.failed", LedgerEvent.Type.TransferRejected),
    WITHDRAWAL_DEBITED("withdrawal.debited", LedgerEvent.Type.WithdrawalRequested),
    WITHDRAWAL_COMPLETED("withdrawal.completed", LedgerEvent.Type.WithdrawalCompleted),
    WITHDRAWAL_RETURNED("withdrawal.returned", LedgerEvent.Type.WithdrawalReturned),
    REFUND_DEBITED("refund.debited", LedgerEvent.Type.DepositRefunded),
    CHARGEBACK_HELD("chargeback.held", LedgerEvent.Type.ChargebackHeld),
    CHARGEBACK_RELEASED("chargeback.released", LedgerEvent.Type.ChargebackReleased),
    CHARGEBACK_DEBITED("chargeback.debited", LedgerEvent.Type.ChargebackDebited),
    /** Sent only when the owner asks for it; no filter holds it back. */
    TEST("webhook.test", null);

    private final String wireName;

    private final LedgerEvent.@Nullable Type ledgerType;

    WebhookEventType(String wireName, LedgerEvent.@Nullable Type ledgerType) {
        this.wireName = wireName;
        this.ledgerType = ledgerType;
    }

    public String wireName() {
        return wireName;
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
