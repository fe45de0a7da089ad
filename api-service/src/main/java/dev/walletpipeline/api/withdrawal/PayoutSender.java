package dev.walletpipeline.api.withdrawal;

import dev.walletpipeline.api.paystack.PaystackApi;
import dev.walletpipeline.api.paystack.PaystackVerifier;
import dev.walletpipeline.contracts.Json;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import tools.jackson.databind.node.ObjectNode;

/**
 * Sends each withdrawal ledger-worker has debited (status {@code processing}) to
 * Paystack's {@code POST /transfer}, with the withdrawal's id as the reference: Paystack
 * dedupes by reference, so sending again after a crash, a time-out or from two instances
 * at once pays out once. A withdrawal sent long ago whose webhook has not come is
 * verified: webhook-ingest asks Verify Transfer and publishes Paystack's answer for
 * ledger-worker. Nothing here moves money in the ledger.
 */
@Component
class PayoutSender {

    private static final Logger log = LoggerFactory.getLogger(PayoutSender.class);

    /** The most withdrawals one pass sends, and the most it verifies. */
    private static final int PAYOUTS_PER_PASS_MAX = 100;

    private final JdbcClient jdbc;

    private final PaystackApi paystack;

    private final PaystackVerifier verifier;

    private final WithdrawalSettings settings;

    private final MeterRegistry meters;

    PayoutSender(JdbcClient jdbc, PaystackApi paystack, PaystackVerifier verifier, WithdrawalSettings settings,
            MeterRegistry meters) {
        this.jdbc = jdbc;
        this.paystack = paystack;
        this.verifier = verifier;
        this.settings = settings;
        this.meters = meters;
    }

    private record Payout(UUID id, String recipientCode, long amount) {
    }

    @Scheduled(fixedDelayString = "${wallet.withdrawals.send-every}",
            initialDelayString = "${wallet.withdrawals.send-every}")
    void sendAndVerify() {
        List<Payout> due = jdbc.sql("""
                select id, recipient_code, amount from withdrawals
                where status = 'processing' and sent_at is null
                  and (last_send_at is null or last_send_at < now() - make_interval(secs => ?))
                order by debited_at limit ?""")
            .param(settings.resendAfter().toSeconds())
            .param(PAYOUTS_PER_PASS_MAX)
            .query((rs, n) -> new Payout(rs.getObject(1, UUID.class), rs.getString(2), rs.getLong(3)))
            .list();
        for (Payout payout : due) {
            try {
                send(payout);
            }
            catch (RuntimeException e) {
                record(payout.id(), e.getMessage());
            }
        }
        List<UUID> unanswered = jdbc.sql("""
                select id from withdrawals
                where status = 'processing' and sent_at < now() - make_interval(secs => :after)
                  and (verified_at is null or verified_at < now() - make_interval(secs => :after))
                order by sent_at limit :limit""")
            .param("after", settings.verifyAfter().toSeconds())
            .param("limit", PAYOUTS_PER_PASS_MAX)
            .query(UUID.class)
            .list();
        for (UUID id : unanswered) {
            try {
                String status = verifier.withdrawal(id.toString());
                jdbc.sql("update withdrawals set verified_at = now() where id = ?").param(id).update();
                meters.counter("wallet.withdrawals.verified", "outcome", status.isEmpty() ? "none" : status)
                    .increment();
            }
            catch (RuntimeException e) {
                log.warn("verifying withdrawal {} failed: {}", id, e.getMessage());
            }
        }
    }

    private void send(Payout payout) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("source", "balance");
        body.put("amount", payout.amount());
        body.put("recipient", payout.recipientCode());
        body.put("reference", payout.id().toString());
        body.put("reason", "Wallet withdrawal");
        PaystackApi.Answer answer = paystack.post("/transfer", body);
        boolean taken = answer.ok() || alreadyTaken(answer);
        if (!taken) {
            record(payout.id(), "Paystack refused the transfer: " + answer.message());
            return;
        }
        jdbc.sql("""
                update withdrawals set sent_at = now(), last_send_at = now(), send_attempts = send_attempts + 1,
                    last_send_error = null, transfer_code = coalesce(?, transfer_code)
                where id = ? and sent_at is null""")
            .param(answer.data().path("transfer_code").asString(null))
            .param(payout.id())
            .update();
        meters.counter("wallet.withdrawals.sent").increment();
    }

    /**
     * Paystack has a transfer with this reference already: an earlier attempt of ours.
     */
    private static boolean alreadyTaken(PaystackApi.Answer answer) {
        String message = answer.message().toLowerCase(Locale.ROOT);
        return answer.httpStatus() == 400 && message.contains("reference")
                && (message.contains("duplicate") || message.contains("already"));
    }

    private void record(UUID id, String error) {
        log.warn("sending withdrawal {} to Paystack failed; retried in {}: {}", id, settings.resendAfter(), error);
        meters.counter("wallet.withdrawals.send_failures").increment();
        jdbc.sql("""
                update withdrawals set last_send_at = now(), send_attempts = send_attempts + 1, last_send_error = ?
                where id = ?""").params(error, id).update();
    }

}
