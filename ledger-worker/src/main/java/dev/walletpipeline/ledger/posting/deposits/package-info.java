/**
 * Deposits: Paystack's proven facts about a deposit we opened credit it once, send it to
 * review, reverse it, or are recorded for a person.
 */
@NullMarked
package dev.walletpipeline.ledger.posting.deposits;

import org.jspecify.annotations.NullMarked;
