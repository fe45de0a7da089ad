package dev.walletpipeline.webhook;

import dev.walletpipeline.contracts.StartupSecrets;
import dev.walletpipeline.contracts.health.KafkaHealthIndicator;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.context.annotation.Bean;

@SpringBootApplication
@ConfigurationPropertiesScan
public class WebhookIngestApplication {

    public static void main(String[] args) {
        SpringApplication.run(WebhookIngestApplication.class, args);
    }

    /**
     * Stops a start with a missing or weak secret (outside the local run and the tests,
     * placeholders and published local defaults too), naming the variable.
     */
    @Bean
    static BeanFactoryPostProcessor startupSecrets() {
        return StartupSecrets.checkedFirst("RECONCILIATION_SIGNING_KEY", "INTERNAL_SERVICE_TOKEN", "KAFKA_PASSWORD");
    }

    @Bean(destroyMethod = "close")
    KafkaHealthIndicator kafkaHealthIndicator(WebhookSettings settings, KafkaProperties kafka) {
        return new KafkaHealthIndicator(kafka.buildAdminProperties(), settings.kafka().healthTimeout());
    }

}
