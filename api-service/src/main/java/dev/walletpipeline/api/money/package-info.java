/** Amounts as clients send them: integers in kobo, within each operation's limits. */
@NullMarked
package dev.walletpipeline.api.money;

import org.jspecify.annotations.NullMarked;
