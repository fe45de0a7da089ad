/**
 * The transactional outbox, streamed to Kafka by Debezium embedded: the request tables
 * are the outbox (each inserted transfer, bulk batch and withdrawal row is a command),
 * one engine at a time across all instances (a Postgres advisory lock elects it), offsets
 * in Kafka, nothing written beside the requests and nothing deleted.
 */
@NullMarked
package dev.walletpipeline.api.outbox;

import org.jspecify.annotations.NullMarked;
