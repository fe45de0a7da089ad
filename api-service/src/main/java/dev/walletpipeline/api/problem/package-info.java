/**
 * Errors as RFC 9457 problem details with a stable {@code code}, the one way every
 * endpoint refuses.
 */
@NullMarked
package dev.walletpipeline.api.problem;

import org.jspecify.annotations.NullMarked;
