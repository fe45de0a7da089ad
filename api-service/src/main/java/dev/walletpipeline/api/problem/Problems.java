package dev.walletpipeline.api.problem;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import tools.jackson.databind.json.JsonMapper;

/**
 * Builds problem details; also writes them from servlet filters, which run before any
 * controller.
 */
public final class Problems {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private Problems() {
    }

    public static ProblemDetail of(int status, String code, String detail, @Nullable String field) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatusCode.valueOf(status), detail);
        problem.setType(URI.create("/problems/" + code));
        problem.setProperty("code", code);
        if (field != null) {
            problem.setProperty("field", field);
        }
        return problem;
    }

    public static ProblemDetail of(WalletProblem problem) {
        return of(problem.kind().status(), problem.code(), problem.getMessage(), problem.field());
    }

    public static void write(HttpServletResponse response, WalletProblem problem) throws IOException {
        ProblemDetail detail = of(problem);
        response.setStatus(detail.getStatus());
        response.setContentType("application/problem+json");
        if (problem.retryAfter() != null) {
            response.setHeader("Retry-After", Long.toString(Math.max(1, problem.retryAfter().toSeconds())));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", String.valueOf(detail.getType()));
        body.put("title", detail.getTitle());
        body.put("status", detail.getStatus());
        body.put("detail", detail.getDetail());
        if (detail.getProperties() != null) {
            body.putAll(detail.getProperties());
        }
        response.getOutputStream().write(JSON.writeValueAsBytes(body));
    }

}
