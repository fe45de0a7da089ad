package dev.walletpipeline.ledger;

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

/** The service jar without the keys it checks proofs with does not start. */
class ProductionDefaultsTests {

    @Test
    void withNoSettingsAtAllItRefusesToStartAndNamesTheVariable() {
        assertThat(startWith(Map.of())).hasStackTraceContaining("RECONCILIATION_SIGNING_KEY is not set");
        String strong = "9f1c2e7a4b8d0f36a5c1e9b27d4f8a0c";
        assertThat(startWith(Map.of("RECONCILIATION_SIGNING_KEY", strong, "KAFKA_PASSWORD", strong,
                "DATABASE_WORKER_PASSWORD", strong)))
            .hasStackTraceContaining("PAYSTACK_SECRET_KEY is not set");
    }

    @Test
    void withoutTheReconciliationKeyItRefusesToStart() {
        assertThat(startWith(Map.of("PAYSTACK_SECRET_KEY", "sk_live_x")))
            .hasStackTraceContaining("RECONCILIATION_SIGNING_KEY is not set");
    }

    @Test
    void aPlaceholderOrALocalDefaultPasswordRefusesToStartNamingTheVariable() {
        Map<String, Object> settings = new HashMap<>(Map.of("PAYSTACK_SECRET_KEY", "sk_live_x",
                "RECONCILIATION_SIGNING_KEY", "9f1c2e7a4b8d0f36a5c1e9b27d4f8a0c", "KAFKA_PASSWORD",
                "ledger-worker-local-secret", "DATABASE_WORKER_PASSWORD", "change-me"));
        assertThat(startWith(settings)).hasStackTraceContaining("KAFKA_PASSWORD is the local run's published default");
        settings.put("KAFKA_PASSWORD", "6f0d4c1b9a2e7f3c8d5b0a4e1f9c2d7b");
        assertThat(startWith(settings)).hasStackTraceContaining("DATABASE_WORKER_PASSWORD is a placeholder");
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
        return catchThrowable(() -> new SpringApplicationBuilder(LedgerWorkerApplication.class).environment(environment)
            .web(WebApplicationType.NONE)
            .run()
            .close());
    }

}
