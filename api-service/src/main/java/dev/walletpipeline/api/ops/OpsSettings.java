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
 * @param secondApprovalAboveKobo a decision that moves more than this waits for a second,
 * different operator ({@code OPS_SECOND_APPROVAL_ABOVE_KOBO})
 */
@ConfigurationProperties("wallet.ops")
public record OpsSettings(List<String> operatorEmails, long secondApprovalAboveKobo) {

    public OpsSettings {
        operatorEmails = operatorEmails == null ? List.of()
                : operatorEmails.stream()
                    .map(String::strip)
                    .filter(email -> !email.isEmpty())
                    .map(email -> email.toLowerCase(Locale.ROOT))
                    .distinct()
                    .toList();
        if (secondApprovalAboveKobo < 0) {
            throw new IllegalArgumentException("OPS_SECOND_APPROVAL_ABOVE_KOBO must not be negative");
        }
    }

    /** Whether a decision that moves this much waits for a second operator. */
    boolean needsSecondApproval(long kobo) {
        return kobo > secondApprovalAboveKobo;
    }

    /** Whether the person signed in with this email is an operator. */
    public boolean isOperator(String email) {
        return operators().contains(email.strip().toLowerCase(Locale.ROOT));
    }

    private Set<String> operators() {
        return operatorEmails.stream().collect(Collectors.toUnmodifiableSet());
    }

}
