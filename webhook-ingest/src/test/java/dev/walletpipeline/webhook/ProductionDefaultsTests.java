package dev.walletpipeline.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.StandardEnvironment;

/**
 * The service jar with no settings, or with a test key next to Paystack's real API, does
 * not start.
 */
class ProductionDefaultsTests {

    @Test
    void withNoSettingsAtAllItRefusesToStartAndNamesTheVariable() {
        assertThat(startWith(Map.of())).hasStackTraceContaining("PAYSTACK_SECRET_KEY is not set");
    }

    @Test
    void aTestSecretKeyNextToPaystacksRealApiRefusesToStart() {
        assertThat(startWith(Map.of("PAYSTACK_SECRET_KEY", "sk_test_local", "RECONCILIATION_SIGNING_KEY", "k")))
            .hasStackTraceContaining("PAYSTACK_SECRET_KEY is a test key");
    }

    /**
     * Starts the application with exactly these settings: no environment, no system
     * properties.
     */
    static Throwable startWith(Map<String, Object> settings) {
        StandardEnvironment environment = new StandardEnvironment() {
            @Override
            protected void customizePropertySources(MutablePropertySources sources) {
                sources.addFirst(new MapPropertySource("only-these", settings));
            }
        };
        return catchThrowable(
                () -> new SpringApplicationBuilder(WebhookIngestApplication.class).environment(environment)
                    .web(WebApplicationType.NONE)
                    .run()
                    .close());
    }

}
