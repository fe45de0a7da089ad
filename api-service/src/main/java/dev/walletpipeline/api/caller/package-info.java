/**
 * Who is calling: a person with our JWT or a service with an API key, resolved once per
 * request into a {@link Caller}, and the one authorization rule every endpoint applies
 * through it.
 */
@NullMarked
package dev.walletpipeline.api.caller;

import org.jspecify.annotations.NullMarked;
