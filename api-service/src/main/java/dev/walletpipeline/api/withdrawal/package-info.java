/**
 * Withdrawals to bank accounts: saved accounts (resolved with Paystack and kept as
 * Paystack transfer recipients), withdrawal requests (each row streamed as its command),
 * and the sending of each debited withdrawal to Paystack's Transfers API, with
 * verification of those whose webhook never comes.
 */
@NullMarked
package dev.walletpipeline.api.withdrawal;

import org.jspecify.annotations.NullMarked;
