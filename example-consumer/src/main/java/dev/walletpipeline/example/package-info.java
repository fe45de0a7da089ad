/** A downstream consumer of {@code wallet.ledger-events}, as a team would write one. */
@NullMarked
package dev.walletpipeline.example;

import org.jspecify.annotations.NullMarked;
