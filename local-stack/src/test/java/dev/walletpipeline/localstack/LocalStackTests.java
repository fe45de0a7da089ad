package dev.walletpipeline.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walletpipeline.contracts.Topic;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.assertj.core.api.Assertions;
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
            .isInstanceOf(TopicAuthorizationException.class);
    }

    @Test
    void eachServiceWritesItsOwnTopicsAndNoOneElses(LocalStack stack) {
        assertThat(send(stack.kafka().clientProperties("webhook-ingest"), Topic.PAYSTACK_EVENTS.name())).isNull();
        assertThat(send(stack.kafka().clientProperties("webhook-ingest"), Topic.TRANSFER_COMMANDS.name()))
            .isInstanceOf(TopicAuthorizationException.class);
        assertThat(send(stack.kafka().clientProperties("webhook-ingest"), Topic.LEDGER_EVENTS.name()))
            .isInstanceOf(TopicAuthorizationException.class);
        assertThat(send(stack.kafka().clientProperties("api-service"), Topic.LEDGER_EVENTS.name()))
            .isInstanceOf(TopicAuthorizationException.class);
        // With no write right anywhere, even an idempotent producer's id is refused
        // (cluster level).
        assertThat(send(stack.kafka().clientProperties("downstream"), Topic.LEDGER_EVENTS.name()))
            .isInstanceOf(AuthorizationException.class);
    }

    @Test
    void aDownstreamTeamReadsTheLedgerEventsAndNothingElse(LocalStack stack) {
        assertThat(read(stack.kafka().clientProperties("downstream"), Topic.LEDGER_EVENTS.name())).isNull();
        assertThat(read(stack.kafka().clientProperties("downstream"), Topic.PAYSTACK_EVENTS.name()))
            .isInstanceOf(TopicAuthorizationException.class);
    }

    @Test
    void aWrongPasswordIsRefused(LocalStack stack) {
        Map<String, Object> props = new HashMap<>(stack.kafka().clientProperties("webhook-ingest"));
        props.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required"
                + " username=\"webhook-ingest\" password=\"guessed\";");
        assertThat(send(props, Topic.PAYSTACK_EVENTS.name())).isInstanceOf(SaslAuthenticationException.class);
    }

    @Test
    void theControllerAnswersNoOneWhoHasNotAuthenticated(LocalStack stack) throws Exception {
        Map<String, Object> anonymous = new HashMap<>(
                Map.of("bootstrap.controllers", "localhost:" + stack.kafka().controllerPort(), "request.timeout.ms",
                        3000, "default.api.timeout.ms", 5000, "reconnect.backoff.max.ms", 500));
        Map<String, Object> asAdmin = new HashMap<>(anonymous);
        asAdmin.putAll(Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "PLAIN", "sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"admin\" password=\""
                        + KafkaBroker.localPassword(KafkaBroker.ADMIN) + "\";"));
        assertThat(clusterId(asAdmin)).isNotBlank();
        Assertions.assertThatThrownBy(() -> clusterId(anonymous)).isInstanceOf(ExecutionException.class);
    }

    private static String clusterId(Map<String, Object> props) throws Exception {
        try (Admin admin = Admin.create(props)) {
            return admin.describeCluster().clusterId().get(10, TimeUnit.SECONDS);
        }
    }

    /**
     * The failure of one send with these credentials, or null when the broker took it.
     */
    private static Throwable send(Map<String, Object> credentials, String topic) {
        Map<String, Object> props = new HashMap<>(credentials);
        props.put("max.block.ms", 5000);
        props.put("delivery.timeout.ms", 8000);
        props.put("request.timeout.ms", 5000);
        try (var producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, "acl-probe", "{}")).get(10, TimeUnit.SECONDS);
            return null;
        }
        catch (ExecutionException e) {
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
            if (t instanceof AuthorizationException || t instanceof AuthenticationException) {
                return t;
            }
        }
        return failure;
    }

    /**
     * The failure of one poll with these credentials, or null when the broker allowed it.
     */
    private static Throwable read(Map<String, Object> credentials, String topic) {
        Map<String, Object> props = new HashMap<>(credentials);
        props.put("group.id", "acl-probe-" + UUID.randomUUID());
        props.put("auto.offset.reset", "earliest");
        try (var consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
            while (System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200));
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
