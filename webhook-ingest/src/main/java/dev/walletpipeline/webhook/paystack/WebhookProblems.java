package dev.walletpipeline.webhook.paystack;

import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/** What the webhook refuses, each an RFC 9457 problem with a stable {@code code}. */
final class WebhookProblems {

    private WebhookProblems() {
    }

    static ProblemDetail problem(HttpStatus status, String code, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(URI.create("/problems/" + code));
        problem.setProperty("code", code);
        return problem;
    }

    static final class SignatureInvalid extends ErrorResponseException {

        SignatureInvalid() {
            super(HttpStatus.UNAUTHORIZED, problem(HttpStatus.UNAUTHORIZED, "signature_invalid",
                    "x-paystack-signature is missing or does not match the body"), null);
        }

    }

    static final class SourceNotAllowed extends ErrorResponseException {

        SourceNotAllowed() {
            super(HttpStatus.FORBIDDEN, problem(HttpStatus.FORBIDDEN, "source_not_allowed",
                    "webhooks are accepted only from Paystack's addresses"), null);
        }

    }

    static final class NotJson extends ErrorResponseException {

        NotJson(String detail) {
            super(HttpStatus.BAD_REQUEST, problem(HttpStatus.BAD_REQUEST, "validation_failed", detail), null);
        }

    }

    static final class PayloadTooLarge extends ErrorResponseException {

        PayloadTooLarge(long limit) {
            super(HttpStatus.CONTENT_TOO_LARGE, problem(HttpStatus.CONTENT_TOO_LARGE, "payload_too_large",
                    "the body is larger than " + limit + " bytes"), null);
        }

    }

}
