/**
 * Posting money: a batch of consumed records becomes one database transaction of double
 * entries and the ledger events that describe them, inside the Kafka transaction that
 * consumed them.
 */
@NullMarked
package dev.walletpipeline.ledger.posting;

import org.jspecify.annotations.NullMarked;
