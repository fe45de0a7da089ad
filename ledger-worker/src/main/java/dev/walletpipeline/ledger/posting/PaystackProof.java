package dev.walletpipeline.ledger.posting;

import dev.walletpipeline.contracts.PaystackEvent;
import dev.walletpipeline.contracts.proof.HmacSignature;
import dev.walletpipeline.contracts.proof.Proof;
import dev.walletpipeline.ledger.LedgerSettings;
import dev.walletpipeline.ledger.posting.poison.PoisonRecord;
import java.util.Objects;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * Only a record that proves its fact moves money: Paystack's own signature over the exact
 * bytes (forwarded by webhook-ingest), or the reconciliation signature of
 * webhook-ingest's own Verify Transaction call. Checked where a Paystack fact is routed
 * and again where it is posted.
 */
@Component
class PaystackProof {

    /** The proof headers a Paystack fact may carry. */
    static final Set<String> HEADERS = Set.of(Proof.PAYSTACK_SIGNATURE, Proof.RECONCILIATION_SIGNATURE);

    private final HmacSignature paystackSignature;

    private final HmacSignature reconciliationSignature;

    PaystackProof(LedgerSettings settings) {
        this.paystackSignature = new HmacSignature(settings.paystackSecretKey());
        this.reconciliationSignature = new HmacSignature(settings.reconciliationKey());
    }

    /**
     * The record's fact, if its proof verifies over its exact bytes; a Paystack-signed
     * body may not claim to be our verification, nor a reconciliation-signed one to be a
     * Paystack webhook.
     * @throws PoisonRecord when it proves nothing
     */
    PaystackEvent proven(ConsumedRecord record) {
        byte[] body = Objects.requireNonNull(record.value());
        if (paystackSignature.matches(body, record.header(Proof.PAYSTACK_SIGNATURE))) {
            PaystackEvent fact = PaystackEvent.fromWebhook(body);
            if (PaystackEvent.VERIFIED.contains(fact.event())) {
                throw new PoisonRecord("invalid proof: a Paystack webhook cannot claim to be our own verification");
            }
            return fact;
        }
        if (reconciliationSignature.matches(body, record.header(Proof.RECONCILIATION_SIGNATURE))) {
            PaystackEvent fact = PaystackEvent.fromWebhook(body);
            if (!PaystackEvent.VERIFIED.contains(fact.event())) {
                throw new PoisonRecord(
                        "invalid proof: a reconciliation signature covers only " + PaystackEvent.VERIFIED);
            }
            return fact;
        }
        throw new PoisonRecord("no valid proof: neither Paystack's signature nor the reconciliation signature"
                + " verifies over the record");
    }

}
