package dev.walletpipeline.api;

import dev.walletpipeline.contracts.StartupSecrets;
import dev.walletpipeline.contracts.health.KafkaHealthIndicator;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.scheduling.annotation.EnableScheduling;

@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class ApiServiceApplication {

    public static void main(String[] args) {
        SpringApplication.run(ApiServiceApplication.class, args);
    }

    /**
     * Stops a start with a missing or weak secret (outside the local run and the tests,
     * placeholders and published local defaults too), naming the variable.
     */
    @Bean
    static BeanFactoryPostProcessor startupSecrets() {
        return StartupSecrets.checkedFirst("KAFKA_PASSWORD", "DATABASE_API_PASSWORD", "DATABASE_CDC_PASSWORD",
                "INTERNAL_SERVICE_TOKEN");
    }

    @Bean(destroyMethod = "close")
    KafkaHealthIndicator kafkaHealthIndicator(ApiSettings settings, KafkaProperties kafka) {
        return new KafkaHealthIndicator(kafka.buildAdminProperties(), settings.healthTimeout());
    }

}
