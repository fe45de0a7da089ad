/**
 * Deposits through Paystack: a reference generated and stored before Paystack is called,
 * the Initialize Transaction call, the status read, and reconciliation of deposits whose
 * webhook never came (Verify Transaction, fed through the same crediting path as a
 * webhook).
 */
@NullMarked
package dev.walletpipeline.api.deposit;

import org.jspecify.annotations.NullMarked;
