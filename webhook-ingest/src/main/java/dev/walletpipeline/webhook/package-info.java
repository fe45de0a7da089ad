/**
 * webhook-ingest: verifies Paystack's signature, publishes the event to Kafka,
 * acknowledges. No database, no state.
 */
@NullMarked
package dev.walletpipeline.webhook;

import org.jspecify.annotations.NullMarked;
