/**
 * webhook-dispatcher: reads {@code wallet.ledger-events} as a downstream consumer and
 * delivers each event to the endpoints its wallet's owner registered, signed to the
 * Standard Webhooks specification, at least once, each wallet's events in order.
 */
@NullMarked
package dev.walletpipeline.dispatcher;

import org.jspecify.annotations.NullMarked;
