package dev.walletpipeline.dispatcher;

import dev.walletpipeline.contracts.StartupSecrets;
import dev.walletpipeline.contracts.health.KafkaHealthIndicator;
import java.time.Duration;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.util.backoff.ExponentialBackOff;

@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class WebhookDispatcherApplication {

    public static void main(String[] args) {
        SpringApplication.run(WebhookDispatcherApplication.class, args);
    }

    /** Stops a start with a missing or weak secret, naming the variable. */
    @Bean
    static BeanFactoryPostProcessor startupSecrets() {
        return StartupSecrets.checkedFirst("KAFKA_PASSWORD", "DATABASE_WEBHOOKS_PASSWORD");
    }

    /**
     * A batch whose deliveries could not be written (the database away) is read again,
     * with back-off, for as long as it takes: skipping it would lose those events'
     * deliveries. Unreadable records never get here; the listener skips them itself.
     */
    @Bean
    DefaultErrorHandler retryUntilWritten() {
        ExponentialBackOff backOff = new ExponentialBackOff(500, 2.0);
        backOff.setMaxInterval(10_000);
        return new DefaultErrorHandler(backOff);
    }

    @Bean(destroyMethod = "close")
    KafkaHealthIndicator kafkaHealthIndicator(KafkaProperties kafka) {
        return new KafkaHealthIndicator(kafka.buildAdminProperties(), Duration.ofSeconds(2));
    }

}
