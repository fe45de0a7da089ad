/**
 * Webhooks to API clients: the endpoints a person registers, their signing secrets, and
 * the delivery log webhook-dispatcher keeps. The dispatcher sends; this package manages
 * what it sends to, and lets the owner see and resend deliveries.
 */
@NullMarked
package dev.walletpipeline.api.webhook;

import org.jspecify.annotations.NullMarked;
