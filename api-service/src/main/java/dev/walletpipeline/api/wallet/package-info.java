/**
 * Reads of a wallet: balance, available balance and the history of its money movements.
 */
@NullMarked
package dev.walletpipeline.api.wallet;

import org.jspecify.annotations.NullMarked;
