package dev.walletpipeline.webhook.paystack;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** 503 when Kafka did not take the event: Paystack retries on any non-200. */
@RestControllerAdvice
class WebhookExceptionHandler {

    @ExceptionHandler(EventPublisher.EventNotStored.class)
    @ResponseStatus(HttpStatus.SERVICE_UNAVAILABLE)
    ProblemDetail eventNotStored(EventPublisher.EventNotStored e) {
        return WebhookProblems.problem(HttpStatus.SERVICE_UNAVAILABLE, "event_not_stored",
                "the event could not be stored; retry later");
    }

}
