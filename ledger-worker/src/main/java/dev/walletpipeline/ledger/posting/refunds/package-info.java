/**
 * Money taken back from a credited deposit: Paystack refunds and disputes, each applied
 * once and never past its deposit.
 */
@NullMarked
package dev.walletpipeline.ledger.posting.refunds;

import org.jspecify.annotations.NullMarked;
