/**
 * The operator's desk: the queues of what the pipeline set aside for a person (deposits
 * in review, payment exceptions, dead letters, refunds over their deposit, withdrawals
 * Paystack has not confirmed, transfers pending too long), and the append-only trail of
 * operators' decisions. Operators are people on an allow-list ({@code OPERATOR_EMAILS})
 * whose access token carries the {@code operator} scope; no API key ever does.
 */
@NullMarked
package dev.walletpipeline.api.ops;

import org.jspecify.annotations.NullMarked;
