/**
 * ledger-worker: the only writer of money. Consumes exactly once, posts double entries,
 * emits ledger events.
 */
@NullMarked
package dev.walletpipeline.ledger;

import org.jspecify.annotations.NullMarked;
