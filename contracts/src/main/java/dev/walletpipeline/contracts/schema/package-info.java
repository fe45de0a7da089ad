/** The database schema's migrations and the one step that applies them. */
@NullMarked
package dev.walletpipeline.contracts.schema;

import org.jspecify.annotations.NullMarked;
