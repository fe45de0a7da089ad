package dev.walletpipeline.contracts.states;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The changes each status allows, as the posting flows make them, and no others. */
class StatusTransitionTests {

    @Test
    void aTransferEndsOnceAndNeverComesBack() {
        assertThat(TransferStatus.PENDING.to(TransferStatus.COMPLETED)).isEqualTo(TransferStatus.COMPLETED);
        assertThat(TransferStatus.PENDING.to(TransferStatus.REJECTED)).isEqualTo(TransferStatus.REJECTED);
        assertThatThrownBy(() -> TransferStatus.COMPLETED.to(TransferStatus.REJECTED))
            .isInstanceOf(IllegalStateException.class)
            .hasMessage("TransferStatus cannot go from completed to rejected");
        assertThatThrownBy(() -> TransferStatus.REJECTED.to(TransferStatus.COMPLETED))
            .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> TransferStatus.PENDING.to(TransferStatus.PENDING))
            .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aDepositIsCreditedSetAsideOrReversedOnceAndALateSuccessStillCredits() {
        assertThat(DepositStatus.PENDING.to(DepositStatus.SUCCESS)).isEqualTo(DepositStatus.SUCCESS);
        assertThat(DepositStatus.ABANDONED.to(DepositStatus.SUCCESS)).isEqualTo(DepositStatus.SUCCESS);
        assertThat(DepositStatus.FAILED.to(DepositStatus.REVIEW)).isEqualTo(DepositStatus.REVIEW);
        assertThat(DepositStatus.PENDING.to(DepositStatus.REVERSED)).isEqualTo(DepositStatus.REVERSED);
        assertThat(DepositStatus.PENDING.to(DepositStatus.ABANDONED)).isEqualTo(DepositStatus.ABANDONED);
        for (DepositStatus decided : new DepositStatus[] { DepositStatus.SUCCESS, DepositStatus.REVERSED,
                DepositStatus.REJECTED }) {
            for (DepositStatus next : DepositStatus.values()) {
                assertThatThrownBy(() -> decided.to(next)).as(decided + " to " + next)
                    .isInstanceOf(IllegalStateException.class);
            }
        }
        // In review, only an operator's decision ends it: credited or rejected.
        assertThat(DepositStatus.REVIEW.to(DepositStatus.REJECTED)).isEqualTo(DepositStatus.REJECTED);
        assertThat(DepositStatus.REVIEW.to(DepositStatus.SUCCESS)).isEqualTo(DepositStatus.SUCCESS);
        for (DepositStatus next : DepositStatus.values()) {
            if (next != DepositStatus.REJECTED && next != DepositStatus.SUCCESS) {
                assertThatThrownBy(() -> DepositStatus.REVIEW.to(next)).as("review to " + next)
                    .isInstanceOf(IllegalStateException.class);
            }
        }
        for (DepositStatus early : new DepositStatus[] { DepositStatus.PENDING, DepositStatus.FAILED,
                DepositStatus.ABANDONED }) {
            assertThatThrownBy(() -> early.to(DepositStatus.REJECTED)).as(early + " to rejected")
                .isInstanceOf(IllegalStateException.class);
        }
        assertThatThrownBy(() -> DepositStatus.FAILED.to(DepositStatus.ABANDONED))
            .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aWithdrawalIsDebitedThenPaidOutOrReturnedAndAPayoutMayStillBeReversed() {
        assertThat(WithdrawalStatus.PENDING.to(WithdrawalStatus.PROCESSING)).isEqualTo(WithdrawalStatus.PROCESSING);
        assertThat(WithdrawalStatus.PENDING.to(WithdrawalStatus.FAILED)).isEqualTo(WithdrawalStatus.FAILED);
        assertThat(WithdrawalStatus.PROCESSING.to(WithdrawalStatus.COMPLETED)).isEqualTo(WithdrawalStatus.COMPLETED);
        assertThat(WithdrawalStatus.PROCESSING.to(WithdrawalStatus.REVERSED)).isEqualTo(WithdrawalStatus.REVERSED);
        assertThat(WithdrawalStatus.COMPLETED.to(WithdrawalStatus.REVERSED)).isEqualTo(WithdrawalStatus.REVERSED);
        assertThatThrownBy(() -> WithdrawalStatus.PENDING.to(WithdrawalStatus.COMPLETED))
            .as("never paid out without the debit")
            .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> WithdrawalStatus.COMPLETED.to(WithdrawalStatus.FAILED))
            .isInstanceOf(IllegalStateException.class);
        for (WithdrawalStatus next : WithdrawalStatus.values()) {
            assertThatThrownBy(() -> WithdrawalStatus.FAILED.to(next)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> WithdrawalStatus.REVERSED.to(next)).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void everyValueReadsBackFromTheNameTheDatabaseWrites() {
        assertThat(EntryType.of("chargeback_hold")).isEqualTo(EntryType.CHARGEBACK_HOLD);
        assertThat(AccountKind.TRANSFERS_IN_TRANSIT.wire()).isEqualTo("transfers_in_transit");
        assertThatThrownBy(() -> TransferStatus.of("COMPLETED")).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("no TransferStatus is called 'COMPLETED'");
    }

}
