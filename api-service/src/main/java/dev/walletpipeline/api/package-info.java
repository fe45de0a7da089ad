/**
 * api-service: the HTTP API of docs/API.md. Reads Postgres; records intents; never writes
 * money.
 */
@NullMarked
package dev.walletpipeline.api;

import org.jspecify.annotations.NullMarked;
