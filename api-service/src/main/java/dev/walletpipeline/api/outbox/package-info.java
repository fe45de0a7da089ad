/**
 * The transactional outbox, streamed to Kafka by Debezium embedded: one engine at a time
 * across all instances (a Postgres advisory lock elects it), offsets in Kafka, published
 * rows deleted.
 */
@NullMarked
package dev.walletpipeline.api.outbox;

import org.jspecify.annotations.NullMarked;
