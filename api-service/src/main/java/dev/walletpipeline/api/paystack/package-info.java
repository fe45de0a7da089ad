/**
 * Paystack as api-service meets it: the settings, the calls with their time-outs and
 * retries, and the questions put to webhook-ingest, which alone may publish what Paystack
 * answers.
 */
@NullMarked
package dev.walletpipeline.api.paystack;

import org.jspecify.annotations.NullMarked;
