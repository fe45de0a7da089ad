package dev.walletpipeline.api.request;

import dev.walletpipeline.api.problem.BodyTooLarge;
import dev.walletpipeline.api.problem.Problems;
import dev.walletpipeline.api.problem.WalletProblem;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.jackson.autoconfigure.JsonFactoryBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.util.unit.DataSize;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.core.StreamReadConstraints;

/**
 * Every request body is bounded before anything reads it, the unauthenticated ones
 * ({@code /auth/refresh}, {@code /auth/logout}) too: a declared length over the limit is
 * refused at once, and a body without one is counted as it is read and refused once it
 * passes the limit (413 {@code payload_too_large}), so a few large bodies cannot fill the
 * heap. JSON is read with bounded nesting and string and number lengths (400
 * {@code validation_failed}).
 */
@Configuration(proxyBeanMethods = false)
public class RequestLimits {

    /**
     * Settings under {@code wallet.api.request-limits}.
     *
     * @param bodySizeMax the largest request body
     * @param jsonNestingMax how deeply JSON objects and arrays may nest
     * @param jsonStringMax the longest JSON string, in characters
     */
    @ConfigurationProperties("wallet.api.request-limits")
    public record Settings(DataSize bodySizeMax, int jsonNestingMax, int jsonStringMax) {
    }

    /** The limits of JSON as every request body is parsed. */
    @Bean
    JsonFactoryBuilderCustomizer boundedJson(Settings settings) {
        return factory -> factory.streamReadConstraints(StreamReadConstraints.builder()
            .maxNestingDepth(settings.jsonNestingMax())
            .maxStringLength(settings.jsonStringMax())
            .maxNumberLength(40)
            .build());
    }

    @Bean
    BodyLimit bodyLimit(Settings settings) {
        return new BodyLimit(settings.bodySizeMax().toBytes());
    }

    /** First of all filters, security's included. */
    @Order(Ordered.HIGHEST_PRECEDENCE)
    static final class BodyLimit extends OncePerRequestFilter {

        private final long max;

        BodyLimit(long max) {
            this.max = max;
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            if (request.getContentLengthLong() > max) {
                response.setHeader("Connection", "close");
                Problems.write(response, tooLarge(max));
                return;
            }
            chain.doFilter(new HttpServletRequestWrapper(request) {

                private ServletInputStream counted;

                @Override
                public ServletInputStream getInputStream() throws IOException {
                    if (counted == null) {
                        counted = new Counted(super.getInputStream(), max);
                    }
                    return counted;
                }
            }, response);
        }

    }

    static WalletProblem tooLarge(long max) {
        return new WalletProblem(WalletProblem.Kind.TOO_LARGE, "payload_too_large",
                "the request body is larger than " + max + " bytes");
    }

    private static final class Counted extends ServletInputStream {

        private final ServletInputStream in;

        private final long max;

        private long read;

        Counted(ServletInputStream in, long max) {
            this.in = in;
            this.max = max;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = in.read(buffer, offset, length);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) throws BodyTooLarge {
            read += n;
            if (read > max) {
                throw new BodyTooLarge(max);
            }
        }

        @Override
        public boolean isFinished() {
            return in.isFinished();
        }

        @Override
        public boolean isReady() {
            return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }

    }

}
