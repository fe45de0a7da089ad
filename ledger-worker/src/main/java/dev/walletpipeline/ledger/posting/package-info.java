/**
 * Posting money: a batch of consumed records becomes one database transaction of double
 * entries and the ledger events that describe them, inside the Kafka transaction that
 * consumed them.
 * <p>
 * This package is the batch: {@link PostingListeners} consumes, {@link WalletPosting} and
 * {@link PaystackRouting} route each record to its flow, {@link LedgerBatch} holds the
 * accounts and entries, {@link BatchWrite} writes them in one round trip. Each flow has
 * its own package: {@code deposits}, {@code transfers}, {@code withdrawals},
 * {@code refunds} (and disputes), and {@code poison} for what no retry can apply.
 */
@NullMarked
package dev.walletpipeline.ledger.posting;

import org.jspecify.annotations.NullMarked;
