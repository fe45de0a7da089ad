/**
 * API keys for services: {@code sk_live_} plus 256 bits of randomness, stored only as a
 * SHA-256 hash (looked up by index, so a wrong key costs the same however much of it is
 * right), scoped to permissions, expiring, at most five active per user, rolled over once
 * after expiry.
 */
@NullMarked
package dev.walletpipeline.api.apikey;

import org.jspecify.annotations.NullMarked;
