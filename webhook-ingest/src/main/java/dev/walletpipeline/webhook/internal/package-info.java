/**
 * The internal listener: a port of its own for the calls api-service makes (Paystack's
 * API through this service, and verification), never published, and answering only a
 * caller with the service credential.
 */
@NullMarked
package dev.walletpipeline.webhook.internal;

import org.jspecify.annotations.NullMarked;
