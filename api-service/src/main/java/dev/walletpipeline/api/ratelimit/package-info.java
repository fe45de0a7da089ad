/**
 * Request rate limits for the endpoints that attract abuse: sign-in and API key creation.
 */
@NullMarked
package dev.walletpipeline.api.ratelimit;

import org.jspecify.annotations.NullMarked;
