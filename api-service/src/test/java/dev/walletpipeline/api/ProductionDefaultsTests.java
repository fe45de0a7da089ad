package dev.walletpipeline.api;

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
 * The service jar with no settings, with a test key next to Paystack's real API, or
 * without the shared token signing key, does not start.
 */
class ProductionDefaultsTests {

    @Test
    void withNoSettingsAtAllItRefusesToStartAndNamesTheVariable() {
        // The first setting it misses is the shared token signing key; the Paystack key
        // would follow.
        assertThat(startWith(Map.of())).hasStackTraceContaining("JWT_SIGNING_KEY is not set");
    }

    @Test
    void aTestSecretKeyNextToPaystacksRealApiRefusesToStart() {
        assertThat(startWith(Map.of("PAYSTACK_SECRET_KEY", "sk_test_local", "JWT_SIGNING_KEY", newJwk())))
            .hasStackTraceContaining("PAYSTACK_SECRET_KEY is a test key");
        assertThat(startWith(Map.of("JWT_SIGNING_KEY", newJwk())))
            .hasStackTraceContaining("PAYSTACK_SECRET_KEY is not set");
    }

    @Test
    void withoutTheSharedTokenSigningKeyItRefusesToStart() {
        assertThat(startWith(Map.of("PAYSTACK_SECRET_KEY", "sk_live_x")))
            .hasStackTraceContaining("JWT_SIGNING_KEY is not set");
    }

    private static String newJwk() {
        try {
            return new com.nimbusds.jose.jwk.gen.ECKeyGenerator(com.nimbusds.jose.jwk.Curve.P_256).generate()
                .toJSONString();
        }
        catch (com.nimbusds.jose.JOSEException e) {
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
