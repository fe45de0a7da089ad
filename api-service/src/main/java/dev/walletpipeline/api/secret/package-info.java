/**
 * Random secrets and their stored (hashed) form, for tokens, sign-in attempts and API
 * keys.
 */
@NullMarked
package dev.walletpipeline.api.secret;

import org.jspecify.annotations.NullMarked;
