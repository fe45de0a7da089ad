package dev.walletpipeline.api.withdrawal;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The limits a finance team sets on withdrawals, and how they are sent, under
 * {@code wallet.withdrawals}. Amounts in kobo.
 *
 * @param minimum the smallest withdrawal
 * @param maximum the largest withdrawal
 * @param dailyMaximum what one wallet may withdraw in a day (Lagos time), counting every
 * withdrawal not failed or reversed
 * @param sendEvery how often debited withdrawals are sent to Paystack
 * @param resendAfter how long after a failed attempt to send one again
 * @param verifyAfter how long a sent withdrawal waits for its webhook before it is
 * verified with Paystack (and again after as long)
 * @param accountCoolingOff how long after it was saved a bank account can first be paid
 * out to ({@code WITHDRAWAL_ACCOUNT_COOLING_OFF}; 0 in the local run)
 */
@ConfigurationProperties("wallet.withdrawals")
record WithdrawalSettings(long minimum, long maximum, long dailyMaximum, Duration sendEvery, Duration resendAfter,
        Duration verifyAfter, Duration accountCoolingOff) {

    WithdrawalSettings {
        if (accountCoolingOff.isNegative()) {
            throw new IllegalArgumentException("WITHDRAWAL_ACCOUNT_COOLING_OFF must not be negative");
        }
        if (minimum < 1 || maximum < minimum || dailyMaximum < maximum) {
            throw new IllegalArgumentException(
                    "withdrawal limits must satisfy 1 <= minimum <= maximum <= daily maximum:" + " " + minimum + ", "
                            + maximum + ", " + dailyMaximum);
        }
    }

}
