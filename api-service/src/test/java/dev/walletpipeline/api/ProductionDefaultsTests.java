package dev.walletpipeline.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.StandardEnvironment;

/**
 * The service jar with no settings, with a placeholder or a published local secret, or
 * without the shared token signing key, does not start; and it needs no Paystack key.
 */
class ProductionDefaultsTests {

    @Test
    void withNoSettingsAtAllItRefusesToStartAndNamesTheVariable() {
        // Secrets are checked first, before anything connects anywhere.
        assertThat(startWith(Map.of())).hasStackTraceContaining("KAFKA_PASSWORD is not set");
    }

    @Test
    void aPlaceholderOrALocalDefaultSecretRefusesToStartNamingTheVariable() {
        Map<String, Object> settings = new HashMap<>(strongSecrets());
        settings.put("INTERNAL_SERVICE_TOKEN", "change-me");
        assertThat(startWith(settings)).hasStackTraceContaining("INTERNAL_SERVICE_TOKEN is a placeholder");
        settings = new HashMap<>(strongSecrets());
        settings.put("KAFKA_PASSWORD", "api-service-local-secret");
        assertThat(startWith(settings)).hasStackTraceContaining("KAFKA_PASSWORD is the local run's published default");
        settings = new HashMap<>(strongSecrets());
        settings.put("DATABASE_CDC_PASSWORD", "short");
        assertThat(startWith(settings)).hasStackTraceContaining("DATABASE_CDC_PASSWORD is shorter than 32 bytes");
    }

    @Test
    void itNeedsNeitherPaystacksKeyNorTheReconciliationKey() {
        // With every secret it does need, the start gets past every check: what stops it
        // here is that no database answers at the default address.
        Throwable start = startWith(strongSecrets());
        assertThat(start).hasStackTraceContaining("Connection")
            .hasStackTraceContaining("refused")
            .satisfies(t -> assertThat(stackTrace(t)).doesNotContain("PAYSTACK_SECRET_KEY")
                .doesNotContain("RECONCILIATION_SIGNING_KEY")
                .doesNotContain("is not set"));
    }

    @Test
    void withoutTheSharedTokenSigningKeyItRefusesToStart() {
        Map<String, Object> settings = new HashMap<>(strongSecrets());
        settings.remove("JWT_SIGNING_KEY");
        assertThat(startWith(settings)).hasStackTraceContaining("JWT_SIGNING_KEY is not set");
    }

    private static Map<String, Object> strongSecrets() {
        return Map.of("JWT_SIGNING_KEY", newJwk(), "KAFKA_PASSWORD", "6f0d4c1b9a2e7f3c8d5b0a4e1f9c2d7b",
                "DATABASE_API_PASSWORD", "0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d", "DATABASE_CDC_PASSWORD",
                "f1e2d3c4b5a6978877665544332211aa", "INTERNAL_SERVICE_TOKEN", "c0ffee00c0ffee00c0ffee00c0ffee00ab",
                "DATABASE_URL", "jdbc:postgresql://127.0.0.1:1/wallet");
    }

    private static String stackTrace(Throwable t) {
        StringWriter out = new StringWriter();
        t.printStackTrace(new PrintWriter(out));
        return out.toString();
    }

    private static String newJwk() {
        try {
            return new ECKeyGenerator(Curve.P_256).generate().toJSONString();
        }
        catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
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
        return catchThrowable(() -> new SpringApplicationBuilder(ApiServiceApplication.class).environment(environment)
            .web(WebApplicationType.NONE)
            .run()
            .close());
    }

}
