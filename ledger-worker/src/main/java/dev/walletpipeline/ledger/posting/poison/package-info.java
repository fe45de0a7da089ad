/**
 * Records no retry can apply, and the rule that tells them from failures time will fix.
 */
@NullMarked
package dev.walletpipeline.ledger.posting.poison;

import org.jspecify.annotations.NullMarked;
