package dev.walletpipeline.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Paystack's events as Paystack words them: each names our reference in its own place.
 */
class PaystackEventTests {

    @Test
    void aRefundIsAboutItsTransactionReferenceAndItsAmountMayBeAString() {
        PaystackEvent refund = PaystackEvent.fromWebhook(bytes("""
                {"event":"refund.processed","data":{"status":"processed","transaction_reference":"WLT-1",
                "refund_reference":null,"amount":"10000","currency":"NGN","id":1234}}"""));

        assertThat(refund.reference()).isEqualTo("WLT-1");
        assertThat(refund.amountMinor()).isEqualTo(10_000);
        assertThat(refund.subjectId()).isEqualTo("1234");
        assertThat(refund.isRefund()).isTrue();
        assertThat(refund.concernsADeposit()).isTrue();
        assertThat(refund.messageId()).isEqualTo("refund.processed:WLT-1:1234");
        assertThat(PaystackEvent.envelope(bytes("""
                {"event":"refund.processed","data":{"transaction_reference":"WLT-1"}}""")).reference())
            .isEqualTo("WLT-1");
    }

    @Test
    void aDisputeIsAboutItsTransactionsReferenceAndSaysWhoWon() {
        PaystackEvent resolved = PaystackEvent.fromWebhook(bytes("""
                {"event":"charge.dispute.resolve","data":{"id":77,"refund_amount":5000,"currency":"NGN",
                "status":"resolved","resolution":"merchant-accepted","transaction":{"reference":"WLT-2"}}}"""));

        assertThat(resolved.reference()).isEqualTo("WLT-2");
        assertThat(resolved.amountMinor()).isEqualTo(5_000);
        assertThat(resolved.customerWon()).isTrue();
        assertThat(resolved.merchantWon()).isFalse();
        assertThat(PaystackEvent.envelope(bytes("""
                {"event":"charge.dispute.create","data":{"transaction":{"reference":"WLT-2"}}}""")).reference())
            .isEqualTo("WLT-2");
    }

    @Test
    void aTransferIsAboutAWithdrawalAndOnlyTheEventsWeActOnArePublished() {
        PaystackEvent paid = PaystackEvent.fromWebhook(bytes("""
                {"event":"transfer.success","data":{"id":9,"reference":"8a6b","amount":30000,"currency":"NGN",
                "status":"success","transfer_code":"TRF_x"}}"""));

        assertThat(paid.concernsAWithdrawal()).isTrue();
        assertThat(paid.concernsADeposit()).isFalse();
        assertThat(paid.messageId()).isEqualTo("transfer.success:8a6b:TRF_x");
        assertThat(PaystackEvent.envelope(bytes("{\"event\":\"subscription.create\",\"data\":{}}")).actedOn())
            .isFalse();
        assertThat(PaystackEvent.envelope(bytes("{\"event\":\"transfer.reversed\",\"data\":{}}")).actedOn()).isTrue();
    }

    @Test
    void anAmountThatIsNeitherAnIntegerNorDigitsIsUnreadable() {
        assertThatThrownBy(() -> PaystackEvent.fromWebhook(bytes("""
                {"event":"refund.processed","data":{"transaction_reference":"WLT-1","amount":"12.5",
                "currency":"NGN","id":1}}"""))).isInstanceOf(PaystackEvent.Unreadable.class)
            .hasMessageContaining("data.amount");
    }

    private static byte[] bytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @ValueSource(strings = { "-1", "1000000000000000", "9223372036854775000" })
    void anAmountThatIsNegativeOrPastTheKoboMaximumIsUnreadableForGood(String amount) {
        byte[] charge = ("{\"event\":\"charge.success\",\"data\":{\"reference\":\"WLT-1\",\"status\":\"success\","
                + "\"amount\":" + amount + ",\"currency\":\"NGN\"}}")
            .getBytes(StandardCharsets.UTF_8);
        byte[] refund = ("{\"event\":\"refund.processed\",\"data\":{\"transaction_reference\":\"WLT-1\",\"id\":9,"
                + "\"amount\":" + amount + ",\"currency\":\"NGN\"}}")
            .getBytes(StandardCharsets.UTF_8);
        for (byte[] body : List.of(charge, refund)) {
            Assertions.assertThatThrownBy(() -> PaystackEvent.fromWebhook(body))
                .isInstanceOf(PaystackEvent.Unreadable.class)
                .hasMessageContaining("data.amount");
        }
    }

    @Test
    void theLargestAmountInKoboIsRead() {
        byte[] charge = ("{\"event\":\"charge.success\",\"data\":{\"reference\":\"WLT-1\",\"status\":\"success\","
                + "\"amount\":" + PaystackEvent.AMOUNT_MAX + ",\"currency\":\"NGN\"}}")
            .getBytes(StandardCharsets.UTF_8);
        Assertions.assertThat(PaystackEvent.fromWebhook(charge).amountMinor()).isEqualTo(PaystackEvent.AMOUNT_MAX);
    }

}
