package dev.walletpipeline.api.ops;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Who works the operator's desk, under {@code wallet.ops}.
 *
 * @param operatorEmails the people, by the email Google signs them in with, whose access
 * tokens carry the operator scope ({@code OPERATOR_EMAILS}, comma-separated; empty: no
 * one). Read at each token's issue, so that someone taken off the list keeps the scope at
 * most until their access token expires
 */
@ConfigurationProperties("wallet.ops")
public record OpsSettings(List<String> operatorEmails) {

    public OpsSettings {
        operatorEmails = operatorEmails == null ? List.of()
                : operatorEmails.stream()
                    .map(String::strip)
                    .filter(email -> !email.isEmpty())
                    .map(email -> email.toLowerCase(Locale.ROOT))
                    .distinct()
                    .toList();
    }

    /** Whether the person signed in with this email is an operator. */
    public boolean isOperator(String email) {
        return operators().contains(email.strip().toLowerCase(Locale.ROOT));
    }

    private Set<String> operators() {
        return operatorEmails.stream().collect(Collectors.toUnmodifiableSet());
    }

}
