/**
 * The real infrastructure, started from Maven artifacts without Docker: a Kafka broker
 * (KRaft) and a PostgreSQL server, each its own OS process with a data directory that
 * survives a restart, so that a test can SIGKILL either and start it again. The tests can
 * run the same two in Docker containers instead ({@link Containers}). {@link LocalStack}
 * is the entry point; {@link LocalStackExtension} shares one stack per test JVM;
 * {@link LocalPipeline} is the one-command local run.
 */
@NullMarked
package dev.walletpipeline.localstack;

import org.jspecify.annotations.NullMarked;
