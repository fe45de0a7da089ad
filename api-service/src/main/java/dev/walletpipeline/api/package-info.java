/**
 * api-service: the HTTP API of API.md. Reads Postgres; records intents; never writes
 * money.
 */
@NullMarked
package dev.walletpipeline.api;

import org.jspecify.annotations.NullMarked;
