package dev.walletpipeline.webhook.internal;

import dev.walletpipeline.webhook.WebhookSettings;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.apache.catalina.connector.Connector;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.http.HttpStatus;

/**
 * The second port ({@code INTERNAL_PORT}, 8083 locally) on which api-service reaches this
 * service: Paystack's API with the key only this service holds, and verification of
 * payments whose webhook never came. The public port, the one Paystack reaches, answers
 * 404 for every {@code /internal/} path; the internal port answers only a caller that
 * sends the service credential ({@code Authorization: Bearer <INTERNAL_SERVICE_TOKEN>},
 * compared in constant time), 401 otherwise. Deployments publish the public port only.
 *
 * <p>
 * The path check here is the fast refusal; each internal controller also calls
 * {@link #require} itself, so that no spelling of a path reaches an internal handler
 * through the public port.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class InternalListener extends OncePerRequestFilter
        implements WebServerFactoryCustomizer<TomcatServletWebServerFactory> {

    private static final String PREFIX = "/internal/";

    private final Connector connector;

    private final byte[] tokenDigest;

    InternalListener(WebhookSettings settings) {
        this.connector = new Connector();
        this.connector.setPort(settings.internal().port());
        this.tokenDigest = sha256(settings.internal().serviceToken());
    }

    @Override
    public void customize(TomcatServletWebServerFactory factory) {
        factory.addAdditionalConnectors(connector);
    }

    /** The port the internal listener is bound to (known once the server started). */
    public int port() {
        return connector.getLocalPort();
    }

    /**
     * Refuses with 404, as an unknown path would be, a request that did not come through
     * the internal port.
     */
    public void require(HttpServletRequest request) {
        if (!internal(request)) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND);
        }
    }

    private boolean internal(HttpServletRequest request) {
        return request.getLocalPort() == connector.getLocalPort();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        boolean internalPath = request.getRequestURI().startsWith(PREFIX)
                || request.getServletPath().startsWith(PREFIX);
        if (internal(request) != internalPath) {
            refuse(response, 404, "not_found", "no such resource");
            return;
        }
        if (internalPath && !credentialMatches(request.getHeader("authorization"))) {
            refuse(response, 401, "service_credential_invalid",
                    "internal calls need the service credential: Authorization: Bearer <INTERNAL_SERVICE_TOKEN>");
            return;
        }
        chain.doFilter(request, response);
    }

    private boolean credentialMatches(@Nullable String authorization) {
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            return false;
        }
        return MessageDigest.isEqual(tokenDigest, sha256(authorization.substring("Bearer ".length())));
    }

    private static void refuse(HttpServletResponse response, int status, String code, String detail)
            throws IOException {
        response.setStatus(status);
        response.setContentType("application/problem+json");
        response.getOutputStream()
            .write(("{\"type\":\"/problems/" + code + "\",\"title\":\"" + HttpStatus.valueOf(status).getReasonPhrase()
                    + "\",\"status\":" + status + ",\"detail\":\"" + detail + "\",\"code\":\"" + code + "\"}")
                .getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

}
