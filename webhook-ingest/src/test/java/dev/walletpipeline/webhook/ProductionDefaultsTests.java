package dev.walletpipeline.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.HashMap;
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

    private static final String STRONG = "9f1c2e7a4b8d0f36a5c1e9b27d4f8a0c";

    @Test
    void withNoSettingsAtAllItRefusesToStartAndNamesTheVariable() {
        assertThat(startWith(Map.of())).hasStackTraceContaining("RECONCILIATION_SIGNING_KEY is not set");
        assertThat(startWith(Map.of("RECONCILIATION_SIGNING_KEY", STRONG, "INTERNAL_SERVICE_TOKEN", STRONG,
                "KAFKA_PASSWORD", STRONG)))
            .hasStackTraceContaining("PAYSTACK_SECRET_KEY is not set");
    }

    @Test
    void aTestSecretKeyNextToPaystacksRealApiRefusesToStart() {
        assertThat(startWith(Map.of("PAYSTACK_SECRET_KEY", "sk_test_local", "RECONCILIATION_SIGNING_KEY", STRONG,
                "INTERNAL_SERVICE_TOKEN", STRONG, "KAFKA_PASSWORD", STRONG)))
            .hasStackTraceContaining("PAYSTACK_SECRET_KEY is a test key");
    }

    @Test
    void aPlaceholderOrALocalDefaultSecretRefusesToStartNamingTheVariable() {
        Map<String, Object> settings = new HashMap<>(Map.of("PAYSTACK_SECRET_KEY", "sk_live_example", "KAFKA_PASSWORD",
                "6f0d4c1b9a2e7f3c8d5b0a4e1f9c2d7b", "INTERNAL_SERVICE_TOKEN", "c0ffee00c0ffee00c0ffee00c0ffee00ab",
                "RECONCILIATION_SIGNING_KEY", "change-me"));
        assertThat(startWith(settings)).hasStackTraceContaining("RECONCILIATION_SIGNING_KEY is a placeholder");
        settings.put("RECONCILIATION_SIGNING_KEY", "local-reconciliation-key");
        assertThat(startWith(settings))
            .hasStackTraceContaining("RECONCILIATION_SIGNING_KEY is the local run's published default");
        settings.put("RECONCILIATION_SIGNING_KEY", "9f1c2e7a4b8d0f36a5c1e9b27d4f8a0c");
        settings.put("INTERNAL_SERVICE_TOKEN", "too-short");
        assertThat(startWith(settings)).hasStackTraceContaining("INTERNAL_SERVICE_TOKEN is shorter than 32 bytes");
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
