/**
 * How a record on Kafka proves that a fact which moves money was verified, and by whom.
 */
@NullMarked
package dev.walletpipeline.contracts.proof;

import org.jspecify.annotations.NullMarked;
