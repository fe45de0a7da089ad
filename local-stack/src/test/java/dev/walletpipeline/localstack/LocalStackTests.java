package dev.walletpipeline.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walletpipeline.contracts.Topic;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LocalStackExtension.class)
class LocalStackTests {

    @Test
    void postgresRunsCrashSafeWithLogicalDecoding(LocalStack stack) throws Exception {
        try (Connection db = stack.postgres().connect(PostgresServer.OWNER); Statement sql = db.createStatement()) {
            assertThat(setting(sql, "fsync")).isEqualTo("on");
            assertThat(setting(sql, "synchronous_commit")).isEqualTo("on");
            assertThat(setting(sql, "wal_level")).isEqualTo("logical");
        }
    }

    @Test
    void topicsExistWithTheirPolicies(LocalStack stack) throws Exception {
        Properties props = new Properties();
        props.putAll(stack.kafka().clientProperties(KafkaBroker.ADMIN));
        try (Admin admin = Admin.create(props)) {
            Set<String> names = admin.listTopics().names().get();
            Topic.ALL.forEach(topic -> assertThat(names).contains(topic.name()));
            ConfigResource paystack = new ConfigResource(ConfigResource.Type.TOPIC, Topic.PAYSTACK_EVENTS.name());
            Config config = admin.describeConfigs(Set.of(paystack)).all().get().get(paystack);
            assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
            // Nothing is compacted before ledger-worker has long read it.
            assertThat(config.get("min.compaction.lag.ms").value()).isEqualTo(Long.toString(Topic.COMPACTION_LAG_MS));
            assertThat(admin.describeTopics(Set.of(Topic.LEDGER_EVENTS.name()))
                .allTopicNames()
                .get()
                .get(Topic.LEDGER_EVENTS.name())
                .partitions()).hasSize(stack.partitions());
        }
    }

    @Test
    void apiServicesKafkaCredentialsCannotWritePaystackEvents(LocalStack stack) {
        assertThat(send(stack.kafka().clientProperties("api-service"), Topic.PAYSTACK_EVENTS.name()))
            .isInstanceOf(org.apache.kafka.common.errors.TopicAuthorizationException.class);
    }

    @Test
    void eachServiceWritesItsOwnTopicsAndNoOneElses(LocalStack stack) {
        assertThat(send(stack.kafka().clientProperties("webhook-ingest"), Topic.PAYSTACK_EVENTS.name())).isNull();
        assertThat(send(stack.kafka().clientProperties("webhook-ingest"), Topic.TRANSFER_COMMANDS.name()))
            .isInstanceOf(org.apache.kafka.common.errors.TopicAuthorizationException.class);
        assertThat(send(stack.kafka().clientProperties("webhook-ingest"), Topic.LEDGER_EVENTS.name()))
            .isInstanceOf(org.apache.kafka.common.errors.TopicAuthorizationException.class);
        assertThat(send(stack.kafka().clientProperties("api-service"), Topic.LEDGER_EVENTS.name()))
            .isInstanceOf(org.apache.kafka.common.errors.TopicAuthorizationException.class);
        // With no write right anywhere, even an idempotent producer's id is refused
        // (cluster level).
        assertThat(send(stack.kafka().clientProperties("downstream"), Topic.LEDGER_EVENTS.name()))
            .isInstanceOf(org.apache.kafka.common.errors.AuthorizationException.class);
    }

    @Test
    void aDownstreamTeamReadsTheLedgerEventsAndNothingElse(LocalStack stack) {
        assertThat(read(stack.kafka().clientProperties("downstream"), Topic.LEDGER_EVENTS.name())).isNull();
        assertThat(read(stack.kafka().clientProperties("downstream"), Topic.PAYSTACK_EVENTS.name()))
            .isInstanceOf(org.apache.kafka.common.errors.TopicAuthorizationException.class);
    }

    @Test
    void aWrongPasswordIsRefused(LocalStack stack) {
        java.util.Map<String, Object> props = new java.util.HashMap<>(stack.kafka().clientProperties("webhook-ingest"));
        props.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required"
                + " username=\"webhook-ingest\" password=\"guessed\";");
        assertThat(send(props, Topic.PAYSTACK_EVENTS.name()))
            .isInstanceOf(org.apache.kafka.common.errors.SaslAuthenticationException.class);
    }

    @Test
    void theControllerAnswersNoOneWhoHasNotAuthenticated(LocalStack stack) throws Exception {
        java.util.Map<String, Object> anonymous = new java.util.HashMap<>(
                java.util.Map.of("bootstrap.controllers", "localhost:" + stack.kafka().controllerPort(),
                        "request.timeout.ms", 3000, "default.api.timeout.ms", 5000, "reconnect.backoff.max.ms", 500));
        java.util.Map<String, Object> asAdmin = new java.util.HashMap<>(anonymous);
        asAdmin.putAll(java.util.Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "PLAIN",
                "sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"admin\" password=\""
                        + KafkaBroker.localPassword(KafkaBroker.ADMIN) + "\";"));
        assertThat(clusterId(asAdmin)).isNotBlank();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> clusterId(anonymous))
            .isInstanceOf(java.util.concurrent.ExecutionException.class);
    }

    private static String clusterId(java.util.Map<String, Object> props) throws Exception {
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(props)) {
            return admin.describeCluster().clusterId().get(10, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    /**
     * The failure of one send with these credentials, or null when the broker took it.
     */
    private static Throwable send(java.util.Map<String, Object> credentials, String topic) {
        java.util.Map<String, Object> props = new java.util.HashMap<>(credentials);
        props.put("max.block.ms", 5000);
        props.put("delivery.timeout.ms", 8000);
        props.put("request.timeout.ms", 5000);
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<>(props,
                new org.apache.kafka.common.serialization.StringSerializer(),
                new org.apache.kafka.common.serialization.StringSerializer())) {
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, "acl-probe", "{}"))
                .get(10, java.util.concurrent.TimeUnit.SECONDS);
            return null;
        }
        catch (java.util.concurrent.ExecutionException e) {
            return authorizationFailureIn(e.getCause());
        }
        catch (Exception e) {
            return authorizationFailureIn(e);
        }
    }

    /**
     * The refusal itself: an idempotent producer may report it wrapped ("Cannot execute
     * transactional method because we are in an error state"), depending on timing.
     */
    private static Throwable authorizationFailureIn(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof org.apache.kafka.common.errors.AuthorizationException
                    || t instanceof org.apache.kafka.common.errors.AuthenticationException) {
                return t;
            }
        }
        return failure;
    }

    /**
     * The failure of one poll with these credentials, or null when the broker allowed it.
     */
    private static Throwable read(java.util.Map<String, Object> credentials, String topic) {
        java.util.Map<String, Object> props = new java.util.HashMap<>(credentials);
        props.put("group.id", "acl-probe-" + java.util.UUID.randomUUID());
        props.put("auto.offset.reset", "earliest");
        try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<>(props,
                new org.apache.kafka.common.serialization.StringDeserializer(),
                new org.apache.kafka.common.serialization.StringDeserializer())) {
            consumer.subscribe(java.util.List.of(topic));
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(4);
            while (System.nanoTime() < deadline) {
                consumer.poll(java.time.Duration.ofMillis(200));
            }
            return null;
        }
        catch (Exception e) {
            return e;
        }
    }

    private static String setting(Statement sql, String name) throws Exception {
        try (ResultSet rs = sql.executeQuery("show " + name)) {
            rs.next();
            return rs.getString(1);
        }
    }

}
