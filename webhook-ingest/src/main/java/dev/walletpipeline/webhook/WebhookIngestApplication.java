package dev.walletpipeline.webhook;

import dev.walletpipeline.contracts.health.KafkaHealthIndicator;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;

@SpringBootApplication
@ConfigurationPropertiesScan
public class WebhookIngestApplication {

    public static void main(String[] args) {
        SpringApplication.run(WebhookIngestApplication.class, args);
    }

    @Bean(destroyMethod = "close")
    KafkaHealthIndicator kafkaHealthIndicator(WebhookSettings settings, KafkaProperties kafka) {
        return new KafkaHealthIndicator(kafka.buildAdminProperties(), settings.kafka().healthTimeout());
    }

}
