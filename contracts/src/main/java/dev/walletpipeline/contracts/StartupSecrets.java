package dev.walletpipeline.contracts;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.core.env.Environment;

/**
 * The start-up rule for the secrets a service is given (passwords, signing keys, service
 * credentials), the same in every service. A secret that is missing stops the service;
 * outside the local run and the tests, so does one that is a known placeholder (the
 * {@code change-me} of {@code .env.example}), one of the published local defaults, or one
 * shorter than {@value #MINIMUM_BYTES} bytes. The message names the variable, never the
 * value.
 *
 * <p>
 * The local run and the tests say who they are with {@code WALLET_LOCAL_SECRETS=allowed};
 * nothing else may set it, and nothing falls back to it. A service declares
 * {@link #checkedFirst} as a static bean, so that the check runs before any other bean is
 * made (a database or a broker connected to with a weak password).
 */
public final class StartupSecrets {

    /** The setting by which the local run and the tests allow their published secrets. */
    public static final String LOCAL_SECRETS = "WALLET_LOCAL_SECRETS";

    public static final int MINIMUM_BYTES = 32;

    private static final Set<String> PLACEHOLDERS = Set.of("change-me", "changeme", "change_me", "replace-me", "secret",
            "password", "passw0rd", "admin", "test", "example", "default", "todo", "xxx");

    /**
     * Values published for the local run (README, local-stack): every Kafka user's
     * {@code <user>-local-secret}, the local keys and tokens, and the local PostgreSQL
     * roles' passwords (the role's name).
     */
    private static final Set<String> LOCAL_DEFAULTS = Set.of("local-reconciliation-key", "local-internal-service-token",
            "wallet_owner", "wallet_api", "wallet_worker", "wallet_cdc", "wallet_webhooks", "sk_test_local");

    private final Set<String> variables;

    private StartupSecrets(Set<String> variables) {
        this.variables = variables;
    }

    /**
     * The check as the first step of a service's start: declare it as a {@code static}
     * {@code @Bean}.
     */
    public static BeanFactoryPostProcessor checkedFirst(String... variables) {
        return beanFactory -> require(beanFactory.getBean(Environment.class), variables);
    }

    /**
     * Checks each named variable as this environment resolves it.
     * @return the variables checked
     * @throws IllegalArgumentException naming the first variable that must not be used
     */
    public static StartupSecrets require(Environment environment, String... variables) {
        boolean localAllowed = "allowed".equals(environment.getProperty(LOCAL_SECRETS, ""));
        for (String variable : variables) {
            String value = environment.getProperty(variable, "");
            String refusal = refusal(value, localAllowed);
            if (refusal != null) {
                throw new IllegalArgumentException(variable + " " + refusal);
            }
        }
        return new StartupSecrets(Set.of(variables));
    }

    /** The variables that were checked. */
    public Set<String> variables() {
        return variables;
    }

    /** Why this value must not be used as a secret, or null when it may be. */
    static @Nullable String refusal(String value, boolean localAllowed) {
        if (value.isBlank()) {
            return "is not set";
        }
        if (localAllowed) {
            return null;
        }
        String folded = value.strip().toLowerCase(Locale.ROOT);
        if (PLACEHOLDERS.contains(folded) || folded.contains("change-me") || folded.contains("changeme")) {
            return "is a placeholder: set a long random secret of your own (openssl rand -hex 32)";
        }
        if (LOCAL_DEFAULTS.contains(value) || value.endsWith("-local-secret")) {
            return "is the local run's published default: set a long random secret of your own";
        }
        if (value.getBytes(StandardCharsets.UTF_8).length < MINIMUM_BYTES) {
            return "is shorter than " + MINIMUM_BYTES + " bytes: set a long random secret (openssl rand -hex 32)";
        }
        return null;
    }

}
