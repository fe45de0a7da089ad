package dev.walletpipeline.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * The Kafka and PostgreSQL images docker-compose names start under Testcontainers' own
 * modules, official images and bin/stand-in-images' look-alikes alike. Needs a Docker
 * engine: CI runs it after bin/compose-smoke with {@code -Dwallet.testcontainers=true}
 * (and Ryuk off where its image is absent); the rest of the suite never needs Docker.
 */
@EnabledIfSystemProperty(named = "wallet.testcontainers", matches = "true")
class StandInImagesTests {

    /**
     * The tags docker-compose.yml uses (DeploymentFileTests ties them to the versions
     * tested).
     */
    private static final String KAFKA_IMAGE = "apache/kafka:4.3.1";

    private static final String POSTGRES_IMAGE = "postgres:18.6";

    @Test
    void theKafkaImageStartsAsTestcontainersKafkaContainerAndTakesATopic() throws Exception {
        try (KafkaContainer kafka = new KafkaContainer(KAFKA_IMAGE)) {
            kafka.start();
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.getBootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic("wallet.ledger-events", 4, (short) 1))).all().get();

                assertThat(admin.listTopics().names().get()).contains("wallet.ledger-events");
            }
        }
    }

    @Test
    void thePostgresImageStartsAsTestcontainersPostgreSQLContainerWithItsDatabaseAndUser() throws Exception {
        try (PostgreSQLContainer postgres = new PostgreSQLContainer(POSTGRES_IMAGE).withDatabaseName("wallet")
            .withUsername("wallet_test")
            .withPassword("a-test-password")) {
            postgres.start();
            try (Connection db = DriverManager.getConnection(postgres.getJdbcUrl(), "wallet_test", "a-test-password");
                    ResultSet row = db.createStatement()
                        .executeQuery(
                                "select current_database(), current_user, current_setting('server_version_num')")) {
                assertThat(row.next()).isTrue();
                assertThat(row.getString(1)).isEqualTo("wallet");
                assertThat(row.getString(2)).isEqualTo("wallet_test");
                assertThat(row.getInt(3)).isBetween(180000, 189999);
            }
        }
    }

}
