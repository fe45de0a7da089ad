/**
 * Withdrawals to bank accounts: the request debits the wallet into payouts in flight and
 * Paystack's proven verdict pays it out or returns it.
 */
@NullMarked
package dev.walletpipeline.ledger.posting.withdrawals;

import org.jspecify.annotations.NullMarked;
