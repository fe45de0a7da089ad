package dev.walletpipeline.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

class StartupSecretsTests {

    private static final String STRONG = "9f1c2e7a4b8d0f36a5c1e9b27d4f8a0c";

    @ParameterizedTest
    @ValueSource(strings = { "change-me", "CHANGE-ME", "changeme", "password", "admin-local-secret",
            "ledger-worker-local-secret", "local-reconciliation-key", "wallet_api", "sk_test_local",
            "31-bytes-of-something-not-long", "please-change-me-before-production" })
    void aPlaceholderALocalDefaultOrAShortSecretStopsAProductionStartNamingTheVariable(String value) {
        assertThatThrownBy(() -> StartupSecrets.require(environment(Map.of("KAFKA_PASSWORD", value)), "KAFKA_PASSWORD"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageStartingWith("KAFKA_PASSWORD ")
            .hasMessageNotContaining(value);
    }

    @Test
    void aMissingSecretStopsEveryStartTheLocalRunsToo() {
        assertThatThrownBy(() -> StartupSecrets.require(environment(Map.of(StartupSecrets.LOCAL_SECRETS, "allowed")),
                "RECONCILIATION_SIGNING_KEY"))
            .hasMessage("RECONCILIATION_SIGNING_KEY is not set");
    }

    @Test
    void theLocalRunAndTheTestsMayUseTheirPublishedSecrets() {
        assertThatCode(() -> StartupSecrets.require(
                environment(
                        Map.of(StartupSecrets.LOCAL_SECRETS, "allowed", "KAFKA_PASSWORD", "api-service-local-secret")),
                "KAFKA_PASSWORD"))
            .doesNotThrowAnyException();
    }

    @Test
    void aLongRandomSecretIsAccepted() {
        assertThatCode(() -> StartupSecrets.require(environment(Map.of("KAFKA_PASSWORD", STRONG)), "KAFKA_PASSWORD"))
            .doesNotThrowAnyException();
        assertThat(StartupSecrets.refusal(STRONG, false)).isNull();
    }

    private static StandardEnvironment environment(Map<String, Object> settings) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("test", settings));
        return environment;
    }

}
