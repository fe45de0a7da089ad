package dev.walletpipeline.localstack;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts the shared {@link LocalStack} once per test JVM and publishes its settings as
 * system properties, so that a {@code @SpringBootTest} resolves
 * {@code ${KAFKA_BOOTSTRAP_SERVERS}} and the rest exactly as a deployed service resolves
 * its environment. Register it before Spring's extension:
 * {@code @ExtendWith(LocalStackExtension.class)} above {@code @SpringBootTest}.
 */
public final class LocalStackExtension implements BeforeAllCallback, ParameterResolver {

    @Override
    public void beforeAll(ExtensionContext context) {
        LocalStack stack = LocalStack.shared();
        // A service module's tests run as that service's Kafka user (surefire's
        // wallet.stack.service).
        String service = System.getProperty("wallet.stack.service");
        (service == null ? stack.environment() : stack.environment(service)).forEach(System::setProperty);
        if ("api-service".equals(service)) {
            // api-service calls Paystack through webhook-ingest: the real one, as its own
            // process.
            System.setProperty("WEBHOOK_INGEST_INTERNAL_URL", stack.webhookIngest().internalUrl());
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext extension) {
        return parameter.getParameter().getType() == LocalStack.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext extension) {
        return LocalStack.shared();
    }

}
