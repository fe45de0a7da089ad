package dev.walletpipeline.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.walletpipeline.contracts.Topic;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The stack on its second path: Kafka and PostgreSQL in containers started by
 * Testcontainers from the images docker-compose.yml names, faults and all. Runs where
 * {@code -Dwallet.testcontainers=true} asks for that path (CI does, after
 * bin/compose-smoke has the images); there the stack must not have fallen back to Maven
 * artifacts. LocalStackTests and the pipeline's end-to-end tests run on either path.
 */
@EnabledIfSystemProperty(named = "wallet.testcontainers", matches = "true")
@ExtendWith(LocalStackExtension.class)
class ContainerStackTests {

    @Test
    void theStackAskedForInContainersRunsInThem(LocalStack stack) throws Exception {
        assertThat(stack.inContainers()).isTrue();
        try (Connection db = stack.postgres().connect(PostgresServer.OWNER);
                ResultSet version = db.createStatement().executeQuery("show server_version_num")) {
            version.next();
            assertThat(version.getInt(1)).isBetween(180000, 189999);
        }
    }

    @Test
    void aKilledKafkaContainerStartsAgainWithEveryCommittedRecord(LocalStack stack) {
        TopicProbe topics = new TopicProbe(stack);
        String key = "container-" + UUID.randomUUID();
        byte[] body = "kept through SIGKILL".getBytes(StandardCharsets.UTF_8);
        topics.publishRaw(Topic.PAYSTACK_EVENTS_DLT.name(), key, body);

        stack.kafka().kill();
        assertThat(stack.kafka().isRunning()).isFalse();
        stack.kafka().restart();

        assertThat(stack.kafka().isRunning()).isTrue();
        assertThat(topics.recordsOn(Topic.PAYSTACK_EVENTS_DLT.name(), key, Duration.ofSeconds(5)))
            .containsExactly(body);
    }

    @Test
    void aKilledPostgresContainerStartsAgainWithEveryCommittedRow(LocalStack stack) throws Exception {
        String table = "container_kept_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection db = stack.postgres().connect(PostgresServer.OWNER); Statement sql = db.createStatement()) {
            sql.execute("create table " + table + " (n int)");
            sql.execute("insert into " + table + " values (1), (2)");
        }

        stack.postgres().restart();

        try (Connection db = stack.postgres().connect(PostgresServer.OWNER); Statement sql = db.createStatement()) {
            ResultSet rows = sql.executeQuery("select count(*) from " + table);
            rows.next();
            assertThat(rows.getInt(1)).isEqualTo(2);
            sql.execute("drop table " + table);
        }
    }

    @Test
    void aPausedPostgresContainerHoldsAQueryUntilItIsLetGo(LocalStack stack) throws Exception {
        Thread pause = new Thread(() -> stack.postgres().pause(Duration.ofSeconds(2)));
        pause.start();
        await().atMost(Duration.ofSeconds(10)).until(stack.postgres()::isPausedInContainer);
        Instant asked = Instant.now();
        try (Connection db = stack.postgres().connect(PostgresServer.OWNER);
                ResultSet one = db.createStatement().executeQuery("select 1")) {
            assertThat(one.next()).isTrue();
        }
        pause.join();

        assertThat(Duration.between(asked, Instant.now())).isGreaterThan(Duration.ofMillis(1200));
    }

}
