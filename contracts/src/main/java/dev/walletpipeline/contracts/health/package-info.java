/** Readiness checks the three services share. */
@NullMarked
package dev.walletpipeline.contracts.health;

import org.jspecify.annotations.NullMarked;
