package dev.walletpipeline.api.problem;

import java.net.URI;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.databind.DatabindException;

/**
 * The one mapping from failures to problem details: our own {@link WalletProblem}s,
 * Spring MVC's (404, 405, 415, unreadable JSON, ...), each with a {@code code}, and
 * anything unexpected as a 500 that says nothing about the inside.
 */
@RestControllerAdvice
class ProblemAdvice extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemAdvice.class);

    private static final Map<Integer, String> CODES = Map.of(400, "validation_failed", 401, "credentials_missing", 403,
            "permission_missing", 404, "not_found", 405, "method_not_allowed", 406, "not_acceptable", 413,
            "payload_too_large", 415, "unsupported_media_type", 429, "rate_limited", 500, "internal_error");

    @ExceptionHandler(WalletProblem.class)
    ResponseEntity<ProblemDetail> walletProblem(WalletProblem problem) {
        HttpHeaders headers = new HttpHeaders();
        if (problem.retryAfter() != null) {
            headers.set(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, problem.retryAfter().toSeconds())));
        }
        return ResponseEntity.status(problem.kind().status())
            .headers(headers)
            .contentType(MediaType.APPLICATION_PROBLEM_JSON)
            .body(Problems.of(problem));
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<ProblemDetail> typeMismatch(MethodArgumentTypeMismatchException e) {
        return walletProblem(WalletProblem.invalid(e.getName(), e.getName() + " has the wrong type"));
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e) {
        log.error("unexpected failure", e);
        return ResponseEntity.status(500)
            .contentType(MediaType.APPLICATION_PROBLEM_JSON)
            .body(Problems.of(500, "internal_error", "an unexpected error occurred", null));
    }

    @Override
    protected @Nullable ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        if (BodyTooLarge.among(e)) {
            return ResponseEntity.status(413)
                .header(HttpHeaders.CONNECTION, "close")
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(Problems.of(413, "payload_too_large", rootMessage(e), null));
        }
        String detail = "the request body is not valid JSON of the expected shape";
        if (e.getCause() instanceof StreamConstraintsException limit) {
            detail = "the request body is beyond what JSON here may be: " + limit.getOriginalMessage();
        }
        String field = null;
        if (e.getCause() instanceof DatabindException mapping && !mapping.getPath().isEmpty()) {
            StringBuilder path = new StringBuilder();
            mapping.getPath().forEach(ref -> {
                if (ref.getPropertyName() != null) {
                    path.append(path.isEmpty() ? "" : ".").append(ref.getPropertyName());
                }
                else {
                    path.append('[').append(ref.getIndex()).append(']');
                }
            });
            field = path.toString();
            detail = field + " has the wrong type or format";
        }
        return ResponseEntity.badRequest()
            .contentType(MediaType.APPLICATION_PROBLEM_JSON)
            .body(Problems.of(400, "validation_failed", detail, field));
    }

    /** {@code transfers[2].walletNumber} as {@code transfers[2].wallet_number}. */
    static String snakeCase(String javaPath) {
        return javaPath.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return String.valueOf(root.getMessage());
    }

    @Override
    protected @Nullable ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        var error = e.getBindingResult().getFieldError();
        // As the body names it: the request records' components are read in snake_case.
        String field = error == null ? null : snakeCase(error.getField());
        return ResponseEntity.badRequest()
            .contentType(MediaType.APPLICATION_PROBLEM_JSON)
            .body(Problems.of(400, "validation_failed",
                    field == null ? "the request is invalid" : field + ": " + error.getDefaultMessage(), field));
    }

    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception e, @Nullable Object body, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        ResponseEntity<Object> response = super.handleExceptionInternal(e, body, headers, status, request);
        if (response != null && response.getBody() instanceof ProblemDetail problem) {
            String code = CODES.getOrDefault(status.value(), "http_" + status.value());
            problem.setProperty("code", code);
            problem.setType(URI.create("/problems/" + code));
        }
        return response;
    }

}
