/** The Paystack webhook: signature, publication, answer. */
@NullMarked
package dev.walletpipeline.webhook.paystack;

import org.jspecify.annotations.NullMarked;
