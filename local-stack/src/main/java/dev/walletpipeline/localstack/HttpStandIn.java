package dev.walletpipeline.localstack;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jspecify.annotations.Nullable;

/** The small HTTP server under the third-party stand-ins (OpenID Connect, Paystack). */
abstract class HttpStandIn implements AutoCloseable {

    /**
     * Where a stand-in listens and how it is reached: {@code url} by the services (the
     * OpenID issuer, Paystack's base URL), {@code publicUrl} by a person's browser (the
     * sign-in form, the checkout page). Both default to {@code http://localhost:<port>}.
     */
    record Exposure(String bindHost, int port, @Nullable String url, @Nullable String publicUrl) {

        /** On this machine's loopback, as the local run and the tests have it. */
        static Exposure local(int port) {
            return new Exposure("localhost", port, null, null);
        }

    }

    private final HttpServer server;

    private final Exposure exposure;

    HttpStandIn(Exposure exposure) {
        this.exposure = exposure;
        try {
            server = HttpServer.create(new InetSocketAddress(exposure.bindHost(), exposure.port()), 64);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newFixedThreadPool(4));
    }

    final void route(String path, Handler handler) {
        server.createContext(path, exchange -> {
            try (exchange) {
                handler.handle(exchange);
            }
            catch (RuntimeException e) {
                respond(exchange, 500, "application/json", "{\"error\":\"server_error\"}");
            }
        });
    }

    final void serve() {
        server.start();
    }

    public final int port() {
        return server.getAddress().getPort();
    }

    public final String baseUrl() {
        return exposure.url() != null ? exposure.url() : "http://localhost:" + port();
    }

    /** The URL a browser reaches the stand-in at. */
    public final String publicUrl() {
        return exposure.publicUrl() != null ? exposure.publicUrl() : baseUrl();
    }

    @Override
    public void close() {
        server.stop(0);
        ((ExecutorService) server.getExecutor()).shutdownNow();
    }

    static Map<String, String> query(String raw) {
        Map<String, String> values = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return values;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            values.putIfAbsent(name, value);
        }
        return values;
    }

    static Map<String, String> form(HttpExchange exchange) throws IOException {
        return query(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    }

    static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("content-type", contentType);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
    }

    static void redirect(HttpExchange exchange, String location) throws IOException {
        exchange.getResponseHeaders().set("location", location);
        exchange.sendResponseHeaders(302, -1);
    }

    static String html(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    @FunctionalInterface
    interface Handler {

        void handle(HttpExchange exchange) throws IOException;

    }

}
