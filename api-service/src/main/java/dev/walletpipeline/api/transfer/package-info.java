/**
 * Transfers between wallets: the request is checked against the available balance under a
 * per-wallet lock, recorded as a pending transfer (the row the outbox relay streams as
 * its command), and answered 202; ledger-worker applies it and clients follow its status.
 * Requests of one wallet that arrive together are decided in one transaction (group
 * commit), each on its own, in arrival order.
 */
@NullMarked
package dev.walletpipeline.api.transfer;

import org.jspecify.annotations.NullMarked;
