package dev.walletpipeline.ledger;

import dev.walletpipeline.contracts.StartupSecrets;
import dev.walletpipeline.contracts.health.KafkaHealthIndicator;
import dev.walletpipeline.contracts.schema.Migrations;
import javax.sql.DataSource;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.kafka.config.ContainerCustomizer;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.DefaultAfterRollbackProcessor;
import org.springframework.kafka.transaction.KafkaTransactionManager;
import org.springframework.transaction.support.AbstractPlatformTransactionManager;
import org.springframework.util.backoff.ExponentialBackOff;

@SpringBootApplication
@ConfigurationPropertiesScan
public class LedgerWorkerApplication {

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("migrate")) {
            migrate();
            return;
        }
        var context = SpringApplication.run(LedgerWorkerApplication.class, args);
        if (context.getEnvironment().getProperty("wallet.replay.exit", Boolean.class, false)) {
            // bin/replay-ledger-events: the replay ran at start; a one-off command ends
            // here.
            System.exit(SpringApplication.exit(context));
        }
    }

    /**
     * {@code java -jar ledger-worker.jar migrate}: applies the schema migrations as the
     * schema owner and exits, a step of its own before the services start
     * (docker-compose's {@code migrate}). The running services never hold the owner's
     * password.
     */
    private static void migrate() {
        String url = System.getenv().getOrDefault("DATABASE_URL", "jdbc:postgresql://localhost:5433/wallet");
        String user = System.getenv().getOrDefault("DATABASE_OWNER_USER", "wallet_owner");
        String password = System.getenv("DATABASE_OWNER_PASSWORD");
        if (password == null || password.isEmpty()) {
            System.err.println("migrate: set DATABASE_OWNER_PASSWORD (and DATABASE_URL, DATABASE_OWNER_USER)");
            System.exit(2);
        }
        int applied = Migrations.migrate(url, user, password);
        System.out.println("migrate: " + applied + " migration(s) applied to " + url);
    }

    /**
     * The database's transaction manager, declared because the Kafka one (from
     * {@code spring.kafka.producer.transaction-id-prefix}) would otherwise stand in for
     * it.
     */
    /**
     * Stops a start with a missing or weak secret (outside the local run and the tests,
     * placeholders and published local defaults too), naming the variable.
     */
    @Bean
    static BeanFactoryPostProcessor startupSecrets() {
        return StartupSecrets.checkedFirst("RECONCILIATION_SIGNING_KEY", "KAFKA_PASSWORD", "DATABASE_WORKER_PASSWORD");
    }

    @Bean
    @Primary
    JdbcTransactionManager transactionManager(DataSource dataSource) {
        return new JdbcTransactionManager(dataSource);
    }

    /**
     * The Kafka transaction manager the listener containers run in. Declared rather than
     * left to auto-configuration for one setting: transaction synchronization, off by
     * default, so that a batch can act once its Kafka transaction has completed (the
     * fault injection that stops the worker between a transfer's two legs).
     */
    @Bean
    KafkaTransactionManager<Object, Object> kafkaTransactionManager(ProducerFactory<Object, Object> producers) {
        KafkaTransactionManager<Object, Object> manager = new KafkaTransactionManager<>(producers);
        manager.setTransactionSynchronization(AbstractPlatformTransactionManager.SYNCHRONIZATION_ON_ACTUAL_TRANSACTION);
        return manager;
    }

    /**
     * A batch whose processing failed (database down, broker gone) is rolled back and
     * read again, with back-off, for as long as it takes: such failures are transient,
     * and skipping a batch would lose money. Records that can never be processed do not
     * get here; they are sent to the dead-letter topic by the listener itself.
     */
    @Bean
    DefaultAfterRollbackProcessor<Object, Object> afterRollbackProcessor(LedgerSettings settings) {
        ExponentialBackOff backOff = new ExponentialBackOff(settings.retryBackoffInitial().toMillis(), 2.0);
        backOff.setMaxInterval(settings.retryBackoffMax().toMillis());
        return new DefaultAfterRollbackProcessor<>(backOff);
    }

    /**
     * No offset commit when partitions are assigned. Spring's default asks the consumer
     * for each new partition's position inside the rebalance listener; while a crashed
     * worker's transaction still holds uncommitted offsets, that position cannot be
     * determined, the listener times out after a minute, and the consumer was left with
     * no partitions at all: nothing more was read from paystack.events until the next
     * rebalance (seen in a fresh-clone run after a SIGKILL). Offsets are committed in the
     * transactions; a group without any starts from the earliest record.
     */
    @Bean
    ContainerCustomizer<Object, Object, ConcurrentMessageListenerContainer<Object, Object>> noCommitOnAssignment() {
        return container -> container.getContainerProperties()
            .setAssignmentCommitOption(ContainerProperties.AssignmentCommitOption.NEVER);
    }

    @Bean(destroyMethod = "close")
    KafkaHealthIndicator kafkaHealthIndicator(LedgerSettings settings, KafkaProperties kafka) {
        return new KafkaHealthIndicator(kafka.buildAdminProperties(), settings.healthTimeout());
    }

}
