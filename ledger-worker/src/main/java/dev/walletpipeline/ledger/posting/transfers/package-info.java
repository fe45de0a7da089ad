/**
 * Transfers between wallets, single or bulk: the debit leg checks funds and debits the
 * sender, the credit leg credits the recipient, or both in one hop when one writer owns
 * both wallets.
 */
@NullMarked
package dev.walletpipeline.ledger.posting.transfers;

import org.jspecify.annotations.NullMarked;
