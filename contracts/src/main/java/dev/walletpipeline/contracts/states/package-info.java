/**
 * The states and kinds the schema keeps as text, as types: each enum's values are exactly
 * those its table's CHECK constraint allows (a test compares them), written as the
 * database writes them ({@code wire()}), and each status says in one place which changes
 * it allows ({@code to}), as the posting flows make them.
 */
@NullMarked
package dev.walletpipeline.contracts.states;

import org.jspecify.annotations.NullMarked;
