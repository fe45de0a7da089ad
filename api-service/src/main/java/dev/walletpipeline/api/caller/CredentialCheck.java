package dev.walletpipeline.api.caller;

import dev.walletpipeline.api.problem.WalletProblem;

/**
 * Turns one kind of presented credential into a {@link Caller}, or refuses it with its
 * own code.
 */
public interface CredentialCheck {

    /**
     * @throws WalletProblem 401 with the precise code (invalid, expired, revoked)
     */
    Caller verify(String presented);

    /** A refused credential: 401 with the code of docs/API.md. */
    final class Refused extends WalletProblem {

        public Refused(String code, String detail) {
            super(Kind.UNAUTHENTICATED, code, detail);
        }

    }

    /** Checks our access JWTs ({@code Authorization: Bearer}). */
    interface BearerTokens extends CredentialCheck {

    }

    /** Checks API keys ({@code x-api-key}). */
    interface ApiKeys extends CredentialCheck {

    }

}
