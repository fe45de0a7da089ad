/**
 * From a ledger event to a delivery received: {@link EventIntake} turns each event into a
 * delivery per matching endpoint, {@link DeliverySender} sends what is due, signed, and
 * {@link Deliveries} keeps every delivery and attempt.
 */
@NullMarked
package dev.walletpipeline.dispatcher.delivery;

import org.jspecify.annotations.NullMarked;
