/**
 * What api-service and webhook-dispatcher agree on about webhooks to API clients: which
 * targets may be called, and the Standard Webhooks signature.
 */
@NullMarked
package dev.walletpipeline.contracts.webhooks;

import org.jspecify.annotations.NullMarked;
